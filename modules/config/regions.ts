/**
 * AWS Regions of the `aws` partition that Proximate can deploy into.
 *
 * The order is part of the contract: a Region's default Transit Gateway ASN is derived from
 * its position, so new Regions are only ever appended.
 */
export const AWS_REGIONS: readonly string[] = [
  "us-east-1",
  "us-east-2",
  "us-west-1",
  "us-west-2",
  "af-south-1",
  "ap-east-1",
  "ap-south-1",
  "ap-south-2",
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-southeast-3",
  "ap-southeast-4",
  "ap-southeast-5",
  "ap-southeast-7",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
  "ca-central-1",
  "ca-west-1",
  "eu-central-1",
  "eu-central-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-south-1",
  "eu-south-2",
  "eu-north-1",
  "il-central-1",
  "me-south-1",
  "me-central-1",
  "mx-central-1",
  "sa-east-1",
  "ap-east-2",
];

const REGION_SET = new Set(AWS_REGIONS);

/** True when `region` is a known Region of the `aws` partition. */
export function isAwsRegion(region: string): boolean {
  return REGION_SET.has(region);
}

/** First private ASN used for Transit Gateways (RFC 6996 16-bit private range 64512-65534). */
export const TGW_ASN_BASE = 64512;

/**
 * Default Amazon-side ASN of a Region's Transit Gateway: unique per Region and stable when
 * Regions are added to or removed from a topology (AWS recommends unique ASNs for peered
 * Transit Gateways).
 */
export function defaultTransitGatewayAsn(region: string): number {
  const index = AWS_REGIONS.indexOf(region);
  if (index < 0) {
    throw new Error(`region: "${region}" is not a known AWS Region; allowed: ${AWS_REGIONS.join(", ")}`);
  }
  return TGW_ASN_BASE + index;
}
