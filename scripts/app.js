// Entry point of `cdktf synth` (cdktf.json "app"): bundles main.ts and the project's own
// modules with esbuild (packages stay external) and runs the bundle with plain node. This
// skips a TypeScript loader hooking every require of cdktf and the AWS provider bindings,
// which cost more than the synth itself. Type checking is done by `npm run build` / npm test.
"use strict";
const { buildSync } = require("esbuild");
const { mkdirSync, rmSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
mkdirSync(join(root, ".gen"), { recursive: true });
// One file per process, inside the project so that packages resolve from its node_modules.
const outfile = join(root, ".gen", `main-${process.pid}.js`);
try {
  buildSync({
    entryPoints: [join(root, "main.ts")],
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node20",
    sourcemap: false,
    logLevel: "warning",
  });
  require(outfile);
} finally {
  rmSync(outfile, { force: true });
}
