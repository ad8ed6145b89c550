import { createServer, type Server } from "http";
import type { AddressInfo } from "net";
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from "@aws-sdk/client-s3";
import fc from "fast-check";
import { readListingLists } from "../../../modules/catalog/listing-reader";
import { createS3Client } from "../../../modules/catalog/s3-listing";

let server: Server;
let body = "";
let status = 200;
let listing: S3Client;
let sdk: S3Client;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      response.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credentials = { accessKeyId: "a", secretAccessKey: "b" };
  listing = createS3Client({ region: "us-east-1", endpoint, credentials });
  sdk = createS3Client({ region: "us-east-1", endpoint, credentials, reader: "sdk" });
});

afterAll(async () => {
  listing.destroy();
  sdk.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** What the indexer reads from a listing, from either reader. */
function view(output: ListObjectsV2CommandOutput) {
  return {
    contents: output.Contents?.map((object) => ({ key: object.Key, size: object.Size, modified: object.LastModified?.toISOString() })),
    prefixes: output.CommonPrefixes?.map((entry) => entry.Prefix),
    isTruncated: output.IsTruncated,
    next: output.NextContinuationToken,
    keyCount: output.KeyCount,
    prefix: output.Prefix,
    name: output.Name,
  };
}

async function both(): Promise<[unknown, unknown]> {
  const run = async (client: S3Client) => {
    try {
      return view(await client.send(new ListObjectsV2Command({ Bucket: "bucket" })));
    } catch (error) {
      return { error: (error as Error).name, message: (error as Error).message };
    }
  };
  return [await run(listing), await run(sdk)];
}

/** S3's escaping, sometimes as numeric references, which the readers must decode alike. */
function escape(text: string, numeric: boolean): string {
  return text.replace(/[&<>"'\r]/g, (c) => (numeric ? `&#${c.charCodeAt(0)};` : ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" } as Record<string, string>)[c]!));
}

const keyText = fc.oneof(
  fc.string({ minLength: 1, maxLength: 30 }),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
  fc.constantFrom("a&b", "<x>", "it's", 'say "hi"', "tab\there", "a\r\nb", "café/naïve", "emoji 🌍/x", "  spaced  ", "\n", "CMIP6/ScenarioMIP/MOHC/UKESM1-0-LL/ssp585/r1i1p1f2/Amon/tas/gn/v20190726/tas/0.0.0"),
);

describe("the ListObjectsV2 reader", () => {
  test("reads what the SDK's own deserialiser reads, on generated listings", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: keyText, size: fc.nat({ max: 2 ** 40 }), date: fc.integer({ min: 0, max: 4_102_444_800_000 }) }), { maxLength: 12 }),
        fc.array(keyText, { maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom("", "\n  "),
        async (objects, prefixes, truncated, numeric, indent) => {
          const contents = objects
            .map((o) => `${indent}<Contents><Key>${escape(o.key, numeric)}</Key><LastModified>${new Date(o.date).toISOString()}</LastModified><ETag>&quot;abc&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`)
            .join("");
          const common = prefixes.map((p) => `${indent}<CommonPrefixes><Prefix>${escape(p, numeric)}</Prefix></CommonPrefixes>`).join("");
          body =
            `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><Prefix>p&amp;q/</Prefix>` +
            `<KeyCount>${objects.length + prefixes.length}</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>${truncated}</IsTruncated>` +
            (truncated ? "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>" : "") +
            contents +
            common +
            `${indent}</ListBucketResult>`;
          status = 200;
          // The reader must take this body (not hand it back to the SDK) for the comparison to mean anything.
          expect(readListingLists(body)).not.toBeNull();
          const [fast, slow] = await both();
          expect(fast).toEqual(slow);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("reads a body larger than one decoding window (48 KiB) like the SDK", async () => {
    const names = ["a&b", "<x>", "café", "🌍", "plain", "it's"];
    const objects = Array.from({ length: 2500 }, (_, i) => `CMIP6/${names[i % names.length]}/${String(i).padStart(5, "0")}/${"x".repeat(i % 300)}`);
    const contents = objects.map((key, i) => `<Contents><Key>${escape(key, i % 2 === 0)}</Key><LastModified>2020-01-0${(i % 9) + 1}T00:00:00.000Z</LastModified><Size>${i}</Size></Contents>`).join("");
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>bucket</Name><IsTruncated>false</IsTruncated>${contents}<CommonPrefixes><Prefix>z/</Prefix></CommonPrefixes></ListBucketResult>`;
    status = 200;
    expect(Buffer.byteLength(body)).toBeGreaterThan(10 * 48 * 1024);
    const lists = readListingLists(Buffer.from(body));
    expect(lists?.contents.map((object) => object.Key)).toEqual(objects);
    const [fast, slow] = await both();
    expect(fast).toEqual(slow);
  });

  test("leaves error responses to the SDK", async () => {
    status = 403;
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>R</RequestId></Error>`;
    const [fast, slow] = await both();
    expect(fast).toEqual({ error: "AccessDenied", message: "Access Denied" });
    expect(fast).toEqual(slow);
  });

  test("leaves a body it does not recognise to the SDK", async () => {
    status = 200;
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult><Name>bucket</Name><Contents><Key>a<b/></Key><Size>1</Size></Contents></ListBucketResult>`;
    expect(readListingLists(body)).toBeNull();
    const [fast, slow] = await both();
    expect(fast).toEqual(slow);
  });

  test("returns only what the indexer reads from each object: key, size and date", async () => {
    status = 200;
    body = `<ListBucketResult><Contents><Key>k</Key><LastModified>2020-01-02T03:04:05.000Z</LastModified><ETag>&quot;e&quot;</ETag><Size>7</Size></Contents></ListBucketResult>`;
    const output = await listing.send(new ListObjectsV2Command({ Bucket: "bucket" }));
    expect(output.Contents).toEqual([{ Key: "k", Size: 7, LastModified: new Date("2020-01-02T03:04:05.000Z") }]);
  });
});
