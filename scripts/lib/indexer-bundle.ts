import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { BuildOptions, buildSync } from "esbuild";
import { INDEXER_ESBUILD_TARGET } from "../../modules/aws/runtimes";
import { zipDirectoryAtomically as zipTo } from "./zip-directory";

/**
 * esbuild options of the indexer bundle: one minified CommonJS file for the Node.js major of the
 * indexer's Lambda runtime (`INDEXER_LAMBDA_RUNTIME`) with the AWS SDK
 * v3 inside (the pinned, tested versions) unless `externalAwsSdk`; `aws-sdk` v2 stays external
 * (the OpenSearch client only tries it when no v3 credential provider exists).
 */
export function indexerBuildOptions(entry: string, outfile: string, externalAwsSdk = false): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: INDEXER_ESBUILD_TARGET,
    format: "cjs",
    minify: true,
    legalComments: "none",
    external: externalAwsSdk ? ["aws-sdk", "@aws-sdk/*"] : ["aws-sdk"],
    logLevel: "silent",
  };
}

/** Sources the indexer bundle is built from: a change to any of them makes a new bundle. */
function sourceFiles(projectDir: string): string[] {
  const catalogDir = join(projectDir, "modules", "catalog");
  return [
    ...readdirSync(catalogDir)
      .filter((file) => file.endsWith(".ts"))
      .sort()
      .map((file) => join(catalogDir, file)),
    join(projectDir, "scripts", "catalog", "lambda.ts"),
    join(projectDir, "scripts", "lib", "indexer-bundle.ts"),
    join(projectDir, "modules", "aws", "runtimes.ts"),
    join(projectDir, "package-lock.json"),
  ];
}

/**
 * Bundles the catalog indexer Lambda (scripts/catalog/lambda.ts, with the AWS SDK and the
 * OpenSearch client inside) with esbuild into `.gen/indexer/<content hash>/index.js` and zips
 * it to `.gen/indexer/<content hash>.zip`, unless both exist for the same sources. Returns the
 * zip (the Lambda's code asset).
 */
export function ensureIndexerBundle(projectDir: string): string {
  const hash = createHash("sha256");
  for (const file of sourceFiles(projectDir)) {
    hash.update(file.slice(projectDir.length)).update(readFileSync(file));
  }
  const dir = join(projectDir, ".gen", "indexer", hash.digest("hex").slice(0, 16));
  const archive = `${dir}.zip`;
  if (existsSync(archive)) {
    return archive;
  }
  if (existsSync(join(dir, "index.js"))) {
    return zipTo(dir, archive);
  }
  const staging = `${dir}.${process.pid}.tmp`;
  mkdirSync(staging, { recursive: true });
  const result = buildSync(indexerBuildOptions(join(projectDir, "scripts", "catalog", "lambda.ts"), join(staging, "index.js")));
  if (result.errors.length > 0) {
    throw new Error(`bundling the catalog indexer failed: ${result.errors.map((e) => e.text).join("; ")}`);
  }
  // Another process may have finished the same bundle meanwhile: either copy is identical.
  if (!existsSync(dir)) {
    try {
      renameSync(staging, dir);
    } catch (error) {
      if (!existsSync(join(dir, "index.js"))) {
        throw error;
      }
    }
  }
  return zipTo(dir, archive);
}

