import { ProximateConfig } from "./schema";

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
