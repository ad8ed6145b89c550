/**
 * The indexer's Fargate runner as data: an official Node.js image and the official AWS CLI image,
 * both pulled from ECR Public through an ECR pull-through cache in the Region (ECR Public needs no
 * credentials: https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html),
 * and the same bundle as the Lambda function (`scripts/catalog/lambda.ts`, run with `node`). The
 * CLI container copies the bundle from S3 into a volume the two containers share, then exits;
 * the Node container starts once it has succeeded. No image is built, so deploying needs no Docker.
 */

/** An image on ECR Public, pulled through the Region's cache rule for `public.ecr.aws`. */
export interface PublicImage {
  /** Repository on ECR Public, e.g. `docker/library/node`. */
  readonly repository: string;
  readonly tag: string;
}

/** Node.js 22 (LTS), the Docker official image as mirrored on ECR Public (`public.ecr.aws/docker/library/node`). */
export const NODE_IMAGE: PublicImage = { repository: "docker/library/node", tag: "22.21.1-bookworm-slim" };

/** AWS CLI v2, AWS's official image on ECR Public (`public.ecr.aws/aws-cli/aws-cli`); its entry point is `aws`. */
export const AWS_CLI_IMAGE: PublicImage = { repository: "aws-cli/aws-cli", tag: "2.31.23" };

/** Container names: the state machine reads the indexer's exit code by name. */
export const INDEXER_CONTAINER = "indexer";
export const FETCH_CONTAINER = "fetch-bundle";

/** Where the bundle is put in the shared volume. */
export const BUNDLE_MOUNT = "/bundle";

/** The environment variable holding the indexer event (`{ region, mount, datasets }`) as JSON. */
export const EVENT_VARIABLE = "INDEXER_EVENT";

/**
 * Task size: one vCPU is what `SIZING.listingKeysPerSecond` plans on (the indexer is one Node.js
 * process); 2 GiB leaves the garbage collector room above the indexer's ~300 MB peak.
 * Fargate sizes: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const TASK_CPU = 1024;
export const TASK_MEMORY_MIB = 2048;

/**
 * Node.js options of the indexer: V8 otherwise lets the old generation grow far beyond the
 * indexer's working set (measured: peak RSS 235-290 MB by default, 170 MB with a 96 MB cap, same
 * CPU), since its garbage is short-lived. 256 MB caps it well above that working set.
 */
export const INDEXER_NODE_OPTIONS = "--max-old-space-size=256";

/** The CLI container's command: copy the bundle object into the shared volume. */
export function fetchBundleCommand(bucket: string, key: string): string[] {
  return ["s3", "cp", `s3://${bucket}/${key}`, `${BUNDLE_MOUNT}/index.js`, "--only-show-errors"];
}

/** The indexer container's command: the bundle, run as a program (see `runTask` in scripts/catalog/lambda.ts). */
export function indexerCommand(): string[] {
  return ["node", `${BUNDLE_MOUNT}/index.js`];
}
