/** The routing part of the network model: VPCs, subnets, route tables, Transit Gateways, attachments, peerings. */
import { toBlock } from "./cidr-set";
import { blocks, list, ModelContext } from "./model-context";
import {
  AttachmentTarget,
  NetworkModel,
  SubnetNode,
  TgwAttachmentLink,
  TgwRoute,
  VpcAttachmentNode,
  VpcNode,
  VpcRoute,
  VpcRouteTarget,
} from "./network";
import { addressKey } from "./references";
import { Block } from "./synth-output";

/** The parts of the model that route traffic between VPCs. */
export type RoutingModel = Pick<NetworkModel, "vpcs" | "subnets" | "subnetRouteTables" | "routeTables" | "transitGateways" | "vpcAttachments" | "peerings" | "tgwRouteTables">;

const OTHER_TARGETS = ["gateway_id", "nat_gateway_id", "vpc_peering_connection_id", "network_interface_id", "vpc_endpoint_id", "egress_only_gateway_id", "local_gateway_id", "carrier_gateway_id", "core_network_arn"];

/** VPCs (with associated secondary CIDRs) and subnets. */
function buildVpcs(context: ModelContext): Pick<RoutingModel, "vpcs" | "subnets"> {
  const { refs, regionOf, keyOf } = context;
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

  return { vpcs, subnets };
}

/** Route tables with their routes (`aws_route` and inline), and which table each subnet uses. */
function buildRouteTables(context: ModelContext): Pick<RoutingModel, "routeTables" | "subnetRouteTables"> {
  const { refs, keyOf } = context;
  const vpcTarget = (stack: string, route: Block, label: string): VpcRouteTarget => {
    if (route.transit_gateway_id !== undefined && route.transit_gateway_id !== null && route.transit_gateway_id !== "") {
      const resolution = refs.resolveTo(stack, route.transit_gateway_id, ["aws_ec2_transit_gateway"]);
      return resolution.ok ? { kind: "transit-gateway", tgw: addressKey(resolution.ref) } : { kind: "unresolved", reason: `${label}: ${resolution.reason}` };
    }
    const other = OTHER_TARGETS.find(
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

  return { routeTables, subnetRouteTables };
}

/** Transit Gateways, their VPC and peering attachments (with accepters) and their route tables. */
function buildTransit(context: ModelContext): Pick<RoutingModel, "transitGateways" | "vpcAttachments" | "peerings" | "tgwRouteTables"> {
  const { refs, regionOf, keyOf } = context;
  const transitGateways = new Map<string, { key: string; region: string }>();
  for (const { address } of refs.resources("aws_ec2_transit_gateway")) {
    transitGateways.set(addressKey(address), { key: addressKey(address), region: regionOf(address.stack) });
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

  return { transitGateways, vpcAttachments, peerings, tgwRouteTables };
}

/** The routing part of the model, joined across stacks. */
export function buildRouting(context: ModelContext): RoutingModel {
  return { ...buildVpcs(context), ...buildRouteTables(context), ...buildTransit(context) };
}
