import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { createS3Client, listObjectPages } from "../../../modules/catalog/s3-listing";
import { LOCAL_S3_CREDENTIALS, seedLocalS3, startLocalS3 } from "../../../scripts/catalog/local-s3";

describe("local S3", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "catalog-local-s3-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves objects seeded into its filesystem layout, paginated, in key order", async () => {
    const keys: string[] = [];
    for (let store = 0; store < 40; store++) {
      const base = `CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r${store + 10}i1p1f2/Amon/tas/gn/v20190726/`;
      for (const member of [".zattrs", ".zgroup", ".zmetadata", "lat/0", "tas/.zarray", "tas/0.0.0"]) {
        keys.push(base + member);
      }
    }
    keys.push("pangeo-cmip6.csv");
    const server = await startLocalS3(dir, ["cmip6-pds"]);
    const client = createS3Client({ region: "us-west-2", endpoint: server.endpoint, credentials: LOCAL_S3_CREDENTIALS, reader: "sdk" });
    try {
      const written = await seedLocalS3(dir, "cmip6-pds", keys.map((key) => ({ key, body: `body of ${key}` })), 16);
      expect(written).toBe(241);
      const listed = [];
      for await (const page of listObjectPages(client, { bucket: "cmip6-pds", prefix: "" }, { pageSize: 100 })) {
        listed.push(...page);
      }
      expect(listed.map((entry) => entry.key)).toEqual(keys);
      expect(listed.map((entry) => entry.size)).toEqual(keys.map((key) => Buffer.byteLength(`body of ${key}`)));
      const page = await client.send(new ListObjectsV2Command({ Bucket: "cmip6-pds", MaxKeys: 1 }));
      expect(page.Contents?.[0]?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it("fails when the port is taken", async () => {
    const first = await startLocalS3(dir, ["a-bucket"]);
    try {
      const port = Number(new URL(first.endpoint).port);
      await expect(startLocalS3(dir, ["a-bucket"], port)).rejects.toThrow(/s3rver exited with code 1 before listening: Error: listen EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
