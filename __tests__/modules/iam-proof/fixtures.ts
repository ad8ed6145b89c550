import { ManagedPolicies } from "../../../modules/iam-proof/managed-policies";
import { collectPolicies, PolicyWorld } from "../../../modules/iam-proof/policies";
import { TerraformValues } from "../../../modules/iam-proof/terraform";
import { SynthOutput, TerraformJson } from "../../../modules/reachability/synth-output";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One hand-written stack: its Region, resources and data sources. */
export interface StackSpec {
  readonly region?: string;
  readonly resource?: Json;
  readonly data?: Json;
  readonly output?: Json;
}

/** A synthesized app from hand-written stacks (local backends at `<name>.tfstate`). */
export function app(stacks: Readonly<Record<string, StackSpec>>): SynthOutput {
  return {
    stacks: new Map(
      Object.entries(stacks).map(([name, spec]) => [
        name,
        {
          provider: { aws: [{ region: spec.region ?? "us-east-1" }] },
          terraform: { backend: { local: { path: `${name}.tfstate` } } },
          resource: spec.resource ?? {},
          data: spec.data ?? {},
          output: spec.output ?? {},
        } as TerraformJson,
      ]),
    ),
  };
}

/** A policy document as a synthesized JSON string. */
export function doc(...statements: Json[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A trust policy for a service. */
export function trust(service: string): string {
  return doc({ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" });
}

/** No AWS-managed policies (unit tests do not read moto). */
export const NO_MANAGED: ManagedPolicies = { file: "(none)", byArn: new Map() };

/** The policies of a hand-written app. */
export function world(output: SynthOutput, managed: ManagedPolicies = NO_MANAGED): PolicyWorld {
  return collectPolicies(new TerraformValues(output), managed);
}
