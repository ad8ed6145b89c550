import { s3TlsOnly } from "../../../../modules/guardrails/rules/s3-tls-only";
import { bucketRef, check, jsonencode, logsBucket, resource } from "../fixtures";

// As cdktf renders constructs/secure-bucket.ts's policy: a bare reference and a template.
const TLS_ONLY = jsonencode(
  '{"Version" = "2012-10-17", "Statement" = [{"Sid" = "DenyInsecureTransport", "Effect" = "Deny", "Principal" = "*", "Action" = "s3:*", ' +
    '"Resource" = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"], "Condition" = {"Bool" = {"aws:SecureTransport" = "false"}}}]}',
);
const policy = (document: string) => resource("aws_s3_bucket_policy", "policy", { bucket: bucketRef("logs"), policy: document });

describe("S3-TLS-ONLY", () => {
  test("compliant with a Deny of s3:* on the bucket and its objects when aws:SecureTransport is false", () => {
    expect(check(s3TlsOnly, [logsBucket, policy(TLS_ONLY)]).status).toBe("compliant");
  });

  test("compliant with the same statement as a plain JSON policy", () => {
    const json = JSON.stringify({
      Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: ["s3:*"], Resource: ["${aws_s3_bucket.logs.arn}", "${aws_s3_bucket.logs.arn}/*"], Condition: { Bool: { "aws:SecureTransport": false } } }],
    });
    expect(check(s3TlsOnly, [logsBucket, policy(json)]).status).toBe("compliant");
  });

  test("non-compliant when the Deny covers only the objects", () => {
    const objectsOnly = TLS_ONLY.replace("[aws_s3_bucket.logs.arn, ", "[");
    expect(check(s3TlsOnly, [logsBucket, policy(objectsOnly)])).toEqual({
      status: "non-compliant",
      problem: "bucket policy has no statement denying s3:* on the bucket and its objects when aws:SecureTransport is false",
    });
  });

  test("non-compliant without a bucket policy, or with one that cannot be read at synth time", () => {
    expect(check(s3TlsOnly, [logsBucket])).toEqual({ status: "non-compliant", problem: "has no bucket policy in this stack" });
    const result = check(s3TlsOnly, [logsBucket, policy("${data.aws_iam_policy_document.missing.json}")]);
    expect(result).toEqual({ status: "non-compliant", problem: "bucket policy references data.aws_iam_policy_document.missing, which is not in stack test" });
  });
});
