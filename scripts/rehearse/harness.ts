/**
 * What the deploy rehearsal and its mutation tests share: the emulated AWS account (moto, started
 * by moto_server.py), a scratch copy of the project to run the user's commands in, the commands
 * themselves (through bash, after `source scripts/terraform/env.sh`, exactly as the README says),
 * and the emulated account's inventory.
 */
import { spawn } from "node:child_process";
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { TimedLine } from "../../modules/rehearse/cdktf-log";
import { summarizePlan, PlanDocument } from "../../modules/review/plan-summary";
import { mapLimit, runCommand } from "../lib/run";
import { terraformEnv } from "../lib/terraform-env";

export const PYTHON = "/usr/bin/python3";

/** A running emulator. */
export interface Emulator {
  readonly endpoint: string;
  readonly moto: string;
  readonly shims: readonly string[];
  /** Log of every request (werkzeug's access log) and of failed (5xx) requests, one JSON line each. */
  readonly requestLog: string;
  readonly failureLog: string;
  stop(): void;
}

/** Starts moto_server.py on a free loopback port; resolves when it serves. */
export async function startEmulator(projectDir: string, logDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Emulator> {
  mkdirSync(logDir, { recursive: true });
  const ready = join(logDir, "moto-ready.json");
  const requestLog = join(logDir, "moto-requests.log");
  const failureLog = join(logDir, "moto-failures.jsonl");
  rmSync(ready, { force: true });
  writeFileSync(failureLog, "");
  const log = createWriteStream(requestLog);
  const child = spawn(PYTHON, [join(projectDir, "scripts", "rehearse", "moto_server.py"), "--ready-file", ready, "--failures", failureLog], {
    cwd: projectDir,
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr.pipe(log);
  const started = Date.now();
  while (!existsSync(ready) || readFileSync(ready, "utf8").trim() === "") {
    if (child.exitCode !== null) {
      throw new Error(`the emulator exited (code ${child.exitCode}) before serving; see ${requestLog}`);
    }
    if (Date.now() - started > 180_000) {
      child.kill();
      throw new Error(`the emulator did not serve within 180 s; see ${requestLog}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const line = JSON.parse(readFileSync(ready, "utf8")) as { endpoint: string; moto: string; shims: string[] };
  return {
    endpoint: line.endpoint,
    moto: line.moto,
    shims: line.shims,
    requestLog,
    failureLog,
    stop: () => {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
      }
    },
  };
}

const NOT_COPIED = new Set(["node_modules", "cdktf.out", ".gen", "terraform-state", ".terraform", ".git", "dist", ".bench", "__pycache__", ".pytest_cache"]);

/**
 * A copy of the project (sources as they are in the working tree, node_modules linked), where the
 * user's commands run: the rehearsal never touches the checkout's cdktf.out or terraform-state/.
 */
export function scratchProject(projectDir: string, parent = mkdtempSync(join(tmpdir(), "proximate-rehearsal-"))): string {
  const dir = join(parent, "project");
  cpSync(projectDir, dir, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(basename(source)) && !basename(source).startsWith("cdktf.outdir.") && !source.endsWith(".tfstate"),
  });
  symlinkSync(join(projectDir, "node_modules"), join(dir, "node_modules"));
  return dir;
}

/** Outcome of one user command. */
export interface CommandRun {
  readonly command: string;
  readonly code: number;
  readonly seconds: number;
  readonly lines: readonly TimedLine[];
  readonly log: string;
}

/**
 * Runs a command as the README documents it: `source scripts/terraform/env.sh && <command>` in
 * bash, in `cwd`, streaming its output (with arrival times) to `log`.
 */
export function runUserCommand(cwd: string, command: string, env: NodeJS.ProcessEnv, log: string): Promise<CommandRun> {
  mkdirSync(dirname(log), { recursive: true });
  const file = createWriteStream(log);
  const started = process.hrtime.bigint();
  const lines: TimedLine[] = [];
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  return new Promise((resolvePromise, reject) => {
    const child = spawn("bash", ["-c", `source scripts/terraform/env.sh && ${command}`], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const split = () => {
      let rest = "";
      return (chunk: Buffer) => {
        file.write(chunk);
        const text = rest + chunk.toString("utf8");
        const parts = text.split("\n");
        rest = parts.pop() ?? "";
        const at = seconds();
        parts.forEach((part) => lines.push({ at, text: part }));
      };
    };
    child.stdout.on("data", split());
    child.stderr.on("data", split());
    child.on("error", reject);
    child.on("close", (code) => {
      file.end();
      resolvePromise({ command, code: code ?? 1, seconds: seconds(), lines, log });
    });
  });
}

/** Runs scripts/rehearse/inventory.py and parses its JSON. */
export async function inventory<T>(projectDir: string, endpoint: string, args: readonly string[]): Promise<T> {
  const result = await runCommand(PYTHON, [join(projectDir, "scripts", "rehearse", "inventory.py"), "--endpoint", endpoint, ...args], { cwd: projectDir, env: process.env });
  if (result.code !== 0) {
    throw new Error(`inventory.py ${args.join(" ")} failed:\n${result.stderr}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** One resource of the emulated account. */
export interface InventoryItem {
  readonly service: string;
  readonly region: string;
  readonly kind: string;
  readonly id: string;
}

export interface Inventory {
  readonly resources: readonly InventoryItem[];
  readonly errors: readonly { service: string; region: string; kind: string; error: string }[];
}

export function itemKey(item: InventoryItem): string {
  return `${item.service} ${item.region} ${item.kind} ${item.id}`;
}

/** What a re-plan of one stack found. */
export interface Replan {
  readonly stack: string;
  readonly changes: number;
  readonly seconds: number;
  /** `address: action (attributes)` of every change. */
  readonly details: readonly string[];
  readonly error?: string;
}

function changedAttributes(before: unknown, after: unknown, prefix = ""): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) {
    return [];
  }
  if (before !== null && after !== null && typeof before === "object" && typeof after === "object" && !Array.isArray(before) && !Array.isArray(after)) {
    const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
    return [...keys].flatMap((key) => changedAttributes((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key));
  }
  return [prefix || "(value)"];
}

/**
 * `terraform plan -detailed-exitcode` of every deployed stack, in its directory under the synth
 * output (initialised by `cdktf deploy`): zero changes expected.
 */
export async function replanAll(outdir: string, stacks: readonly { name: string; dir: string }[], env: NodeJS.ProcessEnv, jobs: number): Promise<Replan[]> {
  return mapLimit(stacks, jobs, async ({ name, dir }) => {
    const started = Date.now();
    const plan = await runCommand("terraform", ["plan", "-input=false", "-no-color", "-lock=false", "-detailed-exitcode", "-out=rehearsal-replan.tfplan"], { cwd: join(outdir, dir), env });
    const seconds = (Date.now() - started) / 1000;
    if (plan.code === 0) {
      return { stack: name, changes: 0, seconds, details: [] };
    }
    if (plan.code !== 2) {
      return { stack: name, changes: -1, seconds, details: [], error: (plan.stderr || plan.stdout).slice(-2000) };
    }
    const show = await runCommand("terraform", ["show", "-json", "-no-color", "rehearsal-replan.tfplan"], { cwd: join(outdir, dir), env });
    const document = JSON.parse(show.stdout) as PlanDocument;
    const summary = summarizePlan(name, document);
    const changes = (document.resource_changes ?? []) as readonly { address: string; change: { actions: readonly string[]; before?: unknown; after?: unknown } }[];
    const details = changes
      .filter((c) => !(c.change.actions.length === 1 && (c.change.actions[0] === "no-op" || c.change.actions[0] === "read")))
      .map((c) => `${c.address}: ${c.change.actions.join("+")} (${changedAttributes(c.change.before, c.change.after).slice(0, 8).join(", ")})`);
    return { stack: name, changes: summary.counts.add + summary.counts.change + summary.counts.replace + summary.counts.destroy, seconds, details };
  });
}

/** The environment of the user's commands: theirs, plus the emulator switch (test-only). */
export function userEnv(endpoint: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PROXIMATE_AWS_ENDPOINT: endpoint, ...extra };
  delete env.PROXIMATE_CONFIG;
  if (extra.PROXIMATE_CONFIG !== undefined) {
    env.PROXIMATE_CONFIG = extra.PROXIMATE_CONFIG;
  }
  // The machine's TF_CLI_CONFIG_FILE may name a missing file; env.sh (sourced by every command) sets ours.
  return env;
}

/** Terraform's environment for the rehearsal's own checks (plan, output) in the scratch project. */
export function checkEnv(scratch: string, endpoint: string): NodeJS.ProcessEnv {
  return terraformEnv(scratch, { ...process.env, PROXIMATE_AWS_ENDPOINT: endpoint });
}
