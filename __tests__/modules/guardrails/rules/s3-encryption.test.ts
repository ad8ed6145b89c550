import { s3Encryption } from "../../../../modules/guardrails/rules/s3-encryption";
import { bucketRef, check, logsBucket, resource } from "../fixtures";

const sse = (algorithm: string, bucket = bucketRef("logs")) =>
  resource("aws_s3_bucket_server_side_encryption_configuration", `sse-${algorithm}`, {
    bucket,
    rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: algorithm }, bucket_key_enabled: false }],
  });

describe("S3-ENCRYPTION", () => {
  test.each(["AES256", "aws:kms"])("compliant with a %s default encryption configuration for the bucket", (algorithm) => {
    expect(check(s3Encryption, [logsBucket, sse(algorithm)])).toEqual({ status: "compliant", note: `default encryption ${algorithm}` });
  });

  test("compliant when the configuration names the bucket by its literal name", () => {
    const named = resource("aws_s3_bucket", "named", { bucket: "my-bucket" });
    expect(check(s3Encryption, [named, sse("AES256", "my-bucket")]).status).toBe("compliant");
  });

  test("non-compliant without an encryption configuration, or with one for another bucket", () => {
    expect(check(s3Encryption, [logsBucket])).toEqual({ status: "non-compliant", problem: "has no default encryption configuration in this stack" });
    expect(check(s3Encryption, [logsBucket, sse("AES256", bucketRef("other"))]).status).toBe("non-compliant");
  });

  test("non-compliant with an algorithm S3 does not offer", () => {
    expect(check(s3Encryption, [logsBucket, sse("DES")])).toEqual({
      status: "non-compliant",
      problem: "default encryption uses DES; allowed: AES256, aws:kms, aws:kms:dsse",
    });
  });
});
