import { bucketSettings } from "../buckets";
import { isTrue } from "../config";
import { compliant, GuardrailRule, nonCompliant } from "../types";

const SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

/** S3: every bucket blocks public access with all four settings. */
export const s3PublicAccessBlock: GuardrailRule = {
  id: "S3-PUBLIC-ACCESS-BLOCK",
  description: "Every S3 bucket has a public access block with all four settings true.",
  resourceTypes: ["aws_s3_bucket"],
  fix: `Add an aws_s3_bucket_public_access_block for the bucket with ${SETTINGS.join(", ")} all true.`,
  check(bucket, { stack }) {
    const blocks = bucketSettings(stack, "aws_s3_bucket_public_access_block", bucket);
    if (blocks.length === 0) {
      return nonCompliant("has no public access block in this stack");
    }
    const missing = SETTINGS.filter((setting) => !blocks.some((candidate) => isTrue(candidate.config[setting])));
    if (missing.length > 0) {
      return nonCompliant(`public access block ${blocks[0].address} leaves ${missing.join(", ")} unset or false`);
    }
    return compliant();
  },
};
