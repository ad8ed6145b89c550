import { bucketSettings } from "../buckets";
import { block, blocks, isTrue } from "../config";
import { compliant, GuardrailRule, nonCompliant, notApplicable } from "../types";

/** S3: buckets holding Terraform state keep every version of every object. */
export const s3StateVersioning: GuardrailRule = {
  id: "S3-STATE-VERSIONING",
  description: "Buckets that hold Terraform state (named by a stack's S3 backend) have versioning enabled.",
  resourceTypes: ["aws_s3_bucket"],
  fix: 'Add an aws_s3_bucket_versioning with versioning_configuration.status "Enabled" for the state bucket (SecureBucket with versioned: true).',
  check(bucket, { stack, options }) {
    const name = bucket.config.bucket;
    if (typeof name !== "string" || !options.stateBuckets.includes(name)) {
      return notApplicable("not a state bucket");
    }
    if (isTrue(block(bucket.config.versioning)?.enabled)) {
      return compliant("versioning enabled inline");
    }
    const statuses = bucketSettings(stack, "aws_s3_bucket_versioning", bucket).flatMap((v) =>
      blocks(v.config.versioning_configuration).map((c) => c.status),
    );
    if (statuses.includes("Enabled")) {
      return compliant();
    }
    return nonCompliant(
      statuses.length > 0 ? `holds Terraform state but versioning status is ${statuses.map((s) => JSON.stringify(s)).join(", ")}` : "holds Terraform state but has no versioning",
    );
  },
};
