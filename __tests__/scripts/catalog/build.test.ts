import { spawn } from "child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { bundleIndexer } from "../../../scripts/catalog/build";
import { LOCAL_S3_CREDENTIALS } from "../../../scripts/catalog/local-s3";
import { startFixtureS3 } from "../../fixtures/catalog/fixtures";
import { startFakeOpenSearch, type FakeOpenSearch } from "../../fixtures/catalog/fake-opensearch";

/** Runs `node -e code` in `cwd` with `env` and resolves to its stdout (rejects on a non-zero exit). */
function runNode(code: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", code], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("exit", (status) => (status === 0 ? resolve(out) : reject(new Error(`node exited with ${status}: ${err}`))));
  });
}

describe("bundleIndexer", () => {
  let dir: string;
  let s3: Awaited<ReturnType<typeof startFixtureS3>>;
  let fake: FakeOpenSearch;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "catalog-bundle-"));
    s3 = await startFixtureS3();
  });

  afterAll(async () => {
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    fake = await startFakeOpenSearch();
  });

  afterEach(async () => {
    await fake.close();
  });

  it("bundles a self-contained handler that indexes with SigV4 and default-chain credentials", async () => {
    const bundle = await bundleIndexer(join(dir, "bundled"));
    expect(bundle).toBe(join(dir, "bundled", "index.js"));
    const source = readFileSync(bundle, "utf8");
    expect(source.includes('require("@aws-sdk/client-s3")')).toBe(false);
    expect(source.includes('require("@opensearch-project/opensearch")')).toBe(false);
    expect(source.includes('require("zod")') || source.includes("$ZodObject")).toBe(false);
    expect(statSync(bundle).size).toBeGreaterThan(200_000);

    const event = { region: "us-east-1", datasets: [{ name: "era5", s3: "s3://era5-pds", path: "/era5" }] };
    const code = `require(${JSON.stringify(bundle)}).handler(${JSON.stringify(event)}).then((r) => process.stdout.write("RESULT " + JSON.stringify(r) + "\\n"))`;
    const stdout = await runNode(code, dir, {
      PATH: process.env.PATH,
      AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      AWS_REGION: "us-east-1",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      OPENSEARCH_ENDPOINT: fake.url,
      S3_ENDPOINT: s3.endpoint,
    });
    const result = JSON.parse(stdout.split("\n").find((line) => line.startsWith("RESULT "))!.slice(7));
    expect(result).toMatchObject({ region: "us-east-1", alias: "catalog-us-east-1", documents: 11, datasets: [{ name: "era5", objects: 26, documents: 11 }] });
    expect(fake.indices.get(result.index)!.size).toBe(11);
    for (const request of fake.requests) {
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/us-east-1\/es\/aws4_request/);
    }
  });

  it("can leave the AWS SDK to the Lambda runtime", async () => {
    const bundle = await bundleIndexer(join(dir, "external"), { externalAwsSdk: true });
    const source = readFileSync(bundle, "utf8");
    expect(source.includes('require("@aws-sdk/client-s3")')).toBe(true);
    expect(source.includes('require("@aws-sdk/credential-provider-node")')).toBe(true);
    expect(statSync(bundle).size).toBeLessThan(statSync(join(dir, "bundled", "index.js")).size);
  });
});
