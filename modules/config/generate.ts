import { AWS_REGIONS } from "./regions";
import { LIMITS, ProximateConfig } from "./schema";

/** Regions used, in order, for generated worker Regions (the client stays in eu-west-2). */
const WORKER_REGIONS = [
  "us-east-1", "us-west-2", "eu-central-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1",
  "eu-north-1", "ap-south-1", "us-east-2", "eu-west-1", "ap-southeast-1", "us-west-1", "eu-west-3", "af-south-1", "me-central-1",
];

/**
 * A valid topology with `workerCount` worker Regions (1-16), each with one dataset: used by
 * tests and benchmarks to prove nothing depends on there being exactly two workers.
 */
export function generateConfig(workerCount: number, base: Partial<ProximateConfig> = {}): ProximateConfig {
  if (!Number.isInteger(workerCount) || workerCount < 1 || workerCount > WORKER_REGIONS.length) {
    throw new Error(`workerCount: got ${workerCount}; allowed: a whole number from 1 to ${WORKER_REGIONS.length}`);
  }
  return {
    name: "proximate",
    state: { backend: "s3", bucket: "proximate-tfstate-example", region: "eu-west-2", keyPrefix: "proximate" },
    client: { region: "eu-west-2", cidr: "10.0.0.0/16" },
    workers: WORKER_REGIONS.slice(0, workerCount).map((region, index) => ({
      region,
      cidr: `10.${index + 1}.0.0/16`,
      datasets: [{ name: `data-${region}`, s3: `s3://example-open-data-${region}/v1`, path: `/data-${region}` }],
    })),
    ...base,
  };
}

/** A config at an edge of what the validator accepts, and why it is one. */
export interface EdgeConfig {
  /** Short id, used as a directory name. */
  readonly id: string;
  readonly why: string;
  readonly config: ProximateConfig;
}


const BACKENDS: readonly ProximateConfig["state"][] = [
  { backend: "s3", bucket: "proximate-tfstate-edge", region: "eu-west-2", keyPrefix: "edge" },
  { backend: "local", directory: "terraform-state" },
  { backend: "cloud", organization: "proximate-edge", project: "edge cases", workspacePrefix: "edge-" },
];

/** `count` datasets for `region`, with names and paths unique across the topology. */
function datasets(region: string, count: number, long = false): ProximateConfig["workers"][number]["datasets"] {
  return Array.from({ length: count }, (_, i) => {
    const name = long ? `d${i}-${region}-${"x".repeat(32)}`.slice(0, 31).replace(/-+$/, "") + `${i}` : `d${i}-${region}`;
    return { name, s3: `s3://edge-open-data-${region}/set-${i}`, path: `/${name}` };
  });
}

/** A worker of `region` with the `index`-th /24 of 10.x (the smallest CIDR the validator accepts). */
function smallWorker(region: string, index: number, datasetCount = 1): ProximateConfig["workers"][number] {
  return { region, cidr: `10.${100 + index}.0.0/24`, datasets: datasets(region, datasetCount) };
}

/**
 * Configs at the edges of what the validator accepts: every Region of the partition as the
 * client and as a worker, the most worker Regions (16) with the most datasets (8), the smallest
 * CIDRs (/24), the longest names, each state backend, and pool, Lustre, catalog and notebook
 * values at their limits. `scripts/verify/edge-configs.ts` synthesizes each and requires the
 * guardrails, terraform validate and the proofs to pass.
 */
export function edgeConfigs(): EdgeConfig[] {
  const regions = [...AWS_REGIONS];
  const configs: EdgeConfig[] = [];
  // Every Region as the client, with one worker Region (us-east-1, or us-west-2 for us-east-1).
  // Everything else is equal, so stacks of Regions whose names have the same shape are validated
  // once (scripts/verify/edge-configs.ts).
  regions.forEach((client) => {
    const worker = client === "us-east-1" ? "us-west-2" : "us-east-1";
    configs.push({
      id: `client-${client}`,
      why: `${client} as the client Region`,
      config: { name: "edge", state: BACKENDS[0], client: { region: client, cidr: "10.0.0.0/24" }, workers: [smallWorker(worker, 1)] },
    });
  });
  // Every Region as a worker: three topologies of 16 workers (the maximum) cover all of them;
  // the first also holds 8 datasets per Region (the maximum).
  const chunks = [regions.slice(0, 16), regions.slice(16, 32), [...regions.slice(32), ...regions.slice(1, 16)]];
  const clients = [regions[16], regions[0], regions[17]];
  chunks.forEach((workers, i) => {
    configs.push({
      id: `workers-${i + 1}`,
      why: `16 worker Regions (${workers[0]} ... ${workers[workers.length - 1]})${i === 0 ? ` with ${LIMITS.maxDatasetsPerRegion} datasets each` : ""}, /24 CIDRs`,
      config: {
        name: "edge",
        state: BACKENDS[i % BACKENDS.length],
        client: { region: clients[i], cidr: "10.0.0.0/24" },
        workers: workers.map((region, j) => smallWorker(region, j + 1, i === 0 ? LIMITS.maxDatasetsPerRegion : 1)),
      },
    });
  });
  // Longest names: a 16-character topology name in the Regions with the longest names, 32-character dataset names.
  const longest = [...regions].sort((a, b) => b.length - a.length || a.localeCompare(b));
  configs.push({
    id: "longest-names",
    why: `a 16-character name in ${longest[0]} (client) and ${longest.slice(1, 4).join(", ")}, 32-character dataset names, a 63-character state bucket`,
    config: {
      name: "abcdefghijklmnop",
      state: { backend: "s3", bucket: `proximate-${"s".repeat(43)}-tfstate`, region: longest[0], keyPrefix: "a/very/deep/key/prefix" },
      client: { region: longest[0], cidr: "10.0.0.0/16", availabilityZones: [`${longest[0]}a`, `${longest[0]}b`, `${longest[0]}c`] },
      workers: longest.slice(1, 4).map((region, j) => ({
        region,
        cidr: `10.${j + 1}.0.0/16`,
        availabilityZones: [`${region}a`, `${region}b`, `${region}c`],
        datasets: datasets(region, 2, true),
      })),
      dnsNamespace: `${"n".repeat(40)}.${"m".repeat(40)}.internal`,
    },
  });
  // Values at their limits.
  configs.push({
    id: "limits-high",
    why: "pool (CPU scaling), Lustre, catalog, notebook, logs, ASNs and zones at their upper limits, NAT egress in a worker, no egress in the client",
    config: {
      name: "edge-high",
      state: BACKENDS[1],
      client: { region: "eu-west-2", cidr: "10.0.0.0/16", availabilityZones: ["eu-west-2a", "eu-west-2b", "eu-west-2c"], transitGatewayAsn: 4294967294, egress: "none" },
      workers: [
        {
          region: "us-east-1",
          cidr: "10.1.0.0/16",
          transitGatewayAsn: 65534,
          egress: "nat",
          availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
          datasets: datasets("us-east-1", 1),
          pool: { instanceType: "r7i.8xlarge", tasksPerInstance: 7, processesPerTask: 1, threadsPerProcess: 4, minTasks: 1000, maxTasks: 1000, minInstances: 1000, maxInstances: 1000 },
          lustre: { storageCapacityGiB: 480000, throughputMBpsPerTiB: 1000 },
          dataHost: false,
        },
        { region: "us-west-2", cidr: "10.2.0.0/16", transitGatewayAsn: 4200000000, datasets: datasets("us-west-2", 1) },
      ],
      // CPU target tracking (the fallback): the client has no NAT, which demand scaling needs.
      pool: { scaling: "cpu", minTasks: 1, cpuTargetPercent: 95, scaleInCooldownSeconds: 3600, scaleOutCooldownSeconds: 3600 },
      catalog: { instanceType: "r6g.large.search", instanceCount: 78, volumeSizeGiB: 1024, engineVersion: "OpenSearch_2.17" },
      notebook: { instanceType: "ml.t3.medium", volumeSizeGiB: 16384 },
      scheduler: { cpu: 16384, memoryMiB: 122880 },
      logRetentionDays: 3653,
      alarmEmail: "ops@example.org",
      tags: { CostCentre: "edge" },
      allowedAccountIds: ["111122223333"],
      dashboard: { public: true, certificateArn: "arn:aws:acm:eu-west-2:111122223333:certificate/edge" },
    },
  });
  configs.push({
    id: "limits-low",
    why: "pool (demand scaling), Lustre, catalog, notebook, logs and ASNs at their lower limits (scale to zero)",
    config: {
      name: "edg",
      state: BACKENDS[2],
      client: { region: "eu-west-2", cidr: "10.0.0.0/24", transitGatewayAsn: 64512 + 100 },
      workers: [
        {
          region: "us-east-1",
          cidr: "10.1.0.0/24",
          transitGatewayAsn: 64512 + 101,
          datasets: datasets("us-east-1", 1),
          pool: { instanceType: "c6i.large", tasksPerInstance: 1, processesPerTask: 1, threadsPerProcess: 1, minTasks: 0, maxTasks: 1, minInstances: 0, maxInstances: 1 },
        },
      ],
      // Demand scaling (scales from zero) with every knob at its lower limit.
      pool: { scaling: "demand", idleSeconds: 5, scaleInAfterSeconds: 1, targetDurationSeconds: 1, publishIntervalSeconds: 1, scaleOutStep: 1, protectionMinutes: 1 },
      lustre: { storageCapacityGiB: 1200, throughputMBpsPerTiB: 125 },
      catalog: { instanceCount: 2, volumeSizeGiB: 10 },
      notebook: { volumeSizeGiB: 5 },
      scheduler: { cpu: 256, memoryMiB: 512 },
      logRetentionDays: 1,
    },
  });
  return configs;
}
