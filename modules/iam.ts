/**
 * IAM policy documents as plain data, so constructs build them the same way and tests can
 * read them back. Values may hold Terraform tokens; cdktf's `Fn.jsonencode` renders them.
 */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** A policy document from statements. */
export function policy(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: "2012-10-17", Statement: statements };
}

/** The trust policy that lets an AWS service assume a role. */
export function serviceTrust(...services: string[]): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: services.length === 1 ? services[0] : services }, Action: "sts:AssumeRole", Resource: "*" }].map(
      // Trust policies carry no Resource element.
      ({ Resource: _resource, ...rest }) => rest as PolicyStatement,
    ),
  };
}

/**
 * Listing of the S3 locations of datasets (`s3://bucket[/prefix]`), without reading objects:
 * `s3:ListBucket` on each bucket, limited by `s3:prefix` to the datasets' prefixes.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/walkthrough1.html (s3:prefix)
 */
export function datasetListStatements(s3Uris: readonly string[]): PolicyStatement[] {
  return datasetReadStatements(s3Uris).filter((statement) => statement.Action.includes("s3:ListBucket"));
}

/** Read-only access to the S3 locations of datasets (`s3://bucket[/prefix]`): list and get. */
export function datasetReadStatements(s3Uris: readonly string[]): PolicyStatement[] {
  const buckets = new Map<string, string[]>();
  for (const uri of s3Uris) {
    const match = /^s3:\/\/([^/]+)\/?(.*?)\/?$/.exec(uri);
    if (match === null) {
      throw new Error(`dataset s3: "${uri}" is not an s3:// URI`);
    }
    const prefixes = buckets.get(match[1]) ?? [];
    prefixes.push(match[2]);
    buckets.set(match[1], prefixes);
  }
  const statements: PolicyStatement[] = [];
  for (const [bucket, prefixes] of buckets) {
    const whole = prefixes.includes("");
    statements.push({
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: `arn:aws:s3:::${bucket}`,
      ...(whole ? {} : { Condition: { StringLike: { "s3:prefix": prefixes.flatMap((p) => [p, `${p}/*`]) } } }),
    });
    statements.push({
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: whole ? `arn:aws:s3:::${bucket}/*` : prefixes.map((p) => `arn:aws:s3:::${bucket}/${p}/*`),
    });
  }
  return statements;
}
