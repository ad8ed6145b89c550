/**
 * npx tsx scripts/cost/refresh-prices.ts --aws-data <git dir> --karpenter <git dir> [--check] [--coverage]
 *
 * Refreshes modules/cost/prices.json from AWS's own price data held in two local git
 * repositories (offline: it reads git objects on this machine and fetches nothing):
 *
 * - `--aws-data`: a clone of QuinnyPig/aws-price-watcher, which mirrors AWS's metered unit maps
 *   (the JSON behind the aws.amazon.com pricing pages) in `raw/<service>.json` verbatim and
 *   regrouped in `processed/<service>.json` (prices unchanged) for the maps too large for `raw/`;
 * - `--karpenter`: a clone of aws/karpenter-provider-aws, whose
 *   `pkg/providers/pricing/zz_generated.pricing_aws.go` holds us-east-1 EC2 on-demand prices
 *   generated from the AWS Price List API (newer than the mirror, so it wins for us-east-1 EC2).
 *
 * `--aws-data-commit` / `--karpenter-commit` pick another commit than HEAD. Prices no AWS data
 * here covers (NAT gateway, EBS gp3, OpenSearch storage, SageMaker notebooks) are left as the
 * table has them, third-party or unverified. Every change is printed (old value and source, new
 * value and source); `--check` exits 1 instead of writing when anything would change.
 * `--coverage` prints, for every Region of modules/config/regions.ts, which prices the AWS data
 * could source.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { INSTANCE_TYPES } from "../../modules/compute/instance-types";
import { AWS_REGIONS } from "../../modules/config/regions";
import {
  ec2OnDemandLinux,
  interRegionOut,
  karpenterPrices,
  locationOf,
  lustrePersistent2,
  meteredRate,
  METERED_FLAT,
  METERED_SAME_AS,
  MeteredUnitMap,
  NOT_IN_AWS_DATA,
  opensearchOnDemand,
  Rate,
  RegroupedMap,
} from "../../modules/cost/price-data";
import { FlatPrice, PriceSource, PriceTable, RegionPrices, UnitPrice } from "../../modules/cost/prices";

const TABLE = resolve(__dirname, "..", "..", "modules", "cost", "prices.json");
const KARPENTER_FILE = "pkg/providers/pricing/zz_generated.pricing_aws.go";
/** The data-host type, priced beside the worker pool types. */
const EXTRA_INSTANCE_TYPES = ["t3.medium"];
const OPENSEARCH_TYPES = ["r6g.large.search"];

/** What a reader of a source should know about how its rates were picked. */
const NOTES: Readonly<Record<string, string>> = {
  fsx:
    ". The map names the four FSx for Lustre PERSISTENT_2 SSD rates 'SSD new' without their throughput tier; they are assigned to 125, 250, 500 and " +
    "1000 MB/s/TiB by rank (a higher tier costs more; us-east-1 gives 0.145, 0.21, 0.34, 0.60, the figures of AWS's FSx for Lustre pricing page)",
  datatransfer: ". interRegionOutGb is the rate from the Region to each other Region of this table (the refresh checks that it is one rate)",
  vpc: ". transitGatewayAttachmentHour is the VPC attachment rate; the refresh checks that the peering attachment rate is the same",
};

interface GitSource {
  readonly gitDir: string;
  readonly commit: string;
  readonly repository: string;
}

function git(source: GitSource, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", source.gitDir, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

function gitSource(gitDir: string, commit: string, repository: string): GitSource {
  const probe = { gitDir: resolve(gitDir), commit, repository };
  return { ...probe, commit: git(probe, "rev-parse", `${commit}^{commit}`).trim() };
}

function show(source: GitSource, path: string): string {
  return git(source, "show", `${source.commit}:${path}`);
}

/** Date (YYYY-MM-DD) of the last commit that changed a file, at the chosen commit. */
function changed(source: GitSource, path: string): string {
  return git(source, "log", "-1", "--format=%cI", source.commit, "--", path).trim().slice(0, 10);
}

function argument(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

/** The AWS data: metered unit maps (verbatim) and regrouped maps, with their source entries. */
class AwsData {
  private readonly metered = new Map<string, MeteredUnitMap>();
  private readonly regrouped = new Map<string, RegroupedMap>();
  readonly sources: Record<string, PriceSource> = {};

  constructor(
    private readonly source: GitSource,
    private readonly read: string,
  ) {}

  meteredMap(service: string): MeteredUnitMap {
    let map = this.metered.get(service);
    if (map === undefined) {
      const path = `raw/${service}.json`;
      map = JSON.parse(show(this.source, path)) as MeteredUnitMap;
      this.metered.set(service, map);
      const published = map.manifest.hawkFilePublicationDate ?? "";
      this.sources[`aws-data-${service}`] = {
        title:
          `AWS's own price data for ${service}: the metered unit map behind the aws.amazon.com pricing page and the AWS Pricing Calculator, ` +
          `published by AWS ${published}; copied verbatim (re-indented) into ${this.source.repository}${NOTES[service] ?? ""}`,
        url: `https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/${service}/USD/current/${service}.json`,
        repository: this.source.repository,
        path,
        commit: this.source.commit,
        published: published.slice(0, 10),
        read: this.read,
        kind: "price-list",
      };
    }
    return map;
  }

  regroupedMap(service: string): RegroupedMap {
    let map = this.regrouped.get(service);
    if (map === undefined) {
      const path = `processed/${service}.json`;
      map = JSON.parse(show(this.source, path)) as RegroupedMap;
      this.regrouped.set(service, map);
      this.sources[`aws-data-${service}`] = {
        title:
          `AWS's own price data for ${service}: the metered unit map behind the aws.amazon.com pricing page, regrouped by rate name ` +
          `with the prices unchanged by ${this.source.repository} (its verbatim raw/ copy is over 4 MiB and was not readable here); last changed there ${changed(this.source, path)}${NOTES[service] ?? ""}`,
        url: `https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/${service}/USD/current/${service}.json`,
        repository: this.source.repository,
        path,
        commit: this.source.commit,
        published: changed(this.source, path),
        read: this.read,
        kind: "price-list",
      };
    }
    return map;
  }
}

interface Change {
  readonly region: string;
  readonly key: string;
  readonly before?: UnitPrice;
  readonly after: UnitPrice;
  readonly found: string;
}

/** Prices of one Region the AWS data can source, by key (`fsx.125`, `ec2InstanceHour.m6i.xlarge`...). */
function awsPrices(
  data: AwsData,
  region: string,
  otherRegions: readonly string[],
  karpenter: { prices: Record<string, number>; region: string } | undefined,
  instanceTypes: readonly string[],
): Map<string, { price: UnitPrice; found: string }> {
  const location = locationOf(region);
  const out = new Map<string, { price: UnitPrice; found: string }>();
  const put = (key: string, rate: Rate, source: string) => out.set(key, { price: { usd: rate.usd, source }, found: rate.found });
  for (const [key, where] of Object.entries(METERED_FLAT) as [FlatPrice, { service: string; name: string; global?: string }][]) {
    put(key, meteredRate(data.meteredMap(where.service), where.service, where.global ?? location, where.name), `aws-data-${where.service}`);
  }
  for (const same of METERED_SAME_AS) {
    const rate = meteredRate(data.meteredMap(same.service), same.service, location, same.name);
    if (rate.usd !== out.get(same.key)?.price.usd) {
      throw new Error(`price data: ${same.service} "${same.name}" in ${location} is ${rate.usd}, but ${same.key} is ${out.get(same.key)?.price.usd}; the estimate prices both at one rate`);
    }
  }
  for (const [tier, rate] of Object.entries(lustrePersistent2(data.meteredMap("fsx"), location))) {
    put(`fsxLustrePersistent2SsdGbMonth.${tier}`, rate, "aws-data-fsx");
  }
  for (const type of OPENSEARCH_TYPES) {
    put(`opensearchInstanceHour.${type}`, opensearchOnDemand(data.regroupedMap("es"), location, type), "aws-data-es");
  }
  const transfer = interRegionOut(data.regroupedMap("datatransfer"), location, otherRegions.map(locationOf));
  const rates = [...new Set(Object.values(transfer).map((rate) => rate.usd))];
  if (rates.length > 1) {
    throw new Error(
      `price data: transfer out of ${region} costs differently by destination (${Object.entries(transfer).map(([to, r]) => `${to} ${r.usd}`).join(", ")}); interRegionOutGb holds one rate per source Region`,
    );
  }
  if (rates.length === 1) {
    put("interRegionOutGb", { ...Object.values(transfer)[0], found: `${Object.values(transfer)[0].found} (same to ${Object.keys(transfer).join(", ")})` }, "aws-data-datatransfer");
  }
  const ec2 = data.regroupedMap("ec2");
  for (const type of instanceTypes) {
    const mirrored = ec2OnDemandLinux(ec2, location, type);
    const generated = karpenter?.region === region ? karpenter.prices[type] : undefined;
    if (generated !== undefined) {
      const note = generated === mirrored.usd ? "agrees with" : `differs from ${mirrored.usd} in`;
      put(`ec2InstanceHour.${type}`, { usd: generated, found: `Karpenter ${region} ${type} (${note} ${mirrored.found})` }, "karpenter");
    } else {
      put(`ec2InstanceHour.${type}`, mirrored, "aws-data-ec2");
    }
  }
  return out;
}

function getPrice(prices: RegionPrices, key: string): UnitPrice | undefined {
  const [head, ...rest] = key.split(".");
  const value = (prices as unknown as Record<string, UnitPrice | Record<string, UnitPrice>>)[head];
  if (value === undefined) return undefined;
  return rest.length === 0 ? (value as UnitPrice) : (value as Record<string, UnitPrice>)[rest.join(".")];
}

function setPrice(prices: Record<string, unknown>, key: string, price: UnitPrice): void {
  const [head, ...rest] = key.split(".");
  if (rest.length === 0) {
    prices[head] = price;
  } else {
    const map = (prices[head] ?? {}) as Record<string, UnitPrice>;
    map[rest.join(".")] = price;
    prices[head] = Object.fromEntries(Object.entries(map).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })));
  }
}

/** Counts of the table's prices by the kind of their source. */
export function countByKind(table: PriceTable): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const prices of Object.values(table.regions)) {
    for (const value of Object.values(prices)) {
      for (const price of "usd" in value ? [value as UnitPrice] : Object.values(value as Record<string, UnitPrice>)) {
        const kind = table.sources[price.source]?.kind ?? "missing";
        counts[kind] = (counts[kind] ?? 0) + 1;
      }
    }
  }
  return counts;
}

function main(): void {
  const args = process.argv.slice(2);
  const awsDir = argument(args, "--aws-data");
  const karpenterDir = argument(args, "--karpenter");
  if (awsDir === undefined) {
    console.error("usage: refresh-prices.ts --aws-data <git dir of QuinnyPig/aws-price-watcher> [--karpenter <git dir of aws/karpenter-provider-aws>] [--check] [--coverage]");
    process.exit(2);
  }
  const read = argument(args, "--date") ?? new Date().toISOString().slice(0, 10);
  const data = new AwsData(gitSource(awsDir, argument(args, "--aws-data-commit") ?? "HEAD", "QuinnyPig/aws-price-watcher"), read);
  let karpenter: ReturnType<typeof karpenterPrices> | undefined;
  let karpenterSource: PriceSource | undefined;
  if (karpenterDir !== undefined) {
    const source = gitSource(karpenterDir, argument(args, "--karpenter-commit") ?? "HEAD", "aws/karpenter-provider-aws");
    karpenter = karpenterPrices(show(source, KARPENTER_FILE));
    karpenterSource = {
      title: `AWS Price List, ${karpenter.region} EC2 on-demand Linux prices as generated by Karpenter (an AWS project) from the AWS pricing API (generated ${karpenter.generated})`,
      repository: source.repository,
      path: KARPENTER_FILE,
      commit: source.commit,
      published: karpenter.generated.slice(0, 10),
      read,
      kind: "price-list",
    };
  }
  const table = JSON.parse(readFileSync(TABLE, "utf8")) as PriceTable & { regions: Record<string, RegionPrices>; sources: Record<string, PriceSource> };
  const instanceTypes = [...Object.keys(INSTANCE_TYPES), ...EXTRA_INSTANCE_TYPES];

  if (args.includes("--coverage")) {
    for (const region of AWS_REGIONS) {
      try {
        awsPrices(data, region, Object.keys(table.regions).filter((r) => r !== region), undefined, instanceTypes);
        console.log(`${region}: every price AWS data here holds (all but ${NOT_IN_AWS_DATA.join(", ")})`);
      } catch (error) {
        console.log(`${region}: incomplete: ${(error as Error).message}`);
      }
    }
    return;
  }

  const before = countByKind(table);
  const changes: Change[] = [];
  const regions = Object.keys(table.regions);
  for (const region of regions) {
    const prices = table.regions[region] as unknown as Record<string, unknown>;
    for (const [key, { price, found }] of awsPrices(data, region, regions.filter((r) => r !== region), karpenter, instanceTypes)) {
      const before = getPrice(table.regions[region], key);
      if (before?.usd !== price.usd || before?.source !== price.source) {
        changes.push({ region, key, before, after: price, found });
      }
      setPrice(prices, key, price);
    }
  }
  const sources: Record<string, PriceSource> = { ...data.sources, ...(karpenterSource ? { karpenter: karpenterSource } : {}) };
  const next: PriceTable = { ...table, compiled: read, sources: { ...table.sources, ...sources } };
  // Drop sources no price uses any more, except AWS pages that state billing rules.
  const used = new Set(Object.values(next.regions).flatMap((p) => Object.values(p).flatMap((v) => ("usd" in v ? [v.source] : Object.values(v as Record<string, UnitPrice>).map((u) => u.source)))));
  const dropped = Object.keys(next.sources).filter((id) => !used.has(id) && next.sources[id].kind !== "aws");
  const kept = Object.fromEntries(Object.entries(next.sources).filter(([id]) => !dropped.includes(id)));
  const result = { ...next, sources: kept };

  for (const change of changes) {
    const was = change.before ? `${change.before.usd} (${change.before.source})` : "absent";
    console.log(`${change.region} ${change.key}: ${was} -> ${change.after.usd} (${change.after.source}) from ${change.found}`);
  }
  if (dropped.length > 0) console.log(`sources no longer used, dropped: ${dropped.join(", ")}`);
  console.log(`prices by source kind: ${JSON.stringify(before)} -> ${JSON.stringify(countByKind(result))}`);
  const text = `${JSON.stringify(result, null, 1)}\n`;
  if (args.includes("--check")) {
    // The dates a run stamps (compiled, read) do not count as a change.
    const undated = (json: string) => JSON.stringify(JSON.parse(json), (key, value) => (key === "compiled" || key === "read" ? undefined : value));
    const same = undated(text) === undated(readFileSync(TABLE, "utf8"));
    console.log(same ? "prices.json is current with this data" : "prices.json differs from this data (run without --check to write it)");
    process.exit(same ? 0 : 1);
  }
  writeFileSync(TABLE, text);
  console.log(`wrote ${TABLE}`);
}

if (require.main === module) {
  main();
}
