/** Builds the network model of a synthesized app (see network.ts for what it holds). */
import { createContext } from "./model-context";
import { NetworkModel } from "./network";
import { buildRouting } from "./routing-model";
import { buildLoadBalancers, buildSecurityGroups } from "./security-group-model";
import { SynthOutput } from "./synth-output";

export * from "./network";

/** Reads every stack of `output` and joins routing and security groups across stacks. */
export function buildNetworkModel(output: SynthOutput): NetworkModel {
  const context = createContext(output);
  const routing = buildRouting(context);
  return {
    ...routing,
    securityGroups: buildSecurityGroups(context, output, routing.subnets),
    loadBalancers: buildLoadBalancers(context),
  };
}
