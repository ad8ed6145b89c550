import { z } from "zod";
import { DASK_IMAGES } from "../compute/images";
import { INSTANCE_TYPES } from "../compute/instance-types";
import { parseIpv4Cidr } from "../network/cidr";
import { AWS_REGIONS, isAwsRegion } from "./regions";
import { checkName, NAME_TARGETS } from "../aws/names";
import { NOTEBOOK_INSTANCE_TYPES, OPENSEARCH_INSTANCE_TYPES } from "../aws/values";

/** S3's bucket naming rules (modules/aws/names.ts), shared with the AWS-NAMES guardrail. */
const S3_BUCKET = NAME_TARGETS.find((target) => target.type === "aws_s3_bucket" && target.attribute === "bucket");
function bucketNameProblem(name: string): string | undefined {
  return S3_BUCKET === undefined ? "cannot be checked" : checkName(S3_BUCKET, name);
}

/**
 * Structure and field-level rules of the topology config. Cross-field rules (overlapping
 * CIDRs, duplicate Regions, ...) live in `rules.ts`. Every refinement carries a rule id and a
 * description of what is allowed, which `validate.ts` turns into a `Problem`.
 */

/** Limits shared by the schema, the rules and their tests. */
export const LIMITS = {
  minCidrPrefix: 16,
  maxCidrPrefix: 24,
  maxDatasetsPerRegion: 8,
  minZones: 2,
  maxZones: 3,
  maxWorkerRegions: 16,
} as const;

/** How a worker pool scales (see the pool schema's `scaling`). */
export const SCALING_MODES = ["demand", "cpu"] as const;

export const NAME_PATTERN = /^[a-z][a-z0-9-]{1,14}[a-z0-9]$/;
export const DATASET_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
export const BUCKET_PATTERN = /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const S3_URI_PATTERN = /^s3:\/\/([^/]+)(\/(.*[^/])?)?\/?$/;
export const DATASET_PATH_PATTERN = /^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
export const KEY_PREFIX_PATTERN = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
/** Retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

interface Check<T> {
  readonly rule: string;
  readonly test: (value: T) => boolean;
  readonly message: string | ((value: T) => string);
  readonly allowed: string;
}

/** Attaches a named rule to a schema: failures carry `params.rule` and `params.allowed`. */
function withCheck<S extends z.ZodType>(schema: S, check: Check<z.output<S>>): S {
  return schema.superRefine((value, ctx) => {
    if (!check.test(value)) {
      ctx.addIssue({
        code: "custom",
        message: typeof check.message === "function" ? check.message(value) : check.message,
        params: { rule: check.rule, allowed: check.allowed },
        input: value,
      });
    }
  }) as unknown as S;
}

const region = withCheck(z.string(), {
  rule: "region-name",
  test: isAwsRegion,
  message: "is not an AWS Region of the aws partition",
  allowed: `one of ${AWS_REGIONS.join(", ")}`,
});

const cidr = withCheck(
  withCheck(z.string(), {
    rule: "cidr-syntax",
    test: (value) => !("error" in parseIpv4Cidr(value)),
    message: (value) => {
      const parsed = parseIpv4Cidr(value);
      return "error" in parsed ? parsed.error : "";
    },
    allowed: "an IPv4 network in CIDR notation such as 10.1.0.0/16",
  }),
  {
    rule: "cidr-prefix",
    test: (value) => {
      const parsed = parseIpv4Cidr(value);
      return "error" in parsed || (parsed.prefix >= LIMITS.minCidrPrefix && parsed.prefix <= LIMITS.maxCidrPrefix);
    },
    message: "has a prefix length outside the range a VPC can use",
    allowed: `a prefix between /${LIMITS.minCidrPrefix} and /${LIMITS.maxCidrPrefix}`,
  },
);

const availabilityZones = z.array(z.string()).optional();

const transitGatewayAsn = withCheck(z.number().int(), {
  rule: "asn-range",
  test: (value) => (value >= 64512 && value <= 65534) || (value >= 4200000000 && value <= 4294967294),
  message: "is not a private ASN",
  allowed: "a private ASN: 64512-65534 or 4200000000-4294967294",
}).optional();

const egress = z.enum(["nat", "none"]).optional();

const dataset = z.strictObject({
  /** Unique name across the topology, used in ids, index documents and Lustre paths. */
  name: withCheck(z.string(), {
    rule: "dataset-name-pattern",
    test: (value) => DATASET_NAME_PATTERN.test(value),
    message: "is not a valid dataset name",
    allowed: "2-32 characters: lowercase letters, digits and '-', starting with a letter",
  }),
  /** Public S3 location, `s3://bucket[/prefix]`, in the same Region as its workers. */
  s3: withCheck(z.string(), {
    rule: "s3-uri",
    test: (value) => {
      const match = S3_URI_PATTERN.exec(value);
      return match !== null && BUCKET_PATTERN.test(match[1]) && bucketNameProblem(match[1]) === undefined && !value.includes("//", 5);
    },
    message: "is not an S3 URI",
    allowed: "s3://<bucket>[/<prefix>] with a valid bucket name (3-63 lowercase letters, digits, '.' and '-')",
  }),
  /** Where the dataset appears on the Lustre file system (the DRA's file_system_path). */
  path: withCheck(z.string(), {
    rule: "dataset-path-absolute",
    test: (value) => DATASET_PATH_PATTERN.test(value),
    message: "is not an absolute directory path below the file system root",
    allowed: "an absolute path such as /era5 (letters, digits, '.', '_', '-'; no trailing slash; not / itself)",
  }),
  /**
   * Objects (S3 keys) below `s3`, roughly: sizes the nightly catalog refresh (where the indexer
   * runs, the import and indexer timeouts; see modules/catalog/sizing.ts).
   * @default the estimate in modules/catalog/known-datasets.ts for the public datasets listed there
   * (s3://era5-pds: 40 million, s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC: 2 million); otherwise unknown,
   * sized as 20 million objects on the Fargate runner
   */
  expectedObjects: withCheck(z.number(), {
    rule: "expected-objects",
    test: (value) => Number.isSafeInteger(value) && value >= 1 && value <= 100_000_000_000,
    message: "is not a usable object count",
    allowed: "a whole number from 1 to 100000000000",
  }).optional(),
});

/** The worker Region's catalog indexer. */
const indexer = z.strictObject({
  /**
   * Where the nightly catalog refresh runs: `lambda` (900 s at most), `fargate` (an ECS Fargate
   * task the state machine starts and waits for, no time limit), or `auto`.
   * @default "auto": Lambda when every dataset's object count is configured or known and together
   * they fit Lambda's budget (LAMBDA_MAX_OBJECTS in modules/catalog/sizing.ts), Fargate otherwise
   */
  runner: z.enum(["auto", "lambda", "fargate"]).optional(),
});

const count = (field: string, min: number, max: number) =>
  withCheck(z.number(), {
    rule: "pool-count",
    test: (value) => Number.isInteger(value) && value >= min && value <= max,
    message: `is not a usable ${field}`,
    allowed: `a whole number from ${min} to ${max}`,
  });

/** Dask worker pool settings; every field optional (defaults in modules/config/topology.ts). */
const pool = z.strictObject({
  /** @default "m6i.xlarge" */
  instanceType: withCheck(z.string(), {
    rule: "instance-type",
    test: (value) => INSTANCE_TYPES[value] !== undefined,
    message: "is not an offered worker instance type",
    allowed: `one of ${Object.keys(INSTANCE_TYPES).join(", ")}`,
  }).optional(),
  /** ECS worker tasks per EC2 instance. @default 1 */
  tasksPerInstance: count("tasksPerInstance", 1, 32).optional(),
  /** Dask worker processes per task (`--nworkers`). @default 1 */
  processesPerTask: count("processesPerTask", 1, 16).optional(),
  /** Threads per worker process (`--nthreads`, and the pool resource's quantity). @default the task's vCPUs / processesPerTask */
  threadsPerProcess: count("threadsPerProcess", 1, 64).optional(),
  /** Worker tasks the pool keeps when idle. @default 0: an idle pool costs nothing (its hosts follow through the capacity provider) */
  minTasks: count("minTasks", 0, 1000).optional(),
  /** @default 12 */
  maxTasks: count("maxTasks", 1, 1000).optional(),
  /** @default 0 */
  minInstances: count("minInstances", 0, 1000).optional(),
  /** @default 12 */
  maxInstances: count("maxInstances", 1, 1000).optional(),
  /**
   * How the worker service scales. `demand`: on the scheduler's demand for the pool (ready
   * tasks, their expected run time, bytes held), published to CloudWatch, with graceful
   * scale-in and scale to minTasks when idle. `cpu`: target tracking of the service's average
   * CPU (a fallback: it cannot wake a pool at zero, and it may stop workers holding results).
   * @default "demand"
   */
  scaling: z.enum(SCALING_MODES).optional(),
  /** `demand`: a pool with no work and no results held keeps its workers this long, then goes to minTasks. @default 900 */
  idleSeconds: count("idleSeconds", 5, 86400).optional(),
  /** `demand`: a busy pool needing fewer workers releases them after its demand has been lower this long. @default 120 */
  scaleInAfterSeconds: count("scaleInAfterSeconds", 1, 3600).optional(),
  /**
   * `demand`: the pool is sized to finish its ready work in about this time (Dask Adaptive's
   * target duration). Worker tasks take minutes to start on EC2 (instance launch, image pull),
   * so a short target starts workers that arrive after the work is done. @default 60
   */
  targetDurationSeconds: count("targetDurationSeconds", 1, 3600).optional(),
  /**
   * `demand`: how often the scheduler publishes each pool's desired task count. At most 60:
   * the alarm evaluates one-minute periods, and a period without data stops the scaling.
   * @default 15
   */
  publishIntervalSeconds: count("publishIntervalSeconds", 1, 60).optional(),
  /** `demand`: at most this many more tasks per publishing interval. @default 4 */
  scaleOutStep: count("scaleOutStep", 1, 1000).optional(),
  /**
   * `demand`: ECS task scale-in protection each worker sets on its task, renewed at half-time;
   * cleared by the scheduler once the worker's keys have moved. ECS allows 1-2880 minutes. @default 60
   */
  protectionMinutes: count("protectionMinutes", 1, 2880).optional(),
  /** `cpu`: target average CPU of the worker service, percent. @default 40 */
  cpuTargetPercent: count("cpuTargetPercent", 5, 95).optional(),
  /** `cpu`: @default 300 */
  scaleInCooldownSeconds: count("scaleInCooldownSeconds", 0, 3600).optional(),
  /** `cpu`: @default 60 */
  scaleOutCooldownSeconds: count("scaleOutCooldownSeconds", 0, 3600).optional(),
});

/** FSx for Lustre settings; every field optional (defaults in modules/config/defaults.ts). */
const lustre = z.strictObject({
  /** PERSISTENT_2 SSD capacity: 1200, 2400 or a multiple of 2400 GiB. @default 1200 */
  storageCapacityGiB: withCheck(z.number(), {
    rule: "lustre-capacity",
    test: (value) => value === 1200 || (Number.isInteger(value) && value >= 2400 && value % 2400 === 0 && value <= 2400 * 200),
    message: "is not a PERSISTENT_2 capacity",
    allowed: "1200, 2400, or a multiple of 2400 GiB (up to 480000)",
  }).optional(),
  /** Throughput per TiB of storage. @default 125 */
  throughputMBpsPerTiB: withCheck(z.number(), {
    rule: "lustre-throughput",
    test: (value) => [125, 250, 500, 1000].includes(value),
    message: "is not a PERSISTENT_2 throughput tier",
    allowed: "125, 250, 500 or 1000 MB/s per TiB",
  }).optional(),
});

const regionFields = {
  region,
  cidr,
  /** @default two zones, `<region>a` and `<region>b` */
  availabilityZones,
  /** @default 64512 + the Region's position in the known-Region list (unique per Region) */
  transitGatewayAsn,
  /** @default "nat" in the client Region (the notebook installs packages), "none" in worker Regions (VPC endpoints only) */
  egress,
};

const client = z.strictObject({ ...regionFields });

const worker = z.strictObject({
  ...regionFields,
  /** Overrides of the topology-wide `pool` settings for this Region. @default the topology's pool */
  pool: pool.optional(),
  /** Overrides of the topology-wide `lustre` settings for this Region. @default the topology's lustre */
  lustre: lustre.optional(),
  /** Run the standalone data host (SSM-managed EC2 instance mounting the file system). @default true */
  dataHost: z.boolean().optional(),
  /** The Region's catalog indexer. @default `{ runner: "auto" }` */
  indexer: indexer.optional(),
  datasets: withCheck(z.array(dataset), {
    rule: "datasets-per-region",
    test: (value) => value.length >= 1 && value.length <= LIMITS.maxDatasetsPerRegion,
    message: "has the wrong number of datasets",
    allowed: `1 to ${LIMITS.maxDatasetsPerRegion} datasets per Region (an FSx for Lustre file system takes at most 8 data repository associations)`,
  }),
});

const s3State = z.strictObject({
  backend: z.literal("s3"),
  /** State bucket, created by the `state` bootstrap stack. */
  bucket: withCheck(z.string(), {
    rule: "state-bucket-name",
    // S3's rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    test: (value) => BUCKET_PATTERN.test(value) && bucketNameProblem(value) === undefined,
    message: (value) => `is not a valid S3 bucket name${bucketNameProblem(value) !== undefined ? ` (${bucketNameProblem(value)})` : ""}`,
    allowed:
      "3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, no '..', not an IP address, no reserved prefix (xn--, sthree-) or suffix (-s3alias, --ol-s3, .mrap, --x-s3)",
  }),
  region,
  /** @default the topology name */
  keyPrefix: withCheck(z.string(), {
    rule: "state-key-prefix",
    test: (value) => KEY_PREFIX_PATTERN.test(value),
    message: "is not a usable S3 key prefix",
    allowed: "path segments of letters, digits and !_.*'()- separated by '/', without leading or trailing '/'",
  }).optional(),
});

const localState = z.strictObject({
  backend: z.literal("local"),
  /** @default "terraform-state" (relative to the project directory) */
  directory: withCheck(z.string(), {
    rule: "state-directory",
    test: (value) => value.length > 0 && !value.includes("\0"),
    message: "is not a usable directory",
    allowed: "a non-empty directory path",
  }).optional(),
});

const cloudState = z.strictObject({
  backend: z.literal("cloud"),
  /** Terraform Cloud / Enterprise organization. */
  organization: withCheck(z.string(), {
    rule: "cloud-organization",
    test: (value) => /^[A-Za-z0-9_-]{3,40}$/.test(value),
    message: "is not a Terraform Cloud organization name",
    allowed: "3-40 letters, digits, '_' and '-'",
  }),
  /** Project the workspaces belong to. @default the organization's default project */
  project: withCheck(z.string(), {
    rule: "cloud-project",
    test: (value) => /^[A-Za-z0-9 _-]{3,40}$/.test(value),
    message: "is not a Terraform Cloud project name",
    allowed: "3-40 letters, digits, spaces, '_' and '-'",
  }).optional(),
  /** Prefix of every workspace name: `<prefix><stack>`. @default "<name>-" */
  workspacePrefix: withCheck(z.string(), {
    rule: "cloud-workspace-prefix",
    test: (value) => /^[A-Za-z0-9_-]{1,40}$/.test(value),
    message: "is not a usable workspace name prefix",
    allowed: "1-40 letters, digits, '_' and '-'",
  }).optional(),
  /** @default "app.terraform.io" */
  hostname: withCheck(z.string(), {
    rule: "cloud-hostname",
    test: (value) => /^[a-z0-9.-]+\.[a-z]{2,}$/.test(value),
    message: "is not a host name",
    allowed: "a host name such as app.terraform.io or tfe.example.org",
  }).optional(),
});

export const STATE_BACKENDS = ["s3", "local", "cloud"] as const;

const state = z.discriminatedUnion("backend", [s3State, localState, cloudState]);

/** The topology config: `context.proximate` in cdktf.json, or the file named by PROXIMATE_CONFIG. */
export const configSchema = z.strictObject({
  /** Topology name: prefixes resource names and tags. */
  name: withCheck(z.string(), {
    rule: "name-pattern",
    test: (value) => NAME_PATTERN.test(value),
    message: "is not a valid topology name",
    allowed: "3-16 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  }),
  state,
  client,
  workers: withCheck(z.array(worker), {
    rule: "workers-count",
    test: (value) => value.length >= 1 && value.length <= LIMITS.maxWorkerRegions,
    message: "has the wrong number of worker Regions",
    allowed: `1 to ${LIMITS.maxWorkerRegions} worker Regions (at least one Region next to a dataset)`,
  }),
  /** The Dask image (and so the Dask version) of the scheduler, the workers and the notebook. */
  dask: z
    .strictObject({
      /** @default "pangeo-notebook:2024.06.21" */
      image: withCheck(z.string(), {
        rule: "dask-image",
        test: (value) => DASK_IMAGES[value] !== undefined,
        message: "is not a known Dask image",
        allowed: `one of ${Object.keys(DASK_IMAGES).join(", ")} (add an entry to modules/compute/images.ts for another tag)`,
      }).optional(),
    })
    .optional(),
  /** Private DNS namespace every Region resolves; the scheduler is `scheduler.<namespace>`. @default "<name>.internal" */
  dnsNamespace: withCheck(z.string(), {
    rule: "dns-namespace",
    test: (value) => /^(?=.{3,100}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(value),
    message: "is not a DNS domain name",
    allowed: "a lowercase domain of two or more labels, such as proximate.internal",
  }).optional(),
  /** Fargate size of the scheduler task. */
  scheduler: z
    .strictObject({
      /** @default 1024 */
      cpu: z.number().optional(),
      /** @default 4096 */
      memoryMiB: z.number().optional(),
    })
    .optional(),
  /** The Dask dashboard's load balancer. */
  dashboard: z
    .strictObject({
      /** Internet-facing instead of internal; then HTTPS only, with `certificateArn`. @default false */
      public: z.boolean().optional(),
      /** ACM certificate for the HTTPS listener (required when public). @default none: HTTP on 80 inside the network */
      certificateArn: withCheck(z.string(), {
        rule: "certificate-arn",
        test: (value) => /^arn:aws:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/.test(value),
        message: "is not an ACM certificate ARN",
        allowed: "arn:aws:acm:<region>:<account>:certificate/<id>",
      }).optional(),
    })
    .optional(),
  /** Topology-wide FSx for Lustre settings, overridable per worker Region. */
  lustre: lustre.optional(),
  /** The catalog's OpenSearch domain in the client Region. */
  catalog: z
    .strictObject({
      /** @default "r6g.large.search" */
      instanceType: withCheck(z.string(), {
        rule: "opensearch-instance-type",
        // The API's enum (OpenSearchPartitionInstanceType of the service model).
        test: (value) => OPENSEARCH_INSTANCE_TYPES().includes(value),
        message: "is not an OpenSearch instance type",
        allowed: "an instance type of the OpenSearch Service API such as r6g.large.search (the list: API_ENUMS in modules/aws/api-models.generated.ts)",
      }).optional(),
      /** Data nodes: a multiple of the client Region's zone count. @default one per zone */
      instanceCount: count("catalog.instanceCount", 1, 80).optional(),
      /** gp3 volume per node, GiB. @default 20 */
      volumeSizeGiB: count("catalog.volumeSizeGiB", 10, 16384).optional(),
      /** @default "OpenSearch_2.17" */
      engineVersion: withCheck(z.string(), {
        rule: "opensearch-version",
        test: (value) => /^OpenSearch_2\.\d+$/.test(value),
        message: "is not an OpenSearch 2.x engine version",
        allowed: "OpenSearch_2.<minor>, such as OpenSearch_2.17",
      }).optional(),
    })
    .optional(),
  /** The scientists' SageMaker notebook instance. */
  notebook: z
    .strictObject({
      /** @default "ml.t3.medium" */
      instanceType: withCheck(z.string(), {
        rule: "notebook-instance-type",
        // The API's enum (InstanceType of CreateNotebookInstance in the SageMaker model).
        test: (value) => NOTEBOOK_INSTANCE_TYPES().includes(value),
        message: "is not a SageMaker notebook instance type",
        allowed: "a notebook instance type of the SageMaker API such as ml.t3.medium or ml.m5.xlarge (the list: API_ENUMS in modules/aws/api-models.generated.ts)",
      }).optional(),
      /** @default 20 */
      volumeSizeGiB: count("notebook.volumeSizeGiB", 5, 16384).optional(),
    })
    .optional(),
  /** Where a failed nightly catalog refresh is announced (SNS email subscription). @default no subscription: the alarm's topic only */
  alarmEmail: withCheck(z.string(), {
    rule: "alarm-email",
    test: (value) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value),
    message: "is not an email address",
    allowed: "an email address such as ops@example.org",
  }).optional(),
  /** Topology-wide worker pool settings, overridable per worker Region. */
  pool: pool.optional(),
  /** Extra tags on every resource. @default none */
  tags: z.record(z.string(), z.string()).optional(),
  /** Retention of every CloudWatch log group, in days. @default 30 */
  logRetentionDays: withCheck(z.number(), {
    rule: "log-retention",
    test: (value) => (LOG_RETENTION_DAYS as readonly number[]).includes(value),
    message: "is not a retention period CloudWatch Logs accepts",
    allowed: `one of ${LOG_RETENTION_DAYS.join(", ")} days`,
  }).optional(),
  /** Refuse to plan against any other account. @default any account */
  allowedAccountIds: z
    .array(
      withCheck(z.string(), {
        rule: "account-id",
        test: (value) => /^\d{12}$/.test(value),
        message: "is not an AWS account id",
        allowed: "12 digits",
      }),
    )
    .optional(),
});

/** The config as written by the user (optional fields may be absent). */
export type ProximateConfig = z.output<typeof configSchema>;
export type RegionConfig = z.output<typeof client>;
export type WorkerConfig = z.output<typeof worker>;
export type DatasetConfig = z.output<typeof dataset>;
export type StateConfig = z.output<typeof state>;
export type PoolConfig = z.output<typeof pool>;
export type LustreConfig = z.output<typeof lustre>;
export type IndexerConfig = z.output<typeof indexer>;
