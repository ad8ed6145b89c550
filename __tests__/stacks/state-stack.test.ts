import { defaultConfig, SynthesizedStack, synthApp } from "../helpers/synth";

describe("state bootstrap stack", () => {
  let stack: SynthesizedStack;
  beforeAll(() => {
    stack = synthApp(defaultConfig()).stack("state");
  });

  test("keeps its own state locally", () => {
    expect(stack.json.terraform.backend).toEqual({ local: { path: "/state/state.tfstate" } });
  });

  test("creates the state bucket named in the config, guarded against destroy", () => {
    const bucket = stack.resource("aws_s3_bucket", "bucket/Default");
    expect(bucket.bucket).toBe("proximate-tfstate-example");
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(stack.json.provider.aws[0].region).toBe("eu-west-2");
  });

  test("versions, encrypts and blocks public access to the bucket", () => {
    expect(stack.resource("aws_s3_bucket_versioning", "bucket/versioning").versioning_configuration).toEqual({ status: "Enabled" });
    expect(stack.resource("aws_s3_bucket_server_side_encryption_configuration", "bucket/encryption").rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: "AES256",
    });
    expect(stack.resource("aws_s3_bucket_public_access_block", "bucket/public-access")).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("denies every request that is not made over TLS", () => {
    const policy = stack.resource("aws_s3_bucket_policy", "bucket/policy").policy as string;
    expect(policy).toContain('"Effect" = "Deny"');
    expect(policy).toContain('"aws:SecureTransport" = "false"');
    expect(policy).toContain('"Action" = "s3:*"');
  });
});
