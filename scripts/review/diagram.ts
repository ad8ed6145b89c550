/**
 * npm run diagram -- [synth dir] [--out DIR] [--update-readme] [--check]
 *
 * Draws the topology (Regions, key resources, Transit Gateway peerings) and the stack graph (in
 * deploy waves) from the synthesized stacks, as Mermaid sources and SVGs that render the same in
 * every renderer (no CSS variables, no color-mix(), no web font: modules/review/portable-svg.ts),
 * and writes them to docs/diagrams/ (committed; the next synth does not touch them):
 * topology.mmd, topology.svg, stacks.mmd, stacks.svg.
 *
 * Without a synth dir it synthesizes the topology PROXIMATE_CONFIG selects (default: cdktf.json)
 * into a temporary directory. --update-readme also refreshes the README's embedded Mermaid.
 * --check writes nothing and exits 1 when the committed files differ from what it would write
 * (the jest test runs it for the default topology).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { embedDiagrams, stackGraphDiagram, topologyDiagram } from "../../modules/review/diagram";
import { portabilityProblems, portableSvg } from "../../modules/review/portable-svg";
import { Manifest } from "../../modules/review/stack-graph";

const projectDir = resolve(__dirname, "..", "..");

/** Where the committed diagrams live. */
export const DIAGRAM_DIR = join(projectDir, "docs", "diagrams");

/** Reads a synth dir and returns both diagrams. */
export function diagramsOf(dir: string): { topology: string; stacks: string } {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
  const read = (name: string) => JSON.parse(readFileSync(join(dir, manifest.stacks[name].synthesizedStackPath), "utf8"));
  return { topology: topologyDiagram(manifest, read), stacks: stackGraphDiagram(manifest) };
}

/** The files the diagrams of a synth dir consist of, by name. */
async function diagramFiles(dir: string): Promise<{ diagrams: { topology: string; stacks: string }; files: Map<string, string> }> {
  const diagrams = diagramsOf(dir);
  const { renderMermaidSVG } = (await import("beautiful-mermaid")) as { renderMermaidSVG: (source: string) => string };
  const files = new Map<string, string>();
  for (const [name, source] of Object.entries(diagrams)) {
    const svg = `${portableSvg(renderMermaidSVG(source)).trimEnd()}\n`;
    const problems = portabilityProblems(svg);
    if (problems.length > 0) {
      throw new Error(`diagram ${name}: the SVG still holds ${problems.join("; ")}`);
    }
    files.set(`${name}.mmd`, source);
    files.set(`${name}.svg`, svg);
  }
  return { diagrams, files };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const check = args.includes("--check");
  const updateReadme = args.includes("--update-readme");
  const outIndex = args.indexOf("--out");
  const out = outIndex >= 0 ? resolve(args[outIndex + 1] ?? "") : DIAGRAM_DIR;
  const given = args.find((arg, index) => !arg.startsWith("--") && index !== outIndex + 1);
  let scratch: string | undefined;
  try {
    let dir = given ? resolve(given) : undefined;
    if (dir === undefined || !existsSync(join(dir, "manifest.json"))) {
      scratch = mkdtempSync(join(tmpdir(), "proximate-diagram-"));
      const target = dir ?? join(scratch, "out");
      const synth = spawnSync(process.execPath, [join(projectDir, "scripts", "app.js")], {
        cwd: projectDir,
        env: { ...process.env, CDKTF_OUTDIR: target },
        stdio: ["ignore", "ignore", "inherit"],
      });
      if (synth.status !== 0) {
        process.exit(synth.status ?? 1);
      }
      dir = target;
    }
    const { diagrams, files } = await diagramFiles(dir);
    if (check) {
      const stale = [...files].filter(([name, content]) => !existsSync(join(out, name)) || readFileSync(join(out, name), "utf8") !== content).map(([name]) => name);
      if (stale.length > 0) {
        process.stderr.write(`diagram: ${stale.map((name) => relative(projectDir, join(out, name))).join(", ")} not current; run npm run diagram\n`);
        process.exit(1);
      }
      process.stdout.write(`diagram: ${files.size} files in ${relative(projectDir, out) || "."} are current\n`);
      return;
    }
    mkdirSync(out, { recursive: true });
    for (const [name, content] of files) {
      writeFileSync(join(out, name), content);
      process.stdout.write(`${join(out, name)}\n`);
    }
    if (updateReadme) {
      const readme = join(projectDir, "README.md");
      writeFileSync(readme, embedDiagrams(readFileSync(readme, "utf8"), diagrams));
      process.stdout.write(`${readme}\n`);
    }
  } finally {
    if (scratch !== undefined) {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
