import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { endpointServicesFor, parseAwsEndpoint } from "../../../modules/emulation/aws-endpoint";
import { Block } from "../../helpers/synth";

const projectDir = resolve(__dirname, "..", "..", "..");

/** Synthesizes the default topology through scripts/app.js (as `cdktf synth` does) with extra env. */
function synth(env: Record<string, string | undefined>): { hash: string; stacks: Map<string, Block> } {
  const outdir = mkdtempSync(join(tmpdir(), "proximate-endpoint-"));
  try {
    const base = { ...process.env };
    delete base.PROXIMATE_AWS_ENDPOINT;
    delete base.PROXIMATE_CONFIG;
    const result = spawnSync(process.execPath, ["scripts/app.js"], { cwd: projectDir, env: { ...base, ...env, CDKTF_OUTDIR: outdir }, encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
    const hash = createHash("sha256");
    const stacks = new Map<string, Block>();
    for (const name of Object.keys(manifest.stacks).sort()) {
      const text = readFileSync(join(outdir, manifest.stacks[name].synthesizedStackPath), "utf8");
      hash.update(name).update(text);
      stacks.set(name, JSON.parse(text));
    }
    return { hash: hash.digest("hex"), stacks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

describe("PROXIMATE_AWS_ENDPOINT (test-only emulator switch)", () => {
  let off: ReturnType<typeof synth>;
  let on: ReturnType<typeof synth>;
  beforeAll(() => {
    off = synth({});
    on = synth({ PROXIMATE_AWS_ENDPOINT: "http://127.0.0.1:4566" });
  });

  test("off, the synth is byte-identical: unset, empty or beside an unrelated variable", () => {
    expect(synth({ PROXIMATE_AWS_ENDPOINT: "" }).hash).toBe(off.hash);
    expect(synth({ PROXIMATE_UNRELATED: "1" }).hash).toBe(off.hash);
    expect(on.hash).not.toBe(off.hash);
  });

  test("off, no provider, backend or remote-state reader carries endpoints, skip_* flags or credentials", () => {
    for (const [name, json] of off.stacks) {
      for (const provider of json.provider.aws as Block[]) {
        expect({ name, keys: Object.keys(provider).filter((k) => k === "endpoints" || k.startsWith("skip_") || k.endsWith("_key") || k.includes("path_style")) }).toEqual({ name, keys: [] });
      }
      expect(Object.keys(json.terraform.backend.s3).sort()).toEqual(["bucket", "encrypt", "key", "region", "use_lockfile"]);
      for (const remote of Object.values((json.data?.terraform_remote_state ?? {}) as Record<string, Block>)) {
        expect(Object.keys(remote.config).sort()).toEqual(["bucket", "encrypt", "key", "region"]);
      }
    }
  });

  test("on, every provider reaches every service its stack uses at the emulator, with fake credentials", () => {
    for (const [name, json] of on.stacks) {
      const [provider] = json.provider.aws as Block[];
      expect(provider).toMatchObject({
        access_key: "proximate-emulated",
        secret_key: "proximate-emulated",
        skip_credentials_validation: true,
        skip_metadata_api_check: "true",
        s3_use_path_style: true,
      });
      const types = [...Object.keys(json.resource ?? {}), ...Object.keys(json.data ?? {})];
      const expected = Object.fromEntries(endpointServicesFor(types).map((service) => [service, "http://127.0.0.1:4566"]));
      expect({ name, endpoints: provider.endpoints }).toEqual({ name, endpoints: [expected] });
    }
    const pool = on.stacks.get("pool-us-east-1") as Block;
    expect(Object.keys(pool.provider.aws[0].endpoints[0]).sort()).toEqual(["appautoscaling", "autoscaling", "cloudwatch", "ec2", "ecr", "ecs", "fsx", "iam", "logs", "sts"]);
  });

  test("on, the S3 backends and every remote-state reader use the emulated S3, path-style", () => {
    const emulated = { endpoints: { s3: "http://127.0.0.1:4566", sts: "http://127.0.0.1:4566", iam: "http://127.0.0.1:4566" }, use_path_style: true, skip_credentials_validation: true };
    for (const json of on.stacks.values()) {
      expect(json.terraform.backend.s3).toMatchObject({ ...emulated, use_lockfile: true });
      for (const remote of Object.values((json.data?.terraform_remote_state ?? {}) as Record<string, Block>)) {
        expect(remote.config).toMatchObject(emulated);
      }
    }
  });

  test("fails when the switch is not a local emulator's address, naming the variable", () => {
    expect(parseAwsEndpoint("http://127.0.0.1:5000/")).toBe("http://127.0.0.1:5000");
    for (const bad of ["https://s3.amazonaws.com", "http://10.0.0.1:5000", "127.0.0.1:5000", "http://127.0.0.1"]) {
      expect(() => parseAwsEndpoint(bad)).toThrow(`PROXIMATE_AWS_ENDPOINT: got "${bad}": is not the address of a local AWS emulator; allowed: http://127.0.0.1:<port>`);
    }
  });

  test("fails the synth when a resource type has no known endpoint, rather than reaching AWS", () => {
    expect(endpointServicesFor(["aws_vpc", "aws_lb_listener", "terraform_remote_state", "aws_iam_policy_document"])).toEqual(["ec2", "elbv2", "sts"]);
    expect(() => endpointServicesFor(["aws_glue_job"])).toThrow("no emulator endpoint is known for aws_glue_job");
  });
});
