/**
 * An S3 stand-in for the catalog benchmark and tests: ListObjectsV2 (path-style, S3's XML) over
 * synthetic buckets with the real key layouts (`synthetic-bucket.ts`), generated lazily in S3
 * order, at most 1,000 keys a page, with a configurable latency per request (default 50 ms, about
 * what a ListObjectsV2 page of 1,000 keys takes in-Region); and, on a second port, the few
 * OpenSearch endpoints the indexer calls, with a `_bulk` that checks the NDJSON shape and counts
 * documents without keeping them.
 *
 *   npx tsx scripts/catalog/s3-standin.ts --bucket cmip6:20000000 [--bucket era5:1000000] [--latency-ms 50] [--bulk-latency-ms 50]
 *
 * prints one JSON line (`{"s3": "http://127.0.0.1:<port>", "opensearch": "...", "buckets": [...]}`)
 * and serves until its stdin closes. `GET /_standin/stats` on the S3 port returns the request
 * counts (a bucket name cannot start with `_`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "http";
import type { AddressInfo } from "net";
import { listBucket, syntheticBucket, type SyntheticBucket } from "./synthetic-bucket";

/** What the stand-in has served so far. */
export interface StandInStats {
  listRequests: number;
  delimiterRequests: number;
  keysListed: number;
  bulkRequests: number;
  bulkDocuments: number;
  /** Documents per index. */
  indices: Record<string, number>;
}

/** Options of `startStandIn`. */
export interface StandInOptions {
  readonly buckets: readonly SyntheticBucket[];
  /** Delay before every S3 response. @default 50 */
  readonly latencyMs?: number;
  /** Delay before every OpenSearch `_bulk` response. @default 50 */
  readonly bulkLatencyMs?: number;
}

/** A running stand-in. */
export interface StandIn {
  readonly s3: string;
  readonly opensearch: string;
  readonly stats: StandInStats;
  close(): Promise<void>;
}

const XML_ESCAPES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;" };

function escapeXml(text: string): string {
  return /[&<>"'\r]/.test(text) ? text.replace(/[&<>"'\r]/g, (c) => XML_ESCAPES[c]!) : text;
}

const isoCache = new Map<number, string>();
function iso(ms: number): string {
  let text = isoCache.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (isoCache.size < 100_000) {
      isoCache.set(ms, text);
    }
  }
  return text;
}

function s3Error(response: ServerResponse, status: number, code: string, message: string, resource: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><Resource>${escapeXml(resource)}</Resource><RequestId>STANDIN</RequestId></Error>`;
  response.writeHead(status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

function element(name: string, value: string | undefined): string {
  return value === undefined ? "" : `<${name}>${escapeXml(value)}</${name}>`;
}

/** ListObjectsV2 for one request, or an S3 error. */
function handleS3(buckets: ReadonlyMap<string, SyntheticBucket>, stats: StandInStats, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? "/", "http://stand-in");
  if (url.pathname === "/_standin/stats") {
    const body = JSON.stringify(stats);
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    response.end(body);
    return;
  }
  const name = decodeURIComponent(url.pathname.split("/")[1] ?? "");
  const bucket = buckets.get(name);
  if (bucket === undefined) {
    s3Error(response, 404, "NoSuchBucket", "The specified bucket does not exist", `/${name}`);
    return;
  }
  const query = url.searchParams;
  if (request.method !== "GET" || query.get("list-type") !== "2" || url.pathname.split("/").filter(Boolean).length !== 1) {
    s3Error(response, 501, "NotImplemented", "the stand-in serves ListObjectsV2 only", url.pathname);
    return;
  }
  if (query.has("encoding-type")) {
    s3Error(response, 400, "InvalidArgument", "the stand-in does not URL-encode keys", url.pathname);
    return;
  }
  const maxKeysText = query.get("max-keys");
  const maxKeys = maxKeysText === null ? 1000 : Number(maxKeysText);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    s3Error(response, 400, "InvalidArgument", "Provided max-keys not an integer or within integer range", url.pathname);
    return;
  }
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? undefined;
  const startAfter = query.get("start-after") ?? undefined;
  const token = query.get("continuation-token") ?? undefined;
  let result;
  try {
    result = listBucket(bucket, {
      prefix,
      maxKeys,
      ...(delimiter === undefined ? {} : { delimiter }),
      ...(startAfter === undefined ? {} : { startAfter }),
      ...(token === undefined ? {} : { continuationToken: token }),
    });
  } catch {
    s3Error(response, 400, "InvalidArgument", "The continuation token provided is incorrect", url.pathname);
    return;
  }
  stats.listRequests += 1;
  if (delimiter !== undefined) {
    stats.delimiterRequests += 1;
  }
  stats.keysListed += result.contents.length;
  const parts: string[] = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${escapeXml(bucket.name)}</Name>`,
    `<Prefix>${escapeXml(prefix)}</Prefix>`,
    element("StartAfter", startAfter),
    element("ContinuationToken", token),
    `<KeyCount>${result.contents.length + result.commonPrefixes.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>`,
    element("Delimiter", delimiter),
    `<IsTruncated>${result.isTruncated}</IsTruncated>`,
    element("NextContinuationToken", result.nextContinuationToken),
  ];
  // Built in pieces of at most ~32 KiB: V8 allocates strings over 128 KiB in its large-object
  // space, at a cost of milliseconds each (see WINDOW_BYTES in modules/catalog/listing-reader.ts).
  const buffers: Buffer[] = [];
  let piece = parts.join("");
  const flush = () => {
    buffers.push(Buffer.from(piece, "utf8"));
    piece = "";
  };
  for (const object of result.contents) {
    piece += `<Contents><Key>${escapeXml(object.key)}</Key><LastModified>${iso(object.lastModified)}</LastModified><ETag>&quot;0f343b0931126a20f133d67c2b018a3b&quot;</ETag><Size>${object.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
    if (piece.length > 32_768) {
      flush();
    }
  }
  for (const common of result.commonPrefixes) {
    piece += `<CommonPrefixes><Prefix>${escapeXml(common)}</Prefix></CommonPrefixes>`;
    if (piece.length > 32_768) {
      flush();
    }
  }
  piece += "</ListBucketResult>";
  flush();
  const body = Buffer.concat(buffers);
  response.writeHead(200, { "content-type": "application/xml", "content-length": body.length, "x-amz-request-id": "STANDIN" });
  response.end(body);
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** The OpenSearch endpoints `openSearchCatalogApi` calls, over counters instead of documents. */
function handleOpenSearch(state: { indices: Map<string, number>; aliases: Map<string, Set<string>> }, stats: StandInStats, request: IncomingMessage, body: string, response: ServerResponse): void {
  const url = new URL(request.url ?? "/", "http://stand-in");
  const parts = decodeURIComponent(url.pathname).split("/").filter((part) => part !== "");
  const method = request.method ?? "GET";
  if (method === "PUT" && parts.length === 1) {
    if (state.indices.has(parts[0]!)) {
      json(response, 400, { error: { type: "resource_already_exists_exception", reason: `index [${parts[0]}] already exists` }, status: 400 });
      return;
    }
    state.indices.set(parts[0]!, 0);
    json(response, 200, { acknowledged: true, shards_acknowledged: true, index: parts[0] });
    return;
  }
  if ((method === "POST" || method === "PUT") && parts[1] === "_bulk") {
    const index = parts[0]!;
    if (!state.indices.has(index)) {
      json(response, 404, { error: { type: "index_not_found_exception", reason: `no such index [${index}]` }, status: 404 });
      return;
    }
    const lines = body.split("\n");
    if (lines[lines.length - 1] === "") {
      lines.pop();
    }
    const items: string[] = [];
    for (let i = 0; i < lines.length; i += 2) {
      let id: string | undefined;
      try {
        id = (JSON.parse(lines[i]!) as { index?: { _id?: string } }).index?._id;
      } catch {
        id = undefined;
      }
      const source = lines[i + 1];
      if (id === undefined || source === undefined || !source.startsWith('{"id":')) {
        json(response, 400, { error: { type: "parse_exception", reason: `malformed bulk item at line ${i + 1}` }, status: 400 });
        return;
      }
      items.push(`{"index":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(id)},"status":201,"result":"created"}}`);
    }
    stats.bulkRequests += 1;
    stats.bulkDocuments += items.length;
    state.indices.set(index, (state.indices.get(index) ?? 0) + items.length);
    stats.indices[index] = state.indices.get(index)!;
    const text = `{"took":1,"errors":false,"items":[${items.join(",")}]}`;
    response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
    response.end(text);
    return;
  }
  if ((method === "POST" || method === "GET") && parts[1] === "_refresh") {
    json(response, 200, { _shards: { total: 1, successful: 1, failed: 0 } });
    return;
  }
  if (method === "GET" && parts[0] === "_alias" && parts.length === 2) {
    const targets = state.aliases.get(parts[1]!);
    if (targets === undefined || targets.size === 0) {
      json(response, 404, { error: `alias [${parts[1]}] missing`, status: 404 });
      return;
    }
    json(response, 200, Object.fromEntries([...targets].map((index) => [index, { aliases: { [parts[1]!]: {} } }])));
    return;
  }
  if (method === "POST" && parts[0] === "_aliases") {
    const { actions } = JSON.parse(body) as { actions: Record<string, { index: string; alias: string }>[] };
    for (const action of actions) {
      const [kind, target] = Object.entries(action)[0]!;
      const set = state.aliases.get(target.alias) ?? new Set<string>();
      if (kind === "add") {
        set.add(target.index);
      } else {
        set.delete(target.index);
      }
      state.aliases.set(target.alias, set);
    }
    json(response, 200, { acknowledged: true });
    return;
  }
  if (method === "GET" && parts[0] === "_cat" && parts[1] === "indices") {
    const pattern = parts[2] ?? "*";
    const prefix = pattern.endsWith("*") ? pattern.slice(0, -1) : pattern;
    json(response, 200, [...state.indices.keys()].filter((name) => name.startsWith(prefix)).map((index) => ({ index })));
    return;
  }
  if (method === "DELETE" && parts.length === 1) {
    for (const name of parts[0]!.split(",")) {
      state.indices.delete(name);
    }
    json(response, 200, { acknowledged: true });
    return;
  }
  json(response, 400, { error: { type: "standin_unsupported", reason: `${method} ${url.pathname}` }, status: 400 });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Starts the stand-in on two loopback ports. */
export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const latencyMs = options.latencyMs ?? 50;
  const bulkLatencyMs = options.bulkLatencyMs ?? 50;
  const buckets = new Map(options.buckets.map((bucket) => [bucket.name, bucket]));
  const stats: StandInStats = { listRequests: 0, delimiterRequests: 0, keysListed: 0, bulkRequests: 0, bulkDocuments: 0, indices: {} };
  const state = { indices: new Map<string, number>(), aliases: new Map<string, Set<string>>() };
  const s3 = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      setTimeout(() => handleS3(buckets, stats, request, response), request.url?.startsWith("/_standin/") === true ? 0 : latencyMs);
    });
  });
  const opensearch = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const delay = request.url?.includes("/_bulk") === true ? bulkLatencyMs : 0;
      setTimeout(() => handleOpenSearch(state, stats, request, body, response), delay);
    });
  });
  s3.keepAliveTimeout = 60_000;
  opensearch.keepAliveTimeout = 60_000;
  const [s3Url, openSearchUrl] = await Promise.all([listen(s3), listen(opensearch)]);
  const close = (server: Server) =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    s3: s3Url,
    opensearch: openSearchUrl,
    stats,
    close: async () => {
      await Promise.all([close(s3), close(opensearch)]);
    },
  };
}

async function main(args: readonly string[]): Promise<void> {
  const buckets: SyntheticBucket[] = [];
  let latencyMs = 50;
  let bulkLatencyMs = 50;
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i];
    const value = args[i + 1] ?? "";
    if (flag === "--bucket") {
      const [layout, count] = value.split(":");
      if ((layout !== "cmip6" && layout !== "era5") || !/^\d+$/.test(count ?? "")) {
        throw new Error(`--bucket: got ${JSON.stringify(value)}: is not <layout>:<objects>; allowed: cmip6:<n> or era5:<n>`);
      }
      buckets.push(syntheticBucket(layout, Number(count)));
    } else if (flag === "--latency-ms" || flag === "--bulk-latency-ms") {
      if (!/^\d+$/.test(value)) {
        throw new Error(`${flag}: got ${JSON.stringify(value)}: is not a whole number of milliseconds; allowed: e.g. ${flag} 50`);
      }
      if (flag === "--latency-ms") {
        latencyMs = Number(value);
      } else {
        bulkLatencyMs = Number(value);
      }
    } else {
      throw new Error(`${flag}: is not an option; allowed: --bucket, --latency-ms, --bulk-latency-ms`);
    }
  }
  const standIn = await startStandIn({ buckets, latencyMs, bulkLatencyMs });
  process.stdout.write(
    `${JSON.stringify({
      s3: standIn.s3,
      opensearch: standIn.opensearch,
      pid: process.pid,
      buckets: buckets.map(({ name, objects, datasetUri, datasetObjects, datasetUnits }) => ({ name, objects, datasetUri, datasetObjects, datasetUnits })),
    })}\n`,
  );
  process.stdin.on("end", () => {
    void standIn.close().then(() => process.exit(0));
  });
  process.stdin.resume();
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });
}
