/**
 * npm run diagram -- [synth dir] [--update-readme]   (default: cdktf.out; synthesized first when missing)
 *
 * Writes `<dir>/topology.mmd` (Regions, key resources, Transit Gateway peerings) and
 * `<dir>/stacks.mmd` (stack dependency graph in deploy waves), drawn from the synthesized
 * stacks, and an SVG of each (beautiful-mermaid: no browser needed). With --update-readme, also
 * refreshes the README's copies (a test fails when they are stale for the default topology).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { embedDiagrams, stackGraphDiagram, topologyDiagram } from "../../modules/review/diagram";
import { Manifest } from "../../modules/review/stack-graph";

/** Reads a synth dir and returns both diagrams. */
export function diagramsOf(dir: string): { topology: string; stacks: string } {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  const read = (name: string) => JSON.parse(readFileSync(join(dir, manifest.stacks[name].synthesizedStackPath), "utf8"));
  return { topology: topologyDiagram(manifest, read), stacks: stackGraphDiagram(manifest) };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const updateReadme = args.includes("--update-readme");
  const dir = resolve(args.find((arg) => !arg.startsWith("--")) ?? "cdktf.out");
  if (!existsSync(join(dir, "manifest.json"))) {
    const projectDir = resolve(__dirname, "..", "..");
    const synth = spawnSync(process.execPath, [join(projectDir, "scripts", "app.js")], { cwd: projectDir, env: { ...process.env, CDKTF_OUTDIR: dir }, stdio: "inherit" });
    if (synth.status !== 0) {
      process.exit(synth.status ?? 1);
    }
  }
  const diagrams = diagramsOf(dir);
  const { renderMermaidSVG } = (await import("beautiful-mermaid")) as { renderMermaidSVG: (source: string) => string };
  for (const [name, source] of Object.entries(diagrams)) {
    writeFileSync(join(dir, `${name}.mmd`), source);
    writeFileSync(join(dir, `${name}.svg`), renderMermaidSVG(source));
    process.stdout.write(`${join(dir, `${name}.mmd`)}\n${join(dir, `${name}.svg`)}\n`);
  }
  if (updateReadme) {
    const readme = resolve(__dirname, "..", "..", "README.md");
    writeFileSync(readme, embedDiagrams(readFileSync(readme, "utf8"), diagrams));
    process.stdout.write(`${readme}\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
