import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { readJsonArgument } from "../../../modules/guardrails/hcl";
import { generateConfig } from "../../../modules/config/generate";
import { mutate, resourceName, synthOutput, writeSynthDir } from "../../modules/reachability/synthesized";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const projectDir = join(__dirname, "..", "..", "..");

function verify(...args: string[]) {
  return spawnSync(process.execPath, [join(projectDir, "node_modules", "tsx", "dist", "cli.mjs"), join(projectDir, "scripts", "verify", "iam.ts"), ...args], {
    cwd: projectDir,
    encoding: "utf8",
  });
}

describe("npm run verify:iam", () => {
  const output = synthOutput(generateConfig(1));
  const synthesized = writeSynthDir(output);
  const broken = writeSynthDir(
    mutate(output, (stacks) => {
      const json = stacks.get("scheduler-eu-west-2") as Json;
      const policy = json.resource.aws_iam_role_policy[resourceName(json, "aws_iam_role_policy", "scheduler/roles/execution-policy")];
      const document = (readJsonArgument(policy.policy) as { document: Json }).document;
      policy.policy = JSON.stringify({ ...document, Statement: (document.Statement as Json[]).filter((statement) => statement.Sid !== "Logs") });
    }),
  );
  afterAll(() => [synthesized, broken].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  test("prints every principal's calls and a last summary line; the exit code follows the verdict", () => {
    const result = verify(synthesized);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^proximate-eu-west-2-scheduler-exec \(execution role of task proximate-eu-west-2-scheduler\) \[eu-west-2\] 8 calls$/m);
    expect(result.stdout).toMatch(/^ {2}ecr:CreateRepository +ecr:eu-west-2:repository\/quay\/pangeo\/pangeo-notebook +allow \(scheduler-eu-west-2\/aws_iam_role_policy\.scheduler_roles_execution-policy#2 PullThroughCache\)$/m);
    expect(result.stdout).toMatch(/\(proved in \d+\.\d s\)\n\d+ principals, \d+ calls: \d+ allowed, \d+ denied; \d+ policy errors?, \d+ warnings?; \d+ unused grants? \(\d+ excessive\); \d+ not modelled: IAM (OK|FAILS)\n$/);
    expect(result.status).toBe(/IAM OK\n$/.test(result.stdout) ? 0 : 1);
  });

  test("exits 1 and names the call that breaks when a statement is missing; --json gives the verdict", () => {
    const result = verify(broken);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      /^ {2}logs:CreateLogStream +logs:eu-west-2:log-group:\/proximate\/proximate-eu-west-2\/scheduler:log-stream:scheduler\/scheduler\/run-time-taskid +DENIED: no identity policy of role proximate-eu-west-2-scheduler-exec and no resource policy allows logs:CreateLogStream on /m,
    );
    const json = JSON.parse(verify(broken, "--json").stdout);
    expect(json.ok).toBe(false);
    expect(json.counts.denied).toBeGreaterThanOrEqual(2);
  });

  test("exits 2 when the directory holds no synth output", () => {
    const result = verify(join(synthesized, "missing"));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`verify:iam: manifest ${join(synthesized, "missing", "manifest.json")} cannot be read (ENOENT); run the synth first`);
  });
});
