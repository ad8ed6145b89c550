import { s3PublicAccessBlock } from "../../../../modules/guardrails/rules/s3-public-access-block";
import { bucketRef, check, logsBucket, resource } from "../fixtures";

const block = (settings: Record<string, boolean>) =>
  resource("aws_s3_bucket_public_access_block", "pab", { bucket: bucketRef("logs"), ...settings });
const ALL = { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true };

describe("S3-PUBLIC-ACCESS-BLOCK", () => {
  test("compliant with all four settings true", () => {
    expect(check(s3PublicAccessBlock, [logsBucket, block(ALL)]).status).toBe("compliant");
  });

  test("non-compliant when one setting is false, naming it", () => {
    expect(check(s3PublicAccessBlock, [logsBucket, block({ ...ALL, restrict_public_buckets: false })])).toEqual({
      status: "non-compliant",
      problem: "public access block aws_s3_bucket_public_access_block.pab leaves restrict_public_buckets unset or false",
    });
  });

  test("non-compliant without a public access block", () => {
    expect(check(s3PublicAccessBlock, [logsBucket])).toEqual({ status: "non-compliant", problem: "has no public access block in this stack" });
  });
});
