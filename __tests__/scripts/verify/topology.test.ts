import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { generateConfig } from "../../../modules/config/generate";
import { mutate, removeResource, synthOutput, writeSynthDir } from "../../modules/reachability/synthesized";

const projectDir = join(__dirname, "..", "..", "..");

function verify(...args: string[]) {
  return spawnSync(process.execPath, [join(projectDir, "node_modules", "tsx", "dist", "cli.mjs"), join(projectDir, "scripts", "verify", "topology.ts"), ...args], {
    cwd: projectDir,
    encoding: "utf8",
  });
}

describe("npm run verify:topology", () => {
  const output = synthOutput(generateConfig(1));
  const good = writeSynthDir(output);
  const broken = writeSynthDir(mutate(output, (stacks) => removeResource(stacks, "routes-us-east-1", "aws_ec2_transit_gateway_route", "routes-us-east-1/to-eu-west-2/Default")));
  afterAll(() => [good, broken].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test("prints the matrix and exits 0 for a synthesized topology", () => {
    const result = verify(good);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^workers-to-scheduler +workers@us-east-1 +scheduler@eu-west-2 +tcp 8786 +pass$/m);
    expect(result.stdout).toMatch(/topology OK\n$/);
  });

  test("exits 1 and names the blocking hop when a Transit Gateway route is missing; --json gives the rows", () => {
    const result = verify(broken);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^workers-to-scheduler +workers@us-east-1 +scheduler@eu-west-2 +tcp 8786 +FAIL at source-tgw-route-table: /m);
    const json = JSON.parse(verify(broken, "--json").stdout);
    expect(json.ok).toBe(false);
    expect(json.rows.filter((row: { status: string }) => row.status === "fail").length).toBeGreaterThan(0);
  });

  test("exits 2 when the directory holds no synth output", () => {
    const result = verify(join(good, "missing"));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`verify:topology: manifest ${join(good, "missing", "manifest.json")} cannot be read (ENOENT); run the synth first`);
  });
});
