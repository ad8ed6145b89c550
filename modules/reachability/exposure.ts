/**
 * Nothing is reachable from outside the topology: no ingress rule admits an address outside
 * the VPC CIDRs of the synthesized app (IPv6 and prefix lists count as outside), except the
 * dashboard's load balancer when it is explicitly public: internet-facing, with HTTPS (or TLS)
 * listeners only, and the rule limited to the listener ports.
 */
import { covers, Ipv4Block } from "./cidr-set";
import { NetworkModel, SecurityGroupNode, SgRule } from "./model";

/** Flow role of the dashboard's load balancer. */
export const DASHBOARD_ROLE = "dashboard-lb";

/** One ingress rule admitting addresses from outside the topology. */
export interface Exposure {
  readonly group: string;
  readonly role?: string;
  readonly rule: string;
  /** What the rule admits, e.g. `0.0.0.0/0 tcp 443`. */
  readonly admits: string;
  /** True for the explicitly public dashboard. */
  readonly allowed: boolean;
  readonly note: string;
}

function portsOf(rule: SgRule): string {
  return rule.protocol === "all" ? "all traffic" : rule.fromPort === rule.toPort ? `${rule.protocol} ${rule.fromPort}` : `${rule.protocol} ${rule.fromPort}-${rule.toPort}`;
}

/** Why a dashboard group may be open to the internet, or undefined. */
function publicDashboard(model: NetworkModel, group: SecurityGroupNode, rule: SgRule): string | undefined {
  if (group.role !== DASHBOARD_ROLE || rule.protocol !== "tcp") {
    return undefined;
  }
  const lb = [...model.loadBalancers.values()].find((candidate) => !candidate.internal && candidate.securityGroups.includes(group.key));
  if (lb === undefined || lb.listeners.length === 0 || !lb.listeners.every((listener) => listener.protocol === "HTTPS" || listener.protocol === "TLS")) {
    return undefined;
  }
  const ports = lb.listeners.map((listener) => listener.port);
  const within = rule.fromPort === rule.toPort && ports.includes(rule.fromPort);
  return within ? `public dashboard: ${lb.key} is internet-facing with HTTPS listeners only (dashboard.public)` : undefined;
}

/** Every ingress rule of the model that admits addresses outside `topologyCidrs`. */
export function findExposures(model: NetworkModel, topologyCidrs: readonly Ipv4Block[]): Exposure[] {
  const exposures: Exposure[] = [];
  for (const group of model.securityGroups.values()) {
    for (const rule of group.rules) {
      if (rule.direction !== "ingress") {
        continue;
      }
      const outside = [
        ...rule.cidrs.filter((cidr) => !covers(topologyCidrs, cidr)).map((cidr) => cidr.cidr),
        ...rule.ipv6Cidrs,
        ...rule.prefixLists.map((id) => `prefix list ${id}`),
      ];
      for (const source of outside) {
        const dashboard = publicDashboard(model, group, rule);
        exposures.push({
          group: group.key,
          role: group.role,
          rule: rule.label,
          admits: `${source} ${portsOf(rule)}`,
          allowed: dashboard !== undefined,
          note: dashboard ?? "admits addresses outside the topology's CIDRs",
        });
      }
    }
  }
  return exposures;
}
