/** The arguments both proofs take (`verify:topology`, `verify:iam`): `[synth dir] [--json]`. */
import { resolve } from "node:path";

export interface ProofArgs {
  /** The synth directory, absolute (default `cdktf.out`). */
  readonly dir: string;
  /** Print the verdict as JSON instead of text. */
  readonly json: boolean;
}

/** The parsed arguments, or a message naming the offending argument (usage follows it). */
export function parseProofArgs(argv: readonly string[]): ProofArgs | { readonly error: string } {
  const json = argv.includes("--json");
  const positional = argv.filter((arg) => arg !== "--json");
  const unknown = positional.filter((arg) => arg.startsWith("-"));
  if (unknown.length > 0) {
    return { error: `unknown option ${unknown[0]}; allowed: --json` };
  }
  if (positional.length > 1) {
    return { error: `expected one synth directory, got ${positional.join(" ")}` };
  }
  return { dir: resolve(positional[0] ?? "cdktf.out"), json };
}
