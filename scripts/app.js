// Entry point of `cdktf synth` (cdktf.json "app"): bundles main.ts and the project's own
// modules with esbuild (packages stay external) and runs the bundle with plain node. This
// skips a TypeScript loader hooking every require of cdktf and the AWS provider bindings,
// which cost more than the synth itself. Type checking is done by `npm run build` / npm test.
//
// The bundle is cached in .gen/ under a hash of the project's TypeScript sources, and cdktf's
// per-token stack traces (used only to point at the line that created a token in an error
// message) are turned off: together they were about a third of synth time. Set
// PROXIMATE_TOKEN_TRACES=1 to get them back when debugging a token error.
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } = require("node:fs");
const { join, relative } = require("node:path");

const root = join(__dirname, "..");
const SOURCE_DIRS = ["stacks", "constructs", "modules", "scripts/lib"];

function sources() {
  const files = [join(root, "main.ts"), join(root, "package-lock.json"), __filename];
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (name.endsWith(".ts")) {
        files.push(path);
      }
    }
  };
  SOURCE_DIRS.forEach((dir) => walk(join(root, dir)));
  return files;
}

function bundle() {
  const hash = createHash("sha256");
  for (const file of sources()) {
    hash.update(relative(root, file)).update(readFileSync(file));
  }
  const outfile = join(root, ".gen", "app", `main-${hash.digest("hex").slice(0, 16)}.js`);
  if (!existsSync(outfile)) {
    mkdirSync(join(root, ".gen", "app"), { recursive: true });
    const staging = `${outfile}.${process.pid}.tmp.js`;
    require("esbuild").buildSync({
      entryPoints: [join(root, "main.ts")],
      outfile: staging,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "cjs",
      target: "node20",
      sourcemap: false,
      logLevel: "warning",
    });
    renameSync(staging, outfile);
  }
  return outfile;
}

if (process.env.PROXIMATE_TOKEN_TRACES !== "1") {
  require("cdktf/lib/tokens/private/stack-trace").captureStackTrace = () => [];
}
require(bundle());
