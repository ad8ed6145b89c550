import { lbAccessLogsSseS3 } from "../../../../modules/guardrails/rules/lb-access-logs-sse-s3";
import { check, resource } from "../fixtures";

const lb = resource("aws_lb", "dash", { name: "dash", access_logs: { bucket: "${aws_s3_bucket.logs.id}", prefix: "dashboard", enabled: true } });
const bucket = resource("aws_s3_bucket", "logs", { bucket_prefix: "dash-logs-" });
const encryption = (algorithm: string) =>
  resource("aws_s3_bucket_server_side_encryption_configuration", "enc", { bucket: "${aws_s3_bucket.logs.id}", rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: algorithm } }] });

describe("LB-ACCESS-LOGS-SSE-S3", () => {
  test("compliant with today's access-log bucket (SSE-S3)", () => {
    expect(check(lbAccessLogsSseS3, [lb, bucket, encryption("AES256")])).toEqual({ status: "compliant", note: "aws_s3_bucket.logs AES256" });
  });

  test("non-compliant when the access-log bucket uses KMS", () => {
    expect(check(lbAccessLogsSseS3, [lb, bucket, encryption("aws:kms")])).toMatchObject({ status: "non-compliant", problem: expect.stringContaining("encrypted with aws:kms") });
  });
});
