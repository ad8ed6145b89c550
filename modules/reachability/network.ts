/**
 * The network of a synthesized app, joined across stacks: VPCs, subnets and their route
 * tables, Transit Gateways with their route tables, attachments and peerings, and security
 * groups with their rules and where they are placed. Built by {@link buildNetworkModel}.
 */
import { Ipv4Block } from "./cidr-set";

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
