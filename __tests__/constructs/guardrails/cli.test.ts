import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";

const projectDir = join(__dirname, "..", "..", "..");

describe("guardrails through the cdktf CLI", () => {
  test("fails `cdktf synth` on a violation, printing rule, address and fix; the app run alone exits non-zero too", () => {
    // Bundled next to the project's node_modules, as scripts/app.js bundles main.ts.
    const bundle = join(projectDir, ".gen", `guardrails-insecure-app-${process.pid}.js`);
    buildSync({ entryPoints: [join(__dirname, "fixtures", "insecure-app.ts")], outfile: bundle, bundle: true, packages: "external", platform: "node", format: "cjs", target: "node20", logLevel: "warning" });
    const outdir = mkdtempSync(join(tmpdir(), "proximate-guardrails-cli-"));
    const env = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", CI: "true", TF_CLI_CONFIG_FILE: join(projectDir, "scripts", "terraform", "registry.tfrc") };
    try {
      const cli = spawnSync(join(projectDir, "node_modules", ".bin", "cdktf"), ["synth", "--app", `node ${bundle}`, "--output", outdir], { cwd: projectDir, env, encoding: "utf8" });
      expect(cli.status).not.toBe(0);
      expect(`${cli.stdout}${cli.stderr}`).toContain("[S3-ENCRYPTION] aws_s3_bucket.open-bucket in stack insecure");
      expect(`${cli.stdout}${cli.stderr}`).toContain("Fix: Add an aws_s3_bucket_server_side_encryption_configuration");

      const directOut = join(outdir, "direct");
      const direct = spawnSync(process.execPath, [bundle], { cwd: projectDir, env: { ...env, CDKTF_OUTDIR: directOut }, encoding: "utf8" });
      expect(direct.status).toBe(1);
      expect(direct.stderr).toContain("[S3-TLS-ONLY] aws_s3_bucket.open-bucket in stack insecure");
      expect(existsSync(join(directOut, "stacks", "insecure", "cdk.tf.json"))).toBe(false);
      expect(JSON.parse(readFileSync(join(directOut, "guardrails.json"), "utf8")).totals["non-compliant"]).toBe(3);
    } finally {
      rmSync(bundle, { force: true });
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
