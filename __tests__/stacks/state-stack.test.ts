import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STATE_BOOTSTRAP_DIR, synthesizeStateBootstrap } from "../../stacks/state-stack";
import { Block, defaultConfig, SynthesizedStack, synthApp } from "../helpers/synth";

/** The state bucket's stack as `npm run bootstrap` synthesizes it, with its guardrails report. */
function synthBootstrap(options: { unguarded?: boolean; awsEndpoint?: string } = {}): { stack: SynthesizedStack; report: Block; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), "proximate-bootstrap-"));
  try {
    const stackDir = synthesizeStateBootstrap(outdir, {
      topologyName: "proximate",
      bucket: "proximate-tfstate-example",
      region: "eu-west-2",
      localStateDirectory: join(outdir, "terraform-state"),
      ...options,
    });
    return {
      stack: new SynthesizedStack("state", JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"))),
      report: JSON.parse(readFileSync(join(outdir, STATE_BOOTSTRAP_DIR, "guardrails.json"), "utf8")),
      outdir,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("state bootstrap stack (npm run bootstrap)", () => {
  let stack: SynthesizedStack;
  let report: Block;
  beforeAll(() => {
    ({ stack, report } = synthBootstrap());
  });

  test("is not a stack of the app: cdktf deploy '*' and destroy '*' never see it", () => {
    expect(synthApp(defaultConfig()).stackNames()).not.toContain("state");
  });

  test("keeps its own state locally, at a path relative to its stack directory", () => {
    // <outdir>/bootstrap/stacks/state -> <outdir>/terraform-state
    expect(stack.json.terraform.backend).toEqual({ local: { path: "../../../terraform-state/state.tfstate" } });
  });

  test("creates the state bucket named in the config, guarded against destroy", () => {
    const bucket = stack.resource("aws_s3_bucket", "bucket/Default");
    expect(bucket.bucket).toBe("proximate-tfstate-example");
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    expect(bucket.force_destroy).toBeUndefined();
    expect(stack.json.provider.aws[0].region).toBe("eu-west-2");
  });

  test("unguarded (bootstrap --destroy only): no prevent_destroy, and force_destroy takes every state version with the bucket", () => {
    const bucket = synthBootstrap({ unguarded: true }).stack.resource("aws_s3_bucket", "bucket/Default");
    expect(bucket.lifecycle).toBeUndefined();
    expect(bucket.force_destroy).toBe(true);
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

  test("is checked by the guardrails, the bucket's versioning included", () => {
    expect(report.findings).toContainEqual({ rule: "S3-STATE-VERSIONING", stack: "state", address: "aws_s3_bucket.bucket", path: "state/bucket/Default", status: "compliant", reason: "" });
    expect(report.findings.filter((f: Block) => f.status === "non-compliant")).toEqual([]);
  });

  test("with the emulator switch, talks to the emulator only", () => {
    const emulated = synthBootstrap({ awsEndpoint: "http://127.0.0.1:4566" }).stack.json.provider.aws[0];
    expect(emulated.endpoints).toEqual([{ s3: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4566" }]);
    expect(emulated).toMatchObject({ access_key: "proximate-emulated", skip_credentials_validation: true, s3_use_path_style: true });
    expect(stack.json.provider.aws[0].endpoints).toBeUndefined();
  });
});
