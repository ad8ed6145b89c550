/** The reachability proof of a synthesized topology: every required flow, hop by hop, and exposure. */
import { PortRange } from "../compute/dask";
import { checkFlow, Hop } from "./analyze";
import { Ipv4Block } from "./cidr-set";
import { Exposure, findExposures } from "./exposure";
import { FLOWS, FlowSpec, RegionScope } from "./flows";
import { buildNetworkModel, NetworkModel, SecurityGroupNode } from "./model";
import { SynthOutput } from "./synth-output";

/** One row of the matrix: a flow between two endpoints on one port range. */
export interface MatrixRow {
  readonly flow: string;
  /** `role@region`. */
  readonly source: string;
  readonly destination: string;
  readonly ports: string;
  readonly status: "pass" | "fail" | "not-deployed";
  /** The first hop that blocks the flow (failures only). */
  readonly hop?: Hop;
  readonly detail: string;
}

/** The proof's result. */
export interface TopologyVerdict {
  readonly clientRegion?: string;
  readonly workerRegions: readonly string[];
  readonly topologyCidrs: readonly string[];
  readonly rows: readonly MatrixRow[];
  readonly exposures: readonly Exposure[];
  /** True when no row fails and every exposure is the allowed public dashboard. */
  readonly ok: boolean;
}

function portsText(range: PortRange): string {
  return range.from === range.to ? `tcp ${range.from}` : `tcp ${range.from}-${range.to}`;
}

function groupsByRoleAndRegion(model: NetworkModel): Map<string, SecurityGroupNode[]> {
  const out = new Map<string, SecurityGroupNode[]>();
  for (const group of model.securityGroups.values()) {
    if (group.role !== undefined) {
      const key = `${group.role}@${group.region}`;
      out.set(key, [...(out.get(key) ?? []), group]);
    }
  }
  return out;
}

/** Checks every flow of `flows` and the exposure of every ingress rule. */
export function verifyTopology(output: SynthOutput, flows: readonly FlowSpec[] = FLOWS): TopologyVerdict {
  const model = buildNetworkModel(output);
  const groups = groupsByRoleAndRegion(model);
  const schedulers = [...model.securityGroups.values()].filter((group) => group.role === "scheduler");
  const clientRegion = schedulers[0]?.region;
  const vpcRegions = [...new Set([...model.vpcs.values()].map((vpc) => vpc.region))].sort();
  const workerRegions = vpcRegions.filter((region) => region !== clientRegion);
  const regionsOf = (scope: RegionScope, role: string): string[] => {
    switch (scope) {
      case "client":
        return clientRegion === undefined ? [] : [clientRegion];
      case "workers":
        return workerRegions;
      default:
        return [...new Set([...model.securityGroups.values()].filter((group) => group.role === role).map((group) => group.region))].sort();
    }
  };

  const rows: MatrixRow[] = [];
  for (const flow of flows) {
    const missingStatus = flow.required ? "fail" : "not-deployed";
    const sourceRegions = regionsOf(flow.source.regions, flow.source.role);
    const destinationRegions = regionsOf(flow.destination.regions, flow.destination.role);
    const ports = flow.ports.map(portsText).join(", ");
    if (sourceRegions.length === 0 || destinationRegions.length === 0) {
      const [scope, role] = sourceRegions.length === 0 ? [flow.source.regions, flow.source.role] : [flow.destination.regions, flow.destination.role];
      const why = scope === "client" && clientRegion === undefined ? "no security group tagged scheduler: the client Region is unknown" : `no security group tagged ${role}`;
      rows.push({ flow: flow.id, source: `${flow.source.role}@${flow.source.regions}`, destination: `${flow.destination.role}@${flow.destination.regions}`, ports, status: missingStatus, hop: flow.required ? "placement" : undefined, detail: why });
      continue;
    }
    for (const sourceRegion of sourceRegions) {
      for (const destinationRegion of destinationRegions) {
        if (flow.pairing === "same-region" && sourceRegion !== destinationRegion) {
          continue;
        }
        const source = `${flow.source.role}@${sourceRegion}`;
        const destination = `${flow.destination.role}@${destinationRegion}`;
        const sources = groups.get(source) ?? [];
        const destinations = groups.get(destination) ?? [];
        if (sources.length === 0 || destinations.length === 0) {
          const missing = sources.length === 0 ? source : destination;
          rows.push({ flow: flow.id, source, destination, ports, status: missingStatus, hop: flow.required ? "placement" : undefined, detail: `no security group tagged ${missing.replace("@", " in ")}` });
          continue;
        }
        for (const from of sources) {
          for (const to of destinations) {
            for (const range of flow.ports) {
              const result = checkFlow(model, from, to, range);
              rows.push(
                result.status === "pass"
                  ? { flow: flow.id, source, destination, ports: portsText(range), status: "pass", detail: result.detail }
                  : { flow: flow.id, source, destination, ports: portsText(range), status: "fail", hop: result.hop, detail: result.detail },
              );
            }
          }
        }
      }
    }
  }

  const cidrs: Ipv4Block[] = [...model.vpcs.values()].flatMap((vpc) => vpc.cidrs);
  const exposures = findExposures(model, cidrs);
  return {
    clientRegion,
    workerRegions,
    topologyCidrs: cidrs.map((cidr) => cidr.cidr).sort(),
    rows,
    exposures,
    ok: rows.every((row) => row.status !== "fail") && exposures.every((exposure) => exposure.allowed),
  };
}
