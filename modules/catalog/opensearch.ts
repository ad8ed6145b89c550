import { Client, type ClientOptions } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { CatalogInputError } from "./errors";
import { CATALOG_INDEX_BODY } from "./mapping";
import type { BulkItemResult, CatalogIndexApi } from "./refresh";

/** AWS credentials as the SDK's providers return them. */
export type AwsCredentials = Awaited<ReturnType<ReturnType<typeof defaultProvider>>>;

/** SigV4 signing of OpenSearch requests (service `es`). */
export interface SigV4Signing {
  /** Region of the OpenSearch domain (not necessarily the Region being indexed). */
  readonly region: string;
  /** Credentials; default: the AWS SDK default provider chain. */
  readonly getCredentials?: () => Promise<AwsCredentials>;
}

/** How to reach the catalog's OpenSearch domain. */
export interface OpenSearchConnection {
  /** Endpoint URL, e.g. `https://search-catalog-abc.us-east-1.es.amazonaws.com` or `http://127.0.0.1:9200`. */
  readonly node: string;
  /** SigV4 signing, or null for an unsigned endpoint (local OpenSearch, tests). */
  readonly signing: SigV4Signing | null;
  /** Per-request timeout in milliseconds (default 60,000). */
  readonly requestTimeoutMs?: number;
}

const DOMAIN_HOST = /\.([a-z]{2}(?:-[a-z]+)+-\d+)\.es\.amazonaws\.com$/;

/** The Region of an Amazon OpenSearch Service endpoint (`*.<region>.es.amazonaws.com`), or null. */
export function domainRegion(endpoint: string): string | null {
  try {
    return DOMAIN_HOST.exec(new URL(endpoint).hostname)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Checks an OpenSearch endpoint URL (`http:` or `https:`, no path); `field` names it in errors. */
export function checkEndpoint(endpoint: string, field: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CatalogInputError(field, endpoint, "is not a URL", "http(s)://host[:port]");
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || (url.pathname !== "/" && url.pathname !== "")) {
    throw new CatalogInputError(field, endpoint, "is not an http(s) endpoint without a path", "http(s)://host[:port]");
  }
  return url.origin;
}

/** An official OpenSearch client for the connection, signing with SigV4 when asked to. */
export function createOpenSearchClient(connection: OpenSearchConnection): Client {
  const base: ClientOptions = {
    node: connection.node,
    requestTimeout: connection.requestTimeoutMs ?? 60_000,
    maxRetries: 3,
  };
  if (connection.signing === null) {
    return new Client(base);
  }
  const provider = connection.signing.getCredentials ?? defaultProvider();
  return new Client({
    ...base,
    ...AwsSigv4Signer({ region: connection.signing.region, service: "es", getCredentials: () => provider() }),
  });
}

interface RawBulkItem {
  readonly _id?: string;
  readonly status?: number;
  readonly error?: { readonly type?: string; readonly reason?: string } | string;
}

/** `CatalogIndexApi` over the official OpenSearch client. */
export function openSearchCatalogApi(client: Client): CatalogIndexApi {
  return {
    async createIndex(index) {
      await client.indices.create({ index, body: CATALOG_INDEX_BODY });
    },

    async bulk(index, ndjson) {
      const response = await client.transport.request({
        method: "POST",
        path: `/${encodeURIComponent(index)}/_bulk`,
        bulkBody: ndjson,
      });
      const body = response.body as { readonly items?: readonly Readonly<Record<string, RawBulkItem>>[] };
      return (body.items ?? []).map((entry): BulkItemResult => {
        const item = Object.values(entry)[0] ?? {};
        const error = item.error;
        const text =
          error === undefined ? undefined : typeof error === "string" ? error : `${error.type ?? "error"}: ${error.reason ?? ""}`;
        return text === undefined
          ? { id: item._id ?? "", status: item.status ?? 0 }
          : { id: item._id ?? "", status: item.status ?? 0, error: text };
      });
    },

    async refresh(index) {
      await client.indices.refresh({ index });
    },

    async aliasTargets(alias) {
      const response = await client.indices.getAlias({ name: alias }, { ignore: [404] });
      if (response.statusCode === 404) {
        return [];
      }
      return Object.keys(response.body as Record<string, unknown>);
    },

    async swapAlias(alias, add, remove) {
      const actions = [...remove.map((index) => ({ remove: { index, alias } })), { add: { index: add, alias } }];
      await client.indices.updateAliases({ body: { actions } });
    },

    async listIndices(prefix) {
      const response = await client.cat.indices({ index: `${prefix}*`, format: "json", h: ["index"] });
      const rows = response.body as unknown as readonly { readonly index?: string }[];
      return rows.flatMap((row) => (row.index === undefined ? [] : [row.index]));
    },

    async deleteIndices(indices) {
      if (indices.length > 0) {
        await client.indices.delete({ index: indices.join(","), ignore_unavailable: true });
      }
    },
  };
}
