/**
 * The network of a synthesized app, read from every stack's Terraform JSON and joined across
 * stacks: VPCs, subnets and their route tables, Transit Gateways with their route tables,
 * attachments and peerings, and security groups with their rules and where they are placed.
 */
import { FLOW_ROLE_TAG } from "../network/ports";
import { parseReference, stringsIn } from "../guardrails/refs";
import { Ipv4Block, toBlock } from "./cidr-set";
import { addressKey, References } from "./references";
import { Block, stackRegion, SynthOutput } from "./synth-output";

export interface VpcNode {
  readonly key: string;
  readonly region: string;
  readonly cidrs: readonly Ipv4Block[];
}

export interface SubnetNode {
  readonly key: string;
  readonly vpc?: string;
  readonly cidr?: Ipv4Block;
  readonly zone?: string;
}

/** Where a VPC route sends traffic. */
export type VpcRouteTarget =
  | { readonly kind: "transit-gateway"; readonly tgw: string }
  | { readonly kind: "other"; readonly description: string }
  | { readonly kind: "unresolved"; readonly reason: string };

export interface VpcRoute {
  /** The route's address (`stack/aws_route.name`, or the route table's inline block). */
  readonly label: string;
  readonly destination: Ipv4Block;
  readonly target: VpcRouteTarget;
}

export interface RouteTableNode {
  readonly key: string;
  readonly vpc?: string;
  readonly routes: readonly VpcRoute[];
}

/** What a Transit Gateway route, association or propagation points at. */
export type AttachmentTarget =
  | { readonly kind: "vpc"; readonly key: string }
  | { readonly kind: "peering"; readonly key: string; readonly accepted: boolean }
  /** A reference to a peering accepter that does not exist: the peering is not accepted. */
  | { readonly kind: "unaccepted"; readonly reason: string }
  | { readonly kind: "unresolved"; readonly reason: string };

export interface VpcAttachmentNode {
  readonly key: string;
  readonly tgw?: string;
  readonly vpc?: string;
  readonly subnets: readonly string[];
}

export interface PeeringNode {
  readonly key: string;
  /** The requester's Transit Gateway. */
  readonly tgw?: string;
  /** The accepter's Transit Gateway. */
  readonly peerTgw?: string;
  /** Accepters of this peering (addresses). */
  readonly accepters: readonly string[];
}

export interface TgwRoute {
  readonly label: string;
  readonly destination: Ipv4Block;
  readonly blackhole: boolean;
  readonly target?: AttachmentTarget;
}

export interface TgwAttachmentLink {
  readonly label: string;
  readonly target: AttachmentTarget;
}

export interface TgwRouteTableNode {
  readonly key: string;
  readonly tgw?: string;
  readonly associations: readonly TgwAttachmentLink[];
  readonly propagations: readonly TgwAttachmentLink[];
  readonly routes: readonly TgwRoute[];
}

/** One security group rule, normalised (all protocols as names, ports as an inclusive range). */
export interface SgRule {
  readonly label: string;
  readonly direction: "ingress" | "egress";
  /** `tcp`, `udp`, `icmp`, ... or `all`. */
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrs: readonly Ipv4Block[];
  readonly ipv6Cidrs: readonly string[];
  readonly prefixLists: readonly string[];
  /** Referenced security groups (keys); `self` rules reference their own group. */
  readonly groups: readonly string[];
}

export interface SecurityGroupNode {
  readonly key: string;
  readonly region: string;
  readonly vpc?: string;
  /** The `proximate:flow-role` tag. */
  readonly role?: string;
  readonly rules: readonly SgRule[];
  /** Subnets of the resources that use the group (or every subnet of its VPC, see `placementNote`). */
  readonly subnets: readonly string[];
  readonly placementNote?: string;
}

/** Load balancers, for the exposure check (is a public dashboard explicitly configured?). */
export interface LoadBalancerNode {
  readonly key: string;
  readonly internal: boolean;
  readonly securityGroups: readonly string[];
  /** Listener protocols and ports. */
  readonly listeners: readonly { readonly protocol: string; readonly port: number }[];
}

/** The whole network. */
export interface NetworkModel {
  readonly vpcs: ReadonlyMap<string, VpcNode>;
  readonly subnets: ReadonlyMap<string, SubnetNode>;
  /** Route table of each subnet (explicit association), by subnet key. */
  readonly subnetRouteTables: ReadonlyMap<string, string>;
  readonly routeTables: ReadonlyMap<string, RouteTableNode>;
  readonly transitGateways: ReadonlyMap<string, { readonly key: string; readonly region: string }>;
  readonly vpcAttachments: ReadonlyMap<string, VpcAttachmentNode>;
  readonly peerings: ReadonlyMap<string, PeeringNode>;
  readonly tgwRouteTables: ReadonlyMap<string, TgwRouteTableNode>;
  readonly securityGroups: ReadonlyMap<string, SecurityGroupNode>;
  readonly loadBalancers: ReadonlyMap<string, LoadBalancerNode>;
}

const SG_TYPES = ["aws_security_group", "aws_default_security_group"];
const SG_RULE_TYPES = new Set(["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule", "aws_security_group_rule"]);
const PROTOCOLS: Readonly<Record<string, string>> = { "-1": "all", all: "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

function list(value: unknown): unknown[] {
  return value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
}

function blocks(value: unknown): Block[] {
  return list(value).filter((item): item is Block => item !== null && typeof item === "object" && !Array.isArray(item));
}

function protocolName(value: unknown): string {
  const text = String(value ?? "all").toLowerCase();
  return PROTOCOLS[text] ?? text;
}

/** Builds the network model of a synthesized app. */
export function buildNetworkModel(output: SynthOutput): NetworkModel {
  const refs = new References(output);
  const regionOf = (stack: string) => stackRegion(output.stacks.get(stack) ?? {}) ?? "unknown";
  const keyOf = (stack: string, value: unknown, types: readonly string[]): string | undefined => {
    const resolution = refs.resolveTo(stack, value, types);
    return resolution.ok ? addressKey(resolution.ref) : undefined;
  };

  const vpcs = new Map<string, VpcNode>();
  for (const { address, config } of refs.resources("aws_vpc")) {
    const cidr = toBlock(config.cidr_block);
    vpcs.set(addressKey(address), { key: addressKey(address), region: regionOf(address.stack), cidrs: cidr ? [cidr] : [] });
  }
  for (const { address, config } of refs.resources("aws_vpc_ipv4_cidr_block_association")) {
    const vpc = vpcs.get(keyOf(address.stack, config.vpc_id, ["aws_vpc"]) ?? "");
    const cidr = toBlock(config.cidr_block);
    if (vpc !== undefined && cidr !== undefined) {
      vpcs.set(vpc.key, { ...vpc, cidrs: [...vpc.cidrs, cidr] });
    }
  }

  const subnets = new Map<string, SubnetNode>();
  for (const { address, config } of refs.resources("aws_subnet")) {
    const key = addressKey(address);
    subnets.set(key, {
      key,
      vpc: keyOf(address.stack, config.vpc_id, ["aws_vpc"]),
      cidr: toBlock(config.cidr_block),
      zone: typeof config.availability_zone === "string" ? config.availability_zone : undefined,
    });
  }

  const transitGateways = new Map<string, { key: string; region: string }>();
  for (const { address } of refs.resources("aws_ec2_transit_gateway")) {
    transitGateways.set(addressKey(address), { key: addressKey(address), region: regionOf(address.stack) });
  }
  const vpcTarget = (stack: string, route: Block, label: string): VpcRouteTarget => {
    if (route.transit_gateway_id !== undefined && route.transit_gateway_id !== null && route.transit_gateway_id !== "") {
      const resolution = refs.resolveTo(stack, route.transit_gateway_id, ["aws_ec2_transit_gateway"]);
      return resolution.ok ? { kind: "transit-gateway", tgw: addressKey(resolution.ref) } : { kind: "unresolved", reason: `${label}: ${resolution.reason}` };
    }
    const other = ["gateway_id", "nat_gateway_id", "vpc_peering_connection_id", "network_interface_id", "vpc_endpoint_id", "egress_only_gateway_id", "local_gateway_id", "carrier_gateway_id", "core_network_arn"].find(
      (attribute) => route[attribute] !== undefined && route[attribute] !== null && route[attribute] !== "",
    );
    return { kind: "other", description: other === undefined ? "no target" : `${other} ${String(route[other])}` };
  };

  const routeTables = new Map<string, { key: string; vpc?: string; routes: VpcRoute[] }>();
  for (const { address, config } of refs.resources("aws_route_table")) {
    const key = addressKey(address);
    const routes: VpcRoute[] = [];
    blocks(config.route).forEach((route, index) => {
      const destination = toBlock(route.cidr_block);
      if (destination !== undefined) {
        const label = `${key} route ${index + 1}`;
        routes.push({ label, destination, target: vpcTarget(address.stack, route, label) });
      }
    });
    routeTables.set(key, { key, vpc: keyOf(address.stack, config.vpc_id, ["aws_vpc"]), routes });
  }
  for (const { address, config } of refs.resources("aws_route")) {
    const table = routeTables.get(keyOf(address.stack, config.route_table_id, ["aws_route_table"]) ?? "");
    const destination = toBlock(config.destination_cidr_block);
    if (table !== undefined && destination !== undefined) {
      const label = addressKey(address);
      table.routes.push({ label, destination, target: vpcTarget(address.stack, config, label) });
    }
  }
  const subnetRouteTables = new Map<string, string>();
  for (const { address, config } of refs.resources("aws_route_table_association")) {
    const subnet = keyOf(address.stack, config.subnet_id, ["aws_subnet"]);
    const table = keyOf(address.stack, config.route_table_id, ["aws_route_table"]);
    if (subnet !== undefined && table !== undefined) {
      subnetRouteTables.set(subnet, table);
    }
  }

  const vpcAttachments = new Map<string, VpcAttachmentNode>();
  for (const { address, config } of refs.resources("aws_ec2_transit_gateway_vpc_attachment")) {
    const key = addressKey(address);
    vpcAttachments.set(key, {
      key,
      tgw: keyOf(address.stack, config.transit_gateway_id, ["aws_ec2_transit_gateway"]),
      vpc: keyOf(address.stack, config.vpc_id, ["aws_vpc"]),
      subnets: list(config.subnet_ids)
        .map((id) => keyOf(address.stack, id, ["aws_subnet"]))
        .filter((subnet): subnet is string => subnet !== undefined),
    });
  }
  const peerings = new Map<string, { key: string; tgw?: string; peerTgw?: string; accepters: string[] }>();
  for (const { address, config } of refs.resources("aws_ec2_transit_gateway_peering_attachment")) {
    const key = addressKey(address);
    peerings.set(key, {
      key,
      tgw: keyOf(address.stack, config.transit_gateway_id, ["aws_ec2_transit_gateway"]),
      peerTgw: keyOf(address.stack, config.peer_transit_gateway_id, ["aws_ec2_transit_gateway"]),
      accepters: [],
    });
  }
  const accepterOf = new Map<string, string>();
  for (const { address, config } of refs.resources("aws_ec2_transit_gateway_peering_attachment_accepter")) {
    const peering = peerings.get(keyOf(address.stack, config.transit_gateway_attachment_id, ["aws_ec2_transit_gateway_peering_attachment"]) ?? "");
    if (peering !== undefined) {
      peering.accepters.push(addressKey(address));
      accepterOf.set(addressKey(address), peering.key);
    }
  }

  const attachmentTarget = (stack: string, value: unknown): AttachmentTarget => {
    const resolution = refs.resolve(stack, value);
    if (!resolution.ok) {
      return { kind: "unresolved", reason: resolution.reason };
    }
    const key = addressKey(resolution.ref);
    switch (resolution.ref.type) {
      case "aws_ec2_transit_gateway_vpc_attachment":
        return vpcAttachments.has(key) ? { kind: "vpc", key } : { kind: "unresolved", reason: `${key} does not exist` };
      case "aws_ec2_transit_gateway_peering_attachment": {
        const peering = peerings.get(key);
        return peering === undefined ? { kind: "unaccepted", reason: `peering ${key} does not exist` } : { kind: "peering", key, accepted: peering.accepters.length > 0 };
      }
      case "aws_ec2_transit_gateway_peering_attachment_accepter": {
        const peering = accepterOf.get(key);
        if (peering !== undefined) {
          return { kind: "peering", key: peering, accepted: true };
        }
        return refs.resource(resolution.ref) === undefined
          ? { kind: "unaccepted", reason: `accepter ${key} does not exist` }
          : { kind: "unresolved", reason: `accepter ${key} accepts no peering attachment of this app` };
      }
      default:
        return { kind: "unresolved", reason: `${key} is not a Transit Gateway attachment` };
    }
  };

  const tgwRouteTables = new Map<string, { key: string; tgw?: string; associations: TgwAttachmentLink[]; propagations: TgwAttachmentLink[]; routes: TgwRoute[] }>();
  for (const { address, config } of refs.resources("aws_ec2_transit_gateway_route_table")) {
    const key = addressKey(address);
    tgwRouteTables.set(key, { key, tgw: keyOf(address.stack, config.transit_gateway_id, ["aws_ec2_transit_gateway"]), associations: [], propagations: [], routes: [] });
  }
  const tableOf = (stack: string, value: unknown) => tgwRouteTables.get(keyOf(stack, value, ["aws_ec2_transit_gateway_route_table"]) ?? "");
  for (const [type, field] of [
    ["aws_ec2_transit_gateway_route_table_association", "associations"],
    ["aws_ec2_transit_gateway_route_table_propagation", "propagations"],
  ] as const) {
    for (const { address, config } of refs.resources(type)) {
      tableOf(address.stack, config.transit_gateway_route_table_id)?.[field].push({
        label: addressKey(address),
        target: attachmentTarget(address.stack, config.transit_gateway_attachment_id),
      });
    }
  }
  for (const { address, config } of refs.resources("aws_ec2_transit_gateway_route")) {
    const destination = toBlock(config.destination_cidr_block);
    const table = tableOf(address.stack, config.transit_gateway_route_table_id);
    if (table !== undefined && destination !== undefined) {
      const blackhole = config.blackhole === true || config.blackhole === "true";
      table.routes.push({
        label: addressKey(address),
        destination,
        blackhole,
        target: blackhole ? undefined : attachmentTarget(address.stack, config.transit_gateway_attachment_id),
      });
    }
  }

  // Which resources reference which (security groups are placed where their users' subnets are).
  const referrers = new Map<string, Set<string>>();
  const subnetsOf = new Map<string, string[]>();
  for (const [stack, json] of output.stacks) {
    for (const [type, byName] of Object.entries(json.resource ?? {})) {
      if (SG_RULE_TYPES.has(type) || SG_TYPES.includes(type)) {
        continue;
      }
      for (const [name, config] of Object.entries(byName)) {
        const self = addressKey({ stack, type, name });
        const found: string[] = [];
        for (const text of stringsIn(config)) {
          if (!text.startsWith("${") || parseReference(text) === undefined) {
            continue;
          }
          const resolution = refs.resolve(stack, text);
          if (!resolution.ok) {
            continue;
          }
          const target = addressKey(resolution.ref);
          if (resolution.ref.type === "aws_subnet") {
            found.push(target);
          }
          let set = referrers.get(target);
          if (set === undefined) {
            set = new Set();
            referrers.set(target, set);
          }
          set.add(self);
        }
        subnetsOf.set(self, found);
      }
    }
  }

  const securityGroups = new Map<string, SecurityGroupNode>();
  const groupRules = new Map<string, SgRule[]>();
  const sgKey = (stack: string, value: unknown) => keyOf(stack, value, SG_TYPES);
  const ruleFrom = (label: string, direction: "ingress" | "egress", stack: string, spec: Block, selfKey?: string): SgRule => {
    const protocol = protocolName(spec.ip_protocol ?? spec.protocol);
    const all = protocol === "all";
    const groups = [spec.referenced_security_group_id, spec.source_security_group_id, ...list(spec.security_groups)]
      .filter((id) => id !== undefined && id !== null)
      .map((id) => sgKey(stack, id) ?? `unresolved:${String(id)}`);
    if ((spec.self === true || spec.self === "true") && selfKey !== undefined) {
      groups.push(selfKey);
    }
    return {
      label,
      direction,
      protocol,
      fromPort: all ? 0 : Number(spec.from_port ?? 0),
      toPort: all ? 65535 : Number(spec.to_port ?? 65535),
      cidrs: [spec.cidr_ipv4, ...list(spec.cidr_blocks)].map(toBlock).filter((b): b is Ipv4Block => b !== undefined),
      ipv6Cidrs: [spec.cidr_ipv6, ...list(spec.ipv6_cidr_blocks)].filter((c): c is string => typeof c === "string"),
      prefixLists: [spec.prefix_list_id, ...list(spec.prefix_list_ids)].filter((p): p is string => typeof p === "string"),
      groups,
    };
  };
  const addRule = (group: string | undefined, rule: SgRule) => {
    if (group !== undefined) {
      groupRules.set(group, [...(groupRules.get(group) ?? []), rule]);
    }
  };
  for (const [type, direction] of [
    ["aws_vpc_security_group_ingress_rule", "ingress"],
    ["aws_vpc_security_group_egress_rule", "egress"],
  ] as const) {
    for (const { address, config } of refs.resources(type)) {
      addRule(sgKey(address.stack, config.security_group_id), ruleFrom(addressKey(address), direction, address.stack, config));
    }
  }
  for (const { address, config } of refs.resources("aws_security_group_rule")) {
    const group = sgKey(address.stack, config.security_group_id);
    addRule(group, ruleFrom(addressKey(address), config.type === "egress" ? "egress" : "ingress", address.stack, config, group));
  }
  for (const type of SG_TYPES) {
    for (const { address, config } of refs.resources(type)) {
      const key = addressKey(address);
      for (const direction of ["ingress", "egress"] as const) {
        blocks(config[direction]).forEach((spec, index) => addRule(key, ruleFrom(`${key} ${direction} block ${index + 1}`, direction, address.stack, spec, key)));
      }
    }
  }
  for (const type of SG_TYPES) {
    for (const { address, config } of refs.resources(type)) {
      const key = addressKey(address);
      const vpc = keyOf(address.stack, config.vpc_id, ["aws_vpc"]);
      const tags = config.tags as Record<string, unknown> | undefined;
      const role = typeof tags?.[FLOW_ROLE_TAG] === "string" ? (tags[FLOW_ROLE_TAG] as string) : undefined;
      const users = [...(referrers.get(key) ?? [])];
      let placed = users.flatMap((user) => subnetsOf.get(user) ?? []);
      if (placed.length === 0) {
        // Launch templates carry groups but no subnets: their Auto Scaling groups and instances do.
        placed = users.flatMap((user) => [...(referrers.get(user) ?? [])]).flatMap((user) => subnetsOf.get(user) ?? []);
      }
      let placementNote: string | undefined;
      if (placed.length === 0) {
        placed = [...subnets.values()].filter((subnet) => vpc !== undefined && subnet.vpc === vpc).map((subnet) => subnet.key);
        placementNote = "no resource with subnets uses this group: assumed in every subnet of its VPC";
      }
      securityGroups.set(key, {
        key,
        region: regionOf(address.stack),
        vpc,
        role,
        rules: groupRules.get(key) ?? [],
        subnets: [...new Set(placed)].sort(),
        placementNote,
      });
    }
  }

  const loadBalancers = new Map<string, { key: string; internal: boolean; securityGroups: string[]; listeners: { protocol: string; port: number }[] }>();
  for (const type of ["aws_lb", "aws_alb"]) {
    for (const { address, config } of refs.resources(type)) {
      loadBalancers.set(addressKey(address), {
        key: addressKey(address),
        internal: config.internal === true || config.internal === "true",
        securityGroups: list(config.security_groups)
          .map((id) => sgKey(address.stack, id))
          .filter((group): group is string => group !== undefined),
        listeners: [],
      });
    }
  }
  for (const type of ["aws_lb_listener", "aws_alb_listener"]) {
    for (const { address, config } of refs.resources(type)) {
      loadBalancers.get(keyOf(address.stack, config.load_balancer_arn, ["aws_lb", "aws_alb"]) ?? "")?.listeners.push({
        protocol: String(config.protocol ?? "HTTP"),
        port: Number(config.port),
      });
    }
  }

  return { vpcs, subnets, subnetRouteTables, routeTables, transitGateways, vpcAttachments, peerings, tgwRouteTables, securityGroups, loadBalancers };
}
