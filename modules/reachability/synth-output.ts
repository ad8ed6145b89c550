/** The synthesized app as the reachability proof reads it: every stack's `cdk.tf.json`. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** Arguments of one resource, data source or output block. */
export type Block = Readonly<Record<string, unknown>>;

/** The parts of a stack's Terraform JSON the proof reads. */
export interface TerraformJson {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
  readonly output?: Readonly<Record<string, Block>>;
  readonly provider?: Readonly<Record<string, unknown>>;
  readonly terraform?: { readonly backend?: Readonly<Record<string, Block>>; readonly cloud?: Block };
}

/** Every stack of a synthesized app, by stack name. */
export interface SynthOutput {
  readonly stacks: ReadonlyMap<string, TerraformJson>;
}

/** Thrown when a synth directory cannot be read; the message names the path and what is expected. */
export class SynthOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SynthOutputError";
  }
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new SynthOutputError(`${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run the synth first (npm run synth) or pass the synth output directory`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SynthOutputError(`${what} ${file} is not JSON (${(error as Error).message})`);
  }
}

/** Reads `<dir>/manifest.json` and the `cdk.tf.json` of every stack it lists. */
export function loadSynthOutput(dir: string): SynthOutput {
  const manifest = readJson(join(dir, "manifest.json"), "manifest") as { stacks?: Record<string, { synthesizedStackPath?: string }> };
  if (manifest.stacks === undefined || typeof manifest.stacks !== "object") {
    throw new SynthOutputError(`manifest ${join(dir, "manifest.json")} has no "stacks" object; is ${dir} a cdktf synth output directory?`);
  }
  const stacks = new Map<string, TerraformJson>();
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    if (typeof entry.synthesizedStackPath !== "string") {
      throw new SynthOutputError(`manifest ${join(dir, "manifest.json")}: stacks.${name}.synthesizedStackPath is missing`);
    }
    stacks.set(name, readJson(join(dir, entry.synthesizedStackPath), `stack ${name}:`) as TerraformJson);
  }
  return { stacks };
}

/** The AWS Region of a stack: its default (alias-less) `aws` provider's region. */
export function stackRegion(json: TerraformJson): string | undefined {
  const providers = json.provider?.aws;
  const list = Array.isArray(providers) ? providers : providers === undefined ? [] : [providers];
  const main = (list as Block[]).find((provider) => provider.alias === undefined) ?? (list as Block[])[0];
  return typeof main?.region === "string" ? main.region : undefined;
}
