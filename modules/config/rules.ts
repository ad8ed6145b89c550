import { Problem } from "../errors";
import { blocksOverlap, Ipv4Block, parseIpv4Cidr } from "../network/cidr";
import { datasetObjects, LAMBDA_MAX_OBJECTS } from "../catalog/sizing";
import { INSTANCE_TYPES, maxAwsvpcTasks } from "../compute/instance-types";
import { DEFAULTS, FARGATE_SIZES, isFargateSize } from "./defaults";
import { defaultTransitGatewayAsn, isAwsRegion } from "./regions";
import { LIMITS, S3_URI_PATTERN } from "./schema";

/**
 * Cross-field rules of the topology config. Each rule reads the raw input defensively
 * (fields may be missing or of the wrong type: the schema reports those) so that every
 * problem in a config is reported in one run.
 */
export interface ConfigRule {
  readonly id: string;
  readonly description: string;
  readonly check: (input: unknown) => Problem[];
}

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A Region entry as found in the input, with the path it sits at. */
interface RegionEntry {
  readonly path: string;
  readonly raw: Loose;
}

function regionEntries(input: unknown): RegionEntry[] {
  if (!isObject(input)) {
    return [];
  }
  const entries: RegionEntry[] = [];
  if (isObject(input.client)) {
    entries.push({ path: "client", raw: input.client });
  }
  if (Array.isArray(input.workers)) {
    input.workers.forEach((worker, index) => {
      if (isObject(worker)) {
        entries.push({ path: `workers[${index}]`, raw: worker });
      }
    });
  }
  return entries;
}

function workerEntries(input: unknown): RegionEntry[] {
  return regionEntries(input).filter((entry) => entry.path !== "client");
}

interface DatasetEntry {
  readonly path: string;
  readonly regionPath: string;
  readonly raw: Loose;
}

function datasetEntries(worker: RegionEntry): DatasetEntry[] {
  const datasets = worker.raw.datasets;
  if (!Array.isArray(datasets)) {
    return [];
  }
  return datasets.flatMap((dataset, index) =>
    isObject(dataset) ? [{ path: `${worker.path}.datasets[${index}]`, regionPath: worker.path, raw: dataset }] : [],
  );
}

function stringField(raw: Loose, key: string): string | undefined {
  const value = raw[key];
  return typeof value === "string" ? value : undefined;
}

const cidrOverlap: ConfigRule = {
  id: "cidr-overlap",
  description: "No two Regions' CIDR blocks overlap (their VPCs are routed to each other).",
  check(input) {
    const blocks: { path: string; block: Ipv4Block }[] = [];
    for (const entry of regionEntries(input)) {
      const cidr = stringField(entry.raw, "cidr");
      const parsed = cidr === undefined ? undefined : parseIpv4Cidr(cidr);
      if (parsed !== undefined && !("error" in parsed)) {
        blocks.push({ path: `${entry.path}.cidr`, block: parsed });
      }
    }
    const problems: Problem[] = [];
    for (let i = 0; i < blocks.length; i++) {
      for (let j = 0; j < i; j++) {
        if (blocksOverlap(blocks[i].block, blocks[j].block)) {
          problems.push({
            path: blocks[i].path,
            value: blocks[i].block.cidr,
            message: `overlaps ${blocks[j].path} "${blocks[j].block.cidr}"`,
            allowed: "CIDR blocks that share no address with any other Region's block",
            rule: this.id,
          });
        }
      }
    }
    return problems;
  },
};

const duplicateWorkerRegion: ConfigRule = {
  id: "duplicate-worker-region",
  description: "Each worker Region appears once (one pool, one file system per Region).",
  check(input) {
    const seen = new Map<string, string>();
    const problems: Problem[] = [];
    for (const entry of workerEntries(input)) {
      const region = stringField(entry.raw, "region");
      if (region === undefined) {
        continue;
      }
      const first = seen.get(region);
      if (first !== undefined) {
        problems.push({
          path: `${entry.path}.region`,
          value: region,
          message: `repeats ${first}.region`,
          allowed: "each worker Region once; put several datasets of a Region in its datasets list",
          rule: this.id,
        });
      } else {
        seen.set(region, entry.path);
      }
    }
    return problems;
  },
};

const workerIsClient: ConfigRule = {
  id: "worker-is-client",
  description: "No worker Region equals the client Region.",
  check(input) {
    if (!isObject(input) || !isObject(input.client)) {
      return [];
    }
    const clientRegion = stringField(input.client, "region");
    return workerEntries(input).flatMap((entry) =>
      clientRegion !== undefined && stringField(entry.raw, "region") === clientRegion
        ? [
            {
              path: `${entry.path}.region`,
              value: clientRegion,
              message: "is the client Region",
              allowed: "a Region other than client.region (the client Region hosts the scheduler, catalog and notebook)",
              rule: this.id,
            },
          ]
        : [],
    );
  },
};

const datasetNameUnique: ConfigRule = {
  id: "dataset-name-unique",
  description: "Dataset names are unique across the whole topology (the catalog is keyed on them).",
  check(input) {
    const seen = new Map<string, string>();
    const problems: Problem[] = [];
    for (const worker of workerEntries(input)) {
      for (const dataset of datasetEntries(worker)) {
        const name = stringField(dataset.raw, "name");
        if (name === undefined) {
          continue;
        }
        const first = seen.get(name);
        if (first !== undefined) {
          problems.push({
            path: `${dataset.path}.name`,
            value: name,
            message: `repeats ${first}.name`,
            allowed: "a dataset name used once in the whole topology",
            rule: this.id,
          });
        } else {
          seen.set(name, dataset.path);
        }
      }
    }
    return problems;
  },
};

function pathsOverlap(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

const datasetPathOverlap: ConfigRule = {
  id: "dataset-path-overlap",
  description: "Within a Region, dataset paths on the file system do not overlap (/a and /a/b clash).",
  check(input) {
    const problems: Problem[] = [];
    for (const worker of workerEntries(input)) {
      const seen: { path: string; value: string }[] = [];
      for (const dataset of datasetEntries(worker)) {
        const value = stringField(dataset.raw, "path");
        if (value === undefined) {
          continue;
        }
        const clash = seen.find((other) => pathsOverlap(other.value, value));
        if (clash !== undefined) {
          problems.push({
            path: `${dataset.path}.path`,
            value,
            message: `overlaps ${clash.path} "${clash.value}" on the same file system`,
            allowed: "paths that are neither equal nor nested within one Region",
            rule: this.id,
          });
        }
        seen.push({ path: `${dataset.path}.path`, value });
      }
    }
    return problems;
  },
};

function s3Location(uri: string): string | undefined {
  const match = S3_URI_PATTERN.exec(uri);
  if (match === null) {
    return undefined;
  }
  const prefix = (match[2] ?? "").replace(/^\/|\/$/g, "");
  return prefix === "" ? match[1] : `${match[1]}/${prefix}`;
}

const datasetS3Overlap: ConfigRule = {
  id: "dataset-s3-overlap",
  description: "Within a Region, a bucket/prefix is linked once (FSx rejects a second or nested link).",
  check(input) {
    const problems: Problem[] = [];
    for (const worker of workerEntries(input)) {
      const seen: { path: string; location: string }[] = [];
      for (const dataset of datasetEntries(worker)) {
        const value = stringField(dataset.raw, "s3");
        const location = value === undefined ? undefined : s3Location(value);
        if (location === undefined) {
          continue;
        }
        const clash = seen.find((other) => pathsOverlap(other.location, location));
        if (clash !== undefined) {
          problems.push({
            path: `${dataset.path}.s3`,
            value,
            message: `links the same or a nested S3 location as ${clash.path}`,
            allowed: "S3 locations that are neither equal nor nested within one Region",
            rule: this.id,
          });
        }
        seen.push({ path: `${dataset.path}.s3`, location });
      }
    }
    return problems;
  },
};

const availabilityZones: ConfigRule = {
  id: "availability-zones",
  description: `Zones belong to the Region, are distinct, and number ${LIMITS.minZones}-${LIMITS.maxZones}.`,
  check(input) {
    const problems: Problem[] = [];
    for (const entry of regionEntries(input)) {
      const zones = entry.raw.availabilityZones;
      const region = stringField(entry.raw, "region");
      if (!Array.isArray(zones) || region === undefined || !isAwsRegion(region)) {
        continue;
      }
      const allowed = `${LIMITS.minZones}-${LIMITS.maxZones} distinct zone names of ${region}, such as ${region}a`;
      if (zones.length < LIMITS.minZones || zones.length > LIMITS.maxZones) {
        problems.push({
          path: `${entry.path}.availabilityZones`,
          value: zones,
          message: `lists ${zones.length} zones`,
          allowed,
          rule: this.id,
        });
      }
      const pattern = new RegExp(`^${region}[a-z]$`);
      zones.forEach((zone, index) => {
        if (typeof zone !== "string" || !pattern.test(zone)) {
          problems.push({
            path: `${entry.path}.availabilityZones[${index}]`,
            value: zone,
            message: `is not a zone of ${region}`,
            allowed,
            rule: this.id,
          });
        } else if (zones.indexOf(zone) !== index) {
          problems.push({
            path: `${entry.path}.availabilityZones[${index}]`,
            value: zone,
            message: "is listed twice",
            allowed,
            rule: this.id,
          });
        }
      });
    }
    return problems;
  },
};

const asnUnique: ConfigRule = {
  id: "asn-unique",
  description: "Transit Gateway ASNs are unique across the topology (peered gateways need distinct ASNs).",
  check(input) {
    const seen = new Map<number, { path: string; explicit: boolean }>();
    const problems: Problem[] = [];
    for (const entry of regionEntries(input)) {
      const region = stringField(entry.raw, "region");
      const explicit = entry.raw.transitGatewayAsn;
      let asn: number | undefined;
      if (typeof explicit === "number") {
        asn = explicit;
      } else if (explicit === undefined && region !== undefined && isAwsRegion(region)) {
        asn = defaultTransitGatewayAsn(region);
      }
      if (asn === undefined) {
        continue;
      }
      const first = seen.get(asn);
      // Two default ASNs only collide when the Region itself is repeated, which
      // duplicate-worker-region already reports.
      if (first !== undefined && (first.explicit || explicit !== undefined)) {
        problems.push({
          path: `${entry.path}.transitGatewayAsn`,
          value: asn,
          message: `equals the ASN of ${first.path}${explicit === undefined ? " (this Region's default)" : ""}`,
          allowed: "an ASN no other Region of the topology uses",
          rule: this.id,
        });
      } else if (first === undefined) {
        seen.set(asn, { path: entry.path, explicit: explicit !== undefined });
      }
    }
    return problems;
  },
};

function numberField(raw: unknown, key: string): number | undefined {
  return isObject(raw) && typeof raw[key] === "number" ? (raw[key] as number) : undefined;
}

const schedulerSize: ConfigRule = {
  id: "fargate-size",
  description: "The scheduler's CPU and memory are a size Fargate offers.",
  check(input) {
    if (!isObject(input) || !isObject(input.scheduler)) {
      return [];
    }
    const cpu = numberField(input.scheduler, "cpu") ?? DEFAULTS.scheduler.cpu;
    const memory = numberField(input.scheduler, "memoryMiB") ?? DEFAULTS.scheduler.memoryMiB;
    if (isFargateSize(cpu, memory)) {
      return [];
    }
    const range = FARGATE_SIZES[cpu];
    return [
      {
        path: range === undefined ? "scheduler.cpu" : "scheduler.memoryMiB",
        value: range === undefined ? cpu : memory,
        message: range === undefined ? "is not a Fargate CPU size" : `is not a memory size Fargate offers with ${cpu} CPU units`,
        allowed:
          range === undefined
            ? `one of ${Object.keys(FARGATE_SIZES).join(", ")} CPU units`
            : `${range[0]} to ${range[1]} MiB in steps of ${range[2]}`,
        rule: this.id,
      },
    ];
  },
};

const poolBounds: ConfigRule = {
  id: "pool-bounds",
  description: "Pool minimums do not exceed maximums, and the instances can hold the tasks.",
  check(input) {
    if (!isObject(input)) {
      return [];
    }
    const problems: Problem[] = [];
    for (const worker of workerEntries(input)) {
      const merged = { ...DEFAULTS.pool, ...(isObject(input.pool) ? input.pool : {}), ...(isObject(worker.raw.pool) ? worker.raw.pool : {}) } as Record<string, unknown>;
      const where = isObject(worker.raw.pool) ? `${worker.path}.pool` : isObject(input.pool) ? "pool" : `${worker.path}.pool`;
      const num = (key: string) => (typeof merged[key] === "number" ? (merged[key] as number) : undefined);
      const pairs: [string, string][] = [
        ["minTasks", "maxTasks"],
        ["minInstances", "maxInstances"],
      ];
      for (const [low, high] of pairs) {
        const min = num(low);
        const max = num(high);
        if (min !== undefined && max !== undefined && min > max) {
          problems.push({ path: `${where}.${low}`, value: min, message: `exceeds ${high} (${max}) for ${String(worker.raw.region)}`, allowed: `at most ${high}`, rule: this.id });
        }
      }
      const type = typeof merged.instanceType === "string" ? INSTANCE_TYPES[merged.instanceType] : undefined;
      const tasksPerInstance = num("tasksPerInstance");
      const processes = num("processesPerTask");
      const threads = num("threadsPerProcess");
      if (type !== undefined && tasksPerInstance !== undefined && tasksPerInstance > type.vcpus) {
        problems.push({
          path: `${where}.tasksPerInstance`,
          value: tasksPerInstance,
          message: `gives tasks less than one vCPU on ${String(merged.instanceType)} (${type.vcpus} vCPUs)`,
          allowed: `1 to ${type.vcpus}`,
          rule: this.id,
        });
      }
      if (type !== undefined && tasksPerInstance !== undefined && processes !== undefined && threads !== undefined) {
        const taskVcpus = type.vcpus / tasksPerInstance;
        if (processes * threads > taskVcpus * 4) {
          problems.push({
            path: `${where}.threadsPerProcess`,
            value: threads,
            message: `with ${processes} processes oversubscribes a task of ${taskVcpus} vCPUs more than 4 times`,
            allowed: `processesPerTask x threadsPerProcess of at most ${taskVcpus * 4}`,
            rule: this.id,
          });
        }
      }
      const maxTasks = num("maxTasks");
      const maxInstances = num("maxInstances");
      if (maxTasks !== undefined && maxInstances !== undefined && tasksPerInstance !== undefined && maxTasks > maxInstances * tasksPerInstance) {
        problems.push({
          path: `${where}.maxTasks`,
          value: maxTasks,
          message: `cannot be placed on ${maxInstances} instances of ${tasksPerInstance} tasks for ${String(worker.raw.region)}`,
          allowed: `at most maxInstances x tasksPerInstance = ${maxInstances * tasksPerInstance}`,
          rule: this.id,
        });
      }
    }
    return problems;
  },
};

/** A worker Region's pool settings merged over the topology's and the defaults, with where each was set. */
function mergedPools(input: Loose): { worker: RegionEntry; merged: Record<string, unknown>; setAt: (key: string) => string | undefined }[] {
  const topologyPool = isObject(input.pool) ? input.pool : {};
  return workerEntries(input).map((worker) => {
    const regionPool = isObject(worker.raw.pool) ? worker.raw.pool : {};
    return {
      worker,
      merged: { ...DEFAULTS.pool, ...topologyPool, ...regionPool } as Record<string, unknown>,
      setAt: (key: string) => (key in regionPool ? `${worker.path}.pool.${key}` : key in topologyPool ? `pool.${key}` : undefined),
    };
  });
}

const poolTaskEnis: ConfigRule = {
  id: "pool-task-enis",
  description:
    "A host holds no more awsvpc worker tasks than it has network interfaces besides its own (each task takes one; no ENI trunking). " +
    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html",
  check(input) {
    if (!isObject(input)) {
      return [];
    }
    return mergedPools(input).flatMap(({ worker, merged, setAt }) => {
      const name = merged.instanceType;
      const type = typeof name === "string" ? INSTANCE_TYPES[name] : undefined;
      const tasks = merged.tasksPerInstance;
      if (type === undefined || typeof tasks !== "number" || tasks <= maxAwsvpcTasks(type)) {
        return [];
      }
      return [
        {
          path: setAt("tasksPerInstance") ?? `${worker.path}.pool.tasksPerInstance`,
          value: tasks,
          message: `needs ${tasks} network interfaces for its awsvpc tasks, but ${String(name)} attaches ${type.maxNetworkInterfaces} and one is the host's own, so tasks beyond ${maxAwsvpcTasks(type)} would never be placed in ${String(worker.raw.region)}`,
          allowed: `1 to ${maxAwsvpcTasks(type)} on ${String(name)}, or an instance type with more network interfaces`,
          rule: this.id,
        },
      ];
    });
  },
};

/** Settings that only one scaling mode reads. */
const MODE_KNOBS: Readonly<Record<"demand" | "cpu", readonly string[]>> = {
  demand: ["idleSeconds", "scaleInAfterSeconds", "targetDurationSeconds", "publishIntervalSeconds", "scaleOutStep", "protectionMinutes"],
  cpu: ["cpuTargetPercent", "scaleInCooldownSeconds", "scaleOutCooldownSeconds"],
};

const scalingEgress: ConfigRule = {
  id: "pool-scaling-egress",
  description: "Demand scaling needs the client Region's NAT: the scheduler publishes each pool's demand to CloudWatch in the pool's Region.",
  check(input) {
    if (!isObject(input) || !isObject(input.client) || input.client.egress !== "none") {
      return [];
    }
    const demand = mergedPools(input).filter((p) => p.merged.scaling === "demand");
    if (demand.length === 0) {
      return [];
    }
    return [
      {
        path: "client.egress",
        value: "none",
        message: `leaves the scheduler no way to CloudWatch in ${demand.map((p) => String(p.worker.raw.region)).join(", ")} (an interface endpoint serves only its own Region)`,
        allowed: '"nat", or pool.scaling "cpu" for those Regions',
        rule: this.id,
      },
    ];
  },
};

const cpuScalingMinimum: ConfigRule = {
  id: "pool-cpu-scaling-min",
  description: "CPU target tracking cannot start a pool from zero tasks (no task, no CPU metric).",
  check(input) {
    if (!isObject(input)) {
      return [];
    }
    return mergedPools(input).flatMap(({ worker, merged, setAt }) => {
      if (merged.scaling !== "cpu" || merged.minTasks !== 0) {
        return [];
      }
      const region = String(worker.raw.region);
      const minTasksAt = setAt("minTasks");
      // Name the field the user wrote: minTasks when they set it to 0, else the scaling mode
      // that the default minTasks (0) does not suit.
      return [
        minTasksAt !== undefined
          ? { path: minTasksAt, value: 0, message: `with scaling "cpu" leaves ${region} without a task to measure CPU on, so it never scales out` }
          : {
              path: setAt("scaling") ?? `${worker.path}.pool.scaling`,
              value: "cpu",
              message: `starts ${region} at the default minTasks 0: no task to measure CPU on, so it never scales out`,
            },
      ].map((problem) => ({ ...problem, allowed: 'minTasks of at least 1 with scaling "cpu", or scaling "demand" (scales from zero)', rule: this.id }));
    });
  },
};

const scalingKnobs: ConfigRule = {
  id: "pool-scaling-knobs",
  description: "A pool's settings belong to its scaling mode (a setting the mode ignores is a mistake).",
  check(input) {
    if (!isObject(input)) {
      return [];
    }
    const seen = new Set<string>();
    const problems: Problem[] = [];
    for (const { worker, merged, setAt } of mergedPools(input)) {
      const mode = merged.scaling === "cpu" ? "cpu" : "demand";
      const other = mode === "cpu" ? "demand" : "cpu";
      for (const key of MODE_KNOBS[other]) {
        const path = setAt(key);
        if (path === undefined || seen.has(path)) {
          continue;
        }
        seen.add(path);
        problems.push({
          path,
          value: merged[key],
          message: `is a setting of scaling "${other}", but ${String(worker.raw.region)} scales on "${mode}"`,
          allowed: `the settings of scaling "${mode}": ${MODE_KNOBS[mode].join(", ")}`,
          rule: this.id,
        });
      }
    }
    return problems;
  },
};

const publicDashboard: ConfigRule = {
  id: "dashboard-https",
  description: "A public dashboard is served over HTTPS only, so it needs a certificate.",
  check(input) {
    if (!isObject(input) || !isObject(input.dashboard) || input.dashboard.public !== true || typeof input.dashboard.certificateArn === "string") {
      return [];
    }
    return [
      {
        path: "dashboard.certificateArn",
        value: undefined,
        message: "is required when dashboard.public is true",
        allowed: "an ACM certificate ARN for the HTTPS listener, or dashboard.public false (internal, the default)",
        rule: this.id,
      },
    ];
  },
};

const catalogNodes: ConfigRule = {
  id: "catalog-nodes",
  description: "The catalog's data nodes spread evenly over the client Region's zones (zone awareness).",
  check(input) {
    if (!isObject(input) || !isObject(input.catalog) || typeof input.catalog.instanceCount !== "number" || !isObject(input.client)) {
      return [];
    }
    const zones = Array.isArray(input.client.availabilityZones) ? input.client.availabilityZones.length : DEFAULTS.zoneSuffixes.length;
    const count = input.catalog.instanceCount;
    return count % zones === 0
      ? []
      : [
          {
            path: "catalog.instanceCount",
            value: count,
            message: `does not spread evenly over the client Region's ${zones} zones`,
            allowed: `a multiple of ${zones}`,
            rule: this.id,
          },
        ];
  },
};

/**
 * Addresses the network interfaces of one zone's private subnet take. AWS keeps 5 addresses of
 * every subnet (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html); each
 * interface endpoint has one interface per subnet
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html), a Transit
 * Gateway VPC attachment one per subnet (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html),
 * each awsvpc task its own interface (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html),
 * a VPC Lambda a Hyperplane interface per subnet and security group
 * (https://docs.aws.amazon.com/lambda/latest/dg/foundation-networking.html), and an Application
 * Load Balancer needs 8 free addresses in each of its subnets, of at least /27
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer).
 * The endpoint counts must match stacks/network-stack.ts (a test checks).
 */
export const SUBNET_ADDRESSES = {
  reservedPerSubnet: 5,
  clientEndpoints: 3,
  workerEndpoints: 10,
  transitGatewayAttachment: 1,
  lambdaHyperplane: 1,
  loadBalancerFree: 8,
  loadBalancerMinPrefix: 27,
  /** The scheduler task, the notebook instance, the data host: one interface each, at most one per zone. */
  singleInterface: 1,
} as const;

function poolOf(input: Loose, worker: RegionEntry): Record<string, unknown> {
  return { ...DEFAULTS.pool, ...(isObject(input.pool) ? input.pool : {}), ...(isObject(worker.raw.pool) ? worker.raw.pool : {}) };
}

const subnetCapacity: ConfigRule = {
  id: "subnet-capacity",
  description: "Each zone's private subnet (a quarter of the Region's CIDR) has addresses for every interface placed in it.",
  check(input) {
    if (!isObject(input)) {
      return [];
    }
    const problems: Problem[] = [];
    for (const entry of regionEntries(input)) {
      const cidr = stringField(entry.raw, "cidr");
      const parsed = cidr === undefined ? undefined : parseIpv4Cidr(cidr);
      if (parsed === undefined || "error" in parsed) {
        continue;
      }
      const zones = Array.isArray(entry.raw.availabilityZones) ? Math.max(1, entry.raw.availabilityZones.length) : DEFAULTS.zoneSuffixes.length;
      const usable = 2 ** (32 - (parsed.prefix + 2)) - SUBNET_ADDRESSES.reservedPerSubnet;
      const a = SUBNET_ADDRESSES;
      let demand: number;
      let parts: string;
      if (entry.path === "client") {
        demand = a.clientEndpoints + a.transitGatewayAttachment + a.loadBalancerFree + 2 * a.singleInterface;
        parts = `${a.clientEndpoints} interface endpoints, ${a.transitGatewayAttachment} Transit Gateway attachment, ${a.loadBalancerFree} free for the dashboard load balancer, the scheduler and the notebook`;
      } else {
        const pool = poolOf(input, entry);
        const tasks = typeof pool.maxTasks === "number" ? Math.ceil(pool.maxTasks / zones) : 0;
        const hosts = typeof pool.maxInstances === "number" ? Math.ceil(pool.maxInstances / zones) : 0;
        demand = a.workerEndpoints + a.transitGatewayAttachment + a.lambdaHyperplane + a.singleInterface + tasks + hosts;
        parts = `${a.workerEndpoints} interface endpoints, ${a.transitGatewayAttachment} Transit Gateway attachment, ${a.lambdaHyperplane} indexer interface, the data host, ${tasks} worker tasks and ${hosts} worker hosts (maxTasks and maxInstances over ${zones} zones)`;
      }
      if (demand > usable) {
        problems.push({
          path: `${entry.path}.cidr`,
          value: cidr,
          message: `leaves ${usable} usable addresses per zone's /${parsed.prefix + 2} subnet, fewer than the ${demand} its interfaces need (${parts})`,
          allowed: `a larger CIDR block (each private subnet is a quarter of it; AWS keeps 5 addresses per subnet), or fewer tasks and hosts per zone`,
          rule: this.id,
        });
      }
    }
    return problems;
  },
};

const dashboardSubnetSize: ConfigRule = {
  id: "dashboard-subnet-size",
  description: "A public dashboard's load balancer subnets (a sixteenth of the client CIDR each) are at least /27, as ELB requires.",
  check(input) {
    if (!isObject(input) || !isObject(input.dashboard) || input.dashboard.public !== true || !isObject(input.client)) {
      return [];
    }
    const cidr = stringField(input.client, "cidr");
    const parsed = cidr === undefined ? undefined : parseIpv4Cidr(cidr);
    if (parsed === undefined || "error" in parsed || parsed.prefix + 4 <= SUBNET_ADDRESSES.loadBalancerMinPrefix) {
      return [];
    }
    return [
      {
        path: "client.cidr",
        value: cidr,
        message: `gives the public dashboard load balancer /${parsed.prefix + 4} public subnets; ELB needs subnets of at least /${SUBNET_ADDRESSES.loadBalancerMinPrefix}`,
        allowed: `a client CIDR of /${SUBNET_ADDRESSES.loadBalancerMinPrefix - 4} or larger with dashboard.public, or an internal dashboard`,
        rule: this.id,
      },
    ];
  },
};

/**
 * Config fields that existed once and were removed, with what replaced them: a config that still
 * sets one gets this explanation instead of a bare unknown-key error.
 */
export const REMOVED_FIELDS: Readonly<Record<string, string>> = {
  "catalog.createServiceLinkedRole":
    "was removed: service-linked roles are account-wide, so no stack creates them; `npm run bootstrap` ensures every one the topology needs (modules/aws/service-linked-roles.ts) before `cdktf deploy`",
};

const removedFields: ConfigRule = {
  id: "removed-field",
  description: "Fields that were removed are reported with what replaced them.",
  check(input) {
    const problems: Problem[] = [];
    for (const [path, replacement] of Object.entries(REMOVED_FIELDS)) {
      const parts = path.split(".");
      let node: unknown = input;
      for (const part of parts.slice(0, -1)) {
        node = isObject(node) ? node[part] : undefined;
      }
      const last = parts[parts.length - 1];
      if (isObject(node) && last in node) {
        problems.push({ path, value: node[last], message: replacement, allowed: "no such key: delete it", rule: this.id });
      }
    }
    return problems;
  },
};

const indexerRunner: ConfigRule = {
  id: "indexer-runner",
  description: "A Region's catalog refresh runs on Lambda only when its datasets' object counts are known and fit Lambda's 900 s.",
  check(input) {
    const problems: Problem[] = [];
    for (const worker of workerEntries(input)) {
      if (!isObject(worker.raw.indexer) || worker.raw.indexer.runner !== "lambda") {
        continue;
      }
      const datasets = datasetEntries(worker).flatMap((entry) => {
        const name = stringField(entry.raw, "name");
        const s3 = stringField(entry.raw, "s3");
        const expected = entry.raw.expectedObjects;
        return name === undefined || s3 === undefined ? [] : [{ path: entry.path, ...datasetObjects({ name, s3, ...(typeof expected === "number" ? { expectedObjects: expected } : {}) }) }];
      });
      const unknown = datasets.filter((dataset) => dataset.from === "unknown");
      const total = datasets.reduce((sum, dataset) => sum + dataset.objects, 0);
      if (unknown.length > 0) {
        problems.push({
          path: `${worker.path}.indexer.runner`,
          value: "lambda",
          message: `cannot be planned: the object count of ${unknown.map((dataset) => dataset.path).join(", ")} is unknown`,
          allowed: `"lambda" with expectedObjects on every dataset of the Region, or "fargate" / "auto"`,
          rule: this.id,
        });
      } else if (total > LAMBDA_MAX_OBJECTS) {
        problems.push({
          path: `${worker.path}.indexer.runner`,
          value: "lambda",
          message: `would not finish inside Lambda's 900 s: the Region's datasets hold ${total} objects, more than the ${LAMBDA_MAX_OBJECTS} Lambda is planned for`,
          allowed: `"fargate" or "auto" (or "lambda" for at most ${LAMBDA_MAX_OBJECTS} objects)`,
          rule: this.id,
        });
      }
    }
    return problems;
  },
};

/** Every cross-field rule, in the order their problems are reported. */
export const CONFIG_RULES: readonly ConfigRule[] = [
  cidrOverlap,
  duplicateWorkerRegion,
  workerIsClient,
  datasetNameUnique,
  datasetPathOverlap,
  datasetS3Overlap,
  availabilityZones,
  asnUnique,
  schedulerSize,
  poolBounds,
  poolTaskEnis,
  scalingEgress,
  cpuScalingMinimum,
  scalingKnobs,
  publicDashboard,
  catalogNodes,
  indexerRunner,
  subnetCapacity,
  dashboardSubnetSize,
  removedFields,
];
