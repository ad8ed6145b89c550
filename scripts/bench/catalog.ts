/**
 * Benchmark of the catalog refresh at dataset scale, against the S3 stand-in
 * (`scripts/catalog/s3-standin.ts`: synthetic buckets with the real ERA5 and CMIP6 key layouts,
 * S3's paging and a latency per request, plus an OpenSearch `_bulk` endpoint). Prints one JSON
 * line per case:
 *
 * - `parallel`: the production path, as the indexer task runs it: shard discovery, parallel
 *   listing with the official S3 client (and its ListObjectsV2 reader), grouping, bulk requests,
 *   alias swap; for every layout and size (default 1 M and 20 M keys).
 * - `parallel-sdk-reader`: the same with the SDK's own XML deserialiser (`reader: "sdk"`), at the
 *   first size: why the reader exists.
 * - `sequential`: the baseline, the indexer before sharding: one ListObjectsV2 loop, the SDK's
 *   deserialiser, one bulk request at a time; measured at `--baseline-keys` (default 1 M) and
 *   extrapolated to every size at the measured rate (`extrapolated: true`).
 * - `inprocess`: grouping, documents and NDJSON alone on generated pages (no S3, no HTTP).
 *
 * Each case runs in a child process of its own, with the Fargate task's Node.js options
 * (`INDEXER_NODE_OPTIONS`), so peak RSS (`process.resourceUsage().maxRSS`) is the indexer's own;
 * the stand-in runs in a further process (its CPU is reported). Every line carries the machine's
 * load average. Exits 1 when a `parallel` case misses a target:
 * >= 200,000 keys/s end to end, peak RSS < 300 MB.
 *
 *   npm run bench:catalog -- [--sizes 1000000,20000000] [--layouts cmip6,era5] [--latency-ms 50]
 *                            [--baseline-keys 1000000] [--only parallel,sequential,inprocess] [--save]
 *
 * `--save` also writes every line to docs/figures/catalog.json (the README's figures).
 */
import { fork, spawn, type ChildProcess } from "child_process";
import { readFileSync } from "fs";
import { loadavg } from "os";
import { createInterface } from "readline";
import { resolve } from "path";
import {
  CatalogPipeline,
  createOpenSearchClient,
  createS3Client,
  listObjectPages,
  openSearchCatalogApi,
  parseS3Uri,
  refreshRegionCatalog,
  resolveDatasets,
  s3ListingSource,
  toNdjsonLine,
  type ObjectEntry,
} from "../../modules/catalog";
import { INDEXER_NODE_OPTIONS } from "../../modules/catalog/runner";
import { cmip6Bucket } from "../catalog/synthetic-bucket";
import { saveFigures } from "../readme/save";

/** Targets of the issue. */
const TARGET_KEYS_PER_S = 200_000;
const TARGET_PEAK_RSS_MB = 300;
/** Lambda's hard limit per invocation. */
const LAMBDA_LIMIT_S = 900;

const REPOSITORY_ROOT = resolve(__dirname, "..", "..");
const CREDENTIALS = { accessKeyId: "standin", secretAccessKey: "standin" };

type Layout = "cmip6" | "era5";

interface StandInInfo {
  readonly s3: string;
  readonly opensearch: string;
  readonly pid: number;
  readonly buckets: readonly { name: string; objects: number; datasetUri: string; datasetObjects: number; datasetUnits: number }[];
}

/** Child-side description of a run. */
interface RunSpec {
  readonly mode: "parallel" | "sequential";
  readonly layout: Layout;
  readonly reader: "listing" | "sdk";
  readonly s3: string;
  readonly opensearch: string;
  readonly datasetUri: string;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function load(): number[] {
  return loadavg().map((value) => round(value, 2));
}

/** CPU seconds a process has used so far (Linux /proc), or null elsewhere. */
function processCpuSeconds(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** Child: one refresh against the stand-in. */
async function childRun(spec: RunSpec): Promise<Record<string, unknown>> {
  const region = spec.layout === "cmip6" ? "us-west-2" : "us-east-1";
  const dataset = resolveDatasets([{ name: spec.layout, s3: spec.datasetUri, path: `/${spec.layout}` }], { region, mount: "/fsx" })[0]!;
  const s3 = createS3Client({ region, endpoint: spec.s3, credentials: CREDENTIALS, reader: spec.reader });
  const opensearch = createOpenSearchClient({ node: spec.opensearch, signing: null });
  const { bucket } = parseS3Uri(spec.datasetUri, "dataset");
  const source = s3ListingSource(s3, bucket);
  let sequentialRequests = 0;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await refreshRegionCatalog({
    api: openSearchCatalogApi(opensearch),
    region,
    datasets: [
      spec.mode === "parallel"
        ? { dataset, source }
        : { dataset, pages: () => listObjectPages(s3, { bucket, prefix: dataset.prefix }, { onRequest: () => (sequentialRequests += 1) }) },
    ],
    ...(spec.mode === "sequential" ? { concurrency: { shards: 1, bulk: 1 } } : {}),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  s3.destroy();
  await opensearch.close();
  const keys = result.datasets[0]!.objects;
  return {
    keys,
    documents: result.documents,
    shards: result.datasets[0]!.shards,
    seconds: round(seconds, 2),
    keys_per_s: Math.round(keys / seconds),
    list_requests: spec.mode === "parallel" ? source.requests : sequentialRequests,
    bulk_requests: result.bulkRequests,
    indexer_cpu_s: round((used.user + used.system) / 1e6, 2),
    indexer_cpu_us_per_key: round((used.user + used.system) / keys, 2),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1),
  };
}

/** Child: grouping, documents and NDJSON alone on generated CMIP6 pages. */
async function childInProcess(keys: number): Promise<Record<string, unknown>> {
  const bucket = cmip6Bucket(keys);
  const dataset = resolveDatasets([{ name: "cmip6", s3: bucket.datasetUri, path: "/cmip6" }], { region: "us-west-2", mount: "/fsx" })[0]!;
  const { allObjects } = await import("../catalog/synthetic-bucket");
  const started = process.hrtime.bigint();
  const pipeline = new CatalogPipeline(dataset);
  let page: ObjectEntry[] = [];
  let chars = 0;
  let count = 0;
  for (const object of allObjects(bucket)) {
    if (!object.key.startsWith(dataset.prefix)) {
      continue;
    }
    page.push(object);
    count += 1;
    if (page.length === 1000) {
      for (const document of pipeline.push(page)) {
        chars += toNdjsonLine(document).length;
      }
      page = [];
    }
  }
  for (const document of [...pipeline.push(page), ...pipeline.finish()]) {
    chars += toNdjsonLine(document).length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { keys: count, documents: pipeline.counts.documents, ndjson_mb: round(chars / 1e6, 1), seconds: round(seconds, 2), keys_per_s: Math.round(count / seconds), peak_rss_mb: round(process.resourceUsage().maxRSS / 1024, 1) };
}

/** Runs this file as a child for one case and resolves to the JSON it prints. */
function runChild(args: readonly string[]): Promise<Record<string, unknown>> {
  return new Promise((resolvePromise, reject) => {
    // The indexer runs with the Fargate task's Node.js options.
    const child = fork(__filename, ["--child", ...args], { stdio: ["ignore", "pipe", "inherit", "ipc"], execArgv: [...process.execArgv, INDEXER_NODE_OPTIONS] });
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("exit", (code) => {
      const line = out.split("\n").find((text) => text.startsWith("{"));
      if (code !== 0 || line === undefined) {
        reject(new Error(`benchmark child ${args.join(" ")} exited with code ${code}`));
      } else {
        resolvePromise(JSON.parse(line) as Record<string, unknown>);
      }
    });
  });
}

/** Starts the stand-in in its own process. */
async function startStandInProcess(layout: Layout, objects: number, latencyMs: number): Promise<{ info: StandInInfo; child: ChildProcess }> {
  const child = spawn(process.execPath, [...process.execArgv, resolve(__dirname, "..", "catalog", "s3-standin.ts"), "--bucket", `${layout}:${objects}`, "--latency-ms", String(latencyMs), "--bulk-latency-ms", String(latencyMs)], {
    cwd: REPOSITORY_ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const line = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (text) => {
      lines.close();
      done(text);
    });
    child.once("exit", (code) => fail(new Error(`the S3 stand-in exited with code ${code} before listening`)));
  });
  return { info: JSON.parse(line) as StandInInfo, child };
}

async function stopStandIn(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  child.stdin!.end();
  await exited;
}

async function standInStats(s3: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${s3}/_standin/stats`);
  return (await response.json()) as Record<string, unknown>;
}

/** Every line printed, for `--save`. */
const printed: Record<string, unknown>[] = [];

function print(result: Record<string, unknown>): void {
  printed.push(result);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function list(args: readonly string[], name: string, fallback: string): string[] {
  const index = args.indexOf(name);
  return (index === -1 ? fallback : (args[index + 1] ?? "")).split(",").filter((value) => value !== "");
}

function whole(value: string, name: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new Error(`${name}: got ${JSON.stringify(value)}: is not a positive whole number; allowed: e.g. ${name} 1000000`);
  }
  return Number(value);
}

/** One case against a fresh stand-in; returns the printed line. */
async function runCase(name: string, mode: RunSpec["mode"], reader: RunSpec["reader"], layout: Layout, objects: number, latencyMs: number): Promise<Record<string, unknown>> {
  const { info, child } = await startStandInProcess(layout, objects, latencyMs);
  try {
    const bucket = info.buckets[0]!;
    const loadBefore = load();
    const serverCpuBefore = processCpuSeconds(info.pid);
    const spec: RunSpec = { mode, layout, reader, s3: info.s3, opensearch: info.opensearch, datasetUri: bucket.datasetUri };
    const result = await runChild(["run", JSON.stringify(spec)]);
    const serverCpuAfter = processCpuSeconds(info.pid);
    const stats = await standInStats(info.s3);
    const line = {
      case: name,
      layout,
      dataset: bucket.datasetUri,
      latency_ms: latencyMs,
      ...result,
      documents_expected: bucket.datasetUnits,
      standin_list_requests: stats.listRequests,
      standin_delimiter_requests: stats.delimiterRequests,
      standin_bulk_documents: stats.bulkDocuments,
      standin_cpu_s: serverCpuBefore === null || serverCpuAfter === null ? null : round(serverCpuAfter - serverCpuBefore, 2),
      load_before: loadBefore,
      load_after: load(),
    };
    print(line);
    return line;
  } finally {
    await stopStandIn(child);
  }
}

async function main(args: readonly string[]): Promise<number> {
  if (args[0] === "--child") {
    print(args[1] === "inprocess" ? await childInProcess(Number(args[2])) : await childRun(JSON.parse(args[2]!) as RunSpec));
    return 0;
  }
  const sizes = list(args, "--sizes", "1000000,20000000").map((value) => whole(value, "--sizes"));
  const layouts = list(args, "--layouts", "cmip6,era5");
  for (const layout of layouts) {
    if (layout !== "cmip6" && layout !== "era5") {
      throw new Error(`--layouts: got ${JSON.stringify(layout)}: is not a layout; allowed: cmip6, era5`);
    }
  }
  const latencyMs = whole(list(args, "--latency-ms", "50")[0] ?? "", "--latency-ms");
  const baselineKeys = whole(list(args, "--baseline-keys", "1000000")[0] ?? "", "--baseline-keys");
  const only = new Set(list(args, "--only", "inprocess,parallel,sequential"));
  let ok = true;

  if (only.has("inprocess")) {
    print({ case: "inprocess", layout: "cmip6", ...(await runChild(["inprocess", String(sizes[0])])), load_after: load() });
  }
  for (const layout of layouts as Layout[]) {
    if (only.has("sequential")) {
      const measured = await runCase("sequential", "sequential", "sdk", layout, baselineKeys, latencyMs);
      for (const size of sizes) {
        const seconds = size / (measured.keys_per_s as number);
        print({ case: "sequential", layout, keys: size, extrapolated: true, from_keys: measured.keys, keys_per_s: measured.keys_per_s, seconds: round(seconds, 0), minutes: round(seconds / 60, 1), fits_lambda_900s: seconds <= LAMBDA_LIMIT_S });
      }
    }
    if (only.has("parallel")) {
      for (const size of sizes) {
        const result = await runCase("parallel", "parallel", "listing", layout, size, latencyMs);
        const pass = (result.keys_per_s as number) >= TARGET_KEYS_PER_S && (result.peak_rss_mb as number) < TARGET_PEAK_RSS_MB && result.documents === result.documents_expected;
        ok = ok && pass;
        print({ case: "targets", layout, keys: result.keys, keys_per_s: result.keys_per_s, target_keys_per_s: TARGET_KEYS_PER_S, peak_rss_mb: result.peak_rss_mb, target_peak_rss_mb: TARGET_PEAK_RSS_MB, seconds: result.seconds, fits_lambda_900s: (result.seconds as number) <= LAMBDA_LIMIT_S, ok: pass });
      }
      if (layout === layouts[0]) {
        await runCase("parallel-sdk-reader", "parallel", "sdk", layout, sizes[0]!, latencyMs);
      }
    }
  }
  if (args.includes("--save")) {
    process.stderr.write(`figures saved to ${saveFigures("catalog", "npm run bench:catalog", printed)}\n`);
  }
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
