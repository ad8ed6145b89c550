import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readClusterCode } from "../../scripts/lib/cluster-code";

describe("the Dask preloads shipped in the task definitions", () => {
  const projectDir = join(__dirname, "..", "..");

  test("are the project's scripts/cluster sources, verbatim", () => {
    const code = readClusterCode(projectDir);
    expect(code.schedulerScaling).toContain("async def dask_setup(scheduler");
    expect(code.schedulerScaling).toContain('boto3.client("cloudwatch"');
    expect(code.workerProtection).toContain("/task-protection/v1/state");
  });

  test("fails when a source holds a Terraform template sequence", () => {
    const copy = mkdtempSync(join(tmpdir(), "proximate-cluster-"));
    try {
      cpSync(join(projectDir, "scripts", "cluster"), join(copy, "scripts", "cluster"), { recursive: true });
      writeFileSync(join(copy, "scripts", "cluster", "worker_protection.py"), 'print(f"${x}")\n');
      expect(() => readClusterCode(copy)).toThrow(/worker_protection\.py: contains "\$\{", which Terraform would read as a template sequence/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
