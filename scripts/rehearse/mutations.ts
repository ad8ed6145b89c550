/**
 * npm run rehearse:mutations -- [--only NAME[,NAME]] [--jobs N] [--keep]
 *
 * Mutation tests of the deploy rehearsal: each breaks one thing the deploy depends on, in a scratch
 * copy of the project, and runs a fast partial journey (the README's commands, only the stacks the
 * broken part needs) against a fresh emulated account. Each must fail, and the failure must name
 * the stack and the resource. A mutation whose code no longer matches fails too (the test must
 * follow the code). `--jobs N` (default 2) runs N mutations at a time, each with its own emulator.
 * Writes cdktf.out/rehearsal-mutations.json; last line `N passed, M failed`.
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { generateConfig } from "../../modules/config/generate";
import { describeError, parseCdktfRun, RunError } from "../../modules/rehearse/cdktf-log";
import { mapLimit } from "../lib/run";
import { runUserCommand, scratchProject, startEmulator, userEnv } from "./harness";

/** One deliberate defect and the failure it must cause. */
export interface Mutation {
  readonly name: string;
  readonly what: string;
  /** Source edits in the scratch copy: [file, exact text, replacement]. */
  readonly edits: readonly (readonly [string, string, string])[];
  /** Run `npm run bootstrap` first. */
  readonly bootstrap: boolean;
  /** The stacks to deploy (with every stack they depend on). */
  readonly deploy: (manifest: Manifest) => readonly string[];
  /** The failure expected. */
  readonly expect: { readonly stack: RegExp; readonly resource?: RegExp; readonly message: RegExp };
}

interface Manifest {
  readonly stacks: Record<string, { readonly dependencies: readonly string[] }>;
}

/** A stack and everything it depends on, transitively. */
export function closure(manifest: Manifest, stacks: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) {
      return;
    }
    const stack = manifest.stacks[name];
    if (stack === undefined) {
      throw new Error(`stack ${name} is not in the manifest`);
    }
    seen.add(name);
    stack.dependencies.forEach(visit);
  };
  stacks.forEach(visit);
  return [...seen].sort();
}

/** The topology of the mutation runs: one worker Region holding two datasets. */
export function mutationTopology(): unknown {
  const config = generateConfig(1);
  const worker = config.workers[0];
  return {
    ...config,
    workers: [{ ...worker, datasets: [...worker.datasets, { name: "second", s3: "s3://example-open-data-second/v1", path: "/second" }] }],
  };
}

const WORKER = "us-east-1";
const CLIENT = "eu-west-2";

export const MUTATIONS: readonly Mutation[] = [
  {
    name: "bootstrap-skipped",
    what: "the user runs `npx cdktf deploy '*'` without `npm run bootstrap` first",
    edits: [],
    bootstrap: false,
    deploy: (manifest) => Object.keys(manifest.stacks),
    // cdktf-cli runs `terraform init` for every stack before it deploys any: the first stack it
    // initialises (any stack of the app, in cdktf's order) names the missing bucket.
    expect: { stack: /^(network|identity|peering|accept|routes|scheduler|pool|catalog|indexer|notebook)-[a-z]{2}(-[a-z]+)+-\d$/, message: /S3 bucket "[^"]+" does not exist|NoSuchBucket/ },
  },
  {
    name: "service-linked-roles-skipped",
    what: "the bootstrap no longer ensures the service-linked roles (only the state bucket)",
    edits: [["scripts/deploy/bootstrap.ts", "serviceLinkedRolesFor(synthesizedResourceTypes(projectDir, env))", "serviceLinkedRolesFor([])"]],
    bootstrap: true,
    deploy: (manifest) => closure(manifest, [`pool-${WORKER}`]),
    expect: { stack: new RegExp(`^pool-${WORKER}$`), resource: /^aws_ecs_capacity_provider\./, message: /service linked role/i },
  },
  {
    name: "cross-stack-reference-removed",
    what: "the accepter takes a hard-coded attachment id instead of the requester stack's output",
    edits: [["stacks/accept-stack.ts", "attachmentId: request.attachment.id,", 'attachmentId: "tgw-attach-0123456789abcdef0",']],
    bootstrap: true,
    deploy: (manifest) => closure(manifest, [`accept-${CLIENT}`, `peering-${WORKER}`]),
    expect: { stack: new RegExp(`^accept-${CLIENT}$`), resource: /^aws_ec2_transit_gateway_peering_attachment_accepter\./, message: /tgw-attach-0123456789abcdef0|NotFound/ },
  },
  {
    name: "association-chain-removed",
    what: "the data repository associations lose the depends_on that makes FSx take them one at a time",
    edits: [["constructs/lustre-file-system.ts", "dependsOn: previous ? [previous] : undefined,", "dependsOn: undefined,"]],
    bootstrap: true,
    deploy: (manifest) => closure(manifest, [`pool-${WORKER}`]),
    expect: { stack: new RegExp(`^pool-${WORKER}$`), resource: /^aws_fsx_data_repository_association\./, message: /one data repository association request at a time/ },
  },
];

interface Outcome {
  readonly name: string;
  readonly what: string;
  readonly passed: boolean;
  readonly seconds: number;
  readonly detail: string;
}

function matches(error: RunError, expect: Mutation["expect"]): boolean {
  return error.stack !== undefined && expect.stack.test(error.stack) && (expect.resource === undefined || (error.resource !== undefined && expect.resource.test(error.resource))) && expect.message.test(error.message);
}

async function runMutation(projectDir: string, mutation: Mutation, logRoot: string, keep: boolean): Promise<Outcome> {
  const started = Date.now();
  const logDir = join(logRoot, mutation.name);
  const emulator = await startEmulator(projectDir, logDir);
  const scratch = scratchProject(projectDir);
  const done = (passed: boolean, detail: string): Outcome => ({ name: mutation.name, what: mutation.what, passed, seconds: Math.round((Date.now() - started) / 1000), detail });
  try {
    for (const [file, text, replacement] of mutation.edits) {
      const path = join(scratch, file);
      const source = readFileSync(path, "utf8");
      if (!source.includes(text)) {
        return done(false, `the mutation no longer applies: ${file} has no \`${text}\` (update the test with the code)`);
      }
      writeFileSync(path, source.replace(text, replacement));
    }
    writeFileSync(join(scratch, "mutation-topology.json"), JSON.stringify(mutationTopology(), null, 1));
    const env = userEnv(emulator.endpoint, { PROXIMATE_CONFIG: "mutation-topology.json" });
    const synth = await runUserCommand(scratch, "npx cdktf synth", env, join(logDir, "synth.log"));
    if (synth.code !== 0) {
      return done(false, `synth failed: see ${synth.log}`);
    }
    const manifest = JSON.parse(readFileSync(join(scratch, "cdktf.out", "manifest.json"), "utf8")) as Manifest;
    if (mutation.bootstrap) {
      const boot = await runUserCommand(scratch, "npm run bootstrap -- --auto-approve", env, join(logDir, "bootstrap.log"));
      if (boot.code !== 0) {
        return done(false, `bootstrap failed: see ${boot.log}`);
      }
    }
    const stacks = mutation.deploy(manifest);
    const deploy = await runUserCommand(scratch, `npx cdktf deploy ${stacks.join(" ")} --auto-approve --skip-provider-lock`, env, join(logDir, "deploy.log"));
    const run = parseCdktfRun(deploy.lines, Object.keys(manifest.stacks));
    if (deploy.code === 0) {
      return done(false, `the deploy succeeded: the rehearsal would not catch "${mutation.what}"`);
    }
    const hit = run.errors.find((e) => matches(e, mutation.expect));
    if (hit === undefined) {
      return done(false, `failed, but not as expected (${mutation.expect.stack} ${mutation.expect.resource ?? ""} ${mutation.expect.message}): ${run.errors.map(describeError).join("; ") || `see ${deploy.log}`}`);
    }
    return done(true, describeError(hit));
  } finally {
    emulator.stop();
    if (!keep) {
      rmSync(dirname(scratch), { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let only: string[] | undefined;
  let keep = false;
  let jobs = 2;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--only") {
      only = (argv[++i] ?? "").split(",").filter(Boolean);
    } else if (argv[i] === "--keep") {
      keep = true;
    } else if (argv[i] === "--jobs") {
      jobs = Number(argv[++i]);
      if (!Number.isInteger(jobs) || jobs < 1) {
        process.stderr.write(`rehearse:mutations: --jobs: got ${JSON.stringify(argv[i])}; allowed: a whole number of at least 1\n`);
        process.exit(2);
      }
    } else {
      process.stderr.write(`rehearse:mutations: ${argv[i]}: not an option; allowed: --only NAME[,NAME], --jobs N, --keep\n`);
      process.exit(2);
    }
  }
  const selected = MUTATIONS.filter((m) => only === undefined || only.includes(m.name));
  if (only !== undefined && selected.length !== only.length) {
    process.stderr.write(`rehearse:mutations: --only: unknown name among ${only.join(", ")}; allowed: ${MUTATIONS.map((m) => m.name).join(", ")}\n`);
    process.exit(2);
  }
  const projectDir = resolve(__dirname, "..", "..");
  const logRoot = join(projectDir, "cdktf.out", "rehearsal-mutations");
  rmSync(logRoot, { recursive: true, force: true });
  mkdirSync(logRoot, { recursive: true });
  const outcomes = await mapLimit(selected, jobs, async (mutation) => {
    process.stdout.write(`mutation ${mutation.name}: ${mutation.what}\n`);
    const outcome = await runMutation(projectDir, mutation, logRoot, keep).catch(
      (error: unknown): Outcome => ({ name: mutation.name, what: mutation.what, passed: false, seconds: 0, detail: (error as Error).stack ?? String(error) }),
    );
    process.stdout.write(`mutation ${mutation.name}: ${outcome.passed ? "caught" : "NOT CAUGHT"} in ${outcome.seconds} s: ${outcome.detail}\n`);
    return outcome;
  });
  writeFileSync(join(projectDir, "cdktf.out", "rehearsal-mutations.json"), `${JSON.stringify(outcomes, null, 1)}\n`);
  const passed = outcomes.filter((o) => o.passed).length;
  process.stdout.write(`\n${passed} passed, ${outcomes.length - passed} failed\n`);
  process.exit(passed === outcomes.length ? 0 : 1);
}

if (require.main === module) {
  void main();
}
