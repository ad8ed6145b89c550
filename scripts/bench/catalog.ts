/**
 * Benchmark of the catalog indexer. Prints one JSON line per case:
 *
 * - `inprocess`: 1,000,000 synthetic CMIP6-shaped keys (generated lazily, in S3 order) through the
 *   in-process pipeline: group into stores, build documents, serialise NDJSON. Also times the key
 *   generator alone, to show what the pipeline itself costs.
 * - `s3-seed`: writing 100,000 such keys into a local s3rver's filesystem layout.
 * - `s3-raw-listing`: listing them with ListObjectsV2 (SDK only, no pipeline).
 * - `s3-pipeline`: listing them through the whole pipeline.
 * - `s3-limit`: which side limits the S3 cases, from the CPU each side used over the wall time.
 * - `s3-cleanup`: deleting the seeded files (about 200,000: object and `.md5` per key).
 *
 * Each measured case runs in its own child process, so peak RSS (`process.resourceUsage().maxRSS`)
 * is the case's own; s3rver runs in a further process (see `scripts/catalog/local-s3.ts`).
 * Targets: >= 200,000 keys/s in process, peak RSS < 300 MB. Exits 1 when a target is missed.
 *
 *   npx tsx scripts/bench/catalog.ts [--keys 1000000] [--s3-keys 100000] [--only inprocess|s3]
 */
import { fork } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  CatalogPipeline,
  compareKeys,
  createS3Client,
  listObjectPages,
  resolveDatasets,
  toNdjsonLine,
  type ObjectEntry,
} from "../../modules/catalog";
import { LOCAL_S3_CREDENTIALS, seedLocalS3, startLocalS3 } from "../catalog/local-s3";

/** Targets of the issue. */
const TARGET_KEYS_PER_S = 200_000;
const TARGET_PEAK_RSS_MB = 300;

const BUCKET = "cmip6-pds";
const PREFIX = "CMIP6/ScenarioMIP/MOHC/";
const DATASET = resolveDatasets([{ name: "cmip6", s3: `s3://${BUCKET}/${PREFIX}`, path: "/cmip6" }], { region: "us-west-2", mount: "/fsx" })[0]!;
const PAGE_SIZE = 1000;

const SOURCES = ["HadGEM3-GC31-LL", "HadGEM3-GC31-MM", "UKESM1-0-LL"];
const EXPERIMENTS = ["ssp126", "ssp245", "ssp370", "ssp585"];
const TABLES = ["Amon", "day"];
const VARIABLES = ["hurs", "pr", "psl", "tas", "tasmax", "tasmin", "uas", "vas"];
const CHUNKS = Array.from({ length: 20 }, (_, i) => `${i}.0.0`);

/** The objects of one store with data variable `variable`, as S3 lists them (43 keys). */
function storeMembers(variable: string): string[] {
  const members = [".zattrs", ".zgroup", ".zmetadata"];
  for (const coordinate of ["lat", "lat_bnds", "lon", "lon_bnds", "time", "time_bnds"]) {
    const chunk = coordinate.endsWith("_bnds") ? "0.0" : "0";
    members.push(`${coordinate}/.zarray`, `${coordinate}/.zattrs`, `${coordinate}/${chunk}`);
  }
  members.push(`${variable}/.zarray`, `${variable}/.zattrs`, ...CHUNKS.map((chunk) => `${variable}/${chunk}`));
  return members.sort(compareKeys);
}
const MEMBERS_BY_VARIABLE = new Map(VARIABLES.map((variable) => [variable, storeMembers(variable)]));

/** Yields `count` CMIP6-shaped keys in S3 order, one at a time (nothing is kept). */
function* cmip6Keys(count: number): Generator<string, void, undefined> {
  const perMember = SOURCES.length * EXPERIMENTS.length * TABLES.length * VARIABLES.length * storeMembers("tas").length;
  const members = Array.from({ length: Math.ceil(count / perMember) }, (_, i) => `r${i + 1}i1p1f2`).sort(compareKeys);
  let produced = 0;
  for (const source of SOURCES) {
    for (const experiment of EXPERIMENTS) {
      for (const member of members) {
        for (const table of TABLES) {
          for (const variable of VARIABLES) {
            const base = `${PREFIX}${source}/${experiment}/${member}/${table}/${variable}/gn/v20190726/`;
            for (const name of MEMBERS_BY_VARIABLE.get(variable)!) {
              if (produced === count) {
                return;
              }
              produced += 1;
              yield base + name;
            }
          }
        }
      }
    }
  }
}

/** Pages of synthetic listing entries, built lazily from `cmip6Keys`. */
function* syntheticPages(count: number): Generator<ObjectEntry[], void, undefined> {
  let page: ObjectEntry[] = [];
  let i = 0;
  for (const key of cmip6Keys(count)) {
    i += 1;
    page.push({ key, size: 1000 + (i % 5000), lastModified: 1_564_000_000_000 + i });
    if (page.length === PAGE_SIZE) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) {
    yield page;
  }
}

interface Measured {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

function measure(started: bigint, cpu: NodeJS.CpuUsage): Measured {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return {
    seconds: round(seconds, 3),
    cpuSeconds: round((used.user + used.system) / 1e6, 3),
    peakRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Runs pages through parse, group, build and NDJSON serialisation; returns documents and bytes. */
async function runPipeline(pages: AsyncIterable<readonly ObjectEntry[]> | Iterable<readonly ObjectEntry[]>) {
  const pipeline = new CatalogPipeline(DATASET);
  let bytes = 0;
  const serialise = (documents: readonly ReturnType<CatalogPipeline["finish"]>[number][]) => {
    for (const document of documents) {
      bytes += toNdjsonLine(document).length;
    }
  };
  for await (const page of pages) {
    serialise(pipeline.push(page));
  }
  serialise(pipeline.finish());
  return { ...pipeline.counts, ndjsonChars: bytes };
}

/** Child: the in-process case. */
async function childInProcess(keys: number): Promise<Record<string, unknown>> {
  let started = process.hrtime.bigint();
  let generated = 0;
  for (const page of syntheticPages(keys)) {
    generated += page.length;
  }
  const generateSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await runPipeline(syntheticPages(keys));
  const measured = measure(started, cpu);
  const keysPerSecond = Math.round(result.objects / measured.seconds);
  return {
    case: "inprocess",
    keys: result.objects,
    documents: result.documents,
    ndjson_mb: round(result.ndjsonChars / 1e6, 1),
    seconds: measured.seconds,
    keys_per_s: keysPerSecond,
    generate_only_keys_per_s: Math.round(generated / generateSeconds),
    peak_rss_mb: measured.peakRssMb,
    target_keys_per_s: TARGET_KEYS_PER_S,
    target_peak_rss_mb: TARGET_PEAK_RSS_MB,
    ok: keysPerSecond >= TARGET_KEYS_PER_S && measured.peakRssMb < TARGET_PEAK_RSS_MB,
  };
}

/** Child: list the local S3, with or without the pipeline. */
async function childS3(kind: "s3-raw-listing" | "s3-pipeline", endpoint: string): Promise<Record<string, unknown>> {
  const client = createS3Client({ region: "us-west-2", endpoint, credentials: LOCAL_S3_CREDENTIALS });
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const pages = listObjectPages(client, { bucket: BUCKET, prefix: PREFIX });
  let keys = 0;
  let documents: number | undefined;
  if (kind === "s3-raw-listing") {
    for await (const page of pages) {
      keys += page.length;
    }
  } else {
    const result = await runPipeline(pages);
    keys = result.objects;
    documents = result.documents;
  }
  const measured = measure(started, cpu);
  client.destroy();
  return {
    case: kind,
    keys,
    ...(documents === undefined ? {} : { documents }),
    seconds: measured.seconds,
    keys_per_s: Math.round(keys / measured.seconds),
    client_cpu_s: measured.cpuSeconds,
    peak_rss_mb: measured.peakRssMb,
    target_peak_rss_mb: TARGET_PEAK_RSS_MB,
    ok: measured.peakRssMb < TARGET_PEAK_RSS_MB,
  };
}

/** Runs this file as a child for one case and resolves to the JSON it prints. */
function runChild(args: readonly string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ["--child", ...args], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("exit", (code) => {
      const line = out.split("\n").find((text) => text.startsWith("{"));
      if (code !== 0 || line === undefined) {
        reject(new Error(`benchmark child ${args.join(" ")} exited with code ${code}`));
      } else {
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
  });
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

/** Peak RSS of a process in MB (Linux /proc VmHWM), or null elsewhere. */
function processPeakRssMb(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? null : round(Number(match[1]) / 1024, 1);
  } catch {
    return null;
  }
}

function print(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function benchS3(keys: number): Promise<boolean> {
  const directory = mkdtempSync(join(tmpdir(), "catalog-bench-s3-"));
  try {
    let started = process.hrtime.bigint();
    const body = Buffer.alloc(64, 0x61);
    const written = await seedLocalS3(directory, BUCKET, (function* () {
      for (const key of cmip6Keys(keys)) {
        yield { key, body };
      }
    })());
    const seedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    print({ case: "s3-seed", keys: written, seconds: round(seedSeconds, 3), keys_per_s: Math.round(written / seedSeconds), method: "s3rver filesystem layout, 64 files at a time" });

    const server = await startLocalS3(directory, [BUCKET]);
    let ok = true;
    try {
      const results: Record<string, unknown>[] = [];
      for (const kind of ["s3-raw-listing", "s3-pipeline"] as const) {
        const serverCpuBefore = processCpuSeconds(server.pid);
        started = process.hrtime.bigint();
        const result = await runChild([kind, server.endpoint]);
        const serverCpuAfter = processCpuSeconds(server.pid);
        const serverCpu = serverCpuBefore === null || serverCpuAfter === null ? null : round(serverCpuAfter - serverCpuBefore, 2);
        const seconds = result.seconds as number;
        const full = {
          ...result,
          server_cpu_s: serverCpu,
          client_cpu_share: round((result.client_cpu_s as number) / seconds, 2),
          server_cpu_share: serverCpu === null ? null : round(serverCpu / seconds, 2),
        };
        ok = ok && result.ok === true && result.keys === written;
        results.push(full);
        print(full);
      }
      const [raw, pipeline] = results as [Record<string, number>, Record<string, number>];
      print({
        case: "s3-limit",
        limit: raw.server_cpu_share !== null && raw.server_cpu_share > raw.client_cpu_share ? "server" : "client",
        raw_listing_keys_per_s: raw.keys_per_s,
        pipeline_keys_per_s: pipeline.keys_per_s,
        pipeline_vs_raw: round(pipeline.keys_per_s / raw.keys_per_s, 2),
        server_peak_rss_mb: processPeakRssMb(server.pid),
        note: "listing speed is set by the side whose CPU share is near 1.0; pipeline_vs_raw near 1 means the pipeline adds no bottleneck",
      });
    } finally {
      await server.close();
    }
    return ok;
  } finally {
    const started = process.hrtime.bigint();
    rmSync(directory, { recursive: true, force: true });
    print({ case: "s3-cleanup", seconds: round(Number(process.hrtime.bigint() - started) / 1e9, 3) });
  }
}

function flag(args: readonly string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  if (index === -1) {
    return fallback;
  }
  const value = Number(args[index + 1]);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name}: got ${JSON.stringify(args[index + 1])}: is not a positive whole number; allowed: e.g. ${name} ${fallback}`);
  }
  return value;
}

async function main(args: readonly string[]): Promise<number> {
  if (args[0] === "--child") {
    const result =
      args[1] === "inprocess" ? await childInProcess(Number(args[2])) : await childS3(args[1] as "s3-raw-listing" | "s3-pipeline", args[2]!);
    print(result);
    return 0;
  }
  const keys = flag(args, "--keys", 1_000_000);
  const s3Keys = flag(args, "--s3-keys", 100_000);
  const onlyIndex = args.indexOf("--only");
  const only = onlyIndex === -1 ? "all" : args[onlyIndex + 1];
  if (only !== "all" && only !== "inprocess" && only !== "s3") {
    throw new Error(`--only: got ${JSON.stringify(only)}: is not a case; allowed: inprocess, s3`);
  }
  let ok = true;
  if (only !== "s3") {
    const result = await runChild(["inprocess", String(keys)]);
    print(result);
    ok = ok && result.ok === true;
  }
  if (only !== "inprocess") {
    ok = (await benchS3(s3Keys)) && ok;
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
