/**
 * EC2 instance types offered for Dask worker pools, with the sizes the task sizing needs.
 * Listed explicitly (no data source lookups), so that plans run without AWS access.
 */
export interface InstanceType {
  readonly vcpus: number;
  readonly memoryMiB: number;
}

const families: Record<string, readonly [string, number, number][]> = {
  // family: [size, vCPUs, GiB]
  m6i: [["large", 2, 8], ["xlarge", 4, 16], ["2xlarge", 8, 32], ["4xlarge", 16, 64], ["8xlarge", 32, 128]],
  m7i: [["large", 2, 8], ["xlarge", 4, 16], ["2xlarge", 8, 32], ["4xlarge", 16, 64], ["8xlarge", 32, 128]],
  r6i: [["large", 2, 16], ["xlarge", 4, 32], ["2xlarge", 8, 64], ["4xlarge", 16, 128], ["8xlarge", 32, 256]],
  r7i: [["large", 2, 16], ["xlarge", 4, 32], ["2xlarge", 8, 64], ["4xlarge", 16, 128], ["8xlarge", 32, 256]],
  c6i: [["large", 2, 4], ["xlarge", 4, 8], ["2xlarge", 8, 16], ["4xlarge", 16, 32], ["8xlarge", 32, 64]],
  c7i: [["large", 2, 4], ["xlarge", 4, 8], ["2xlarge", 8, 16], ["4xlarge", 16, 32], ["8xlarge", 32, 64]],
};

export const INSTANCE_TYPES: Readonly<Record<string, InstanceType>> = Object.fromEntries(
  Object.entries(families).flatMap(([family, sizes]) =>
    sizes.map(([size, vcpus, gib]) => [`${family}.${size}`, { vcpus, memoryMiB: gib * 1024 }] as const),
  ),
);

/** Memory the ECS agent and the OS keep on a container instance, per the ECS docs' guidance. */
export const INSTANCE_RESERVED_MEMORY_MIB = 1024;

/** Resolves an instance type (the config schema checks it first). */
export function instanceType(name: string): InstanceType {
  const type = INSTANCE_TYPES[name];
  if (type === undefined) {
    throw new Error(`instanceType: "${name}" is not offered; allowed: ${Object.keys(INSTANCE_TYPES).join(", ")}`);
  }
  return type;
}
