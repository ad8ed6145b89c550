/**
 * Demand scaling of the worker pools, as plain data: what the scheduler's scaling preload
 * (scripts/cluster/scheduler_scaling.py) is told, the metric it publishes, and the step
 * scaling policy that turns the metric into the ECS service's desired count.
 *
 * How a pool scales: the scheduler publishes each pool's desired task count as the CloudWatch
 * metric `DesiredTasks` (dimension `Pool`) in the pool's Region; an alarm that is always in
 * ALARM while data arrives (`DesiredTasks >= 0`) invokes a step scaling policy of type
 * ExactCapacity, and CloudWatch repeats Auto Scaling actions once a minute while an alarm stays
 * in ALARM (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-actions.html),
 * so the service follows the metric. When the scheduler stops publishing, the alarm goes to
 * INSUFFICIENT_DATA and the service keeps its count.
 */

import type { PoolPlan, Topology } from "../config/topology";

/** CloudWatch metric the scaling policy follows. */
export const DESIRED_TASKS_METRIC = "DesiredTasks";
/** The metric's one dimension: the pool resource name. */
export const POOL_DIMENSION = "Pool";
/** Metrics published for visibility only (not scaled on). */
export const INFO_METRICS = ["ReadyTasks", "RunningTasks"] as const;
/**
 * Application Auto Scaling allows 20 step adjustments per step scaling policy (adjustable
 * quota): https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-quotas.html
 */
export const MAX_STEP_ADJUSTMENTS = 20;
/** Alarm period: standard-resolution metrics, and Auto Scaling actions repeat once a minute anyway. */
export const ALARM_PERIOD_SECONDS = 60;
/**
 * Cooldown of the step policy. Scale-in is already delayed and made graceful by the scheduler
 * (it drains tasks before their protection is cleared), so the policy only waits one alarm
 * cycle between scaling activities. Scale-in is blocked during a cooldown; a larger scale-out
 * is not (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html).
 */
export const STEP_COOLDOWN_SECONDS = 60;

/** The CloudWatch namespace of a topology's pool metrics (the scheduler may write only there). */
export function metricNamespace(topologyName: string): string {
  return `Proximate/${topologyName}`;
}

/**
 * Capacities the policy can set: every count from 0 to `maxTasks` when they fit in the step
 * adjustment quota, otherwise 0-9 and then geometric steps up to `maxTasks`. A published
 * value between two capacities gets the larger one (never fewer workers than asked for).
 */
export function capacityLadder(maxTasks: number): number[] {
  if (maxTasks + 1 <= MAX_STEP_ADJUSTMENTS) {
    return Array.from({ length: maxTasks + 1 }, (_, i) => i);
  }
  const exact = MAX_STEP_ADJUSTMENTS / 2;
  const ladder = Array.from({ length: exact }, (_, i) => i);
  const rest = MAX_STEP_ADJUSTMENTS - exact;
  for (let i = 1; i <= rest; i++) {
    const value = Math.round(exact * Math.pow(maxTasks / exact, i / rest));
    if (value > ladder[ladder.length - 1]) {
      ladder.push(value);
    }
  }
  ladder[ladder.length - 1] = maxTasks;
  return ladder;
}

/** One step adjustment, with bounds relative to the alarm threshold (0). */
export interface StepAdjustment {
  readonly metricIntervalLowerBound: number;
  readonly metricIntervalUpperBound?: number;
  readonly scalingAdjustment: number;
}

/**
 * ExactCapacity steps for an integer metric: value 0 -> 0, and every value in
 * (ladder[i-1], ladder[i]] -> ladder[i]; the last step is open above. Lower bounds are
 * inclusive and upper bounds exclusive above the threshold
 * (https://docs.aws.amazon.com/autoscaling/application/userguide/step-scaling-policy-overview.html).
 */
export function stepAdjustments(maxTasks: number): StepAdjustment[] {
  const ladder = capacityLadder(maxTasks);
  return ladder.map((capacity, i) => ({
    metricIntervalLowerBound: i === 0 ? 0 : ladder[i - 1] + 1,
    ...(i < ladder.length - 1 ? { metricIntervalUpperBound: capacity + 1 } : {}),
    scalingAdjustment: capacity,
  }));
}

/** One pool as the scheduler's scaling preload reads it (`PROXIMATE_SCALING.pools`). */
export interface PoolScalingSettings {
  readonly region: string;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly threadsPerTask: number;
  readonly memoryBytesPerTask: number;
  readonly idleSeconds: number;
  readonly scaleInAfterSeconds: number;
  readonly targetDurationSeconds: number;
  readonly scaleOutStep: number;
}

/** `PROXIMATE_SCALING`: the scheduler preload's settings. */
export interface SchedulerScalingSettings {
  readonly namespace: string;
  readonly metric: string;
  readonly publishIntervalSeconds: number;
  readonly pools: Readonly<Record<string, PoolScalingSettings>>;
}

/** Environment variable names shared by the task definitions and the Python preloads. */
export const SCALING_ENV = {
  settings: "PROXIMATE_SCALING",
  schedulerCode: "PROXIMATE_SCALING_PY",
  workerCode: "PROXIMATE_PROTECTION_PY",
  protectionMinutes: "PROXIMATE_PROTECTION_MINUTES",
} as const;

/** Where the containers write the preloads before starting dask (/tmp is writable in the image). */
export const PRELOAD_PATHS = {
  scheduler: "/tmp/proximate_scaling.py",
  worker: "/tmp/proximate_protection.py",
} as const;

/** The Python sources of the preloads, read once by main.ts (scripts/lib/cluster-code.ts). */
export interface ClusterCode {
  readonly schedulerScaling: string;
  readonly workerProtection: string;
}

/** The worker Regions of a topology that scale on demand, as the scheduler preload reads them. */
export function schedulerScalingSettings(topology: Topology): SchedulerScalingSettings | undefined {
  const demand = topology.workers.filter((w) => w.workers?.scaling === "demand");
  if (demand.length === 0) {
    return undefined;
  }
  const pools: Record<string, PoolScalingSettings> = {};
  for (const region of demand) {
    const pool = region.workers as PoolPlan;
    const sizing = pool.sizing;
    pools[region.pool] = {
      region: region.region,
      minTasks: pool.minTasks,
      maxTasks: pool.maxTasks,
      threadsPerTask: sizing.processesPerTask * sizing.threadsPerProcess,
      memoryBytesPerTask: sizing.processesPerTask * sizing.memoryLimitBytes,
      idleSeconds: pool.idleSeconds,
      scaleInAfterSeconds: pool.scaleInAfterSeconds,
      targetDurationSeconds: pool.targetDurationSeconds,
      scaleOutStep: pool.scaleOutStep,
    };
  }
  return {
    namespace: metricNamespace(topology.name),
    metric: DESIRED_TASKS_METRIC,
    // One loop on the scheduler: the shortest interval any pool asks for.
    publishIntervalSeconds: Math.min(...demand.map((w) => (w.workers as PoolPlan).publishIntervalSeconds)),
    pools,
  };
}
