/**
 * Decides, hop by hop, whether traffic from one security group's placement to another's can
 * pass on a port range: the source subnets' route tables, the source Transit Gateway route
 * table, the accepted peering, the destination Transit Gateway route table, the return path
 * (the destination subnets' routes back and the Transit Gateway route tables in reverse), and
 * finally the security groups (egress at the source, ingress at the destination).
 */
import { PortRange } from "../compute/dask";
import { covers, longestMatch } from "./cidr-set";
import { AttachmentTarget, NetworkModel, SecurityGroupNode, SgRule, SubnetNode, TgwRouteTableNode, VpcNode } from "./model";

/** The hops of a flow, in the order they are checked. */
export const HOPS = [
  "placement",
  "source-route-table",
  "source-attachment",
  "source-tgw-route-table",
  "peering",
  "destination-tgw-route-table",
  "return-route-table",
  "return-attachment",
  "return-tgw-route-table",
  "return-peering",
  "return-source-tgw-route-table",
  "source-egress",
  "destination-ingress",
] as const;

export type Hop = (typeof HOPS)[number];

/** The verdict on one flow between two groups on one port range. */
export type FlowResult = { readonly status: "pass"; readonly detail: string } | { readonly status: "fail"; readonly hop: Hop; readonly detail: string };

interface Side {
  readonly group: SecurityGroupNode;
  readonly vpc: VpcNode;
  readonly subnets: readonly (SubnetNode & { readonly cidr: NonNullable<SubnetNode["cidr"]> })[];
}

/** Labels of the hops of one direction of travel. */
interface PathHops {
  readonly routeTable: Hop;
  readonly attachment: Hop;
  readonly tgwRouteTable: Hop;
  readonly peering: Hop;
  readonly farTgwRouteTable: Hop;
}

const FORWARD: PathHops = {
  routeTable: "source-route-table",
  attachment: "source-attachment",
  tgwRouteTable: "source-tgw-route-table",
  peering: "peering",
  farTgwRouteTable: "destination-tgw-route-table",
};
const RETURN: PathHops = {
  routeTable: "return-route-table",
  attachment: "return-attachment",
  tgwRouteTable: "return-tgw-route-table",
  peering: "return-peering",
  farTgwRouteTable: "return-source-tgw-route-table",
};

class Blocked {
  constructor(
    public readonly hop: Hop,
    public readonly detail: string,
  ) {}
}

function side(model: NetworkModel, group: SecurityGroupNode): Side | Blocked {
  const vpc = group.vpc === undefined ? undefined : model.vpcs.get(group.vpc);
  if (vpc === undefined) {
    return new Blocked("placement", `${group.key}: its vpc_id leads to no VPC of this app`);
  }
  const subnets = group.subnets
    .map((key) => model.subnets.get(key))
    .filter((subnet): subnet is SubnetNode & { cidr: NonNullable<SubnetNode["cidr"]> } => subnet?.cidr !== undefined);
  if (subnets.length === 0) {
    return new Blocked("placement", `${group.key}: no subnet with a CIDR found for the group`);
  }
  return { group, vpc, subnets };
}

/** Describes where a Transit Gateway route table sends `target`. */
type TgwNextHop =
  | { readonly kind: "vpc"; readonly attachment: string; readonly label: string }
  | { readonly kind: "peering"; readonly attachment: string; readonly accepted: boolean; readonly label: string }
  | { readonly kind: "blocked"; readonly hop: "route" | "peering"; readonly detail: string };

function tgwLookup(model: NetworkModel, table: TgwRouteTableNode, target: Side["subnets"][number]): TgwNextHop {
  const candidates: { destination: typeof target.cidr; label: string; static: boolean; blackhole: boolean; target?: AttachmentTarget }[] = [];
  for (const route of table.routes) {
    candidates.push({ destination: route.destination, label: route.label, static: true, blackhole: route.blackhole, target: route.target });
  }
  for (const propagation of table.propagations) {
    if (propagation.target.kind === "vpc") {
      const attachment = model.vpcAttachments.get(propagation.target.key);
      const vpc = attachment?.vpc === undefined ? undefined : model.vpcs.get(attachment.vpc);
      for (const cidr of vpc?.cidrs ?? []) {
        candidates.push({ destination: cidr, label: `${propagation.label} (propagated)`, static: false, blackhole: false, target: propagation.target });
      }
    }
  }
  const best = longestMatch(
    // A static route wins over a propagated one of the same prefix.
    [...candidates].sort((a, b) => Number(b.static) - Number(a.static)),
    target.cidr,
  );
  if (best === undefined) {
    return { kind: "blocked", hop: "route", detail: `${table.key} has no route to ${target.cidr.cidr} (subnet ${target.key})` };
  }
  if (best.blackhole) {
    return { kind: "blocked", hop: "route", detail: `${best.label} blackholes ${best.destination.cidr}` };
  }
  const next = best.target;
  if (next === undefined || next.kind === "unresolved") {
    return { kind: "blocked", hop: "route", detail: `${best.label} (${best.destination.cidr}): its attachment cannot be resolved (${next?.reason ?? "none"})` };
  }
  if (next.kind === "unaccepted") {
    return { kind: "blocked", hop: "peering", detail: `${best.label} (${best.destination.cidr}) targets a peering that is not accepted: ${next.reason}` };
  }
  return next.kind === "vpc"
    ? { kind: "vpc", attachment: next.key, label: best.label }
    : { kind: "peering", attachment: next.key, accepted: next.accepted, label: best.label };
}

function associatedTable(model: NetworkModel, tgw: string, kind: "vpc" | "peering", attachment: string): TgwRouteTableNode | undefined {
  return [...model.tgwRouteTables.values()].find(
    (table) => table.tgw === tgw && table.associations.some((link) => link.target.kind === kind && link.target.key === attachment),
  );
}

/** Checks the routing from `from` to `to` (different VPCs); undefined when it passes. */
function routePath(model: NetworkModel, from: Side, to: Side, hops: PathHops): Blocked | undefined {
  const tgws = new Set<string>();
  for (const subnet of from.subnets) {
    const tableKey = model.subnetRouteTables.get(subnet.key);
    const table = tableKey === undefined ? undefined : model.routeTables.get(tableKey);
    if (table === undefined) {
      return new Blocked(hops.routeTable, `subnet ${subnet.key} has no route table association (the main route table holds local routes only)`);
    }
    for (const target of to.subnets) {
      const route = longestMatch(table.routes, target.cidr);
      if (route === undefined) {
        return new Blocked(hops.routeTable, `${table.key} (subnet ${subnet.key}) has no route to ${target.cidr.cidr}`);
      }
      if (route.target.kind !== "transit-gateway") {
        return new Blocked(hops.routeTable, `${route.label} sends ${target.cidr.cidr} to ${route.target.kind === "other" ? route.target.description : route.target.reason}, not a Transit Gateway`);
      }
      tgws.add(route.target.tgw);
    }
  }
  for (const tgw of tgws) {
    const attachment = [...model.vpcAttachments.values()].find((a) => a.tgw === tgw && a.vpc === from.vpc.key);
    if (attachment === undefined) {
      return new Blocked(hops.attachment, `${tgw} has no VPC attachment to ${from.vpc.key}`);
    }
    const zones = new Set(attachment.subnets.map((key) => model.subnets.get(key)?.zone));
    const stranded = from.subnets.find((subnet) => subnet.zone !== undefined && !zones.has(subnet.zone));
    if (stranded !== undefined) {
      return new Blocked(hops.attachment, `${attachment.key} has no subnet in ${stranded.zone ?? "?"}: subnet ${stranded.key} cannot reach ${tgw}`);
    }
    const table = associatedTable(model, tgw, "vpc", attachment.key);
    if (table === undefined) {
      return new Blocked(hops.tgwRouteTable, `${attachment.key} is associated with no route table of ${tgw}`);
    }
    for (const target of to.subnets) {
      const next = tgwLookup(model, table, target);
      if (next.kind === "blocked") {
        return new Blocked(next.hop === "peering" ? hops.peering : hops.tgwRouteTable, next.detail);
      }
      if (next.kind === "vpc") {
        if (model.vpcAttachments.get(next.attachment)?.vpc !== to.vpc.key) {
          return new Blocked(hops.tgwRouteTable, `${next.label} sends ${target.cidr.cidr} to ${next.attachment}, not to ${to.vpc.key}`);
        }
        continue;
      }
      const peering = model.peerings.get(next.attachment);
      if (!next.accepted || peering === undefined) {
        return new Blocked(hops.peering, `${next.label} uses ${next.attachment}, which no aws_ec2_transit_gateway_peering_attachment_accepter accepts`);
      }
      const far = peering.tgw === tgw ? peering.peerTgw : peering.peerTgw === tgw ? peering.tgw : undefined;
      const farAttachment = [...model.vpcAttachments.values()].find((a) => a.vpc === to.vpc.key && a.tgw === far);
      if (far === undefined || farAttachment === undefined) {
        return new Blocked(hops.peering, `${next.label} uses ${peering.key}, which does not connect ${tgw} to the Transit Gateway of ${to.vpc.key}`);
      }
      const farTable = associatedTable(model, far, "peering", peering.key);
      if (farTable === undefined) {
        return new Blocked(hops.farTgwRouteTable, `${peering.key} is associated with no route table of ${far}`);
      }
      const delivered = tgwLookup(model, farTable, target);
      if (delivered.kind === "blocked") {
        return new Blocked(hops.farTgwRouteTable, delivered.detail);
      }
      if (delivered.kind !== "vpc" || delivered.attachment !== farAttachment.key) {
        return new Blocked(hops.farTgwRouteTable, `${delivered.label} sends ${target.cidr.cidr} to ${delivered.attachment}, not to ${farAttachment.key}`);
      }
    }
  }
  return undefined;
}

function portsText(ports: PortRange): string {
  return ports.from === ports.to ? `tcp ${ports.from}` : `tcp ${ports.from}-${ports.to}`;
}

/** Checks that the group's rules in `direction` admit every port of `ports` from/to every peer subnet. */
function groupAdmits(group: SecurityGroupNode, direction: "ingress" | "egress", ports: PortRange, peer: Side, sameVpc: boolean): string | undefined {
  const rules = group.rules.filter((rule) => rule.direction === direction && (rule.protocol === "tcp" || rule.protocol === "all"));
  for (let port = ports.from; port <= ports.to; port++) {
    const open: SgRule[] = rules.filter((rule) => rule.fromPort <= port && port <= rule.toPort);
    if (sameVpc && open.some((rule) => rule.groups.includes(peer.group.key))) {
      continue;
    }
    const cidrs = open.flatMap((rule) => rule.cidrs);
    const missing = peer.subnets.find((subnet) => !covers(cidrs, subnet.cidr));
    if (missing !== undefined) {
      const way = direction === "egress" ? "to" : "from";
      return `${group.key}${group.role ? ` (${group.role})` : ""} has no ${direction} rule admitting tcp ${port} ${way} ${missing.cidr.cidr} (subnet ${missing.key} of ${peer.group.key})`;
    }
  }
  return undefined;
}

/** Whether traffic from `source`'s placement reaches `destination`'s on `ports`, and if not, the first hop that blocks it. */
export function checkFlow(model: NetworkModel, source: SecurityGroupNode, destination: SecurityGroupNode, ports: PortRange): FlowResult {
  const from = side(model, source);
  const to = side(model, destination);
  for (const end of [from, to]) {
    if (end instanceof Blocked) {
      return { status: "fail", hop: end.hop, detail: end.detail };
    }
  }
  const a = from as Side;
  const b = to as Side;
  const sameVpc = a.vpc.key === b.vpc.key;
  if (!sameVpc) {
    const blocked = routePath(model, a, b, FORWARD) ?? routePath(model, b, a, RETURN);
    if (blocked !== undefined) {
      return { status: "fail", hop: blocked.hop, detail: blocked.detail };
    }
  }
  const egress = groupAdmits(source, "egress", ports, b, sameVpc);
  if (egress !== undefined) {
    return { status: "fail", hop: "source-egress", detail: egress };
  }
  const ingress = groupAdmits(destination, "ingress", ports, a, sameVpc);
  if (ingress !== undefined) {
    return { status: "fail", hop: "destination-ingress", detail: ingress };
  }
  const notes = [source, destination].map((group) => group.placementNote && `${group.key}: ${group.placementNote}`).filter(Boolean);
  return { status: "pass", detail: [`${portsText(ports)} ${sameVpc ? "within the VPC" : "over the peering, both ways"}`, ...notes].join("; ") };
}
