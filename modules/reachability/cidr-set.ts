/** IPv4 blocks as integer ranges: containment, coverage by a union, longest-prefix choice. */
import { Ipv4Block, parseIpv4Cidr } from "../network/cidr";

export type { Ipv4Block } from "../network/cidr";

/** Parses a CIDR block, accepting host bits (`10.0.0.1/32` style rules) by masking them. */
export function toBlock(cidr: unknown): Ipv4Block | undefined {
  if (typeof cidr !== "string") {
    return undefined;
  }
  const parsed = parseIpv4Cidr(cidr.trim());
  if (!("error" in parsed)) {
    return parsed;
  }
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (match === null) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) {
    return undefined;
  }
  const address = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
  const size = 2 ** (32 - prefix);
  return { cidr: cidr.trim(), start: address - (address % size), prefix, size };
}

/** True when `outer` holds every address of `inner`. */
export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}

/** True when the union of `blocks` holds every address of `target`. */
export function covers(blocks: readonly Ipv4Block[], target: Ipv4Block): boolean {
  const ranges = blocks
    .map((b) => [b.start, b.start + b.size] as const)
    .filter(([start, end]) => end > target.start && start < target.start + target.size)
    .sort((a, b) => a[0] - b[0]);
  let reached = target.start;
  for (const [start, end] of ranges) {
    if (start > reached) {
      return false;
    }
    reached = Math.max(reached, end);
    if (reached >= target.start + target.size) {
      return true;
    }
  }
  return reached >= target.start + target.size;
}

/** The most specific entry whose block contains `target` (longest prefix match). */
export function longestMatch<T extends { readonly destination: Ipv4Block }>(entries: readonly T[], target: Ipv4Block): T | undefined {
  let best: T | undefined;
  for (const entry of entries) {
    if (contains(entry.destination, target) && (best === undefined || entry.destination.prefix > best.destination.prefix)) {
      best = entry;
    }
  }
  return best;
}
