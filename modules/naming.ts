/**
 * Names of stacks and AWS resources. Stack names are part of the contract: they key the
 * remote state (`<keyPrefix>/<stack>.tfstate`) and the cross-stack outputs other stacks read,
 * so they are built from roles and Region names only, never from positions in a list.
 */

/** The roles a Region's stacks play, in deploy order. */
export type StackRole = "network" | "peering" | "accept" | "routes" | "scheduler" | "pool" | "identity" | "catalog" | "indexer" | "notebook";

/** Name of the stack that plays `role` in `region`, e.g. `network-eu-west-2`. */
export function stackName(role: StackRole, region: string): string {
  return `${role}-${region}`;
}

/** Name of the bootstrap stack that owns the S3 state bucket. */
export const STATE_STACK = "state";

/** The Dask pool resource of a Region's workers, e.g. `pool-us-east-1`. */
export function poolName(region: string): string {
  return `pool-${region}`;
}

/**
 * A resource name `<topology>-<region>-<suffix>` trimmed to `maxLength` (AWS limits vary: 32
 * for load balancers, 64 for IAM roles); trimming keeps the end, which holds the suffix, and
 * stays deterministic.
 */
export function resourceName(topology: string, region: string, suffix: string, maxLength = 64): string {
  const full = `${topology}-${region}-${suffix}`;
  if (full.length <= maxLength) {
    return full;
  }
  const compactRegion = region.replace(/(north|south|east|west|central)/g, (word) => word[0]);
  const compact = `${topology}-${compactRegion}-${suffix}`;
  if (compact.length <= maxLength) {
    return compact;
  }
  throw new Error(`resource name "${compact}" is longer than ${maxLength} characters; use a shorter topology name`);
}

/**
 * `<namePrefix>-<suffix>` within `maxLength` characters (AWS limits: 32 for load balancers and
 * target groups, 37 for an S3 bucket_prefix). The full name when it fits (so existing names never
 * change); else the Region words of the prefix are shortened (`ap-northeast-1` -> `ap-ne-1`);
 * else the prefix is cut and a digest of the full name keeps it unique. Never ends the cut prefix
 * with a hyphen (ELB refuses names that begin or end with one:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html).
 */
export function fitName(namePrefix: string, suffix: string, maxLength: number): string {
  const full = `${namePrefix}-${suffix}`;
  if (full.length <= maxLength) {
    return full;
  }
  const compact = `${namePrefix.replace(/(north|south|east|west|central)/g, (word) => word[0])}-${suffix}`;
  if (compact.length <= maxLength) {
    return compact;
  }
  let hash = 0;
  for (const char of full) {
    hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  }
  const digest = hash.toString(36).padStart(7, "0").slice(-6);
  const room = maxLength - suffix.length - digest.length - 2;
  if (room < 1) {
    throw new Error(`fitName: "${suffix}" leaves no room for a name prefix within ${maxLength} characters`);
  }
  return `${namePrefix.slice(0, room).replace(/-+$/, "")}-${digest}-${suffix}`;
}
