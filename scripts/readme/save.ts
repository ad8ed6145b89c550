/**
 * Writes a benchmark's JSON lines to docs/figures/<bench>.json, where `npm run readme:figures`
 * renders the README's figures from. Benchmarks call it when run with `--save`.
 */
import { cpus, loadavg } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SavedFigures } from "../../modules/readme/figures";

export const FIGURES_DIR = resolve(__dirname, "..", "..", "docs", "figures");

/** Saves the lines a bench printed; returns the file written. */
export function saveFigures(bench: string, command: string, lines: readonly Record<string, unknown>[]): string {
  const saved: SavedFigures = {
    command,
    measuredOn: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end`,
    source: "the bench's output",
    lines,
  };
  mkdirSync(FIGURES_DIR, { recursive: true });
  const file = join(FIGURES_DIR, `${bench}.json`);
  writeFileSync(file, `${JSON.stringify(saved, null, 1)}\n`);
  return file;
}
