import { createHandler, parseEvent, runTask, START_RETRY } from "../../../scripts/catalog/lambda";
import { LOCAL_S3_CREDENTIALS } from "../../../scripts/catalog/local-s3";
import { startFixtureS3 } from "../../fixtures/catalog/fixtures";
import { startFakeOpenSearch, type FakeOpenSearch } from "../../fixtures/catalog/fake-opensearch";

const SIGNING_CREDENTIALS = { accessKeyId: "AKIDLAMBDA", secretAccessKey: "secret", sessionToken: "token" };
const NOW = () => new Date(Date.UTC(2025, 5, 1));
const CMIP6_EVENT = {
  region: "us-west-2",
  datasets: [
    { name: "cmip6", s3: "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC", path: "/cmip6" },
    { name: "cmip6-ncar", s3: "s3://cmip6-pds/CMIP6/ScenarioMIP/NCAR", path: "/cmip6-ncar" },
  ],
};

describe("parseEvent", () => {
  it("accepts the documented event", () => {
    expect(parseEvent({ ...CMIP6_EVENT, mount: "/lustre" })).toEqual({ ...CMIP6_EVENT, mount: "/lustre" });
  });

  it("fails when the event is not an object or has no datasets", () => {
    expect(() => parseEvent("us-west-2")).toThrow(/^event: got "us-west-2": is not an object/);
    expect(() => parseEvent({ region: "us-west-2", datasets: [] })).toThrow(/^datasets: got \[\]: is not a non-empty array/);
    expect(() => parseEvent({ datasets: CMIP6_EVENT.datasets })).toThrow(/^region: got nothing \(missing\): is not a string/);
    expect(() => parseEvent({ region: "us-west-2", datasets: ["s3://cmip6-pds"] })).toThrow(/^datasets\[0\]: got "s3:\/\/cmip6-pds": is not an object/);
    expect(() => parseEvent({ ...CMIP6_EVENT, mount: 7 })).toThrow(/^mount: got 7: is not a string/);
  });
});

describe("catalog indexer Lambda handler", () => {
  let s3: Awaited<ReturnType<typeof startFixtureS3>>;
  let fake: FakeOpenSearch;
  let events: Record<string, unknown>[];

  beforeAll(async () => {
    s3 = await startFixtureS3();
  });

  afterAll(async () => {
    await s3.close();
  });

  beforeEach(async () => {
    fake = await startFakeOpenSearch({ indices: ["catalog_us-west-2_20250501000000000"], aliases: { "catalog-us-west-2": ["catalog_us-west-2_20250501000000000"] } });
    events = [];
  });

  afterEach(async () => {
    await fake.close();
  });

  function handler(env: NodeJS.ProcessEnv = {}) {
    return createHandler({
      env: { OPENSEARCH_ENDPOINT: fake.url, OPENSEARCH_REGION: "eu-west-2", S3_ENDPOINT: s3.endpoint, ...env },
      getCredentials: async () => SIGNING_CREDENTIALS,
      s3Credentials: LOCAL_S3_CREDENTIALS,
      now: NOW,
      log: (event) => events.push({ ...event }),
    });
  }

  it("rebuilds the Region's index from all its datasets and returns counts per dataset", async () => {
    const result = await handler()(CMIP6_EVENT);
    expect(result).toMatchObject({
      region: "us-west-2",
      alias: "catalog-us-west-2",
      index: "catalog_us-west-2_20250601000000000",
      previous: ["catalog_us-west-2_20250501000000000"],
      deleted: ["catalog_us-west-2_20250501000000000"],
      documents: 4,
      retriedDocuments: 0,
      datasets: [
        { name: "cmip6", objects: 46, documents: 3 },
        { name: "cmip6-ncar", objects: 5, documents: 1 },
      ],
    });
    expect("durationMs" in result && result.durationMs).toBeGreaterThanOrEqual(0);
    expect([...fake.aliases.get("catalog-us-west-2")!]).toEqual(["catalog_us-west-2_20250601000000000"]);
    const docs = [...fake.indices.get("catalog_us-west-2_20250601000000000")!.values()];
    expect(docs.map((d) => d.id)).toEqual([
      "cmip6:HadGEM3-GC31-LL/ssp245/r1i1p1f3/day/tasmax/gn/v20200114/",
      "cmip6:UKESM1-0-LL/ssp585/r1i1p1f2/Amon/pr/gn/v20190726/",
      "cmip6:UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/",
      "cmip6-ncar:CESM2/ssp370/r4i1p1f1/Omon/tos/gn/v20190514/",
    ]);
    for (const request of fake.requests) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDLAMBDA\/\d{8}\/eu-west-2\/es\/aws4_request/);
    }
    expect(events.map((event) => event.event)).toEqual(["index-created", "dataset-indexed", "dataset-indexed", "alias-swapped", "old-indices-deleted"]);
  });

  it("uses the mount point of the event", async () => {
    await handler()({ region: "us-east-1", mount: "/lustre", datasets: [{ name: "era5", s3: "s3://era5-pds", path: "/era5" }] });
    const docs = [...fake.indices.get("catalog_us-east-1_20250601000000000")!.values()];
    expect(docs).toHaveLength(11);
    expect(docs.every((d) => String(d.lustre_path).startsWith("/lustre/era5/"))).toBe(true);
  });

  it("runs as the Fargate task: the event from INDEXER_EVENT, exit code 0, the result logged", async () => {
    const env = { OPENSEARCH_ENDPOINT: fake.url, OPENSEARCH_REGION: "eu-west-2", S3_ENDPOINT: s3.endpoint, INDEXER_EVENT: JSON.stringify(CMIP6_EVENT) };
    const code = await runTask(env, { getCredentials: async () => SIGNING_CREDENTIALS, s3Credentials: LOCAL_S3_CREDENTIALS, now: NOW, log: (event) => events.push({ ...event }) });
    expect(code).toBe(0);
    expect(events[events.length - 1]).toMatchObject({ event: "refresh-done", alias: "catalog-us-west-2", documents: 4 });
    expect([...fake.aliases.get("catalog-us-west-2")!]).toEqual(["catalog_us-west-2_20250601000000000"]);
  });

  it("exits with 1 when the task's run fails, leaving the alias untouched", async () => {
    const log = (event: Readonly<Record<string, unknown>>) => events.push({ ...event });
    expect(await runTask({ OPENSEARCH_ENDPOINT: fake.url }, { log })).toBe(1);
    expect(events[events.length - 1]).toEqual({ event: "refresh-failed", error: "INDEXER_EVENT: got nothing (missing): is not set; allowed: the indexer event as JSON: { region, mount, datasets }" });
    expect(await runTask({ OPENSEARCH_ENDPOINT: fake.url, INDEXER_EVENT: "{not json" }, { log })).toBe(1);
    expect(String(events[events.length - 1]!.error)).toMatch(/^INDEXER_EVENT: got "\{not json": is not JSON/);
    expect([...fake.aliases.get("catalog-us-west-2")!]).toEqual(["catalog_us-west-2_20250501000000000"]);
  });

  it("fails when OPENSEARCH_ENDPOINT is not set", async () => {
    await expect(handler({ OPENSEARCH_ENDPOINT: "" })(CMIP6_EVENT)).rejects.toThrow(/^OPENSEARCH_ENDPOINT: got "": is not set/);
    expect(fake.requests).toHaveLength(0);
  });

  it("fails when OPENSEARCH_SIGNING is not a mode", async () => {
    await expect(handler({ OPENSEARCH_SIGNING: "iam" })(CMIP6_EVENT)).rejects.toThrow(/^OPENSEARCH_SIGNING: got "iam": is not a signing mode; allowed: sigv4 or none/);
  });

  it("fails when a dataset's bucket cannot be listed, leaving the alias and old index untouched", async () => {
    const event = { region: "us-west-2", datasets: [...CMIP6_EVENT.datasets, { name: "gone", s3: "s3://no-such-bucket", path: "/gone" }] };
    await expect(handler({ OPENSEARCH_SIGNING: "none" })(event)).rejects.toThrow(/bucket does not exist/i);
    expect([...fake.aliases.get("catalog-us-west-2")!]).toEqual(["catalog_us-west-2_20250501000000000"]);
    expect([...fake.indices.keys()]).toEqual(["catalog_us-west-2_20250501000000000"]);
    expect(fake.calls()).toContain("DELETE /catalog_us-west-2_20250601000000000");
    expect(fake.calls()).not.toContain("POST /_aliases");
    expect(fake.requests.every((request) => request.headers.authorization === undefined)).toBe(true);
  });
});

describe("catalog indexer Lambda, start-pipeline action", () => {
  const ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:proximate-us-east-1-catalog-refresh";

  it("starts the Region's pipeline once and returns the execution", async () => {
    const started: string[] = [];
    const handler = createHandler({
      startExecution: async (arn) => {
        started.push(arn);
        return `${arn.replace(":stateMachine:", ":execution:")}:first`;
      },
    });
    await expect(handler({ action: "start-pipeline", stateMachineArn: ARN })).resolves.toEqual({
      action: "start-pipeline",
      executionArn: "arn:aws:states:us-east-1:123456789012:execution:proximate-us-east-1-catalog-refresh:first",
    });
    expect(started).toEqual([ARN]);
  });

  const denied = () => Object.assign(new Error("User is not authorized to perform: states:StartExecution"), { name: "AccessDeniedException" });

  it("retries AccessDenied with backoff while the new role policy propagates, then starts", async () => {
    let calls = 0;
    const slept: number[] = [];
    const logged: Record<string, unknown>[] = [];
    const handler = createHandler({
      startExecution: async (arn) => {
        calls += 1;
        if (calls <= 3) {
          throw denied();
        }
        return `${arn}:run`;
      },
      sleep: async (ms) => {
        slept.push(ms);
      },
      clock: () => slept.reduce((a, b) => a + b, 0),
      log: (entry) => logged.push(entry),
    });
    await expect(handler({ action: "start-pipeline", stateMachineArn: ARN })).resolves.toEqual({ action: "start-pipeline", executionArn: `${ARN}:run` });
    expect(slept).toEqual([2000, 4000, 8000]);
    expect(logged.map((entry) => entry.event)).toEqual(["start-pipeline-denied", "start-pipeline-denied", "start-pipeline-denied"]);
  });

  it("gives up on AccessDenied after the bounded wait, and never retries other errors", async () => {
    const slept: number[] = [];
    const clock = () => slept.reduce((a, b) => a + b, 0);
    const sleep = async (ms: number) => {
      slept.push(ms);
    };
    const always = createHandler({ startExecution: async () => Promise.reject(denied()), sleep, clock, log: () => undefined });
    await expect(always({ action: "start-pipeline", stateMachineArn: ARN })).rejects.toThrow(/not authorized/);
    expect(clock()).toBeLessThanOrEqual(START_RETRY.maxWaitMs);
    expect(Math.max(...slept)).toBe(START_RETRY.maxDelayMs);
    slept.length = 0;
    const missing = createHandler({
      startExecution: async () => Promise.reject(Object.assign(new Error("no such machine"), { name: "StateMachineDoesNotExist" })),
      sleep,
      clock,
    });
    await expect(missing({ action: "start-pipeline", stateMachineArn: ARN })).rejects.toThrow(/no such machine/);
    expect(slept).toEqual([]);
  });

  it("fails when the action is unknown", async () => {
    await expect(createHandler({ startExecution: async () => "x" })({ action: "reindex" })).rejects.toThrow(/^action: got "reindex": is not a known action/);
  });

  it("fails when the state machine ARN is not one", async () => {
    await expect(createHandler({ startExecution: async () => "x" })({ action: "start-pipeline", stateMachineArn: "my-machine" })).rejects.toThrow(
      /^stateMachineArn: got "my-machine": is not a state machine ARN/,
    );
  });
});
