import { FlatPrice, KeyedPrice } from "./prices";

/**
 * Readers of AWS's own price data, for `scripts/cost/refresh-prices.ts` (offline: they parse
 * text handed to them and fetch nothing). Two shapes are read:
 *
 * - AWS's metered unit maps, the JSON behind the aws.amazon.com pricing pages and the AWS
 *   Pricing Calculator (`https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/<service>/USD/current/<service>.json`):
 *   `{ manifest: { hawkFilePublicationDate }, regions: { "<location>": { "<rate name>": { price, rateCode, ... } } } }`;
 *   the rateCode is the Price List's `SKU.offerTermCode.rateCode`. Public mirrors keep them
 *   verbatim (`raw/<service>.json` of QuinnyPig/aws-price-watcher) or regrouped by rate name with
 *   the prices unchanged (`processed/<service>.json`: `{ "<rate name>": { "<location> (<attribute>: <value>, ...)": "<price>" } }`);
 * - the EC2 on-demand Linux prices that aws/karpenter-provider-aws generates from the AWS Price
 *   List API (`pkg/providers/pricing/zz_generated.pricing_aws.go`, us-east-1).
 *
 * Every lookup names what it looked for and fails rather than guess: a missing or ambiguous rate
 * is an error, never a zero.
 */

/** Location names of the AWS price data, by Region code (the Price List's `location` attribute). */
export const PRICE_LOCATIONS: Readonly<Record<string, string>> = {
  "us-east-1": "US East (N. Virginia)",
  "us-east-2": "US East (Ohio)",
  "us-west-1": "US West (N. California)",
  "us-west-2": "US West (Oregon)",
  "af-south-1": "Africa (Cape Town)",
  "ap-east-1": "Asia Pacific (Hong Kong)",
  "ap-south-1": "Asia Pacific (Mumbai)",
  "ap-south-2": "Asia Pacific (Hyderabad)",
  "ap-southeast-1": "Asia Pacific (Singapore)",
  "ap-southeast-2": "Asia Pacific (Sydney)",
  "ap-southeast-3": "Asia Pacific (Jakarta)",
  "ap-southeast-4": "Asia Pacific (Melbourne)",
  "ap-southeast-5": "Asia Pacific (Malaysia)",
  "ap-southeast-7": "Asia Pacific (Thailand)",
  "ap-northeast-1": "Asia Pacific (Tokyo)",
  "ap-northeast-2": "Asia Pacific (Seoul)",
  "ap-northeast-3": "Asia Pacific (Osaka)",
  "ca-central-1": "Canada (Central)",
  "ca-west-1": "Canada West (Calgary)",
  "eu-central-1": "EU (Frankfurt)",
  "eu-central-2": "EU (Zurich)",
  "eu-west-1": "EU (Ireland)",
  "eu-west-2": "EU (London)",
  "eu-west-3": "EU (Paris)",
  "eu-south-1": "EU (Milan)",
  "eu-south-2": "EU (Spain)",
  "eu-north-1": "EU (Stockholm)",
  "il-central-1": "Israel (Tel Aviv)",
  "me-south-1": "Middle East (Bahrain)",
  "me-central-1": "Middle East (UAE)",
  "mx-central-1": "Mexico (Central)",
  "sa-east-1": "South America (Sao Paulo)",
  "ap-east-2": "Asia Pacific (Taipei)",
};

/** The location name of a Region, or an error naming the Region. */
export function locationOf(region: string): string {
  const location = PRICE_LOCATIONS[region];
  if (location === undefined) {
    throw new Error(`price data: no location name for Region ${region}; known: ${Object.keys(PRICE_LOCATIONS).join(", ")}`);
  }
  return location;
}

/** A metered unit map as AWS publishes it (`raw/`). */
export interface MeteredUnitMap {
  readonly manifest: { readonly hawkFilePublicationDate?: string; readonly serviceId?: string };
  readonly regions: Readonly<Record<string, Readonly<Record<string, { readonly price: string; readonly rateCode?: string }>>>>;
}

/** A metered unit map regrouped by rate name, prices unchanged (`processed/`). */
export type RegroupedMap = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** One rate read from the data, with where it was found. */
export interface Rate {
  readonly usd: number;
  /** Rate name and location, to say in an error or a report what was read. */
  readonly found: string;
  /** The Price List's SKU.offerTermCode.rateCode, where the data gives it. */
  readonly rateCode?: string;
}

function number(text: string, found: string): Rate {
  const usd = Number(text);
  if (!Number.isFinite(usd) || usd <= 0) {
    throw new Error(`price data: ${found} has price "${text}", not a positive number`);
  }
  return { usd, found };
}

/** The rate of a named meter in a location of a metered unit map (exact name). */
export function meteredRate(map: MeteredUnitMap, service: string, location: string, name: string): Rate {
  const rates = map.regions[location];
  if (rates === undefined) {
    throw new Error(`price data: ${service} has no location "${location}"`);
  }
  const rate = rates[name];
  if (rate === undefined) {
    throw new Error(`price data: ${service} has no rate "${name}" in ${location}`);
  }
  return { ...number(rate.price, `${service} "${name}" in ${location}`), rateCode: rate.rateCode };
}

/** FSx for Lustre PERSISTENT_2 SSD throughput tiers (MB/s/TiB), in the order their prices rise. */
export const LUSTRE_PERSISTENT_2_TIERS = ["125", "250", "500", "1000"] as const;

/**
 * FSx for Lustre PERSISTENT_2 SSD prices per GB-month by throughput tier. The FSx map names these
 * rates `<hash> SSD new` (PERSISTENT_1 is `SSD old`) without their tier; there are exactly four
 * in a Region that offers PERSISTENT_2, and a higher tier always costs more, so they are assigned
 * to 125, 250, 500 and 1000 MB/s/TiB by rank (us-east-1: 0.145, 0.21, 0.34, 0.60, the figures
 * of AWS's FSx for Lustre pricing page).
 */
export function lustrePersistent2(map: MeteredUnitMap, location: string): Record<string, Rate> {
  const rates = Object.entries(map.regions[location] ?? {}).filter(([name]) => / SSD new$/.test(name));
  if (rates.length !== LUSTRE_PERSISTENT_2_TIERS.length) {
    throw new Error(`price data: fsx has ${rates.length} "SSD new" (PERSISTENT_2) rates in ${location}, expected ${LUSTRE_PERSISTENT_2_TIERS.length}`);
  }
  const sorted = rates
    .map(([name, rate]) => ({ ...number(rate.price, `fsx "${name}" in ${location}`), rateCode: rate.rateCode }))
    .sort((a, b) => a.usd - b.usd);
  if (new Set(sorted.map((rate) => rate.usd)).size !== sorted.length) {
    throw new Error(`price data: fsx PERSISTENT_2 rates in ${location} are not distinct (${sorted.map((r) => r.usd).join(", ")}); the tiers cannot be told apart`);
  }
  return Object.fromEntries(LUSTRE_PERSISTENT_2_TIERS.map((tier, i) => [tier, { ...sorted[i], found: `${sorted[i].found}, rank ${i + 1} of 4 = ${tier} MB/s/TiB` }]));
}

/** Splits a regrouped label `Location (Key: value, Key: value)` into location and attributes. */
export function parseLabel(label: string): { location: string; attributes: Record<string, string> } {
  // A location name itself ends in "(...)": only a last parenthesis holding "Key: value" pairs is attributes.
  const match = /^(.*) \(([^:(),]+: .*)\)$/.exec(label);
  if (match === null) {
    return { location: label, attributes: {} };
  }
  const attributes: Record<string, string> = {};
  for (const pair of match[2].split(/, (?=[^,:]+: )/)) {
    const at = pair.indexOf(": ");
    attributes[pair.slice(0, at)] = pair.slice(at + 2);
  }
  return { location: match[1], attributes };
}

/** The one price of a rate name in a location of a regrouped map, with attributes to match. */
export function regroupedRate(map: RegroupedMap, service: string, name: string, location: string, attributes: Record<string, string> = {}): Rate {
  const byLabel = map[name];
  if (byLabel === undefined) {
    throw new Error(`price data: ${service} has no rate "${name}"`);
  }
  const found = Object.entries(byLabel).filter(([label]) => {
    const parsed = parseLabel(label);
    return parsed.location === location && Object.entries(attributes).every(([key, value]) => parsed.attributes[key] === value);
  });
  if (found.length !== 1) {
    throw new Error(`price data: ${service} "${name}" has ${found.length} prices in ${location}${Object.keys(attributes).length ? ` for ${JSON.stringify(attributes)}` : ""}, expected one`);
  }
  const [label, price] = found[0];
  if (price.includes(";")) {
    throw new Error(`price data: ${service} "${name}" has conflicting prices in ${label}: ${price}`);
  }
  return number(price, `${service} "${name}" in ${label}`);
}

/** The on-demand Linux hourly price of an EC2 instance type (`processed/ec2.json`). */
export function ec2OnDemandLinux(map: RegroupedMap, location: string, instanceType: string): Rate {
  return regroupedRate(map, "ec2", `OnDemand Linux-instancetype-${instanceType}`, location);
}

/** The on-demand hourly price of an OpenSearch instance type such as r6g.large.search (`processed/es.json`). */
export function opensearchOnDemand(map: RegroupedMap, location: string, instanceType: string): Rate {
  const [family, ...rest] = instanceType.split(".");
  const label = `${family} ${rest.join(".")}`;
  const names = Object.keys(map).filter((name) => name.startsWith(`${label} - `) && / - OnDemand - .* - Hourly Cost$/.test(name));
  if (names.length !== 1) {
    throw new Error(`price data: es has ${names.length} on-demand hourly rates for ${instanceType}, expected one`);
  }
  return regroupedRate(map, "es", names[0], location);
}

/**
 * Data transfer out of a Region to each of the other Regions (`processed/datatransfer.json`,
 * `DataTransfer InterRegion Outbound to ...`, label `Source (To Location: Destination)`).
 */
export function interRegionOut(map: RegroupedMap, from: string, to: readonly string[]): Record<string, Rate> {
  const out: Record<string, Rate> = {};
  for (const destination of to) {
    const name = Object.keys(map).find(
      (n) => n.startsWith("DataTransfer InterRegion Outbound to ") && Object.keys(map[n]).some((label) => label === `${from} (To Location: ${destination})`),
    );
    if (name === undefined) {
      throw new Error(`price data: datatransfer has no inter-Region rate from ${from} to ${destination}`);
    }
    out[destination] = regroupedRate(map, "datatransfer", name, from, { "To Location": destination });
  }
  return out;
}

/** us-east-1 EC2 on-demand prices from Karpenter's generated Go file, and the time it was generated. */
export function karpenterPrices(goSource: string): { generated: string; region: string; prices: Record<string, number> } {
  const header = /generated at (\S+) for (\S+)/.exec(goSource);
  if (header === null) {
    throw new Error("price data: the Karpenter pricing file has no 'generated at ... for ...' line");
  }
  const region = header[2];
  const start = goSource.indexOf(`"${region}": {`);
  if (start < 0) {
    throw new Error(`price data: the Karpenter pricing file has no map for ${region}`);
  }
  const end = goSource.indexOf("\n\t},", start);
  const body = goSource.slice(start, end < 0 ? undefined : end);
  const prices: Record<string, number> = {};
  for (const match of body.matchAll(/"([a-z0-9-]+\.[a-z0-9-]+)": ([0-9.]+)/g)) {
    prices[match[1]] = Number(match[2]);
  }
  return { generated: header[1], region, prices };
}

/** Where each flat price of a Region is read in the metered unit maps: service file and rate name. */
export const METERED_FLAT: Readonly<Partial<Record<FlatPrice, { readonly service: string; readonly name: string; readonly global?: string }>>> = {
  publicIpv4Hour: { service: "vpc", name: "Hourly charge for In use Public IPv4 Addresses per Hrs" },
  interfaceEndpointAzHour: { service: "vpc", name: "Hourly charge for VPC Endpoints per Hrs" },
  interfaceEndpointGb: { service: "vpc", name: "Charge for per GB data processed by VPC Endpoints per GB from 0 to 1048576" },
  transitGatewayAttachmentHour: { service: "vpc", name: "Hourly charge for Transit Gateway VPC Attachments per hour" },
  transitGatewayGb: { service: "vpc", name: "Charge for per GB data processed by AWS Transit Gateways for VPC attachments per GigaBytes" },
  fargateVcpuHour: { service: "ecs", name: "perCPU per hour" },
  fargateGbHour: { service: "ecs", name: "perGB per hour" },
  albHour: { service: "elb", name: "Application Load Balancer Hours" },
  albLcuHour: { service: "elb", name: "Application Load Balancer LCU Hours" },
  kmsKeyMonth: { service: "kms", name: "Encryption Key" },
  cloudwatchAlarmMonth: { service: "cloudwatch", name: "Alarm Standard" },
  cloudwatchLogsIngestGb: { service: "cloudwatch", name: "Logs Collected Data Ingestion" },
  route53HostedZoneMonth: { service: "route53", name: "DNS Zone first 25", global: "Any" },
};

/**
 * Rates that must equal one the table uses for them: the estimate prices a Transit Gateway
 * peering attachment at the VPC attachment rate, so the data must say they are the same.
 */
export const METERED_SAME_AS: readonly { readonly key: FlatPrice; readonly service: string; readonly name: string }[] = [
  { key: "transitGatewayAttachmentHour", service: "vpc", name: "Hourly charge for Transit Gateway Peering Attachments per hour" },
];

/** Keys no AWS data read here covers (kept as the table has them: third-party or unverified). */
export const NOT_IN_AWS_DATA: readonly (FlatPrice | KeyedPrice)[] = [
  "natGatewayHour",
  "natGatewayGb",
  "ebsGp3GbMonth",
  "opensearchGp3GbMonth",
  "sagemakerNotebookHour",
  "sagemakerStorageGbMonth",
];
