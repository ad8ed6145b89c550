/**
 * npm run verify:iam -- [synth dir] [--json]
 * Proves from the synthesized Terraform JSON (default `cdktf.out`) that every principal's
 * run-time AWS calls are allowed by the identity and resource policies, checks every policy
 * against AWS's Service Authorization Reference and reports grants no call uses. Prints the
 * matrix (or the verdict as JSON); exits 1 when a call is denied, a policy is invalid, a grant
 * is clearly excessive or something cannot be modelled; 2 when the inputs cannot be read.
 */
import { join } from "node:path";
import { ManagedPoliciesNotFound } from "../../modules/iam-proof/managed-policies";
import { renderIamVerdict } from "../../modules/iam-proof/render";
import { verifyIam } from "../../modules/iam-proof/verify";
import { loadSynthOutput, SynthOutputError } from "../../modules/reachability/synth-output";
import { parseProofArgs } from "./proof-args";

const USAGE = "usage: tsx scripts/verify/iam.ts [synth dir (default cdktf.out)] [--json]";

function main(argv: readonly string[]): number {
  const args = parseProofArgs(argv);
  if ("error" in args) {
    process.stderr.write(`${args.error}\n${USAGE}\n`);
    return 2;
  }
  const { dir, json } = args;
  const started = process.hrtime.bigint();
  try {
    const verdict = verifyIam(loadSynthOutput(dir), { projectDir: join(__dirname, "..", "..") });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (json) {
      process.stdout.write(`${JSON.stringify(verdict, (key, value) => (key === "source" && value?.kind !== undefined ? `${value.stack} ${value.address}` : value), 2)}\n`);
    } else {
      const text = renderIamVerdict(verdict);
      const lines = text.trimEnd().split("\n");
      const summary = lines.pop() as string;
      process.stdout.write(`${lines.join("\n")}\n(proved in ${seconds.toFixed(1)} s)\n${summary}\n`);
    }
    return verdict.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof SynthOutputError || error instanceof ManagedPoliciesNotFound) {
      process.stderr.write(`verify:iam: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
