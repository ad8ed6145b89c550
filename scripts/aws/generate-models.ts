/**
 * npm run generate:aws-models: rewrites modules/aws/api-models.generated.ts from the vendored
 * botocore models (see scripts/aws/models.ts). Run it after adding a name target or an SDK
 * integration operation; synth never needs the models.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildTables, renderTables, vendorDir } from "./models";

const projectDir = resolve(__dirname, "../..");
const vendor = vendorDir(projectDir);
if (vendor === undefined) {
  process.stderr.write("generate-models: no vendored botocore found (set PROXIMATE_VENDOR_DIR to the directory holding python/botocore)\n");
  process.exit(1);
}
const out = join(projectDir, "modules/aws/api-models.generated.ts");
writeFileSync(out, renderTables(buildTables(vendor)));
process.stdout.write(`wrote ${out} from ${vendor}\n`);
