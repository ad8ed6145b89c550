import { generateConfig } from "../../../modules/config/generate";
import { isAwsRegion } from "../../../modules/config/regions";
import { estimateCost, MissingPriceError, StackJson, UnclassifiedTypeError } from "../../../modules/cost/estimate";
import { PRICES, PriceBook, PriceTable, RegionPrices } from "../../../modules/cost/prices";
import { renderMarkdown, renderText } from "../../../modules/cost/render";
import { costClass, FREE_TYPES, PRICED_TYPES, USAGE_TYPES } from "../../../modules/cost/resource-types";
import { NOT_IN_AWS_DATA } from "../../../modules/cost/price-data";
import { INSTANCE_TYPES } from "../../../modules/compute/instance-types";
import { defaultConfig, synthApp } from "../../helpers/synth";

function stacksOf(config: Parameters<typeof synthApp>[0]): StackJson[] {
  const app = synthApp(config);
  return app.stackNames().map((name) => ({ name, json: app.stack(name).json }));
}

describe.each([
  ["the default topology", () => defaultConfig()],
  ["a topology with four worker Regions", () => generateConfig(4)],
])("cost estimate of %s", (_name, config) => {
  let stacks: StackJson[];
  beforeAll(() => {
    stacks = stacksOf(config());
  });

  test("every resource and data source type is priced, usage-priced or listed as free", () => {
    const types = new Set(
      stacks.flatMap(({ json }) => [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {}).map((type) => `data.${type}`)]),
    );
    const unclassified = [...types].filter((type) => costClass(type) === undefined);
    expect(unclassified).toEqual([]);
  });

  test("prices every priced resource with a positive amount (no silent zero)", () => {
    const estimate = estimateCost(stacks);
    expect(estimate.lines.length).toBeGreaterThan(0);
    for (const line of estimate.lines) {
      expect(Number.isFinite(line.monthlyUsd)).toBe(true);
      expect(line.monthlyUsd).toBeGreaterThan(0);
    }
    const pricedResources = stacks.flatMap(({ json }) =>
      Object.entries(json.resource ?? {}).flatMap(([type, byName]) => (PRICED_TYPES.includes(type) ? Object.values(byName as object).map(() => type) : [])),
    );
    // every priced resource yields a line, a host-hour rate, or an explicit no-charge entry
    const explained = estimate.lines.length + estimate.free.filter((f) => f.type.includes("(")).reduce((sum, f) => sum + f.count, 0) + estimate.hostHours.length;
    expect(explained).toBeGreaterThanOrEqual(pricedResources.length);
    expect(estimate.hostHours.length).toBe(stacks.filter(({ json }) => json.resource?.aws_autoscaling_group).length);
    expect(estimate.fixedMonthlyUsd).toBeCloseTo(estimate.lines.reduce((sum, l) => sum + l.monthlyUsd, 0), 6);
  });

  test("says plainly that it is an estimate", () => {
    const estimate = estimateCost(stacks);
    expect(renderText(estimate, "test")).toMatch(/^ESTIMATE, not a quote: on-demand list prices .* no tax, no free tier, .* no usage/m);
    expect(renderMarkdown(estimate)).toContain("## Cost estimate");
  });
});

describe("price table", () => {
  const regions = Object.entries(PRICES.regions);
  const keysOf = (prices: RegionPrices) =>
    Object.entries(prices).flatMap(([key, value]) => ("usd" in value ? [key] : Object.keys(value).map((sub) => `${key}.${sub}`))).sort();

  test("has a date, and every price a positive amount and a known, dated source", () => {
    expect(PRICES.compiled).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const [region, prices] of regions) {
      expect(isAwsRegion(region)).toBe(true);
      for (const value of Object.values(prices)) {
        for (const price of "usd" in value ? [value] : Object.values(value as Record<string, { usd: number; source: string }>)) {
          expect(price.usd).toBeGreaterThan(0);
          expect(PRICES.sources[price.source]).toBeDefined();
        }
      }
    }
    for (const source of Object.values(PRICES.sources)) {
      expect(source.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(source.url ?? source.repository ?? source.kind).toBeTruthy();
    }
  });

  test("covers the same flat keys in every Region", () => {
    const flat = (prices: RegionPrices) => keysOf(prices).filter((key) => !key.includes("."));
    const [, first] = regions[0];
    for (const [, prices] of regions) {
      expect(flat(prices)).toEqual(flat(first));
    }
  });

  test("covers every worker pool instance type and the data host type in every Region", () => {
    for (const [region] of regions) {
      for (const type of [...Object.keys(INSTANCE_TYPES), "t3.medium"]) {
        expect(() => new PriceBook().keyed(region, "ec2InstanceHour", type)).not.toThrow();
      }
    }
  });

  test("says for every source where it is, how old its data is, and whose data it is", () => {
    for (const [id, source] of Object.entries(PRICES.sources)) {
      const shape = { id, kind: source.kind, url: source.url, repository: source.repository, commit: source.commit, published: source.published };
      if (source.kind === "price-list") {
        // AWS's own data, read from a public copy: repository, path and commit, and the date of the data
        expect(shape).toEqual({
          ...shape,
          repository: expect.stringMatching(/^[\w.-]+\/[\w.-]+$/),
          commit: expect.stringMatching(/^[0-9a-f]{40}$/),
          published: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        });
        expect(source.path).toBeTruthy();
      } else if (source.kind === "aws") {
        expect(shape).toEqual({ ...shape, url: expect.stringMatching(/^https:\/\/aws\.amazon\.com\//) });
      } else {
        expect(shape).toEqual({ ...shape, kind: expect.stringMatching(/^(secondary|unverified)$/) });
      }
    }
  });

  test("keeps no source that no price uses, but for the AWS pages that state billing rules", () => {
    const used = new Set(
      regions.flatMap(([, prices]) => Object.values(prices).flatMap((value) => ("usd" in value ? [value.source] : Object.values(value as Record<string, { source: string }>).map((p) => p.source)))),
    );
    expect(Object.keys(PRICES.sources).filter((id) => !used.has(id) && PRICES.sources[id].kind !== "aws")).toEqual([]);
  });

  test("takes every price AWS's own data holds from AWS's own data; only the prices it lacks are third-party or unverified", () => {
    const notAws = regions.flatMap(([region, prices]) =>
      Object.entries(prices).flatMap(([key, value]) =>
        ("usd" in value ? [[key, value]] : Object.entries(value as Record<string, { usd: number; source: string }>).map(([sub, p]) => [`${key}.${sub}`, p]))
          .filter(([, p]) => !["aws", "price-list"].includes(PRICES.sources[(p as { source: string }).source].kind))
          .map(([k]) => `${region} ${k}`),
      ),
    );
    const lacking = new Set<string>(NOT_IN_AWS_DATA);
    expect(notAws.filter((entry) => !lacking.has(entry.split(" ")[1].split(".")[0]))).toEqual([]);
  });

  test("fails on a Region it does not cover, naming the covered ones", () => {
    expect(() => new PriceBook().price("sa-east-1", "natGatewayHour")).toThrow(
      /no prices for Region sa-east-1 in modules\/cost\/prices\.json; covered: ap-southeast-2, eu-central-1, eu-west-2, us-east-1, us-west-2/,
    );
  });

  test("fails on an instance type it does not price, naming the priced ones", () => {
    expect(() => new PriceBook().keyed("eu-west-2", "ec2InstanceHour", "m5.large")).toThrow(/no ec2InstanceHour for "m5.large" in eu-west-2; priced there: c6i\.2xlarge, /);
  });

  test("classes no type twice", () => {
    const all = [...PRICED_TYPES, ...Object.keys(USAGE_TYPES), ...Object.keys(FREE_TYPES)];
    expect(new Set(all).size).toBe(all.length);
  });
});

/** A price table with round numbers, so the arithmetic can be checked by hand. */
function roundTable(): PriceTable {
  const p = (usd: number) => ({ usd, source: "test" });
  const prices: RegionPrices = {
    natGatewayHour: p(0.1),
    natGatewayGb: p(0.1),
    publicIpv4Hour: p(0.01),
    interfaceEndpointAzHour: p(0.02),
    interfaceEndpointGb: p(0.01),
    transitGatewayAttachmentHour: p(0.05),
    transitGatewayGb: p(0.02),
    interRegionOutGb: p(0.02),
    fsxLustrePersistent2SsdGbMonth: { "250": p(0.2) },
    opensearchInstanceHour: { "r6g.large.search": p(0.2) },
    opensearchGp3GbMonth: p(0.1),
    sagemakerNotebookHour: { "ml.t3.medium": p(0.05) },
    sagemakerStorageGbMonth: p(0.1),
    fargateVcpuHour: p(0.04),
    fargateGbHour: p(0.005),
    albHour: p(0.02),
    albLcuHour: p(0.008),
    ebsGp3GbMonth: p(0.1),
    kmsKeyMonth: p(1),
    cloudwatchAlarmMonth: p(0.1),
    cloudwatchLogsIngestGb: p(0.5),
    route53HostedZoneMonth: p(0.5),
    ec2InstanceHour: { "c6i.xlarge": p(0.2), "t3.medium": p(0.04) },
  };
  return {
    compiled: "2026-01-01",
    currency: "USD",
    hoursPerMonth: 100,
    sources: { test: { title: "round numbers", read: "2026-01-01", kind: "secondary" } },
    regions: { "us-east-1": prices },
  };
}

const provider = { aws: [{ region: "us-east-1" }] };

describe("arithmetic on a small topology (100 hours a month, round prices)", () => {
  const network: StackJson = {
    name: "network",
    json: {
      provider,
      resource: {
        aws_nat_gateway: { a: {} },
        aws_eip: { a: {} },
        aws_vpc_endpoint: { ecr: { vpc_endpoint_type: "Interface", service_name: "com.amazonaws.us-east-1.ecr.api", subnet_ids: ["a", "b", "c"] }, s3: { vpc_endpoint_type: "Gateway" } },
        aws_ec2_transit_gateway_vpc_attachment: { a: {} },
        aws_vpc: { a: {} },
      },
    },
  };
  const pool: StackJson = {
    name: "pool",
    json: {
      provider,
      resource: {
        aws_fsx_lustre_file_system: { fs: { deployment_type: "PERSISTENT_2", storage_type: "SSD", storage_capacity: 2400, per_unit_storage_throughput: 250 } },
        aws_launch_template: { lt: { instance_type: "c6i.xlarge", block_device_mappings: [{ ebs: { volume_size: 50 } }] } },
        aws_autoscaling_group: { asg: { name: "workers", min_size: 0, launch_template: { id: "${aws_launch_template.lt.id}" } } },
        aws_ecs_capacity_provider: { cp: { auto_scaling_group_provider: { auto_scaling_group_arn: "${aws_autoscaling_group.asg.arn}" } } },
        aws_ecs_task_definition: { td: { cpu: "2048", memory: "4096" } },
        aws_ecs_service: { svc: { name: "dask-workers", desired_count: 3, capacity_provider_strategy: [{ capacity_provider: "${aws_ecs_capacity_provider.cp.name}" }], task_definition: "${aws_ecs_task_definition.td.arn}" } },
      },
    },
  };
  const client: StackJson = {
    name: "client",
    json: {
      provider,
      resource: {
        aws_opensearch_domain: { d: { cluster_config: { instance_count: 2, instance_type: "r6g.large.search" }, ebs_options: { ebs_enabled: true, volume_size: 10, volume_type: "gp3" } } },
        aws_sagemaker_notebook_instance: { n: { instance_type: "ml.t3.medium", volume_size: 20 } },
        aws_ecs_task_definition: { td: { cpu: 1024, memory: 4096 } },
        aws_ecs_service: { s: { name: "dask-scheduler", launch_type: "FARGATE", desired_count: 1, task_definition: "${aws_ecs_task_definition.td.arn}" } },
        aws_lb: { lb: { internal: true } },
        aws_kms_key: { k: {} },
        aws_lambda_function: { f: {} },
      },
      data: { terraform_remote_state: { r: {} } },
    },
  };

  const estimate = estimateCost([network, pool, client], new PriceBook(roundTable()));
  const amount = (component: RegExp) => estimate.lines.filter((l) => component.test(l.component)).reduce((sum, l) => sum + l.monthlyUsd, 0);

  test.each([
    [/^NAT gateway$/, 100 * 0.1],
    [/^Public IPv4/, 100 * 0.01],
    [/^Interface endpoint ecr.api$/, 3 * 100 * 0.02],
    [/^Transit Gateway VPC attachment$/, 100 * 0.05],
    [/^FSx for Lustre 2400 GiB, 250/, 2400 * 0.2],
    // 3 tasks of 2 vCPU on 4-vCPU hosts: 2 hosts kept running
    [/^Worker hosts kept running: 2 x c6i.xlarge/, 2 * 100 * 0.2 + 2 * 50 * 0.1],
    [/^Catalog domain/, 2 * 100 * 0.2 + 2 * 10 * 0.1],
    [/^Notebook/, 100 * 0.05 + 20 * 0.1],
    [/^Fargate dask-scheduler/, 100 * (1 * 0.04 + 4 * 0.005)],
    [/^Dashboard load balancer/, 100 * 0.02],
    [/^KMS key$/, 1],
  ])("%s", (component, expected) => {
    expect(amount(component)).toBeCloseTo(expected, 9);
  });

  test("sums the idle total and prices one more host-hour as instance + volume", () => {
    expect(estimate.fixedMonthlyUsd).toBeCloseTo(10 + 1 + 6 + 5 + 480 + 50 + 42 + 7 + 6 + 2 + 1, 9);
    expect(estimate.hostHours).toEqual([{ region: "us-east-1", instanceType: "c6i.xlarge", volumeGiB: 50, hourlyUsd: 0.2 + (50 * 0.1) / 100, unverified: false, thirdParty: true }]);
  });

  test("marks third-party prices with ~ and unverified ones with ?, and says how many lines carry each", () => {
    const table = roundTable();
    const marked: PriceTable = {
      ...table,
      sources: { ...table.sources, aws: { title: "AWS's own data", read: "2026-01-01", kind: "price-list" }, none: { title: "not read", read: "2026-01-01", kind: "unverified" } },
      regions: { "us-east-1": { ...table.regions["us-east-1"], kmsKeyMonth: { usd: 1, source: "aws" }, natGatewayHour: { usd: 0.1, source: "none" } } },
    };
    const lines = estimateCost([network, pool, client], new PriceBook(marked)).lines;
    expect(lines.find((l) => l.component === "KMS key")).toMatchObject({ basis: "1 key-mo x $1", unverified: false, thirdParty: false });
    expect(lines.find((l) => l.component === "NAT gateway")).toMatchObject({ basis: "100 h x $0.1?", unverified: true });
    expect(lines.find((l) => l.component.startsWith("Dashboard"))).toMatchObject({ basis: "100 h x $0.02~", thirdParty: true });
    const text = renderText(estimateCost([network, pool, client], new PriceBook(marked)), "test", marked);
    expect(text).toMatch(/^\? marks a unit price not read from any source .* \(1 of \d+ idle lines\)/m);
    expect(text).toMatch(/^~ marks a unit price quoted by a third party, not read from AWS's own price data \(\d+ of \d+ idle lines\)/m);
  });

  test("lists gateway endpoints and EC2 services as no charge, and usage-priced types apart", () => {
    expect(estimate.free.map((f) => f.type)).toEqual(expect.arrayContaining(["aws_vpc_endpoint (Gateway)", "aws_ecs_service (EC2)", "aws_vpc", "data.terraform_remote_state"]));
    expect(estimate.usage).toEqual([{ type: "aws_lambda_function", count: 1, note: USAGE_TYPES.aws_lambda_function }]);
  });

  test("states the transfer unit prices per Region without volumes", () => {
    expect(estimate.transfer.map((t) => [t.what.split(" (")[0], t.usdPerGb])).toEqual([
      ["out to another Region", 0.02],
      ["Transit Gateway data processing", 0.02],
      ["interface endpoint data processing", 0.01],
      ["NAT gateway data processing", 0.1],
      ["CloudWatch Logs ingestion", 0.5],
    ]);
  });

  test("fails when a stack holds a type nobody classified", () => {
    const odd: StackJson = { name: "odd", json: { provider, resource: { aws_rds_cluster: { c: {} } } } };
    expect(() => estimateCost([odd], new PriceBook(roundTable()))).toThrow(UnclassifiedTypeError);
    expect(() => estimateCost([odd], new PriceBook(roundTable()))).toThrow(/odd holds aws_rds_cluster, which modules\/cost\/resource-types.ts neither prices/);
  });

  test("fails when the table lacks a price rather than counting zero", () => {
    const big: StackJson = { name: "big", json: { provider, resource: { aws_fsx_lustre_file_system: { fs: { deployment_type: "PERSISTENT_2", storage_capacity: 1200, per_unit_storage_throughput: 1000 } } } } };
    expect(() => estimateCost([big], new PriceBook(roundTable()))).toThrow(MissingPriceError);
    expect(() => estimateCost([big], new PriceBook(roundTable()))).toThrow(/no fsxLustrePersistent2SsdGbMonth for "1000" in us-east-1; priced there: 250/);
  });
});
