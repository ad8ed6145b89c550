/**
 * Local CLI of the catalog indexer.
 *
 *   npm run catalog -- --region us-east-1 --dataset era5 --s3 s3://era5-pds --path /era5 --keys keys.txt
 *
 * Reads each dataset's objects from a keys file (`--keys`) or lists its bucket (AWS, or an
 * S3-compatible `--endpoint`), and prints one catalog document per line (NDJSON) on stdout; with
 * `--opensearch <url>` it rebuilds the Region's index behind its alias instead and prints a
 * summary. Bad arguments exit with code 2, failures with code 1.
 */
import { existsSync } from "fs";
import type { Writable } from "stream";
import {
  CatalogInputError,
  catalogDocuments,
  checkEndpoint,
  createOpenSearchClient,
  createS3Client,
  DEFAULT_MOUNT,
  domainRegion,
  listObjectPages,
  openSearchCatalogApi,
  readKeyFilePages,
  readUnsortedKeyFilePages,
  refreshRegionCatalog,
  resolveDatasets,
  s3ListingSource,
  toNdjsonLine,
  type DatasetContext,
  type DatasetSpec,
  type ObjectEntry,
  type RegionDataset,
} from "../../modules/catalog";

/** Usage text printed by `--help` and after argument errors. */
export const USAGE = `usage: npm run catalog -- --region <region> --dataset <name> --s3 <s3-uri> --path <lustre-path> [--keys <file>]
                        [--dataset ... --s3 ... --path ... [--keys ...]]... [options]

  --region <region>      Region of the datasets and of their worker pool, e.g. us-east-1
  --dataset <name>       dataset name (repeat --dataset/--s3/--path, and --keys if used, per dataset)
  --s3 <s3-uri>          s3://bucket[/prefix] of the dataset
  --path <lustre-path>   Lustre directory of the dataset, e.g. /era5
  --keys <file>          read keys from a file (one key per line, or key<TAB>size<TAB>lastModified)
                         instead of listing the bucket
  --sort-keys            the keys files are not in S3 order: sort them in memory first
  --endpoint <url>       list from an S3-compatible server (path-style), e.g. http://127.0.0.1:4568
  --reader <reader>      listing (default: the indexer's ListObjectsV2 reader) or sdk (the SDK's own
                         XML deserialiser; about 3x the CPU per key)
  --mount <dir>          Lustre mount point on the workers (default ${DEFAULT_MOUNT})
  --opensearch <url>     index into this OpenSearch endpoint instead of printing NDJSON
  --sign <mode>          auto | sigv4 | none (default auto: sigv4 for https, none for http)
  --batch-size <n>       documents per bulk request, 1-10000 (default 1000)
  --allow-empty          accept a dataset with no objects when indexing
  --help                 print this text

NDJSON goes to stdout and progress to stderr; use \`npm run --silent catalog -- ...\` to keep npm's
banner out of stdout.`;

/** Command-line problem: names the flag, the value and what is allowed. Exit code 2. */
export class UsageError extends Error {
  constructor(flag: string, value: unknown, problem: string, allowed: string) {
    super(new CatalogInputError(flag, value, problem, allowed).message);
    this.name = "UsageError";
  }
}

const VALUE_FLAGS = ["--region", "--dataset", "--s3", "--path", "--keys", "--endpoint", "--reader", "--mount", "--opensearch", "--sign", "--batch-size"] as const;
const SWITCHES = ["--sort-keys", "--allow-empty", "--help"] as const;
const REPEATABLE = new Set(["--dataset", "--s3", "--path", "--keys"]);
type ValueFlag = (typeof VALUE_FLAGS)[number];
type Switch = (typeof SWITCHES)[number];

/** Parsed command line. */
export interface CliOptions {
  readonly region: string;
  readonly datasets: readonly DatasetContext[];
  /** One keys file per dataset, or empty to list the buckets. */
  readonly keys: readonly string[];
  readonly sortKeys: boolean;
  readonly endpoint?: string;
  readonly reader: "listing" | "sdk";
  readonly opensearch?: { readonly node: string; readonly signing: "sigv4" | "none" };
  readonly batchSize: number;
  readonly allowEmpty: boolean;
}

/** Parses and validates the arguments (without `node script`); returns "help" for `--help`. */
export function parseCli(argv: readonly string[]): CliOptions | "help" {
  const values = new Map<ValueFlag, string[]>();
  const switches = new Set<Switch>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if ((SWITCHES as readonly string[]).includes(flag)) {
      if (eq !== -1) {
        throw new UsageError(flag, arg.slice(eq + 1), "takes no value", "the flag alone");
      }
      switches.add(flag as Switch);
      continue;
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      throw new UsageError(arg.startsWith("-") ? flag : "argument", arg, "is not an option", [...VALUE_FLAGS, ...SWITCHES].join(", "));
    }
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || (eq === -1 && value.startsWith("--"))) {
      throw new UsageError(flag, value, "needs a value", `${flag} <value>`);
    }
    const list = values.get(flag as ValueFlag) ?? [];
    if (list.length > 0 && !REPEATABLE.has(flag)) {
      throw new UsageError(flag, value, `is given more than once (first: ${JSON.stringify(list[0])})`, "one value");
    }
    list.push(value);
    values.set(flag as ValueFlag, list);
  }
  if (switches.has("--help")) {
    return "help";
  }
  const one = (flag: ValueFlag): string | undefined => values.get(flag)?.[0];
  const all = (flag: ValueFlag): string[] => values.get(flag) ?? [];

  const region = one("--region");
  if (region === undefined) {
    throw new UsageError("--region", undefined, "is required", "a Region name such as us-east-1");
  }
  const names = all("--dataset");
  if (names.length === 0) {
    throw new UsageError("--dataset", undefined, "is required", "at least one --dataset <name> --s3 <uri> --path <dir>");
  }
  for (const flag of ["--s3", "--path"] as const) {
    if (all(flag).length !== names.length) {
      throw new UsageError(flag, all(flag), `is given ${all(flag).length} time(s) for ${names.length} --dataset`, `one ${flag} per --dataset, in the same order`);
    }
  }
  const keys = all("--keys");
  if (keys.length !== 0 && keys.length !== names.length) {
    throw new UsageError("--keys", keys, `is given ${keys.length} time(s) for ${names.length} --dataset`, "one --keys per --dataset, or none to list the buckets");
  }
  for (const file of keys) {
    if (!existsSync(file)) {
      throw new UsageError("--keys", file, "does not exist", "a readable keys file");
    }
  }
  if (switches.has("--sort-keys") && keys.length === 0) {
    throw new UsageError("--sort-keys", true, "only applies with --keys", "--keys <file> --sort-keys");
  }
  const endpoint = one("--endpoint");
  if (endpoint !== undefined) {
    if (keys.length > 0) {
      throw new UsageError("--endpoint", endpoint, "cannot be combined with --keys", "either --keys files or a bucket listing");
    }
    checkEndpoint(endpoint, "--endpoint");
  }
  const reader = one("--reader") ?? "listing";
  if (reader !== "listing" && reader !== "sdk") {
    throw new UsageError("--reader", reader, "is not a ListObjectsV2 reader", "listing or sdk");
  }
  if (keys.length > 0 && values.has("--reader")) {
    throw new UsageError("--reader", reader, "only applies to bucket listings", "--reader without --keys");
  }
  const specs: DatasetSpec[] = names.map((name, i) => ({ name, s3: all("--s3")[i]!, path: all("--path")[i]! }));
  const nth = (index: number) => (names.length === 1 ? "" : ` (dataset #${index + 1})`);
  const flagOf: Record<keyof DatasetSpec, string> = { name: "--dataset", s3: "--s3", path: "--path" };
  const datasets = resolveDatasets(
    specs,
    { region, mount: one("--mount") ?? DEFAULT_MOUNT, regionField: "--region", mountField: "--mount" },
    (index, part) => `${flagOf[part]}${nth(index)}`,
  );

  const sign = one("--sign") ?? "auto";
  if (sign !== "auto" && sign !== "sigv4" && sign !== "none") {
    throw new UsageError("--sign", sign, "is not a signing mode", "auto, sigv4 or none");
  }
  const opensearchUrl = one("--opensearch");
  if (opensearchUrl === undefined && values.has("--sign")) {
    throw new UsageError("--sign", sign, "only applies with --opensearch", "--opensearch <url> --sign <mode>");
  }
  const batchText = one("--batch-size") ?? "1000";
  const batchSize = Number(batchText);
  if (!/^\d+$/.test(batchText) || batchSize < 1 || batchSize > 10_000) {
    throw new UsageError("--batch-size", batchText, "is not a whole number from 1 to 10000", "1-10000");
  }
  let opensearch: CliOptions["opensearch"];
  if (opensearchUrl !== undefined) {
    const node = checkEndpoint(opensearchUrl, "--opensearch");
    opensearch = { node, signing: sign === "auto" ? (node.startsWith("https:") ? "sigv4" : "none") : sign };
  }
  return {
    region: datasets[0]!.region,
    datasets,
    keys,
    sortKeys: switches.has("--sort-keys"),
    ...(endpoint === undefined ? {} : { endpoint }),
    reader,
    ...(opensearch === undefined ? {} : { opensearch }),
    batchSize,
    allowEmpty: switches.has("--allow-empty"),
  };
}

/** Where the CLI writes, and the environment it reads (for tests). */
export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /**
   * Environment for `AWS_REGION`, the SigV4 Region of an OpenSearch endpoint that does not name
   * one (default `process.env`). AWS credentials always come from the SDK's default chain.
   */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs the CLI; resolves to the exit code (0 ok, 1 failure, 2 bad arguments). */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions | "help";
  try {
    options = parseCli(argv);
  } catch (error) {
    if (error instanceof CatalogInputError || error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (options === "help") {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const s3 =
    options.keys.length > 0
      ? null
      : createS3Client({ region: options.region, reader: options.reader, ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }) });
  const pages = (index: number): AsyncIterable<readonly ObjectEntry[]> => {
    const dataset = options.datasets[index]!;
    if (s3 === null) {
      const keysFile = options.keys[index]!;
      return options.sortKeys ? readUnsortedKeyFilePages(keysFile, dataset.prefix) : readKeyFilePages(keysFile, dataset.prefix);
    }
    return listObjectPages(s3, { bucket: dataset.bucket, prefix: dataset.prefix });
  };
  // Indexing lists buckets in shards, in parallel; printing keeps S3 order (one listing per dataset).
  const regionDatasets = options.datasets.map((dataset, i): RegionDataset => (s3 === null ? { dataset, pages: () => pages(i) } : { dataset, source: s3ListingSource(s3, dataset.bucket) }));
  try {
    if (options.opensearch === undefined) {
      await printDocuments(options.datasets, pages, io.stdout);
    } else {
      await indexDocuments(options, options.opensearch, regionDatasets, io);
    }
    return 0;
  } catch (error) {
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    s3?.destroy();
  }
}

/** Object pages of the dataset at an index of `CliOptions.datasets`. */
type PageSource = (index: number) => AsyncIterable<readonly ObjectEntry[]>;

async function printDocuments(datasets: readonly DatasetContext[], pages: PageSource, stdout: Writable): Promise<void> {
  for (let i = 0; i < datasets.length; i++) {
    for await (const documents of catalogDocuments(pages(i), datasets[i]!)) {
      let chunk = "";
      for (const document of documents) {
        chunk += toNdjsonLine(document);
      }
      await write(stdout, chunk);
    }
  }
}

async function indexDocuments(
  options: CliOptions,
  opensearch: NonNullable<CliOptions["opensearch"]>,
  datasets: readonly RegionDataset[],
  io: CliIo,
): Promise<void> {
  const env = io.env ?? process.env;
  const signingRegion = domainRegion(opensearch.node) ?? env.AWS_REGION ?? options.region;
  const client = createOpenSearchClient({
    node: opensearch.node,
    signing: opensearch.signing === "sigv4" ? { region: signingRegion } : null,
  });
  try {
    const result = await refreshRegionCatalog({
      api: openSearchCatalogApi(client),
      region: options.region,
      datasets,
      bulk: { maxDocuments: options.batchSize },
      allowEmptyDataset: options.allowEmpty,
      log: (event) => io.stderr.write(`${JSON.stringify(event)}\n`),
    });
    await write(io.stdout, `${JSON.stringify(result)}\n`);
  } finally {
    await client.close();
  }
}

function write(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
