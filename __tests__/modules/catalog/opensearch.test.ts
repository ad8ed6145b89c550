import { createHash } from "crypto";
import { checkEndpoint, createOpenSearchClient, domainRegion, openSearchCatalogApi } from "../../../modules/catalog/opensearch";
import { startFakeOpenSearch, type FakeOpenSearch } from "../../fixtures/catalog/fake-opensearch";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session-token" };

describe("domainRegion", () => {
  it("reads the Region of Amazon OpenSearch Service endpoints", () => {
    expect(domainRegion("https://search-catalog-abc123.eu-west-2.es.amazonaws.com")).toBe("eu-west-2");
    expect(domainRegion("https://vpc-catalog-abc123.us-east-1.es.amazonaws.com:443")).toBe("us-east-1");
    expect(domainRegion("http://127.0.0.1:9200")).toBeNull();
    expect(domainRegion("not a url")).toBeNull();
  });
});

describe("checkEndpoint", () => {
  it("returns the origin of an http(s) endpoint", () => {
    expect(checkEndpoint("https://search-catalog-abc123.eu-west-2.es.amazonaws.com/", "--opensearch")).toBe("https://search-catalog-abc123.eu-west-2.es.amazonaws.com");
    expect(checkEndpoint("http://127.0.0.1:9200", "--opensearch")).toBe("http://127.0.0.1:9200");
  });

  it("fails when the endpoint is not an http(s) URL without a path", () => {
    expect(() => checkEndpoint("search-catalog.es.amazonaws.com", "--opensearch")).toThrow(/^--opensearch: got "search-catalog.es.amazonaws.com": is not a URL/);
    expect(() => checkEndpoint("ftp://host", "OPENSEARCH_ENDPOINT")).toThrow(/^OPENSEARCH_ENDPOINT: got "ftp:\/\/host": is not an http\(s\) endpoint/);
    expect(() => checkEndpoint("https://host/catalog", "--opensearch")).toThrow(/without a path/);
  });
});

describe("openSearchCatalogApi over the official client", () => {
  let fake: FakeOpenSearch;

  beforeEach(async () => {
    fake = await startFakeOpenSearch({ indices: ["catalog_eu-west-2_20250101000000000"], aliases: { "catalog-eu-west-2": ["catalog_eu-west-2_20250101000000000"] } });
  });

  afterEach(async () => {
    await fake.close();
  });

  it("signs every request with SigV4 for service es when signing is on", async () => {
    const client = createOpenSearchClient({ node: fake.url, signing: { region: "eu-west-2", getCredentials: async () => CREDENTIALS } });
    const api = openSearchCatalogApi(client);
    await api.createIndex("catalog_eu-west-2_20250102000000000");
    const ndjson = '{"index":{"_id":"era5:a"}}\n{"id":"era5:a"}\n';
    await api.bulk("catalog_eu-west-2_20250102000000000", ndjson);
    expect(await api.aliasTargets("catalog-eu-west-2")).toEqual(["catalog_eu-west-2_20250101000000000"]);
    await client.close();

    expect(fake.requests).toHaveLength(3);
    for (const request of fake.requests) {
      expect(request.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-2\/es\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      expect(request.headers["x-amz-security-token"]).toBe("session-token");
      expect(request.headers["x-amz-content-sha256"]).toBe(createHash("sha256").update(request.body).digest("hex"));
    }
    expect(fake.requests[1]!.body).toBe(ndjson);
  });

  it("sends no authorization header when signing is off", async () => {
    const client = createOpenSearchClient({ node: fake.url, signing: null });
    await openSearchCatalogApi(client).refresh("catalog_eu-west-2_20250101000000000");
    await client.close();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.headers.authorization).toBeUndefined();
  });

  it("reads a missing alias as no targets, and bulk item errors as text", async () => {
    const client = createOpenSearchClient({ node: fake.url, signing: null });
    const api = openSearchCatalogApi(client);
    expect(await api.aliasTargets("catalog-us-east-1")).toEqual([]);
    fake.bulkFailure = { id: /bad/, status: 400, type: "strict_dynamic_mapping_exception", reason: "mapping set to strict, dynamic introduction of [extra] is not allowed" };
    const items = await api.bulk("catalog_eu-west-2_20250101000000000", '{"index":{"_id":"ok"}}\n{}\n{"index":{"_id":"bad"}}\n{}\n');
    expect(items).toEqual([
      { id: "ok", status: 201 },
      { id: "bad", status: 400, error: "strict_dynamic_mapping_exception: mapping set to strict, dynamic introduction of [extra] is not allowed" },
    ]);
    expect(await api.listIndices("catalog_eu-west-2_")).toEqual(["catalog_eu-west-2_20250101000000000"]);
    await client.close();
  });

  it("fails when creating an index that exists", async () => {
    const client = createOpenSearchClient({ node: fake.url, signing: null });
    await expect(openSearchCatalogApi(client).createIndex("catalog_eu-west-2_20250101000000000")).rejects.toThrow(/resource_already_exists_exception/);
    await client.close();
  });
});
