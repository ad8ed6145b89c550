/**
 * npm run bootstrap -- [--plan] [--auto-approve]
 * npm run bootstrap -- --destroy [--auto-approve] [--force]
 *
 * What must exist before the first `cdktf deploy '*'`, outside the app (so that `cdktf deploy
 * '*'` and `cdktf destroy '*'` never touch it):
 *   (a) the account's service-linked roles that the synthesized resource types need
 *       (modules/aws/service-linked-roles.ts): GetRole, CreateServiceLinkedRole when missing;
 *   (b) with `state.backend: "s3"`, the state bucket: its stack (stacks/state-stack.ts) is
 *       synthesized on its own into cdktf.out/bootstrap and applied with terraform, its state kept
 *       locally in terraform-state/state.tfstate. `--plan` only plans it.
 * With `local` or `cloud` backends there is no bucket: only (a).
 *
 * `--destroy` removes the state bucket deliberately: it refuses while any stack's state in the
 * bucket still holds resources (run `npx cdktf destroy '*'` first; `--force` skips the check),
 * then applies the bucket's stack without its guard (no prevent_destroy, force_destroy so every
 * state version goes with it) and destroys it. Service-linked roles stay (account-wide).
 *
 * Reads the topology like main.ts (PROXIMATE_CONFIG or cdktf.json) and, test-only,
 * PROXIMATE_AWS_ENDPOINT (an emulated AWS API).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { serviceLinkedRolesFor } from "../../modules/aws/service-linked-roles";
import { loadConfigSource } from "../../modules/config/load";
import { DEFAULTS, resolveTopology, Topology } from "../../modules/config/topology";
import { parseConfig } from "../../modules/config/validate";
import { AWS_ENDPOINT_ENV, parseAwsEndpoint } from "../../modules/emulation/aws-endpoint";
import { InputError } from "../../modules/errors";
import { synthesizeStateBootstrap } from "../../stacks/state-stack";
import { terraformEnv } from "../lib/terraform-env";
import { iamClient, s3Client } from "./aws-clients";
import { ensureServiceLinkedRoles } from "./service-linked-roles";

interface Options {
  readonly plan: boolean;
  readonly autoApprove: boolean;
  readonly destroy: boolean;
  readonly force: boolean;
}

const USAGE = "usage: npm run bootstrap -- [--plan] [--auto-approve] | --destroy [--auto-approve] [--force]";

function parseArgs(argv: readonly string[]): Options {
  const flags = new Set<string>();
  for (const arg of argv) {
    if (!["--plan", "--auto-approve", "--destroy", "--force"].includes(arg)) {
      fail(`${arg}: not an option of bootstrap; allowed: --plan, --auto-approve, --destroy, --force\n${USAGE}`, 2);
    }
    flags.add(arg);
  }
  if (flags.has("--plan") && flags.has("--destroy")) {
    fail(`--plan and --destroy: give at most one\n${USAGE}`, 2);
  }
  if (flags.has("--force") && !flags.has("--destroy")) {
    fail(`--force: only with --destroy\n${USAGE}`, 2);
  }
  return { plan: flags.has("--plan"), autoApprove: flags.has("--auto-approve"), destroy: flags.has("--destroy"), force: flags.has("--force") };
}

function fail(message: string, code = 1): never {
  process.stderr.write(`bootstrap: ${message}\n`);
  process.exit(code);
}

function say(message: string): void {
  process.stdout.write(`bootstrap: ${message}\n`);
}

/** Terraform resource types of every stack of the app, from a synth into a scratch directory (the same path as `cdktf synth`). */
function synthesizedResourceTypes(projectDir: string, env: NodeJS.ProcessEnv): string[] {
  const outdir = mkdtempSync(join(tmpdir(), "proximate-bootstrap-synth-"));
  try {
    const synth = spawnSync(process.execPath, [join(projectDir, "scripts", "app.js")], {
      cwd: projectDir,
      env: { ...env, CDKTF_OUTDIR: outdir },
      stdio: ["ignore", "ignore", "inherit"],
    });
    if (synth.status !== 0) {
      fail("synth of the app failed (see above); nothing was changed");
    }
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
    const types = new Set<string>();
    for (const stack of Object.values(manifest.stacks)) {
      const json = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), "utf8")) as { resource?: Record<string, unknown> };
      Object.keys(json.resource ?? {}).forEach((type) => types.add(type));
    }
    return [...types].sort();
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function terraform(stackDir: string, args: readonly string[], env: NodeJS.ProcessEnv): void {
  say(`terraform ${args.join(" ")}   (in ${stackDir})`);
  const result = spawnSync("terraform", args, { cwd: stackDir, env, stdio: "inherit" });
  if (result.status !== 0) {
    fail(`terraform ${args[0]} of the state bucket failed (exit ${result.status ?? "signal"}); see above`);
  }
}

/** Stacks whose state in the bucket still holds managed resources. */
async function stacksWithResources(s3: S3Client, bucket: string, keyPrefix: string): Promise<{ key: string; resources: number }[]> {
  const found: { key: string; resources: number }[] = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${keyPrefix}/`, ContinuationToken: token }));
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchBucket") {
        return found;
      }
      throw error;
    }
    for (const object of page.Contents ?? []) {
      if (object.Key === undefined || !object.Key.endsWith(".tfstate")) {
        continue;
      }
      const body = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }))).Body?.transformToString();
      const state = JSON.parse(body ?? "{}") as { resources?: { mode?: string; instances?: unknown[] }[] };
      const resources = (state.resources ?? []).filter((r) => r.mode === "managed").reduce((sum, r) => sum + (r.instances?.length ?? 0), 0);
      if (resources > 0) {
        found.push({ key: object.Key, resources });
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return found;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  // The SDK warns on every client that Node 20 support ends in 2027; the project supports Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const projectDir = resolve(__dirname, "..", "..");
  let topology: Topology;
  let awsEndpoint: string | undefined;
  try {
    const source = loadConfigSource(process.env, projectDir);
    topology = resolveTopology(parseConfig(source.raw, source.description));
    awsEndpoint = parseAwsEndpoint(process.env[AWS_ENDPOINT_ENV]);
  } catch (error) {
    if (error instanceof InputError) {
      fail(error.message);
    }
    throw error;
  }
  const env = terraformEnv(projectDir);
  if (awsEndpoint !== undefined) {
    say(`${AWS_ENDPOINT_ENV}=${awsEndpoint}: talking to an emulated AWS API, not to AWS`);
  }

  if (!options.destroy) {
    const roles = serviceLinkedRolesFor(synthesizedResourceTypes(projectDir, env));
    if (options.plan) {
      roles.forEach((role) => say(`service-linked role ${role.roleName} (${role.serviceName}): would be ensured`));
    } else {
      for (const outcome of await ensureServiceLinkedRoles(iamClient(awsEndpoint), roles)) {
        say(`service-linked role ${outcome.role.roleName}: ${outcome.action === "created" ? "created" : "already present"}`);
      }
    }
  }

  const state = topology.state;
  if (state.backend !== "s3") {
    say(
      state.backend === "local"
        ? `state backend "local": no state bucket to create; every stack keeps its state in ${state.directory ?? DEFAULTS.localStateDirectory}/`
        : `state backend "cloud": no state bucket to create; the workspaces come from cdktf.out/tfc-bootstrap (see the README)`,
    );
    if (options.destroy) {
      say("nothing to destroy (service-linked roles are account-wide and stay)");
    }
    return;
  }

  if (options.destroy && !options.force) {
    const keyPrefix = state.keyPrefix ?? topology.name;
    const remaining = await stacksWithResources(s3Client(state.region, awsEndpoint), state.bucket, keyPrefix);
    if (remaining.length > 0) {
      const list = remaining.map((r) => `  - s3://${state.bucket}/${r.key}: ${r.resources} resource(s)`).join("\n");
      fail(
        `refusing to destroy the state bucket: these stacks still hold resources, whose state would be lost:\n${list}\nRun \`npx cdktf destroy '*'\` first (with the same PROXIMATE_CONFIG), or add --force to destroy the bucket anyway.`,
      );
    }
    say(`no stack state under s3://${state.bucket}/${keyPrefix}/ holds resources`);
  }

  const stackDir = synthesizeStateBootstrap(join(projectDir, "cdktf.out"), {
    topologyName: topology.name,
    bucket: state.bucket,
    region: state.region,
    localStateDirectory: join(projectDir, DEFAULTS.localStateDirectory),
    tags: topology.tags,
    allowedAccountIds: topology.allowedAccountIds,
    unguarded: options.destroy,
    awsEndpoint,
  });
  const approve = options.autoApprove ? ["-auto-approve"] : [];
  terraform(stackDir, ["init", "-input=false", "-no-color"], env);
  if (options.plan) {
    terraform(stackDir, ["plan", "-input=false"], env);
    return;
  }
  if (options.destroy) {
    // force_destroy must be in the state before the destroy reads it: apply the unguarded stack first.
    terraform(stackDir, ["apply", "-input=false", ...approve], env);
    terraform(stackDir, ["destroy", "-input=false", ...approve], env);
    say(`state bucket ${state.bucket} destroyed with every state version in it`);
    return;
  }
  terraform(stackDir, ["apply", "-input=false", ...approve], env);
  say(`state bucket ${state.bucket} ready in ${state.region}; its own state is ${DEFAULTS.localStateDirectory}/state.tfstate (keep it). Next: npx cdktf deploy '*'`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bootstrap: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
