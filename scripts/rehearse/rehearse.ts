/**
 * npm run rehearse -- [--phases default,grow,destroy] [--keep] [--jobs N] [--timeout-minutes M]
 *
 * The user's deploy journey, exactly as the README documents it, with the real cdktf CLI, Terraform
 * and AWS provider, against an emulated AWS account (moto on 127.0.0.1 with our shims,
 * scripts/rehearse/moto_server.py), in a scratch copy of the project:
 *   default  empty account -> `npm run bootstrap` -> `npx cdktf deploy '*'`; Transit Gateway and
 *            attachment ids cross stacks through remote state in the emulated S3 backend (checked
 *            in the states and in the account); every stack re-plans with zero changes;
 *            `npm run outputs` shows what a user needs per Region.
 *   grow     the same topology with more worker Regions (4 in all): `PROXIMATE_CONFIG=... npx cdktf
 *            deploy '*'` creates and updates (counted per stack), replaces and destroys nothing,
 *            re-plans clean, outputs cover the new Regions.
 *   destroy  with the pools' Auto Scaling groups running a (scale-in protected) instance, as after
 *            use: `npx cdktf destroy '*'` removes every stack; the account, listed through its
 *            APIs in every Region used, holds nothing the journey created except the guarded state
 *            bucket and the account-wide service-linked roles.
 * Writes cdktf.out/rehearsal.md and cdktf.out/rehearsal.json (logs in cdktf.out/rehearsal/), and
 * exits non-zero on the first failed step, naming the stack and resource Terraform named.
 * Stacks come from the synthesized manifest, never from a list here.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { generateConfig } from "../../modules/config/generate";
import { parseConfig } from "../../modules/config/validate";
import { CdktfRun, describeError, parseCdktfRun } from "../../modules/rehearse/cdktf-log";
import { Phase, REQUIRED_OUTPUTS, RehearsalReport, renderRehearsal, StackFigures } from "../../modules/rehearse/report";
import { checkEnv, CommandRun, Emulator, Inventory, inventory, itemKey, replanAll, runUserCommand, scratchProject, startEmulator, userEnv } from "./harness";

interface Options {
  readonly phases: readonly string[];
  readonly keep: boolean;
  readonly jobs: number;
  readonly timeoutMinutes: number;
}

const PHASES = ["default", "grow", "destroy"];
const USAGE = "usage: npm run rehearse -- [--phases default,grow,destroy] [--keep] [--jobs N] [--timeout-minutes M]";

function parseArgs(argv: readonly string[]): Options {
  let phases = PHASES;
  let keep = false;
  let jobs = 2;
  let timeoutMinutes = 75;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--phases") {
      phases = (argv[++i] ?? "").split(",").filter(Boolean);
      const unknown = phases.filter((p) => !PHASES.includes(p));
      if (unknown.length > 0 || phases.length === 0) {
        usage(`--phases: got ${JSON.stringify(argv[i])}; allowed: a comma-separated list of ${PHASES.join(", ")}`);
      }
    } else if (arg === "--keep") {
      keep = true;
    } else if (arg === "--jobs" || arg === "--timeout-minutes") {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1) {
        usage(`${arg}: got ${JSON.stringify(argv[i])}; allowed: a whole number of at least 1`);
      }
      if (arg === "--jobs") {
        jobs = value;
      } else {
        timeoutMinutes = value;
      }
    } else {
      usage(`${arg}: not an option of rehearse`);
    }
  }
  return { phases, keep, jobs, timeoutMinutes };
}

function usage(message: string): never {
  process.stderr.write(`rehearse: ${message}\n${USAGE}\n`);
  process.exit(2);
}

class StepFailed extends Error {}

function say(message: string): void {
  process.stdout.write(`rehearse: ${message}\n`);
}

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string; readonly dependencies: readonly string[] }>;
}

function readManifest(scratch: string): Manifest {
  return JSON.parse(readFileSync(join(scratch, "cdktf.out", "manifest.json"), "utf8")) as Manifest;
}

/**
 * The default topology plus generated worker Regions up to `count` workers (existing ones
 * unchanged); the first added Region holds two datasets, so the chained data repository
 * associations (FSx takes one request at a time) are deployed too.
 */
export function grownConfig(base: { workers: { region: string; cidr: string }[] } & Record<string, unknown>, count: number): unknown {
  const used = new Set([base.client as { region: string }].map((c) => c.region).concat(base.workers.map((w) => w.region)));
  const cidrs = new Set([(base.client as { cidr: string }).cidr, ...base.workers.map((w) => w.cidr)]);
  const extra = generateConfig(16)
    .workers.filter((w) => !used.has(w.region) && !cidrs.has(w.cidr))
    .slice(0, count - base.workers.length)
    .map((w, index) =>
      index === 0 ? { ...w, datasets: [...w.datasets, { name: `${w.datasets[0].name}-second`, s3: `${w.datasets[0].s3}-second`, path: `${w.datasets[0].path}-second` }] } : w,
    );
  const config = { ...base, workers: [...base.workers, ...extra] };
  parseConfig(config, "the rehearsal's grown topology");
  return config;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const projectDir = resolve(__dirname, "..", "..");
  const reportDir = join(projectDir, "cdktf.out");
  const logDir = join(reportDir, "rehearsal");
  rmSync(logDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });
  const started = Date.now();
  const deadline = started + options.timeoutMinutes * 60_000;
  const report: RehearsalReport = {
    startedAt: new Date(started).toISOString(),
    phases: [],
    stacks: {},
    shims: [],
    moto: "",
    shortened: [
      "The AWS provider waits a fixed 10 minutes before it first polls a new OpenSearch domain; the domain is created once (default phase) and only updated when Regions are added, so the 4-worker rehearsal does not wait again.",
      "Worker Regions are added to the deployed default topology (2 -> 4 workers) instead of deploying a second topology from scratch.",
      ...(options.phases.includes("grow") && options.phases.includes("default")
        ? ["Every stack is re-planned once, after growing (it holds every stack of the default topology, and the grow deploy re-plans those too), not also after the default deploy; `--phases default` re-plans there."]
        : []),
      "FSx file systems and data repository associations stay CREATING for 3 s in the emulator (AWS: minutes), enough for a parallel request to meet a busy file system.",
    ],
    failures: [],
    ok: false,
  };
  let emulator: Emulator | undefined;
  let scratch: string | undefined;
  // Each step that passed, for the closing `N passed, M failed` line (.ci/run sums it).
  const passedChecks: string[] = [];
  const passed = (check: string) => passedChecks.push(check);
  const figures = (stack: string): StackFigures => (report.stacks[stack] ??= { stack });
  const timeLeft = () => {
    if (Date.now() > deadline) {
      throw new StepFailed(`over the ${options.timeoutMinutes}-minute limit`);
    }
  };

  const command = async (phase: Phase, text: string, log: string, env: NodeJS.ProcessEnv): Promise<CommandRun> => {
    timeLeft();
    say(`${phase.name}: ${text}`);
    const result = await runUserCommand(scratch as string, text, env, join(logDir, log));
    phase.commands.push({ command: text, seconds: round(result.seconds), exit: result.code, log: `cdktf.out/rehearsal/${log}` });
    say(`${phase.name}: ${text} -> exit ${result.code} in ${result.seconds.toFixed(0)} s`);
    return result;
  };
  const cdktfRun = (phase: Phase, result: CommandRun): CdktfRun => {
    const parsed = parseCdktfRun(result.lines, Object.keys(readManifest(scratch as string).stacks));
    if (result.code !== 0) {
      const errors = parsed.errors.map(describeError);
      fail(phase, `\`${result.command}\` failed (exit ${result.code}): ${errors.length > 0 ? errors.join("; ") : `see ${result.log}`}`);
    }
    if (parsed.cliErrors.length > 0) {
      fail(phase, `\`${result.command}\` printed ${parsed.cliErrors.length} [ERROR] line(s), e.g. ${parsed.cliErrors[0]} (quiet offline: the README's commands print none)`);
    }
    return parsed;
  };
  const fail = (phase: Phase, message: string): never => {
    phase.ok = false;
    report.failures.push(`${phase.name}: ${message}`);
    throw new StepFailed(message);
  };

  try {
    emulator = await startEmulator(projectDir, logDir);
    report.moto = emulator.moto;
    report.shims = [...emulator.shims];
    say(`emulated AWS at ${emulator.endpoint} (moto ${emulator.moto}; shims: ${emulator.shims.join(", ")})`);
    scratch = scratchProject(projectDir);
    say(`user's project copy: ${scratch}`);
    const endpoint = emulator.endpoint;
    const defaultConfig = (JSON.parse(readFileSync(join(scratch, "cdktf.json"), "utf8")) as { context: { proximate: { workers: { region: string; cidr: string }[] } & Record<string, unknown> } }).context
      .proximate;
    const allRegions = (config: { client: { region: string }; workers: { region: string }[] }) => [config.client.region, ...config.workers.map((w) => w.region)];
    const grown = grownConfig(defaultConfig, 4) as { client: { region: string }; workers: { region: string }[]; state: { bucket: string; region: string; keyPrefix?: string }; name: string };
    writeFileSync(join(scratch, "rehearsal-four-workers.json"), `${JSON.stringify(grown, null, 1)}\n`);
    const regions = allRegions(grown);
    const before = await inventory<Inventory>(projectDir, endpoint, ["--regions", regions.join(","), "resources"]);
    const env = userEnv(endpoint);
    const grownEnv = userEnv(endpoint, { PROXIMATE_CONFIG: "rehearsal-four-workers.json" });

    const replan = async (phase: Phase, key: "replanned" | "replannedGrown") => {
      timeLeft();
      const manifest = readManifest(scratch as string);
      const stacks = Object.entries(manifest.stacks).map(([name, entry]) => ({ name, dir: dirname(entry.synthesizedStackPath) }));
      const t = Date.now();
      const replans = await replanAll(join(scratch as string, "cdktf.out"), stacks, checkEnv(scratch as string, endpoint), options.jobs);
      phase.commands.push({ command: `terraform plan -detailed-exitcode (every stack, ${options.jobs} at a time)`, seconds: round((Date.now() - t) / 1000), exit: 0, log: "" });
      for (const r of replans) {
        figures(r.stack)[key] = r.changes;
      }
      const dirty = replans.filter((r) => r.changes !== 0);
      if (dirty.length > 0) {
        fail(phase, `re-plan is not clean: ${dirty.map((r) => `stack ${r.stack}: ${r.error ?? r.details.join("; ")}`).join(" | ")}`);
      }
      say(`${phase.name}: re-plan of ${replans.length} stacks: no changes`);
    };
    const outputs = async (phase: Phase, config: { client: { region: string }; workers: { region: string; dataHost?: boolean }[] }) => {
      const text = await command(phase, "npm run --silent outputs", `${phase.name}-outputs.txt`, env);
      if (text.code !== 0) {
        fail(phase, `npm run outputs failed: see ${text.log}`);
      }
      const json = await runUserCommand(scratch as string, "npm run --silent outputs -- --json", env, join(logDir, `${phase.name}-outputs.json`));
      const found = (JSON.parse(json.lines.map((l) => l.text).join("\n")) as { outputs: { region: string; name: string; value: unknown }[] }).outputs;
      const missing: string[] = [];
      for (const [role, names] of Object.entries(REQUIRED_OUTPUTS)) {
        const regionsOfRole = role === "client" ? [config.client.region] : config.workers.map((w) => w.region);
        for (const region of regionsOfRole) {
          for (const name of names) {
            const worker = config.workers.find((w) => w.region === region);
            if (name === "data-host-session" && worker?.dataHost === false) {
              continue;
            }
            const value = found.find((o) => o.region === region && o.name === name)?.value;
            if (value === undefined || value === "" || value === null) {
              missing.push(`${region} ${name}`);
            }
          }
        }
      }
      phase.outputs = text.lines.map((l) => l.text).join("\n");
      if (missing.length > 0) {
        fail(phase, `outputs missing: ${missing.join(", ")}`);
      }
    };

    if (options.phases.includes("default")) {
      const phase: Phase = { name: "default", commands: [], ok: true };
      report.phases.push(phase);
      const boot = await command(phase, "npm run bootstrap -- --auto-approve", "default-bootstrap.log", env);
      if (boot.code !== 0) {
        fail(phase, `npm run bootstrap failed (exit ${boot.code}): ${boot.lines.slice(-5).map((l) => l.text).join(" / ")}`);
      }
      passed("default: bootstrap");
      const deploy = cdktfRun(phase, await command(phase, "npx cdktf deploy '*' --auto-approve --skip-provider-lock", "default-deploy.log", env));
      for (const [stack, run] of Object.entries(deploy.stacks)) {
        const f = figures(stack);
        f.applied = run.added + run.changed;
        f.deploySeconds = run.startedAt !== undefined && run.finishedAt !== undefined ? round(run.finishedAt - run.startedAt) : undefined;
      }
      const unapplied = Object.keys(readManifest(scratch).stacks).filter((s) => !deploy.stacks[s]?.completed);
      if (unapplied.length > 0) {
        fail(phase, `stacks not applied: ${unapplied.join(", ")}`);
      }
      passed("default: deploy '*' applies every stack");
      await checkWiring(phase, projectDir, endpoint, allRegions(defaultConfig as never), grown, emulator, fail);
      passed("default: cross-stack wiring through the S3 backend");
      if (options.phases.includes("grow")) {
        // Growing keeps every stack of the default topology; its re-plan covers them all.
        say("default: re-plan deferred to the grow phase, which re-plans every stack of both topologies");
      } else {
        await replan(phase, "replanned");
        passed("default: re-plan without changes");
      }
      await outputs(phase, defaultConfig as never);
      passed("default: outputs per Region");
    }

    if (options.phases.includes("grow")) {
      const phase: Phase = { name: "grow", commands: [], ok: true };
      report.phases.push(phase);
      const growRun = await command(phase, "PROXIMATE_CONFIG=rehearsal-four-workers.json npx cdktf deploy '*' --auto-approve --skip-provider-lock", "grow-deploy.log", grownEnv);
      const deploy = cdktfRun(phase, growRun);
      // What was destroyed, by stack: only immutable revisions may be replaced (the scheduler's task
      // definition carries every pool's scaling settings; ECS task definitions cannot be updated, a
      // change registers a new revision: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definitions.html).
      const destroyedAddresses = new Map<string, string[]>();
      for (const line of growRun.lines) {
        const match = /^(\S+)\s+(aws_[a-z0-9_]+)\.(\S+): Destroying\.\.\./.exec(line.text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").trim());
        if (match) {
          destroyedAddresses.set(match[1], [...(destroyedAddresses.get(match[1]) ?? []), `${match[2]}.${match[3]}`]);
        }
      }
      const REVISIONS = new Set(["aws_ecs_task_definition"]);
      const destroyedSomething: string[] = [];
      for (const [stack, run] of Object.entries(deploy.stacks)) {
        const f = figures(stack);
        f.grownAdded = run.added;
        f.grownChanged = run.changed;
        f.grownDestroyed = run.destroyed;
        f.growSeconds = run.startedAt !== undefined && run.finishedAt !== undefined ? round(run.finishedAt - run.startedAt) : undefined;
        const addresses = destroyedAddresses.get(stack) ?? [];
        const revisions = addresses.filter((a) => REVISIONS.has(a.split(".")[0]));
        if (run.destroyed > revisions.length) {
          destroyedSomething.push(`${stack} (${run.destroyed}: ${addresses.filter((a) => !revisions.includes(a)).join(", ") || "see the log"})`);
        }
      }
      if (destroyedSomething.length > 0) {
        fail(phase, `adding Regions replaced or destroyed resources in: ${destroyedSomething.join(", ")}`);
      }
      passed("grow: deploy '*' adds Regions, replaces and destroys nothing");
      await replan(phase, "replannedGrown");
      passed("grow: re-plan without changes");
      await outputs(phase, grown);
      passed("grow: outputs per Region");
    }

    if (options.phases.includes("destroy")) {
      const phase: Phase = { name: "destroy", commands: [], ok: true };
      report.phases.push(phase);
      const deployed = options.phases.includes("grow") ? grownEnv : env;
      const started = await inventory<{ groups: string[] }>(projectDir, endpoint, ["--regions", regions.join(","), "start-workers"]);
      say(`destroy: worker Auto Scaling groups now running a scale-in protected instance: ${started.groups.join(", ") || "none"}`);
      // The state bucket's deliberate removal refuses while any stack still holds resources.
      const early = await command(phase, "npm run bootstrap -- --destroy --auto-approve", "destroy-bucket-refused.log", deployed);
      if (early.code === 0 || !early.lines.some((l) => l.text.includes("refusing to destroy the state bucket"))) {
        fail(phase, "`npm run bootstrap -- --destroy` did not refuse while the stacks still hold resources");
      }
      passed("destroy: the state bucket's removal refuses while stacks hold resources");
      const destroyCommand = options.phases.includes("grow") ? "PROXIMATE_CONFIG=rehearsal-four-workers.json npx cdktf destroy '*' --auto-approve" : "npx cdktf destroy '*' --auto-approve";
      const destroy = cdktfRun(phase, await command(phase, destroyCommand, "destroy.log", deployed));
      passed("destroy: destroy '*'");
      for (const [stack, run] of Object.entries(destroy.stacks)) {
        figures(stack).destroyed = run.destroyed;
        figures(stack).destroySeconds = run.startedAt !== undefined && run.finishedAt !== undefined ? round(run.finishedAt - run.startedAt) : undefined;
      }
      const after = await inventory<Inventory>(projectDir, endpoint, ["--regions", regions.join(","), "resources"]);
      const baseline = new Set(before.resources.map(itemKey));
      const expected = (item: { service: string; kind: string; id: string }) =>
        (item.service === "s3" && item.kind === "bucket" && item.id === grown.state.bucket) || (item.service === "iam" && item.kind === "service-linked-role");
      const leftovers = after.resources.filter((item) => !baseline.has(itemKey(item)) && !expected(item));
      phase.remaining = after.resources.filter((item) => !baseline.has(itemKey(item))).map(itemKey);
      const states = await inventory<{ key: string; resources?: number }[]>(projectDir, endpoint, ["states", "--bucket", grown.state.bucket, "--prefix", `${grown.state.keyPrefix ?? grown.name}/`]);
      const heldStates = states.filter((s) => (s.resources ?? 0) > 0).map((s) => `${s.key} (${s.resources})`);
      if (after.errors.length > 0) {
        fail(phase, `the account could not be listed completely: ${after.errors.map((e) => `${e.service} ${e.region} ${e.kind}: ${e.error}`).join("; ")}`);
      }
      if (leftovers.length > 0 || heldStates.length > 0) {
        fail(phase, `left behind after cdktf destroy '*': ${[...leftovers.map(itemKey), ...heldStates.map((s) => `state ${s}`)].join(", ")}`);
      }
      say(`destroy: the account holds only the state bucket and the service-linked roles`);
      passed("destroy: nothing left but the state bucket and the service-linked roles");
      // Then the documented removal of the bucket itself.
      const removal = await command(phase, "npm run bootstrap -- --destroy --auto-approve", "destroy-bucket.log", deployed);
      if (removal.code !== 0) {
        fail(phase, `\`npm run bootstrap -- --destroy\` failed: ${removal.lines.slice(-5).map((l) => l.text).join(" / ")}`);
      }
      const buckets = await inventory<Inventory>(projectDir, endpoint, ["--regions", grown.state.region, "resources"]);
      if (buckets.resources.some((r) => r.service === "s3" && r.id === grown.state.bucket)) {
        fail(phase, `the state bucket ${grown.state.bucket} still exists after \`npm run bootstrap -- --destroy\``);
      }
      passed("destroy: the state bucket's deliberate removal");
    }
    report.ok = report.failures.length === 0;
  } catch (error) {
    if (!(error instanceof StepFailed)) {
      report.failures.push(`rehearsal: ${(error as Error).stack ?? String(error)}`);
    }
    report.ok = false;
  } finally {
    emulator?.stop();
    report.seconds = round((Date.now() - started) / 1000);
    if (emulator !== undefined) {
      report.emulatorFailures = readFileSync(emulator.failureLog, "utf8").split("\n").filter(Boolean).length;
      report.lockfileWrites = (readFileSync(emulator.requestLog, "utf8").match(/"PUT \/[^ ?]+\.tflock[ ?]/g) ?? []).length;
    }
    writeFileSync(join(reportDir, "rehearsal.json"), `${JSON.stringify(report, null, 1)}\n`);
    writeFileSync(join(reportDir, "rehearsal.md"), renderRehearsal(report));
    if (scratch !== undefined && !options.keep) {
      rmSync(dirname(scratch), { recursive: true, force: true });
    }
  }
  say(`${report.ok ? "passed" : "FAILED"} in ${report.seconds} s; report in cdktf.out/rehearsal.md`);
  for (const failure of report.failures) {
    process.stderr.write(`rehearse: ${failure}\n`);
  }
  process.stdout.write(`${passedChecks.length} passed, ${report.failures.length} failed\n`);
  process.exit(report.ok ? 0 : 1);
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}

/**
 * After the default deploy: the peerings exist and are accepted between the gateways each Region
 * created, routes use them, every stack's state is in the emulated S3 backend, the consuming
 * stacks read their inputs through remote state from it, and Terraform's lock files were used
 * and released.
 */
async function checkWiring(
  phase: Phase,
  projectDir: string,
  endpoint: string,
  regions: readonly string[],
  config: { state: { bucket: string; keyPrefix?: string }; name: string },
  emulator: Emulator,
  fail: (phase: Phase, message: string) => never,
): Promise<void> {
  type Wire = { region: string; id?: string; state?: string; requester?: { region: string; tgw: string }; accepter?: { region: string; tgw: string }; local_gateways?: string[]; route?: string; attachment?: string; type?: string };
  const wiring = await inventory<Wire[]>(projectDir, endpoint, ["--regions", regions.join(","), "wiring"]);
  const peerings = wiring.filter((w) => w.id !== undefined);
  const gateways = new Map(wiring.filter((w) => w.local_gateways).map((w) => [w.region, new Set(w.local_gateways)]));
  const pairs = (regions.length * (regions.length - 1)) / 2;
  const problems: string[] = [];
  const ids = new Set(peerings.map((p) => p.id));
  if (ids.size !== pairs) {
    problems.push(`${ids.size} Transit Gateway peerings, expected ${pairs}`);
  }
  for (const p of peerings) {
    if (p.state !== "available") {
      problems.push(`peering ${p.id} in ${p.region} is ${p.state}`);
    }
    for (const side of [p.requester, p.accepter]) {
      if (side !== undefined && side.tgw !== undefined && !(gateways.get(side.region)?.has(side.tgw) ?? true)) {
        problems.push(`peering ${p.id} names ${side.tgw}, not a gateway of ${side.region}`);
      }
    }
  }
  const peeringRoutes = wiring.filter((w) => w.route !== undefined && w.type === "peering");
  if (peeringRoutes.length !== 2 * pairs) {
    problems.push(`${peeringRoutes.length} static Transit Gateway routes over peerings, expected ${2 * pairs}`);
  }
  const states = await inventory<{ key: string; resources?: number; remote_state_reads?: { backend: string; endpoint?: string }[] }[]>(projectDir, endpoint, [
    "states",
    "--bucket",
    config.state.bucket,
    "--prefix",
    `${config.state.keyPrefix ?? config.name}/`,
  ]);
  const reads = states.flatMap((s) => s.remote_state_reads ?? []);
  if (reads.length === 0 || reads.some((r) => r.backend !== "s3" || r.endpoint !== endpoint)) {
    problems.push(`remote state is not read from the emulated S3 backend (${reads.length} reads)`);
  }
  const locks = states.filter((s) => s.key.endsWith(".tflock"));
  if (locks.length > 0) {
    problems.push(`lock files left in the state bucket: ${locks.map((l) => l.key).join(", ")}`);
  }
  if (!/\.tflock[ ?]/.test(readFileSync(emulator.requestLog, "utf8"))) {
    problems.push("no Terraform lock file (use_lockfile) was written to the state bucket");
  }
  if (problems.length > 0) {
    fail(phase, `cross-stack wiring: ${problems.join("; ")}`);
  }
  phase.wiring = `${ids.size} Transit Gateway peerings available between the gateways each Region created, ${peeringRoutes.length} static routes over them; ${states.filter((s) => s.key.endsWith(".tfstate")).length} stack states in s3://${config.state.bucket}, ${reads.length} remote-state reads from it; lock files written and released`;
}

if (require.main === module) {
  void main();
}
