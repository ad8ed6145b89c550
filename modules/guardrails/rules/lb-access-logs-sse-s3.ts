import { bucketSettings } from "../buckets";
import { block, blocks, isTrue } from "../config";
import { parseReference } from "../refs";
import { compliant, GuardrailRule, nonCompliant, notApplicable } from "../types";

/**
 * Application Load Balancer access logs: "The only server-side encryption option that's
 * supported is Amazon S3-managed keys (SSE-S3)": a bucket encrypted with KMS receives no logs.
 * Doc: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const lbAccessLogsSseS3: GuardrailRule = {
  id: "LB-ACCESS-LOGS-SSE-S3",
  description: "The access-log bucket of a load balancer is encrypted with SSE-S3 (AES256), the only encryption ELB log delivery supports.",
  resourceTypes: ["aws_lb", "aws_alb"],
  fix: "Give the access-log bucket default encryption AES256 (SecureBucket without kmsKeyArn).",
  check(lb, { stack }) {
    const logs = block(lb.config.access_logs);
    if (logs === undefined || !isTrue(logs.enabled)) {
      return notApplicable("access logs off");
    }
    const ref = parseReference(logs.bucket);
    const bucket = ref !== undefined && !ref.data && ref.type === "aws_s3_bucket" ? stack.resources("aws_s3_bucket").find((b) => b.name === ref.name) : undefined;
    if (bucket === undefined) {
      return nonCompliant(`its access-log bucket ${JSON.stringify(logs.bucket)} is not a bucket of this stack, so its encryption cannot be checked`);
    }
    const algorithms = bucketSettings(stack, "aws_s3_bucket_server_side_encryption_configuration", bucket).flatMap((config) =>
      blocks(config.config.rule).flatMap((rule) => blocks(rule.apply_server_side_encryption_by_default).map((d) => String(d.sse_algorithm))),
    );
    if (algorithms.length === 0) {
      return compliant(`${bucket.address} has S3's default encryption (SSE-S3)`);
    }
    const other = algorithms.filter((algorithm) => algorithm !== "AES256");
    return other.length > 0 ? nonCompliant(`${bucket.address} is encrypted with ${other.join(", ")}; ELB delivers access logs only to SSE-S3 buckets`) : compliant(`${bucket.address} AES256`);
  },
};
