/**
 * npm run diagram:check-render   (scripts/review/render-check.sh installs the renderers first)
 *
 * Every SVG in docs/diagrams must render the same in rsvg-convert (librsvg: what most tools
 * outside browsers use) and in headless Chromium: each is rendered to a PNG of the same size and
 * their pixel statistics are compared (modules/review/render-compare.ts), and the SVG text must
 * hold none of the constructs that break non-browser renderers (modules/review/portable-svg.ts).
 * As a control, the renderer's raw output (CSS variables, color-mix) must fail the same
 * comparison, which shows the check can tell the difference.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { portabilityProblems } from "../../modules/review/portable-svg";
import { decodePng, RenderStats, renderingDifferences, renderStats } from "../../modules/review/render-compare";
import { DIAGRAM_DIR } from "./diagram";

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr}`);
  }
}

function chromium(): string {
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    if (spawnSync("sh", ["-c", `command -v ${name}`]).status === 0) {
      return name;
    }
  }
  throw new Error("render-check: no chromium on PATH (scripts/review/render-check.sh installs it)");
}

/** Renders an SVG file to a width x height PNG with rsvg-convert and returns its statistics. */
function rsvg(svg: string, width: number, height: number, png: string): RenderStats {
  run("rsvg-convert", ["-w", String(width), "-h", String(height), "-o", png, svg]);
  return renderStats(decodePng(readFileSync(png)));
}

/** Renders an SVG file in headless Chromium, as an image of width x height on a white page. */
function browser(svg: string, width: number, height: number, png: string, scratch: string): RenderStats {
  const page = join(scratch, `${width}x${height}.html`);
  writeFileSync(page, `<!doctype html><html><head><style>html,body{margin:0;padding:0;background:#fff}img{display:block}</style></head><body><img src="file://${svg}" width="${width}" height="${height}"></body></html>`);
  run(chromium(), [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    `--window-size=${width},${height}`,
    `--screenshot=${png}`,
    `file://${page}`,
  ]);
  return renderStats(decodePng(readFileSync(png)));
}

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? DIAGRAM_DIR);
  const scratch = mkdtempSync(join(tmpdir(), "proximate-render-"));
  let failed = 0;
  let passed = 0;
  const report = (ok: boolean, what: string, detail: string) => {
    if (ok) {
      passed++;
    } else {
      failed++;
    }
    process.stdout.write(`${ok ? "ok  " : "FAIL"} ${what}: ${detail}\n`);
  };
  try {
    const { renderMermaidSVG } = (await import("beautiful-mermaid")) as { renderMermaidSVG: (source: string) => string };
    for (const file of readdirSync(dir).filter((name) => name.endsWith(".svg")).sort()) {
      const path = join(dir, file);
      const text = readFileSync(path, "utf8");
      const problems = portabilityProblems(text);
      report(problems.length === 0, `${file} text`, problems.length === 0 ? "no CSS variables, color-mix(), <style>, style attributes or web fonts" : problems.join("; "));
      const width = Math.ceil(Number(/<svg\b[^>]*\swidth="([\d.]+)"/.exec(text)?.[1]));
      const height = Math.ceil(Number(/<svg\b[^>]*\sheight="([\d.]+)"/.exec(text)?.[1]));
      const a = rsvg(path, width, height, join(scratch, `${file}.rsvg.png`));
      const b = browser(path, width, height, join(scratch, `${file}.chromium.png`), scratch);
      const differences = renderingDifferences(a, b);
      const brief = (s: RenderStats) => `mean ${s.mean.toFixed(2)}, dark ${(s.dark * 100).toFixed(2)} %, ink ${(s.ink * 100).toFixed(2)} %`;
      report(differences.length === 0, `${file} rsvg-convert vs Chromium at ${width}x${height}`, differences.length === 0 ? `${brief(a)} | ${brief(b)}` : differences.join("; "));
      // Control: the renderer's raw SVG of the same diagram must fail (black shapes in rsvg).
      const mmd = join(dir, file.replace(/\.svg$/, ".mmd"));
      const raw = join(scratch, `${file}.raw.svg`);
      writeFileSync(raw, renderMermaidSVG(readFileSync(mmd, "utf8")));
      const control = renderingDifferences(rsvg(raw, width, height, join(scratch, `${file}.raw.png`)), b);
      report(control.length > 0, `${file} control: raw beautiful-mermaid SVG in rsvg-convert differs`, control.length > 0 ? control[0] : "it did not: the comparison cannot tell a broken SVG");
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
