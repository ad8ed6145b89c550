import { poolName } from "../naming";
import { PRELOAD_PATHS, SCALING_ENV } from "./scaling";
import { ECS_RESERVED_MEMORY_MIB, instanceType, maxAwsvpcTasks, registeredMemoryMiB } from "./instance-types";

/** Dask's well-known ports. */
export const SCHEDULER_PORT = 8786;
export const DASHBOARD_PORT = 8787;

/** An inclusive TCP port range. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** Pinned worker and nanny port ranges, so security groups across Regions can name them. */
export const WORKER_PORTS: PortRange = { from: 9000, to: 9015 };
export const NANNY_PORTS: PortRange = { from: 9100, to: 9115 };

/** Size of one Dask worker task on an EC2 instance, and what each worker process gets. */
export interface WorkerSizing {
  readonly instanceType: string;
  readonly tasksPerInstance: number;
  /** ECS task CPU units (1024 = one vCPU). */
  readonly taskCpu: number;
  /** ECS task memory (hard limit), MiB. */
  readonly taskMemoryMiB: number;
  /** `dask worker --nworkers`. */
  readonly processesPerTask: number;
  /** `--nthreads`, and the quantity of the pool resource each process advertises. */
  readonly threadsPerProcess: number;
  /** `--memory-limit` per process, bytes. */
  readonly memoryLimitBytes: number;
  /** `ECS_RESERVED_MEMORY` of the hosts, MiB (memory the ECS agent does not register). */
  readonly agentReservedMemoryMiB: number;
  /** Memory the ECS agent is expected to register per host, MiB: what the tasks are sized from. */
  readonly registeredMemoryMiB: number;
}

/** Inputs of {@link sizeWorkers}; unset fields take the documented defaults. */
export interface WorkerSizingInput {
  readonly instanceType: string;
  /** @default 1 */
  readonly tasksPerInstance?: number;
  /** @default 1 */
  readonly processesPerTask?: number;
  /** @default the task's vCPUs divided by processesPerTask */
  readonly threadsPerProcess?: number;
}

/**
 * Splits an instance into worker tasks: CPU evenly, memory evenly out of what the ECS agent will
 * register on the host (not the advertised memory: a task asking more than the host registers is
 * never placed), each process's memory limit a 90 % share of the task's (Dask spills and pauses
 * below its limit; the container's hard limit must not be hit first). At most one task per vCPU
 * and one per network interface besides the host's own (`awsvpc`).
 */
export function sizeWorkers(input: WorkerSizingInput): WorkerSizing {
  const type = instanceType(input.instanceType);
  const tasksPerInstance = input.tasksPerInstance ?? 1;
  const processesPerTask = input.processesPerTask ?? 1;
  const maxTasks = Math.min(type.vcpus, maxAwsvpcTasks(type));
  if (tasksPerInstance < 1 || tasksPerInstance > maxTasks) {
    throw new Error(`tasksPerInstance: got ${tasksPerInstance}; allowed: 1 to ${maxTasks} on ${input.instanceType} (${type.vcpus} vCPUs, ${type.maxNetworkInterfaces} network interfaces)`);
  }
  const taskCpu = Math.floor((type.vcpus * 1024) / tasksPerInstance);
  const taskVcpus = taskCpu / 1024;
  const registered = registeredMemoryMiB(type);
  const taskMemoryMiB = Math.floor(registered / tasksPerInstance);
  const threadsPerProcess = input.threadsPerProcess ?? Math.max(1, Math.floor(taskVcpus / processesPerTask));
  const memoryLimitBytes = Math.floor(((taskMemoryMiB * 0.9) / processesPerTask) * 1024 * 1024);
  return {
    instanceType: input.instanceType,
    tasksPerInstance,
    taskCpu,
    taskMemoryMiB,
    processesPerTask,
    threadsPerProcess,
    memoryLimitBytes,
    agentReservedMemoryMiB: ECS_RESERVED_MEMORY_MIB,
    registeredMemoryMiB: registered,
  };
}

/** An ECS container health check (task definition `healthCheck`). */
export interface ContainerHealthCheck {
  readonly command: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly retries: number;
  readonly startPeriod: number;
}

/**
 * The worker container's health check: unhealthy when any dataset path is missing under the
 * Lustre mount (the host lost its mount, or the bind mount shows an empty directory), so that a
 * worker never serves without its data: ECS stops an unhealthy task of a service and starts a
 * replacement. Ranges: interval 5-300 s, timeout 2-60 s, retries 1-10, start period 0-300 s.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html
 */
export function datasetHealthCheck(paths: readonly string[]): ContainerHealthCheck | undefined {
  if (paths.length === 0) {
    return undefined;
  }
  return {
    command: ["CMD-SHELL", `${paths.map((path) => `test -d ${path}`).join(" && ")} || exit 1`],
    interval: 30,
    timeout: 10,
    retries: 3,
    startPeriod: 60,
  };
}

/**
 * Dask settings of the scheduler container. A worker that stops answering (its Region's link
 * is cut) is removed after a minute instead of Dask's default five, so clients learn quickly
 * that a pool lost its workers.
 */
export const SCHEDULER_ENVIRONMENT: Readonly<Record<string, string>> = {
  DASK_DISTRIBUTED__SCHEDULER__WORKER_TTL: "60s",
};

/** Dask settings of the worker containers: connects across Regions get more than the 10 s default. */
export const WORKER_ENVIRONMENT: Readonly<Record<string, string>> = {
  DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT: "30s",
};

/** The scheduler's stable DNS name, `scheduler.<namespace>`. */
export function schedulerDnsName(namespace: string): string {
  return `scheduler.${namespace}`;
}

/**
 * `sh -c` script that writes a preload's source from an environment variable of the task
 * definition to a file (the image has no Proximate code), then execs `dask ... --preload`.
 */
function withPreload(variable: string, path: string, args: readonly string[]): string[] {
  return ["sh", "-c", `printf '%s' "$${variable}" > ${path} && exec ${args.join(" ")} --preload ${path}`];
}

/**
 * The scheduler container's command. With demand scaling, the scheduler runs the scaling
 * preload (scripts/cluster/scheduler_scaling.py) from `PROXIMATE_SCALING_PY`.
 */
export function schedulerCommand(options: { readonly scalingPreload?: boolean } = {}): string[] {
  const args = ["dask", "scheduler", "--port", String(SCHEDULER_PORT), "--dashboard-address", `:${DASHBOARD_PORT}`];
  return options.scalingPreload ? withPreload(SCALING_ENV.schedulerCode, PRELOAD_PATHS.scheduler, args) : args;
}

/**
 * The worker container's command: `sh -c` so that each worker's name carries its Region and
 * host (Dask names must be unique), then `exec` so that dask receives the task's signals.
 * The pool resource's quantity equals the process's threads, so as many pool-pinned tasks
 * run at once as there are threads. With demand scaling, each worker process runs the task
 * protection preload (scripts/cluster/worker_protection.py) from `PROXIMATE_PROTECTION_PY`.
 */
export function workerCommand(region: string, schedulerAddress: string, sizing: WorkerSizing, options: { readonly protectionPreload?: boolean } = {}): string[] {
  const args = [
    "dask",
    "worker",
    `tcp://${schedulerAddress}:${SCHEDULER_PORT}`,
    "--name",
    `${region}-$(hostname)`,
    "--nworkers",
    String(sizing.processesPerTask),
    "--nthreads",
    String(sizing.threadsPerProcess),
    "--memory-limit",
    String(sizing.memoryLimitBytes),
    "--resources",
    `${poolName(region)}=${sizing.threadsPerProcess}`,
    "--worker-port",
    `${WORKER_PORTS.from}:${WORKER_PORTS.to}`,
    "--nanny-port",
    `${NANNY_PORTS.from}:${NANNY_PORTS.to}`,
    "--local-directory",
    "/tmp/dask",
  ];
  return options.protectionPreload ? withPreload(SCALING_ENV.workerCode, PRELOAD_PATHS.worker, args) : ["sh", "-c", `exec ${args.join(" ")}`];
}
