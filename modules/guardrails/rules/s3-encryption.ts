import { bucketSettings } from "../buckets";
import { block, blocks } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

function algorithmsOf(configuration: unknown): string[] {
  return blocks(configuration)
    .flatMap((config) => blocks(config.rule))
    .map((rule) => block(rule.apply_server_side_encryption_by_default)?.sse_algorithm)
    .filter((algorithm): algorithm is string => typeof algorithm === "string");
}

/** S3: every bucket has a default encryption configuration. */
export const s3Encryption: GuardrailRule = {
  id: "S3-ENCRYPTION",
  description: "Every S3 bucket has a default server-side encryption configuration (SSE-S3 or SSE-KMS).",
  resourceTypes: ["aws_s3_bucket"],
  fix: "Add an aws_s3_bucket_server_side_encryption_configuration for the bucket in the same stack (constructs/secure-bucket.ts does).",
  check(bucket, { stack }) {
    const algorithms = [
      ...algorithmsOf(bucket.config.server_side_encryption_configuration),
      ...bucketSettings(stack, "aws_s3_bucket_server_side_encryption_configuration", bucket).flatMap((config) => algorithmsOf(config.config)),
    ];
    const valid = algorithms.filter((algorithm) => ALGORITHMS.includes(algorithm));
    if (valid.length > 0) {
      return compliant(`default encryption ${valid[0]}`);
    }
    return nonCompliant(
      algorithms.length > 0
        ? `default encryption uses ${algorithms.join(", ")}; allowed: ${ALGORITHMS.join(", ")}`
        : "has no default encryption configuration in this stack",
    );
  },
};
