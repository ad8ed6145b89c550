import { validateConfig, parseConfig } from "../../../modules/config/validate";
import { CONFIG_RULES } from "../../../modules/config/rules";
import { formatProblem, InputError, Problem } from "../../../modules/errors";
import { defaultConfig, editedConfig } from "../../helpers/synth";
import { generateConfig } from "../../../modules/config/generate";

function problemsOf(input: unknown): Problem[] {
  const result = validateConfig(input);
  if (result.ok) {
    throw new Error("expected the config to be rejected");
  }
  return [...result.problems];
}

/** One case per rule: a config that breaks exactly that rule, and what the problem must say. */
const cases: { rule: string; edit: (c: any) => void; path: string; value: unknown; says: RegExp }[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  { rule: "unknown-key", edit: (c) => { c.workers[0].cdir = "10.9.0.0/16"; }, path: "workers[0].cdir", value: "10.9.0.0/16", says: /not a known key \(did you mean "cidr"\?\).*allowed: the keys region, cidr/ },
  { rule: "unknown-key", edit: (c) => { c.clinet = {}; }, path: "clinet", value: {}, says: /did you mean "client"/ },
  { rule: "required-field", edit: (c) => { delete c.client.cidr; }, path: "client.cidr", value: undefined, says: /is required; allowed: a string/ },
  { rule: "field-type", edit: (c) => { c.workers = {}; }, path: "workers", value: {}, says: /wrong type; allowed: a list/ },
  { rule: "name-pattern", edit: (c) => { c.name = "Proximate_1"; }, path: "name", value: "Proximate_1", says: /3-16 characters/ },
  { rule: "region-name", edit: (c) => { c.workers[1].region = "us-west-9"; }, path: "workers[1].region", value: "us-west-9", says: /not an AWS Region.*one of us-east-1/ },
  { rule: "cidr-syntax", edit: (c) => { c.workers[0].cidr = "10.1.0/16"; }, path: "workers[0].cidr", value: "10.1.0/16", says: /not an IPv4 CIDR block/ },
  { rule: "cidr-syntax", edit: (c) => { c.workers[0].cidr = "10.1.2.0/16"; }, path: "workers[0].cidr", value: "10.1.2.0/16", says: /host bits set \(the network address is 10\.1\.0\.0\/16\)/ },
  { rule: "cidr-prefix", edit: (c) => { c.client.cidr = "10.0.0.0/8"; c.workers[0].cidr = "172.16.0.0/16"; c.workers[1].cidr = "172.17.0.0/16"; }, path: "client.cidr", value: "10.0.0.0/8", says: /between \/16 and \/24/ },
  { rule: "cidr-overlap", edit: (c) => { c.workers[1].cidr = "10.1.128.0/17"; }, path: "workers[1].cidr", value: "10.1.128.0/17", says: /overlaps workers\[0\]\.cidr "10\.1\.0\.0\/16"/ },
  { rule: "duplicate-worker-region", edit: (c) => { c.workers[1].region = "us-east-1"; }, path: "workers[1].region", value: "us-east-1", says: /repeats workers\[0\]\.region/ },
  { rule: "worker-is-client", edit: (c) => { c.workers[0].region = "eu-west-2"; }, path: "workers[0].region", value: "eu-west-2", says: /is the client Region/ },
  { rule: "workers-count", edit: (c) => { c.workers = []; }, path: "workers", value: [], says: /1 to 16 worker Regions/ },
  { rule: "dataset-name-pattern", edit: (c) => { c.workers[0].datasets[0].name = "ERA5"; }, path: "workers[0].datasets[0].name", value: "ERA5", says: /lowercase letters/ },
  { rule: "dataset-name-unique", edit: (c) => { c.workers[1].datasets[0].name = "era5"; }, path: "workers[1].datasets[0].name", value: "era5", says: /repeats workers\[0\]\.datasets\[0\]\.name/ },
  { rule: "s3-uri", edit: (c) => { c.workers[0].datasets[0].s3 = "https://era5-pds.s3.amazonaws.com"; }, path: "workers[0].datasets[0].s3", value: "https://era5-pds.s3.amazonaws.com", says: /s3:\/\/<bucket>\[\/<prefix>\]/ },
  { rule: "s3-uri", edit: (c) => { c.workers[0].datasets[0].s3 = "s3://Era5_PDS"; }, path: "workers[0].datasets[0].s3", value: "s3://Era5_PDS", says: /not an S3 URI/ },
  { rule: "dataset-path-absolute", edit: (c) => { c.workers[0].datasets[0].path = "era5"; }, path: "workers[0].datasets[0].path", value: "era5", says: /absolute path/ },
  { rule: "dataset-path-absolute", edit: (c) => { c.workers[0].datasets[0].path = "/"; }, path: "workers[0].datasets[0].path", value: "/", says: /not \/ itself/ },
  { rule: "dataset-path-overlap", edit: (c) => { c.workers[0].datasets.push({ name: "era5-zarr", s3: "s3://era5-pds/zarr", path: "/era5/zarr" }); }, path: "workers[0].datasets[1].path", value: "/era5/zarr", says: /overlaps workers\[0\]\.datasets\[0\]\.path "\/era5"/ },
  { rule: "dataset-s3-overlap", edit: (c) => { c.workers[0].datasets.push({ name: "era5-zarr", s3: "s3://era5-pds/zarr", path: "/era5-zarr" }); }, path: "workers[0].datasets[1].s3", value: "s3://era5-pds/zarr", says: /same or a nested S3 location/ },
  { rule: "datasets-per-region", edit: (c) => { c.workers[0].datasets = Array.from({ length: 9 }, (_, i) => ({ name: `d${i}x`, s3: `s3://bucket-${i}`, path: `/d${i}` })); }, path: "workers[0].datasets", value: undefined, says: /1 to 8 datasets per Region/ },
  { rule: "availability-zones", edit: (c) => { c.workers[0].availabilityZones = ["us-east-1a", "us-west-2b"]; }, path: "workers[0].availabilityZones[1]", value: "us-west-2b", says: /not a zone of us-east-1/ },
  { rule: "availability-zones", edit: (c) => { c.client.availabilityZones = ["eu-west-2a"]; }, path: "client.availabilityZones", value: ["eu-west-2a"], says: /lists 1 zones; allowed: 2-3/ },
  { rule: "asn-range", edit: (c) => { c.client.transitGatewayAsn = 65000 + 1000; }, path: "client.transitGatewayAsn", value: 66000, says: /64512-65534/ },
  { rule: "asn-unique", edit: (c) => { c.workers[0].transitGatewayAsn = 64600; c.workers[1].transitGatewayAsn = 64600; }, path: "workers[1].transitGatewayAsn", value: 64600, says: /equals the ASN of workers\[0\]/ },
  { rule: "state-backend", edit: (c) => { c.state = { backend: "gcs", bucket: "x" }; }, path: "state.backend", value: "gcs", says: /"s3" .*, "local" .* or "cloud"/ },
  { rule: "state-bucket-name", edit: (c) => { c.state.bucket = "Bad_Bucket"; }, path: "state.bucket", value: "Bad_Bucket", says: /valid S3 bucket name/ },
  { rule: "required-field", edit: (c) => { delete c.state.region; }, path: "state.region", value: undefined, says: /is required/ },
  { rule: "unknown-key", edit: (c) => { c.state = { backend: "local", bucket: "x" }; }, path: "state.bucket", value: "x", says: /allowed: the keys backend, directory/ },
  { rule: "state-key-prefix", edit: (c) => { c.state.keyPrefix = "/leading"; }, path: "state.keyPrefix", value: "/leading", says: /without leading or trailing/ },
  { rule: "log-retention", edit: (c) => { c.logRetentionDays = 10; }, path: "logRetentionDays", value: 10, says: /one of 1, 3, 5, 7, 14, 30/ },
  { rule: "account-id", edit: (c) => { c.allowedAccountIds = ["12345"]; }, path: "allowedAccountIds[0]", value: "12345", says: /12 digits/ },
  { rule: "fargate-size", edit: (c) => { c.scheduler = { cpu: 1024, memoryMiB: 1024 }; }, path: "scheduler.memoryMiB", value: 1024, says: /2048 to 8192 MiB in steps of 1024/ },
  { rule: "fargate-size", edit: (c) => { c.scheduler = { cpu: 3000 }; }, path: "scheduler.cpu", value: 3000, says: /one of 256, 512, 1024/ },
  { rule: "pool-bounds", edit: (c) => { c.workers[0].pool = { minTasks: 5, maxTasks: 2 }; }, path: "workers[0].pool.minTasks", value: 5, says: /exceeds maxTasks \(2\)/ },
  { rule: "pool-bounds", edit: (c) => { c.pool = { maxTasks: 30, maxInstances: 10 }; }, path: "pool.maxTasks", value: 30, says: /at most maxInstances x tasksPerInstance = 10/ },
  { rule: "pool-bounds", edit: (c) => { c.pool = { instanceType: "m6i.large", tasksPerInstance: 4 }; }, path: "pool.tasksPerInstance", value: 4, says: /less than one vCPU on m6i.large/ },
  { rule: "pool-task-enis", edit: (c) => { c.pool = { instanceType: "m6i.xlarge", tasksPerInstance: 4 }; }, path: "pool.tasksPerInstance", value: 4, says: /needs 4 network interfaces for its awsvpc tasks, but m6i.xlarge attaches 4 and one is the host's own.*allowed: 1 to 3 on m6i.xlarge/ },
  { rule: "pool-task-enis", edit: (c) => { c.workers[1].pool = { instanceType: "r7i.8xlarge", tasksPerInstance: 8 }; }, path: "workers[1].pool.tasksPerInstance", value: 8, says: /allowed: 1 to 7 on r7i.8xlarge/ },
  { rule: "pool-count", edit: (c) => { c.pool = { minTasks: -1 }; }, path: "pool.minTasks", value: -1, says: /whole number from 0 to 1000/ },
  { rule: "pool-count", edit: (c) => { c.pool = { publishIntervalSeconds: 120 }; }, path: "pool.publishIntervalSeconds", value: 120, says: /whole number from 1 to 60/ },
  { rule: "pool-count", edit: (c) => { c.workers[0].pool = { protectionMinutes: 3000 }; }, path: "workers[0].pool.protectionMinutes", value: 3000, says: /whole number from 1 to 2880/ },
  { rule: "field-value", edit: (c) => { c.pool = { scaling: "memory" }; }, path: "pool.scaling", value: "memory", says: /one of "demand", "cpu"/ },
  { rule: "pool-scaling-egress", edit: (c) => { c.client.egress = "none"; }, path: "client.egress", value: "none", says: /no way to CloudWatch in us-east-1, us-west-2.*allowed: "nat", or pool.scaling "cpu"/ },
  { rule: "pool-cpu-scaling-min", edit: (c) => { c.workers[1].pool = { scaling: "cpu" }; }, path: "workers[1].pool.scaling", value: "cpu", says: /default minTasks 0.*never scales out; allowed: minTasks of at least 1/ },
  { rule: "pool-cpu-scaling-min", edit: (c) => { c.workers[1].pool = { scaling: "cpu", minTasks: 0 }; }, path: "workers[1].pool.minTasks", value: 0, says: /never scales out; allowed: minTasks of at least 1/ },
  { rule: "pool-scaling-knobs", edit: (c) => { c.pool = { cpuTargetPercent: 50 }; }, path: "pool.cpuTargetPercent", value: 50, says: /setting of scaling "cpu", but us-east-1 scales on "demand"/ },
  { rule: "pool-scaling-knobs", edit: (c) => { c.workers[0].pool = { scaling: "cpu", minTasks: 1, idleSeconds: 60 }; }, path: "workers[0].pool.idleSeconds", value: 60, says: /allowed: the settings of scaling "cpu": cpuTargetPercent/ },
  { rule: "instance-type", edit: (c) => { c.workers[1].pool = { instanceType: "t2.nano" }; }, path: "workers[1].pool.instanceType", value: "t2.nano", says: /one of m6i.large/ },
  { rule: "dask-image", edit: (c) => { c.dask = { image: "daskdev/dask:latest" }; }, path: "dask.image", value: "daskdev/dask:latest", says: /pangeo-notebook:2024.06.21/ },
  { rule: "dns-namespace", edit: (c) => { c.dnsNamespace = "Proximate"; }, path: "dnsNamespace", value: "Proximate", says: /lowercase domain/ },
  { rule: "dashboard-https", edit: (c) => { c.dashboard = { public: true }; }, path: "dashboard.certificateArn", value: undefined, says: /required when dashboard.public is true/ },
  { rule: "certificate-arn", edit: (c) => { c.dashboard = { public: true, certificateArn: "cert-1" }; }, path: "dashboard.certificateArn", value: "cert-1", says: /arn:aws:acm/ },
  { rule: "lustre-capacity", edit: (c) => { c.workers[0].lustre = { storageCapacityGiB: 3600 }; }, path: "workers[0].lustre.storageCapacityGiB", value: 3600, says: /1200, 2400, or a multiple of 2400/ },
  { rule: "lustre-throughput", edit: (c) => { c.lustre = { throughputMBpsPerTiB: 200 }; }, path: "lustre.throughputMBpsPerTiB", value: 200, says: /125, 250, 500 or 1000/ },
  { rule: "opensearch-instance-type", edit: (c) => { c.catalog = { instanceType: "m5.large" }; }, path: "catalog.instanceType", value: "m5.large", says: /r6g.large.search/ },
  { rule: "opensearch-version", edit: (c) => { c.catalog = { engineVersion: "Elasticsearch_7.10" }; }, path: "catalog.engineVersion", value: "Elasticsearch_7.10", says: /OpenSearch_2/ },
  { rule: "catalog-nodes", edit: (c) => { c.catalog = { instanceCount: 3 }; }, path: "catalog.instanceCount", value: 3, says: /a multiple of 2/ },
  { rule: "alarm-email", edit: (c) => { c.alarmEmail = "ops"; }, path: "alarmEmail", value: "ops", says: /email address/ },
  { rule: "cloud-organization", edit: (c) => { c.state = { backend: "cloud", organization: "a b" }; }, path: "state.organization", value: "a b", says: /3-40 letters/ },
  { rule: "cloud-workspace-prefix", edit: (c) => { c.state = { backend: "cloud", organization: "org1", workspacePrefix: "pre fix" }; }, path: "state.workspacePrefix", value: "pre fix", says: /usable workspace name prefix/ },
  { rule: "removed-field", edit: (c) => { c.catalog = { createServiceLinkedRole: true }; }, path: "catalog.createServiceLinkedRole", value: true, says: /was removed: .*npm run bootstrap.*allowed: no such key/ },
  { rule: "subnet-capacity", edit: (c) => { c.workers[0].cidr = "10.1.0.0/24"; c.workers[0].pool = { maxTasks: 96, maxInstances: 12 }; }, path: "workers[0].cidr", value: "10.1.0.0/24", says: /leaves 59 usable addresses per zone's \/26 subnet, fewer than the 67 its interfaces need.*48 worker tasks and 6 worker hosts/ },
  { rule: "dashboard-subnet-size", edit: (c) => { c.client.cidr = "10.0.0.0/24"; c.dashboard = { public: true, certificateArn: "arn:aws:acm:eu-west-2:111122223333:certificate/abc" }; }, path: "client.cidr", value: "10.0.0.0/24", says: /\/28 public subnets; ELB needs subnets of at least \/27.*allowed: a client CIDR of \/23 or larger/ },
  { rule: "state-bucket-name", edit: (c) => { c.state.bucket = "proximate-state--ol-s3"; }, path: "state.bucket", value: "proximate-state--ol-s3", says: /reserved suffix/ },
  { rule: "notebook-instance-type", edit: (c) => { c.notebook = { instanceType: "ml.t3.nano" }; }, path: "notebook.instanceType", value: "ml.t3.nano", says: /notebook instance type of the SageMaker API/ },
  { rule: "opensearch-instance-type", edit: (c) => { c.catalog = { instanceType: "r6g.tiny.search" }; }, path: "catalog.instanceType", value: "r6g.tiny.search", says: /instance type of the OpenSearch Service API/ },
  { rule: "field-value", edit: (c) => { c.workers[0].egress = "internet"; }, path: "workers[0].egress", value: "internet", says: /one of "nat", "none"/ },
  { rule: "expected-objects", edit: (c) => { c.workers[0].datasets[0].expectedObjects = 2.5; }, path: "workers[0].datasets[0].expectedObjects", value: 2.5, says: /whole number from 1 to 100000000000/ },
  { rule: "field-value", edit: (c) => { c.workers[0].indexer = { runner: "batch" }; }, path: "workers[0].indexer.runner", value: "batch", says: /one of "auto", "lambda", "fargate"/ },
  { rule: "indexer-runner", edit: (c) => { c.workers[0].indexer = { runner: "lambda" }; }, path: "workers[0].indexer.runner", value: "lambda", says: /would not finish inside Lambda's 900 s: the Region's datasets hold 40000000 objects.*allowed: "fargate" or "auto"/ },
  { rule: "indexer-runner", edit: (c) => { c.workers[0].indexer = { runner: "lambda" }; c.workers[0].datasets[0].s3 = "s3://other-bucket"; }, path: "workers[0].indexer.runner", value: "lambda", says: /object count of workers\[0\]\.datasets\[0\] is unknown; allowed: "lambda" with expectedObjects/ },
];

describe("topology config validation", () => {
  test("the default topology in cdktf.json is valid", () => {
    expect(validateConfig(defaultConfig())).toMatchObject({ ok: true });
  });

  test.each([1, 2, 5, 10, 16])("a generated topology with %i worker Regions is valid", (count) => {
    expect(validateConfig(generateConfig(count))).toMatchObject({ ok: true });
  });

  test.each(cases)("fails when rule $rule is broken at $path", ({ rule, edit, path, value, says }) => {
    const problems = problemsOf(editedConfig(edit));
    const problem = problems.find((p) => p.rule === rule && p.path === path);
    expect(problem).toBeDefined();
    if (value !== undefined) {
      expect(problem?.value).toEqual(value);
    }
    const text = formatProblem(problem as Problem);
    expect(text.startsWith(`${path}: got `)).toBe(true);
    expect(text).toMatch(says);
  });

  test("every cross-field rule has a case above", () => {
    const covered = new Set(cases.map((c) => c.rule));
    for (const rule of CONFIG_RULES) {
      expect(covered).toContain(rule.id);
    }
  });

  test("fails with every problem at once, not only the first", () => {
    const problems = problemsOf(
      editedConfig((c) => {
        c.name = "X";
        c.workers[0].cidr = "10.0.0.0/16";
        c.workers[1].region = "eu-west-2";
        c.workers[1].datasets[0].path = "relative";
        c.extra = true;
      }),
    );
    expect(problems.map((p) => p.rule).sort()).toEqual(
      ["cidr-overlap", "dataset-path-absolute", "name-pattern", "unknown-key", "worker-is-client"].sort(),
    );
  });

  test("fails when the input is not an object", () => {
    expect(problemsOf("proximate")[0]).toMatchObject({ path: "", rule: "field-type" });
  });

  test("parseConfig throws an InputError listing every problem with its source", () => {
    const input = editedConfig((c) => {
      c.workers[0].cidr = "10.0.0.0/16";
      c.workers[1].cidr = "10.0.0.0/16";
    });
    expect(() => parseConfig(input, "topology.json")).toThrow(InputError);
    expect(() => parseConfig(input, "topology.json")).toThrow(/invalid topology config \(topology\.json\): 3 problems/);
  });
});
