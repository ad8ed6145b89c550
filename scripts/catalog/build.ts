/**
 * Bundles the catalog indexer Lambda (`lambda.ts`) into one file with esbuild: the Node.js major of
 * the Lambda runtime (`INDEXER_LAMBDA_RUNTIME` in modules/aws/runtimes.ts), CommonJS,
 * minified, `dist/catalog-indexer/index.js`, handler `index.handler`.
 *
 * The AWS SDK v3 is bundled in rather than taken from the Lambda runtime: the bundle then runs
 * exactly the SDK versions this repository pins and tests (the runtime's copy changes under us
 * and may lag), at the cost of a larger file (about 0.9 MB minified, against 0.3 MB with
 * `externalAwsSdk`). `aws-sdk` (v2) always stays external: the OpenSearch client only tries it
 * when no v3 credential provider is found, which never happens here.
 *
 *   npx tsx scripts/catalog/build.ts [outDir]
 */
import { build } from "esbuild";
import { indexerBuildOptions } from "../lib/indexer-bundle";
import { join, resolve } from "path";

/** Where the bundle goes unless told otherwise: `<repository>/dist/catalog-indexer`. */
export const DEFAULT_OUT_DIR = resolve(__dirname, "..", "..", "dist", "catalog-indexer");

/** Options of `bundleIndexer`. */
export interface BundleOptions {
  /** Mark `@aws-sdk/*` external and use the runtime's SDK instead (default false: bundle it). */
  readonly externalAwsSdk?: boolean;
}

/** Bundles the indexer Lambda into `<outDir>/index.js` (`outDir` relative to the working directory); resolves to the bundle's absolute path. */
export async function bundleIndexer(outDir: string = DEFAULT_OUT_DIR, options: BundleOptions = {}): Promise<string> {
  const outfile = resolve(outDir, "index.js");
  const result = await build(indexerBuildOptions(join(__dirname, "lambda.ts"), outfile, options.externalAwsSdk === true));
  if (result.errors.length > 0) {
    throw new Error(`bundling the catalog indexer failed: ${result.errors.map((error) => error.text).join("; ")}`);
  }
  return outfile;
}

if (require.main === module) {
  bundleIndexer(process.argv[2]).then(
    (path) => {
      process.stdout.write(`${path}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
