import { sizeRefresh, type RefreshSizing } from "../catalog/sizing";
import { DaskImage, daskImage } from "../compute/images";
import { schedulerDnsName, sizeWorkers, WorkerSizing } from "../compute/dask";
import { planSubnets, SubnetPlan } from "../network/cidr";
import { poolName } from "../naming";
import { DEFAULTS } from "./defaults";
import { defaultTransitGatewayAsn } from "./regions";
export { DEFAULTS } from "./defaults";
import { DatasetConfig, LustreConfig, PoolConfig, ProximateConfig, RegionConfig, StateConfig } from "./schema";

/** A worker Region's FSx for Lustre file system with defaults resolved. */
export interface LustrePlan {
  readonly storageCapacityGiB: number;
  readonly throughputMBpsPerTiB: number;
  /** Where clients mount it. */
  readonly mountPoint: string;
}

/** The catalog's OpenSearch domain with defaults resolved. */
export interface CatalogPlan {
  readonly domainName: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeGiB: number;
  readonly engineVersion: string;
}

/** A worker Region's Dask pool with defaults resolved. */
export interface PoolPlan {
  readonly sizing: WorkerSizing;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** `demand` (the scheduler's demand, graceful scale-in) or `cpu` (target tracking, fallback). */
  readonly scaling: "demand" | "cpu";
  readonly idleSeconds: number;
  readonly scaleInAfterSeconds: number;
  readonly targetDurationSeconds: number;
  readonly publishIntervalSeconds: number;
  readonly scaleOutStep: number;
  readonly protectionMinutes: number;
  readonly cpuTargetPercent: number;
  readonly scaleInCooldownSeconds: number;
  readonly scaleOutCooldownSeconds: number;
}

/** Everything the stacks need to know about one Region, with defaults resolved. */
export interface RegionPlan {
  readonly region: string;
  readonly role: "client" | "worker";
  readonly cidr: string;
  readonly zones: readonly string[];
  readonly transitGatewayAsn: number;
  /** `nat`: public subnets and one NAT gateway per zone; `none`: private subnets and VPC endpoints only. */
  readonly egress: "nat" | "none";
  readonly subnets: SubnetPlan;
  /** Datasets next to this Region's workers (empty for the client Region). */
  readonly datasets: readonly DatasetConfig[];
  /** Dask pool resource of the Region's workers (`pool-<region>`). */
  readonly pool: string;
  /** Worker pool settings (worker Regions only). */
  readonly workers?: PoolPlan;
  /** Whether the Region runs the standalone data host (worker Regions only). */
  readonly dataHost: boolean;
  /** The Region's Lustre file system (worker Regions only). */
  readonly lustre?: LustrePlan;
  /** The nightly catalog refresh: runner and timeouts, sized from the datasets (worker Regions only). */
  readonly refresh?: RefreshSizing;
}

/** One Transit Gateway peering: requested from `requester`, accepted in `accepter`. */
export interface PeeringPlan {
  readonly requester: string;
  readonly accepter: string;
}

/** The resolved topology the app is built from. */
export interface Topology {
  readonly name: string;
  readonly state: StateConfig;
  readonly client: RegionPlan;
  readonly workers: readonly RegionPlan[];
  /** The client Region first, then the workers in config order. */
  readonly regions: readonly RegionPlan[];
  readonly peerings: readonly PeeringPlan[];
  readonly tags: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  readonly allowedAccountIds?: readonly string[];
  /** The one Dask image of scheduler, workers and notebook. */
  readonly daskImage: DaskImage;
  /** Private DNS namespace resolvable from every Region. */
  readonly dnsNamespace: string;
  /** `scheduler.<namespace>`. */
  readonly schedulerDnsName: string;
  readonly scheduler: { readonly cpu: number; readonly memoryMiB: number };
  readonly dashboard: { readonly public: boolean; readonly certificateArn?: string };
  readonly catalog: CatalogPlan;
  readonly notebook: { readonly instanceType: string; readonly volumeSizeGiB: number };
  readonly alarmEmail?: string;
}

function planLustre(topologyLustre: LustreConfig | undefined, regionLustre: LustreConfig | undefined): LustrePlan {
  return { ...DEFAULTS.lustre, ...topologyLustre, ...regionLustre, mountPoint: DEFAULTS.lustreMountPoint };
}

function planPool(topologyPool: PoolConfig | undefined, regionPool: PoolConfig | undefined): PoolPlan {
  const merged = { ...DEFAULTS.pool, ...topologyPool, ...regionPool };
  return {
    sizing: sizeWorkers(merged),
    minTasks: merged.minTasks,
    maxTasks: merged.maxTasks,
    minInstances: merged.minInstances,
    maxInstances: merged.maxInstances,
    scaling: merged.scaling,
    idleSeconds: merged.idleSeconds,
    scaleInAfterSeconds: merged.scaleInAfterSeconds,
    targetDurationSeconds: merged.targetDurationSeconds,
    publishIntervalSeconds: merged.publishIntervalSeconds,
    scaleOutStep: merged.scaleOutStep,
    protectionMinutes: merged.protectionMinutes,
    cpuTargetPercent: merged.cpuTargetPercent,
    scaleInCooldownSeconds: merged.scaleInCooldownSeconds,
    scaleOutCooldownSeconds: merged.scaleOutCooldownSeconds,
  };
}

function planRegion(
  config: RegionConfig,
  role: "client" | "worker",
  datasets: readonly DatasetConfig[],
  extra: { workers?: PoolPlan; dataHost: boolean; lustre?: LustrePlan; refresh?: RefreshSizing } = { dataHost: false },
): RegionPlan {
  const zones = config.availabilityZones ?? DEFAULTS.zoneSuffixes.map((suffix) => `${config.region}${suffix}`);
  return {
    region: config.region,
    role,
    cidr: config.cidr,
    zones,
    transitGatewayAsn: config.transitGatewayAsn ?? defaultTransitGatewayAsn(config.region),
    egress: config.egress ?? (role === "client" ? DEFAULTS.clientEgress : DEFAULTS.workerEgress),
    subnets: planSubnets(config.cidr, zones.length),
    datasets,
    pool: poolName(config.region),
    ...extra,
  };
}

/**
 * Which side requests each peering. The client Region always accepts; between two worker
 * Regions the one whose name sorts later requests. The rule depends on Region names only,
 * so reordering or adding worker Regions never flips an existing peering.
 */
export function planPeerings(client: string, workers: readonly string[]): PeeringPlan[] {
  const peerings: PeeringPlan[] = workers.map((worker) => ({ requester: worker, accepter: client }));
  const sorted = [...workers].sort();
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      peerings.push({ requester: sorted[j], accepter: sorted[i] });
    }
  }
  return peerings;
}

/** Resolves defaults of a validated config into the plan the stacks are built from. */
export function resolveTopology(config: ProximateConfig): Topology {
  const client = planRegion(config.client, "client", []);
  const workers = config.workers.map((worker) =>
    planRegion(worker, "worker", worker.datasets, {
      workers: planPool(config.pool, worker.pool),
      dataHost: worker.dataHost ?? DEFAULTS.dataHost,
      lustre: planLustre(config.lustre, worker.lustre),
      refresh: sizeRefresh(worker.datasets, worker.indexer?.runner ?? DEFAULTS.indexerRunner),
    }),
  );
  const dnsNamespace = config.dnsNamespace ?? `${config.name}.internal`;
  return {
    name: config.name,
    state: config.state,
    client,
    workers,
    regions: [client, ...workers],
    peerings: planPeerings(
      client.region,
      workers.map((worker) => worker.region),
    ),
    tags: config.tags ?? {},
    logRetentionDays: config.logRetentionDays ?? DEFAULTS.logRetentionDays,
    allowedAccountIds: config.allowedAccountIds,
    daskImage: daskImage(config.dask?.image ?? DEFAULTS.daskImage),
    dnsNamespace,
    schedulerDnsName: schedulerDnsName(dnsNamespace),
    scheduler: { ...DEFAULTS.scheduler, ...config.scheduler },
    dashboard: { public: config.dashboard?.public ?? false, certificateArn: config.dashboard?.certificateArn },
    catalog: {
      domainName: `${config.name}-catalog`,
      instanceType: config.catalog?.instanceType ?? DEFAULTS.catalog.instanceType,
      instanceCount: config.catalog?.instanceCount ?? client.zones.length,
      volumeSizeGiB: config.catalog?.volumeSizeGiB ?? DEFAULTS.catalog.volumeSizeGiB,
      engineVersion: config.catalog?.engineVersion ?? DEFAULTS.catalog.engineVersion,
    },
    notebook: { ...DEFAULTS.notebook, ...config.notebook },
    alarmEmail: config.alarmEmail,
  };
}
