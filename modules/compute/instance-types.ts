/**
 * EC2 instance types offered for Dask worker pools, with the sizes the task sizing needs.
 * Listed explicitly (no data source lookups), so that plans run without AWS access.
 */
export interface InstanceType {
  readonly vcpus: number;
  /** Memory EC2 advertises (GiB x 1024). */
  readonly memoryMiB: number;
  /**
   * Network interfaces the type attaches, the host's primary one included. An `awsvpc` task on
   * EC2 takes one interface of its own (no ENI trunking here), so a host places at most
   * `maxNetworkInterfaces - 1` of them.
   * https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html#gp_network (M6i, M7i)
   * https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html#co_network (C6i, C7i)
   * https://docs.aws.amazon.com/ec2/latest/instancetypes/mo.html#mo_network (R6i, R7i)
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html
   */
  readonly maxNetworkInterfaces: number;
  /**
   * Memory the kernel does not report (EC2 memory minus `MemTotal`), MiB, rounded up. The ECS
   * agent registers `MemTotal` minus `ECS_RESERVED_MEMORY`, not the advertised memory, and the gap
   * grows with the size: about 4 % at 8-16 GiB, 3.3 % at 256 GiB.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html
   * Values: measured on launched instances by AWS's Karpenter project
   * (aws/karpenter-provider-aws, pkg/providers/instancetype/zz_generated.memory_overhead.go) for
   * the 6th-generation Intel types; 7th-generation types have no measurement there and take the
   * 6th-generation value of the same memory size (same Nitro platform). `WORKER_MEMORY_MARGIN`
   * covers the difference of AMI and generation.
   */
  readonly kernelReservedMiB: number;
}

/** `[size, vCPUs, network interfaces]` of the sizes offered in every family (the same in all six). */
const SIZES: readonly (readonly [string, number, number])[] = [
  ["large", 2, 3],
  ["xlarge", 4, 4],
  ["2xlarge", 8, 4],
  ["4xlarge", 16, 8],
  ["8xlarge", 32, 8],
];

/** GiB per size (index into SIZES), per family. */
const FAMILY_MEMORY: Readonly<Record<string, readonly number[]>> = {
  m6i: [8, 16, 32, 64, 128],
  m7i: [8, 16, 32, 64, 128],
  r6i: [16, 32, 64, 128, 256],
  r7i: [16, 32, 64, 128, 256],
  c6i: [4, 8, 16, 32, 64],
  c7i: [4, 8, 16, 32, 64],
};

/**
 * Measured `EC2 memory - MemTotal`, bytes, of the 6th-generation types (source above), by
 * advertised GiB: the value of the family measured highest at that size.
 */
const KERNEL_RESERVED_BYTES_BY_GIB: Readonly<Record<number, number>> = {
  4: 285_917_184, // c6i.large
  8: 424_804_352, // c6i.xlarge (m6i.large: 424_321_024)
  16: 704_696_320, // c6i.2xlarge (m6i.xlarge: 703_729_664, r6i.large: 703_246_336)
  32: 1_264_484_352, // c6i.4xlarge (m6i.2xlarge: 1_262_546_944, r6i.xlarge: 1_261_580_288)
  64: 2_384_064_512, // c6i.8xlarge (m6i.4xlarge: 2_380_177_408, r6i.2xlarge: 2_378_240_000)
  128: 4_514_795_520, // m6i.8xlarge (r6i.4xlarge: 4_510_916_608)
  256: 8_876_937_216, // r6i.8xlarge
};

const MIB = 1024 * 1024;

export const INSTANCE_TYPES: Readonly<Record<string, InstanceType>> = Object.fromEntries(
  Object.entries(FAMILY_MEMORY).flatMap(([family, memory]) =>
    SIZES.map(([size, vcpus, enis], index) => {
      const gib = memory[index];
      const type: InstanceType = {
        vcpus,
        memoryMiB: gib * 1024,
        maxNetworkInterfaces: enis,
        kernelReservedMiB: Math.ceil(KERNEL_RESERVED_BYTES_BY_GIB[gib] / MIB),
      };
      return [`${family}.${size}`, type] as const;
    }),
  ),
);

/**
 * `ECS_RESERVED_MEMORY` of the worker hosts, MiB: memory the agent keeps out of what it registers,
 * for the agent itself, Docker, the SSM agent, the Lustre client and the OS. Without it tasks can
 * take all of the registered memory and starve them.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/memory-management.html
 */
export const ECS_RESERVED_MEMORY_MIB = 512;

/**
 * Headroom between the modelled registered memory and the tasks' memory, as a fraction of the
 * instance's memory: the measurements come from another AMI (and, for 7th-generation types,
 * another generation), and a task that asks 1 MiB more than the host registers is never placed.
 */
export const WORKER_MEMORY_MARGIN = 0.01;

/**
 * What the ECS agent is expected to register on a worker host of this type, MiB:
 * EC2 memory - kernel reserve - ECS_RESERVED_MEMORY - margin.
 */
export function registeredMemoryMiB(type: InstanceType): number {
  return type.memoryMiB - type.kernelReservedMiB - ECS_RESERVED_MEMORY_MIB - Math.ceil(type.memoryMiB * WORKER_MEMORY_MARGIN);
}

/** How many `awsvpc` tasks a host of this type can place: one interface each, the primary one is the host's. */
export function maxAwsvpcTasks(type: InstanceType): number {
  return type.maxNetworkInterfaces - 1;
}

/** Resolves an instance type (the config schema checks it first). */
export function instanceType(name: string): InstanceType {
  const type = INSTANCE_TYPES[name];
  if (type === undefined) {
    throw new Error(`instanceType: "${name}" is not offered; allowed: ${Object.keys(INSTANCE_TYPES).join(", ")}`);
  }
  return type;
}
