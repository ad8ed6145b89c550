import { s3StateVersioning } from "../../../../modules/guardrails/rules/s3-state-versioning";
import { bucketRef, check, logsBucket, resource, stateBucket } from "../fixtures";

const versioning = (status: string) =>
  resource("aws_s3_bucket_versioning", "versioning", { bucket: bucketRef("state"), versioning_configuration: { status } });

describe("S3-STATE-VERSIONING", () => {
  test("compliant when the state bucket has versioning Enabled", () => {
    expect(check(s3StateVersioning, [stateBucket, versioning("Enabled")]).status).toBe("compliant");
  });

  test("non-compliant when the state bucket is unversioned or suspended", () => {
    expect(check(s3StateVersioning, [stateBucket])).toEqual({ status: "non-compliant", problem: "holds Terraform state but has no versioning" });
    expect(check(s3StateVersioning, [stateBucket, versioning("Suspended")])).toEqual({
      status: "non-compliant",
      problem: 'holds Terraform state but versioning status is "Suspended"',
    });
  });

  test("not applicable to buckets that hold no state", () => {
    expect(check(s3StateVersioning, [logsBucket]).status).toBe("not-applicable");
    expect(check(s3StateVersioning, [stateBucket], { stateBuckets: [] }).status).toBe("not-applicable");
  });
});
