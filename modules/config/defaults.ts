import { DEFAULT_DASK_IMAGE } from "../compute/images";

/** Defaults of the topology config, applied by `resolveTopology`. Documented in the README. */
export const DEFAULTS = {
  logRetentionDays: 30,
  zoneSuffixes: ["a", "b"],
  clientEgress: "nat",
  workerEgress: "none",
  localStateDirectory: "terraform-state",
  daskImage: DEFAULT_DASK_IMAGE,
  scheduler: { cpu: 1024, memoryMiB: 4096 },
  dataHost: true,
  indexerRunner: "auto",
  lustre: { storageCapacityGiB: 1200, throughputMBpsPerTiB: 125 },
  lustreMountPoint: "/fsx",
  notebook: { instanceType: "ml.t3.medium", volumeSizeGiB: 20 },
  catalog: { instanceType: "r6g.large.search", volumeSizeGiB: 20, engineVersion: "OpenSearch_2.17" },
  pool: {
    instanceType: "m6i.xlarge",
    tasksPerInstance: 1,
    processesPerTask: 1,
    minTasks: 0,
    maxTasks: 12,
    minInstances: 0,
    maxInstances: 12,
    scaling: "demand",
    idleSeconds: 900,
    scaleInAfterSeconds: 120,
    targetDurationSeconds: 60,
    publishIntervalSeconds: 15,
    scaleOutStep: 4,
    protectionMinutes: 60,
    cpuTargetPercent: 40,
    scaleInCooldownSeconds: 300,
    scaleOutCooldownSeconds: 60,
  },
} as const;

/** Fargate task sizes: CPU units -> allowed memory (MiB) as [min, max, step]. */
export const FARGATE_SIZES: Readonly<Record<number, readonly [number, number, number]>> = {
  256: [512, 2048, 512],
  512: [1024, 4096, 1024],
  1024: [2048, 8192, 1024],
  2048: [4096, 16384, 1024],
  4096: [8192, 30720, 1024],
  8192: [16384, 61440, 4096],
  16384: [32768, 122880, 8192],
};

/** True when Fargate accepts this CPU/memory pair. */
export function isFargateSize(cpu: number, memoryMiB: number): boolean {
  const range = FARGATE_SIZES[cpu];
  if (range === undefined) {
    return false;
  }
  const [min, max, step] = range;
  return memoryMiB >= min && memoryMiB <= max && (memoryMiB - min) % step === 0;
}
