import * as ipaddr from "ipaddr.js";

/** A parsed IPv4 CIDR block. */
export interface Ipv4Block {
  readonly cidr: string;
  /** Network address as an unsigned 32-bit integer. */
  readonly start: number;
  readonly prefix: number;
  /** Number of addresses in the block. */
  readonly size: number;
}

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const CIDR_SHAPE = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}/(3[0-2]|[12]?\\d)$`);

/**
 * Parses `a.b.c.d/n` strictly: four decimal octets, a prefix, and no host bits set
 * (`10.0.0.1/16` is rejected, since AWS would silently use a different network).
 * Returns an error sentence instead of throwing so validators can collect every problem.
 */
export function parseIpv4Cidr(cidr: string): Ipv4Block | { readonly error: string } {
  if (!CIDR_SHAPE.test(cidr) || !ipaddr.IPv4.isValidCIDR(cidr)) {
    return { error: "is not an IPv4 CIDR block of the form a.b.c.d/n" };
  }
  const [address, prefix] = ipaddr.IPv4.parseCIDR(cidr);
  const start = toUint32(address.toByteArray());
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) {
    const network = fromUint32(start - (start % size));
    return { error: `has host bits set (the network address is ${network}/${prefix})` };
  }
  return { cidr, start, prefix, size };
}

/** Parses a CIDR that is known to be valid (already validated); throws otherwise. */
export function mustParseIpv4Cidr(cidr: string): Ipv4Block {
  const parsed = parseIpv4Cidr(cidr);
  if ("error" in parsed) {
    throw new Error(`CIDR "${cidr}" ${parsed.error}`);
  }
  return parsed;
}

/** True when the two blocks share at least one address. */
export function blocksOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

/** True when `inner` lies entirely inside `outer`. */
export function blockContains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}

/**
 * The `index`-th sub-block of `block` with prefix `prefix` (e.g. the 3rd /20 of a /16).
 */
export function subBlock(block: Ipv4Block, prefix: number, index: number): string {
  if (prefix < block.prefix || prefix > 28) {
    throw new Error(`cannot split ${block.cidr} into /${prefix} blocks`);
  }
  const size = 2 ** (32 - prefix);
  const count = block.size / size;
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`${block.cidr} holds ${count} /${prefix} blocks; index ${index} is out of range`);
  }
  return `${fromUint32(block.start + index * size)}/${prefix}`;
}

/** Subnet layout of one Region's VPC. */
export interface SubnetPlan {
  /** One private subnet per availability zone: a quarter of the VPC each. */
  readonly private: readonly string[];
  /** One public subnet per availability zone: a sixteenth of the VPC each, in the last quarter. */
  readonly public: readonly string[];
}

/** Most availability zones a Region's VPC is split across. */
export const MAX_ZONES = 3;

/**
 * Splits a VPC CIDR (/16 to /24) into private subnets (a quarter of the VPC each, up to three
 * zones) and public subnets (a sixteenth each, carved from the last quarter). A /24 VPC gets
 * /26 private and /28 public subnets, the smallest AWS allows.
 */
export function planSubnets(vpcCidr: string, zoneCount: number): SubnetPlan {
  const block = mustParseIpv4Cidr(vpcCidr);
  if (zoneCount < 1 || zoneCount > MAX_ZONES) {
    throw new Error(`zone count ${zoneCount} is outside 1-${MAX_ZONES}`);
  }
  const privateSubnets: string[] = [];
  const publicSubnets: string[] = [];
  for (let zone = 0; zone < zoneCount; zone++) {
    privateSubnets.push(subBlock(block, block.prefix + 2, zone));
    publicSubnets.push(subBlock(block, block.prefix + 4, 12 + zone));
  }
  return { private: privateSubnets, public: publicSubnets };
}

function toUint32(bytes: number[]): number {
  return ((bytes[0] << 24) >>> 0) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3];
}

function fromUint32(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}
