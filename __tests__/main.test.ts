import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { generateConfig } from "../modules/config/generate";

const projectDir = resolve(__dirname, "..");
const cdktf = join(projectDir, "node_modules", ".bin", "cdktf");

function runApp(env: Record<string, string>, command = process.execPath, args = ["scripts/app.js"]) {
  return spawnSync(command, args, {
    cwd: projectDir,
    env: { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CI: "true", ...env },
    encoding: "utf8",
  });
}

function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "proximate-main-"));
  const file = join(dir, "topology.json");
  writeFileSync(file, JSON.stringify(config));
  return file;
}

function previousOutput(): string {
  const outdir = mkdtempSync(join(tmpdir(), "proximate-out-"));
  mkdirSync(join(outdir, "stacks", "network-eu-west-2"), { recursive: true });
  writeFileSync(join(outdir, "stacks", "network-eu-west-2", "cdk.tf.json"), '{"previous": true}');
  return outdir;
}

describe("the app (main.ts through scripts/app.js, as cdktf synth runs it)", () => {
  test("synthesizes any valid topology named by PROXIMATE_CONFIG", () => {
    const outdir = mkdtempSync(join(tmpdir(), "proximate-out-"));
    const result = runApp({ PROXIMATE_CONFIG: writeConfig(generateConfig(4)), CDKTF_OUTDIR: outdir });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const stacks = readdirSync(join(outdir, "stacks")).sort();
    expect(stacks.filter((s) => s.startsWith("network-"))).toEqual([
      "network-ap-southeast-2",
      "network-eu-central-1",
      "network-eu-west-2",
      "network-us-east-1",
      "network-us-west-2",
    ]);
    expect(stacks.filter((s) => s.startsWith("routes-"))).toHaveLength(5);
  });

  test("fails when the config is invalid: every problem on stderr, exit 1, previous output intact", () => {
    const outdir = previousOutput();
    const config = { ...generateConfig(2), name: "Bad Name", client: { region: "eu-west-2", cidr: "10.1.0.0/16" } };
    const result = runApp({ PROXIMATE_CONFIG: writeConfig(config), CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("invalid topology config (PROXIMATE_CONFIG=");
    expect(result.stderr).toContain('name: got "Bad Name": is not a valid topology name');
    expect(result.stderr).toContain('workers[0].cidr: got "10.1.0.0/16": overlaps client.cidr "10.1.0.0/16"');
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["network-eu-west-2"]);
    expect(readFileSync(join(outdir, "stacks", "network-eu-west-2", "cdk.tf.json"), "utf8")).toBe('{"previous": true}');
    expect(existsSync(join(outdir, "manifest.json"))).toBe(false);
  });

  test("fails when PROXIMATE_CONFIG names a missing file", () => {
    const result = runApp({ PROXIMATE_CONFIG: "/nonexistent/topology.json", CDKTF_OUTDIR: previousOutput() });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('PROXIMATE_CONFIG: got "/nonexistent/topology.json": cannot be read (ENOENT)');
  });

  test("fails through `cdktf synth --output` the same way, keeping the previous output", () => {
    const outdir = previousOutput();
    const result = runApp(
      { PROXIMATE_CONFIG: writeConfig({ ...generateConfig(1), workers: [] }), TF_CLI_CONFIG_FILE: join(projectDir, "scripts", "terraform", "registry.tfrc") },
      cdktf,
      ["synth", "--output", outdir],
    );
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("workers: got []: has the wrong number of worker Regions");
    expect(readFileSync(join(outdir, "stacks", "network-eu-west-2", "cdk.tf.json"), "utf8")).toBe('{"previous": true}');
  });

  test("local state paths are relative to each stack's directory, so the checkout can move", () => {
    const outdir = mkdtempSync(join(projectDir, "cdktf.outdir.local-"));
    const config = { ...generateConfig(1), state: { backend: "local" } };
    const result = runApp({ PROXIMATE_CONFIG: writeConfig(config), CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(0);
    const stackDir = join(outdir, "stacks", "peering-us-east-1");
    const json = JSON.parse(readFileSync(join(stackDir, "cdk.tf.json"), "utf8"));
    const local = json.terraform.backend.local.path as string;
    expect(local).toBe("../../../terraform-state/peering-us-east-1.tfstate");
    expect(resolve(stackDir, local)).toBe(join(projectDir, "terraform-state", "peering-us-east-1.tfstate"));
    const remote = json.data.terraform_remote_state["cross-stack-reference-input-network-eu-west-2"].config.path as string;
    expect(isAbsolute(remote)).toBe(false);
    expect(resolve(stackDir, remote)).toBe(join(projectDir, "terraform-state", "network-eu-west-2.tfstate"));
    rmSync(outdir, { recursive: true, force: true });
  });

  test("a local state directory given as an absolute path stays absolute", () => {
    const outdir = mkdtempSync(join(tmpdir(), "proximate-out-"));
    const config = { ...generateConfig(1), state: { backend: "local", directory: "/srv/proximate-state" } };
    expect(runApp({ PROXIMATE_CONFIG: writeConfig(config), CDKTF_OUTDIR: outdir }).status).toBe(0);
    const json = JSON.parse(readFileSync(join(outdir, "stacks", "network-us-east-1", "cdk.tf.json"), "utf8"));
    expect(json.terraform.backend.local.path).toBe("/srv/proximate-state/network-us-east-1.tfstate");
  });
});
