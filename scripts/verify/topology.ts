/**
 * npm run verify:topology -- [synth dir] [--json]
 * Proves from the synthesized Terraform JSON (default `cdktf.out`) that every required flow of
 * the topology passes hop by hop (routes, Transit Gateway route tables, accepted peerings,
 * security groups) and that no ingress rule admits addresses from outside the topology.
 * Prints the flow matrix (or the verdict as JSON); exits 1 when a flow fails or something is
 * exposed, 2 when the synth output cannot be read.
 */
import { renderVerdict } from "../../modules/reachability/render";
import { loadSynthOutput, SynthOutputError } from "../../modules/reachability/synth-output";
import { verifyTopology } from "../../modules/reachability/verify";
import { parseProofArgs } from "./proof-args";

const USAGE = "usage: tsx scripts/verify/topology.ts [synth dir (default cdktf.out)] [--json]";

function main(argv: readonly string[]): number {
  const args = parseProofArgs(argv);
  if ("error" in args) {
    process.stderr.write(`${args.error}\n${USAGE}\n`);
    return 2;
  }
  const { dir, json } = args;
  try {
    const verdict = verifyTopology(loadSynthOutput(dir));
    process.stdout.write(json ? `${JSON.stringify(verdict, null, 2)}\n` : renderVerdict(verdict));
    return verdict.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof SynthOutputError) {
      process.stderr.write(`verify:topology: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = main(process.argv.slice(2));
