import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { Writable } from "stream";
import { main, parseCli } from "../../../scripts/catalog/cli";
import { LOCAL_S3_CREDENTIALS } from "../../../scripts/catalog/local-s3";
import { CMIP6_KEYS, ERA5_KEYS, startFixtureS3, startSeededS3, type SeededS3 } from "../../fixtures/catalog/fixtures";
import { startFakeOpenSearch } from "../../fixtures/catalog/fake-opensearch";
import type { CatalogDocument } from "../../../modules/catalog/types";

const ROOT = resolve(__dirname, "..", "..", "..");

/** A Writable that keeps what is written. */
function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  return Object.assign(stream, { text: () => chunks.join("") });
}

async function run(args: readonly string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(args, { stdout, stderr, env: {} });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function documents(stdout: string): CatalogDocument[] {
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as CatalogDocument);
}

const ERA5_ARGS = ["--region", "us-east-1", "--dataset", "era5", "--s3", "s3://era5-pds", "--path", "/era5"];
const CMIP6_ARGS = ["--dataset", "cmip6", "--s3", "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC", "--path", "/cmip6"];

describe("catalog CLI with keys files", () => {
  it("prints 11 ERA5 documents as NDJSON", async () => {
    const { code, stdout, stderr } = await run([...ERA5_ARGS, "--keys", ERA5_KEYS]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const docs = documents(stdout);
    expect(docs).toHaveLength(11);
    expect(docs[5]).toMatchObject({ id: "era5:2018/01/main.nc", name: "main", lustre_path: "/fsx/era5/2018/01/main.nc", size_bytes: 8_573_926_401 });
    expect(stdout.endsWith("}\n")).toBe(true);
  });

  it("prints 3 CMIP6 documents from the MOHC prefix of a whole-bucket keys file, under --mount", async () => {
    const { code, stdout } = await run(["--region", "us-west-2", ...CMIP6_ARGS, "--keys", CMIP6_KEYS, "--mount", "/mnt/lustre"]);
    expect(code).toBe(0);
    const docs = documents(stdout);
    expect(docs.map((d) => d.lustre_path)).toEqual([
      "/mnt/lustre/cmip6/HadGEM3-GC31-LL/ssp245/r1i1p1f3/day/tasmax/gn/v20200114",
      "/mnt/lustre/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/pr/gn/v20190726",
      "/mnt/lustre/cmip6/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726",
    ]);
    expect(docs.map((d) => d.object_count)).toEqual([6, 12, 28]);
  });

  it("accepts bare keys (null sizes and dates) and sorts them with --sort-keys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "catalog-cli-"));
    try {
      const file = join(dir, "keys.txt");
      writeFileSync(file, "2018/01/main.nc\n2018/01/data/snow_density.nc\n");
      const { code, stdout } = await run([...ERA5_ARGS, "--keys", file, "--sort-keys"]);
      expect(code).toBe(0);
      expect(documents(stdout).map((d) => [d.name, d.size_bytes, d.last_modified])).toEqual([
        ["snow_density", null, null],
        ["main", null, null],
      ]);
      const unsorted = await run([...ERA5_ARGS, "--keys", file]);
      expect(unsorted.code).toBe(1);
      expect(unsorted.stderr).toMatch(/key "2018\/01\/data\/snow_density.nc" arrived after "2018\/01\/main.nc"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints usage with --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm run catalog -- --region <region>/);
  });
});

describe("catalog CLI argument errors", () => {
  const cases: readonly [string, readonly string[], RegExp][] = [
    ["--region is missing", ["--dataset", "era5", "--s3", "s3://era5-pds", "--path", "/era5"], /^error: --region: got nothing \(missing\): is required; allowed: a Region name/],
    ["--region is not a Region", ["--region", "US-EAST-1", "--dataset", "era5", "--s3", "s3://era5-pds", "--path", "/era5"], /^error: --region: got "US-EAST-1": is not a known AWS Region; allowed:/],
    ["--s3 is not an S3 URI", ["--region", "us-east-1", "--dataset", "era5", "--s3", "https://era5-pds", "--path", "/era5"], /^error: --s3: got "https:\/\/era5-pds": is not an S3 URI; allowed: s3:\/\/<bucket>/],
    ["--path is relative", ["--region", "us-east-1", "--dataset", "era5", "--s3", "s3://era5-pds", "--path", "era5"], /^error: --path: got "era5": is not an absolute directory path/],
    ["--dataset is not a valid name", ["--region", "us-east-1", "--dataset", "ERA5", "--s3", "s3://era5-pds", "--path", "/era5"], /^error: --dataset: got "ERA5": is not a valid dataset name/],
    ["an option is unknown", [...ERA5_ARGS, "--bucket", "era5-pds"], /^error: --bucket: got "--bucket": is not an option; allowed: --region, --dataset/],
    ["a flag has no value", [...ERA5_ARGS, "--mount"], /^error: --mount: got nothing \(missing\): needs a value/],
    ["--s3 and --dataset counts differ", [...ERA5_ARGS, "--dataset", "cmip6"], /^error: --s3: got \["s3:\/\/era5-pds"\]: is given 1 time\(s\) for 2 --dataset/],
    ["a --keys file does not exist", [...ERA5_ARGS, "--keys", "/nonexistent/keys.txt"], /^error: --keys: got "\/nonexistent\/keys.txt": does not exist/],
    ["--batch-size is out of range", [...ERA5_ARGS, "--keys", ERA5_KEYS, "--batch-size", "0"], /^error: --batch-size: got "0": is not a whole number from 1 to 10000/],
    ["--sign is not a mode", [...ERA5_ARGS, "--opensearch", "http://127.0.0.1:9", "--sign", "maybe"], /^error: --sign: got "maybe": is not a signing mode; allowed: auto, sigv4 or none/],
    ["--sign comes without --opensearch", [...ERA5_ARGS, "--keys", ERA5_KEYS, "--sign", "none"], /^error: --sign: got "none": only applies with --opensearch/],
    ["--sort-keys comes without --keys", [...ERA5_ARGS, "--sort-keys"], /^error: --sort-keys: got true: only applies with --keys/],
    ["--endpoint is combined with --keys", [...ERA5_ARGS, "--keys", ERA5_KEYS, "--endpoint", "http://127.0.0.1:9"], /^error: --endpoint: got "http:\/\/127.0.0.1:9": cannot be combined with --keys/],
    ["--opensearch is not a URL", [...ERA5_ARGS, "--opensearch", "catalog.local"], /^error: --opensearch: got "catalog.local": is not a URL/],
    ["--region is repeated", [...ERA5_ARGS, "--region", "us-west-2"], /^error: --region: got "us-west-2": is given more than once/],
    ["the second dataset is invalid", [...ERA5_ARGS, ...CMIP6_ARGS.slice(0, 3), "cmip6-pds", "--path", "/cmip6"], /^error: --s3 \(dataset #2\): got "cmip6-pds": is not an S3 URI/],
  ];

  it.each(cases)("fails when %s, with exit code 2", async (_name, args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toContain("usage: npm run catalog");
  });

  it("fails with exit code 2 from the real process", () => {
    const result = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/catalog/cli.ts", "--region", "mars-north-1", "--dataset", "era5", "--s3", "s3://era5-pds", "--path", "/era5"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: --region: got "mars-north-1": is not a known AWS Region/);
  });

  it("parses repeated dataset flags in order", () => {
    const options = parseCli([...ERA5_ARGS, ...CMIP6_ARGS, "--batch-size=250"]);
    expect(options).not.toBe("help");
    if (options !== "help") {
      expect(options.datasets.map((d) => `${d.name} ${d.bucket}/${d.prefix} ${d.lustreRoot}`)).toEqual(["era5 era5-pds/ /fsx/era5", "cmip6 cmip6-pds/CMIP6/ScenarioMIP/MOHC/ /fsx/cmip6"]);
      expect(options.batchSize).toBe(250);
    }
  });
});

describe("catalog CLI against s3rver and a fake OpenSearch", () => {
  let s3: SeededS3;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  // Printing lists each dataset in one S3-ordered listing (s3rver); indexing lists in shards,
  // which needs S3's delimiter semantics (the stand-in).
  let standIn: Awaited<ReturnType<typeof startFixtureS3>>;

  beforeAll(async () => {
    s3 = await startSeededS3();
    standIn = await startFixtureS3();
    process.env.AWS_ACCESS_KEY_ID = LOCAL_S3_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_S3_CREDENTIALS.secretAccessKey;
  });

  afterAll(async () => {
    await s3.close();
    await standIn.close();
    for (const [name, value] of [["AWS_ACCESS_KEY_ID", saved.id], ["AWS_SECRET_ACCESS_KEY", saved.secret]] as const) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  });

  it("lists two buckets through --endpoint and prints 14 documents", async () => {
    const { code, stdout, stderr } = await run([...ERA5_ARGS, ...CMIP6_ARGS, "--endpoint", s3.endpoint]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const docs = documents(stdout);
    expect(docs).toHaveLength(14);
    expect(docs.filter((d) => d.dataset === "era5")).toHaveLength(11);
    expect(docs.filter((d) => d.dataset === "cmip6").map((d) => d.variable)).toEqual(["tasmax", "pr", "tas"]);
  });

  it("indexes into --opensearch, unsigned for an http URL, and prints the summary", async () => {
    const fake = await startFakeOpenSearch();
    try {
      const { code, stdout, stderr } = await run([...ERA5_ARGS, "--endpoint", standIn.endpoint, "--opensearch", fake.url, "--batch-size", "5"]);
      expect(code).toBe(0);
      const summary = JSON.parse(stdout);
      expect(summary).toMatchObject({ alias: "catalog-us-east-1", documents: 11, bulkRequests: 3, datasets: [{ name: "era5", objects: 26, documents: 11 }] });
      expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual([summary.index]);
      expect(fake.indices.get(summary.index)!.size).toBe(11);
      expect(fake.requests.every((request) => request.headers.authorization === undefined)).toBe(true);
      expect(stderr.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line).event)).toEqual([
        "index-created",
        "dataset-indexed",
        "alias-swapped",
        "old-indices-deleted",
      ]);
    } finally {
      await fake.close();
    }
  });

  it("signs OpenSearch requests with --sign sigv4 using the default credential chain", async () => {
    const fake = await startFakeOpenSearch();
    try {
      const { code } = await run(["--region", "us-west-2", ...CMIP6_ARGS, "--keys", CMIP6_KEYS, "--opensearch", fake.url, "--sign", "sigv4"]);
      expect(code).toBe(0);
      expect(fake.requests.length).toBeGreaterThanOrEqual(5);
      for (const request of fake.requests) {
        expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-west-2\/es\/aws4_request/);
      }
    } finally {
      await fake.close();
    }
  });

  it("fails with exit code 1 and leaves the catalog untouched when indexing fails", async () => {
    const fake = await startFakeOpenSearch({ indices: ["catalog_us-east-1_20240101000000000"], aliases: { "catalog-us-east-1": ["catalog_us-east-1_20240101000000000"] } });
    fake.bulkFailure = { id: /QuickStart/, status: 400, type: "mapper_parsing_exception", reason: "bad document" };
    try {
      const { code, stdout, stderr } = await run([...ERA5_ARGS, "--endpoint", standIn.endpoint, "--opensearch", fake.url]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/error: bulk into index catalog_us-east-1_\d{17}: 1 item rejected; first: id "era5:QuickStart.ipynb" status 400: mapper_parsing_exception: bad document/);
      expect([...fake.indices.keys()]).toEqual(["catalog_us-east-1_20240101000000000"]);
      expect([...fake.aliases.get("catalog-us-east-1")!]).toEqual(["catalog_us-east-1_20240101000000000"]);
    } finally {
      await fake.close();
    }
  });
});
