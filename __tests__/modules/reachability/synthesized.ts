import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProximateConfig } from "../../../modules/config/schema";
import { SynthOutput, TerraformJson } from "../../../modules/reachability/synth-output";
import { MatrixRow, TopologyVerdict } from "../../../modules/reachability/verify";
import { synthApp } from "../../helpers/synth";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The synthesized app of `config`, as the proof reads it. */
export function synthOutput(config: ProximateConfig): SynthOutput {
  const synthesized = synthApp(config);
  return { stacks: new Map(synthesized.stackNames().map((name) => [name, synthesized.stack(name).json as TerraformJson])) };
}

/** A deep copy of `output` changed by `edit` (stacks by name, as mutable JSON). */
export function mutate(output: SynthOutput, edit: (stacks: Map<string, Json>) => void): SynthOutput {
  const stacks = new Map<string, Json>([...output.stacks].map(([name, json]) => [name, JSON.parse(JSON.stringify(json))]));
  edit(stacks);
  return { stacks: stacks as Map<string, TerraformJson> };
}

/** Logical name of the one resource of `type` in `json` whose construct path ends with `pathSuffix`. */
export function resourceName(json: Json, type: string, pathSuffix: string): string {
  const names = Object.entries(json.resource?.[type] ?? {})
    .filter(([, block]) => ((block as Json)["//"]?.metadata?.path as string).endsWith(pathSuffix))
    .map(([name]) => name);
  if (names.length !== 1) {
    throw new Error(`expected one ${type} at *${pathSuffix}, found ${names.length}`);
  }
  return names[0];
}

/** Deletes the one resource of `type` at `pathSuffix` from stack `stack`. */
export function removeResource(stacks: Map<string, Json>, stack: string, type: string, pathSuffix: string): void {
  const json = stacks.get(stack);
  if (json === undefined) {
    throw new Error(`no stack ${stack}`);
  }
  delete json.resource[type][resourceName(json, type, pathSuffix)];
}

/** The rows of one flow between two endpoints (`role@region`). */
export function rows(verdict: TopologyVerdict, flow: string, source: string, destination: string): MatrixRow[] {
  return verdict.rows.filter((row) => row.flow === flow && row.source === source && row.destination === destination);
}

/** Writes `output` as a synth directory (manifest.json and stacks/<name>/cdk.tf.json). */
export function writeSynthDir(output: SynthOutput): string {
  const dir = mkdtempSync(join(tmpdir(), "proximate-reachability-"));
  const stacks: Record<string, { synthesizedStackPath: string }> = {};
  for (const [name, json] of output.stacks) {
    mkdirSync(join(dir, "stacks", name), { recursive: true });
    writeFileSync(join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
    stacks[name] = { synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ stacks }));
  return dir;
}
