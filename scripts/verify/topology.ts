/**
 * npm run verify:topology -- [synth dir] [--json]
 * Proves from the synthesized Terraform JSON (default `cdktf.out`) that every required flow of
 * the topology passes hop by hop (routes, Transit Gateway route tables, accepted peerings,
 * security groups) and that no ingress rule admits addresses from outside the topology.
 * Prints the flow matrix (or the verdict as JSON); exits 1 when a flow fails or something is
 * exposed, 2 when the synth output cannot be read.
 */
import { resolve } from "node:path";
import { renderVerdict } from "../../modules/reachability/render";
import { loadSynthOutput, SynthOutputError } from "../../modules/reachability/synth-output";
import { verifyTopology } from "../../modules/reachability/verify";

const USAGE = "usage: tsx scripts/verify/topology.ts [synth dir (default cdktf.out)] [--json]";

function main(argv: readonly string[]): number {
  const json = argv.includes("--json");
  const positional = argv.filter((arg) => arg !== "--json");
  const unknown = positional.filter((arg) => arg.startsWith("-"));
  if (unknown.length > 0 || positional.length > 1) {
    process.stderr.write(`${unknown.length > 0 ? `unknown option ${unknown[0]}` : `expected one synth directory, got ${positional.join(" ")}`}\n${USAGE}\n`);
    return 2;
  }
  const dir = resolve(positional[0] ?? "cdktf.out");
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
