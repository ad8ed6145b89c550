"""OpenSearch catalog backend at the HTTP level, against a loopback fake domain."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import FIXTURE_CATALOG
from proximate import Catalog, CatalogError, DatasetNotFound
from proximate.catalog import OpenSearchCatalog, region_from_endpoint

DOCS = [json.loads(line) for line in FIXTURE_CATALOG.read_text().splitlines()]
CREDS = Credentials("AKIDPROXIMATETEST", "secret/key/for/tests", "session-token-1")
AUTH = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<akid>[^/]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/es/"
    r"aws4_request, SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$")


def _matches(doc: dict[str, Any], clause: dict[str, Any]) -> bool:
    (kind, spec), = clause.items()
    (field, wanted), = spec.items()
    values = wanted if kind == "terms" else [wanted]
    return doc.get(field) is not None and doc[field] in values


class FakeDomain(BaseHTTPRequestHandler):
    """Answers `_search` like OpenSearch: bool/filter, sort by id, search_after, aggs."""

    requests: list[dict[str, Any]] = []
    status = 200

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        query = json.loads(body)
        self.requests.append({"path": self.path, "headers": dict(self.headers.items()),
                              "raw": body, "body": query})
        if self.status != 200:
            self._send(self.status, {"message": "User: anonymous is not authorized"})
            return
        if "aggs" in query:
            buckets: dict[str, set[str]] = {}
            for doc in DOCS:
                buckets.setdefault(doc["dataset"], set()).add(doc["region"])
            self._send(200, {"hits": {"hits": []}, "aggregations": {"datasets": {"buckets": [
                {"key": k, "doc_count": 1, "regions": {"buckets": [{"key": r} for r in v]}}
                for k, v in buckets.items()]}}})
            return
        clauses = query["query"]["bool"]["filter"]
        fields = [next(iter(s)) for s in query["sort"]]
        hits = sorted((d for d in DOCS if all(_matches(d, c) for c in clauses)),
                      key=lambda d: [d[f] for f in fields])
        if "search_after" in query:
            hits = [d for d in hits if [d[f] for f in fields] > query["search_after"]]
        page = hits[: query["size"]]
        self._send(200, {"hits": {"hits": [
            {"_index": f"catalog-{d['region']}-20250101000000000", "_id": d["id"],
             "_source": d, "sort": [d[f] for f in fields]} for d in page]}})

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def domain() -> Iterator[str]:
    FakeDomain.requests = []
    FakeDomain.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeDomain)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def verify_sigv4(request: dict[str, Any], url: str, creds: Credentials) -> re.Match[str]:
    """Recompute the SigV4 signature like the service would and compare."""
    match = AUTH.match(request["headers"]["Authorization"])
    assert match, request["headers"]["Authorization"]
    headers = {k: v for k, v in request["headers"].items()
               if k.lower() in match["signed"].split(";")}
    check = AWSRequest(method="POST", url=url + request["path"], data=request["raw"],
                       headers=headers)
    check.context["timestamp"] = request["headers"]["X-Amz-Date"]
    auth = SigV4Auth(creds, "es", match["region"])
    expected = auth.signature(auth.string_to_sign(check, auth.canonical_request(check)), check)
    assert match["sig"] == expected
    return match


def test_search_signs_pages_and_queries_every_region(domain: str) -> None:
    catalog = Catalog(OpenSearchCatalog(domain, region="eu-west-2", credentials=CREDS,
                                        page_size=3))
    entries = catalog.search("era5", variable="air_temperature_at_2_metres",
                             years=[2018, 2019], months=range(1, 4))
    assert [(e.year, e.month) for e in entries] == [
        (2018, 1), (2018, 2), (2018, 3), (2019, 1), (2019, 2), (2019, 3)]
    reqs = FakeDomain.requests
    assert [r["path"] for r in reqs] == ["/catalog-*/_search"] * 3  # 3 + 3 + 0 hits
    first = reqs[0]["body"]
    assert first == {
        "size": 3,
        "query": {"bool": {"filter": [
            {"term": {"dataset": "era5"}},
            {"terms": {"month": [1, 2, 3]}},
            {"term": {"variable": "air_temperature_at_2_metres"}},
            {"terms": {"year": [2018, 2019]}},
        ]}},
        "sort": [{"id": "asc"}, {"region": "asc"}],
    }
    assert "search_after" not in first
    assert reqs[1]["body"]["search_after"] == [
        "era5:2018/03/data/air_temperature_at_2_metres.nc", "us-east-1"]
    assert reqs[2]["body"]["search_after"] == [
        "era5:2019/03/data/air_temperature_at_2_metres.nc", "us-east-1"]
    for req in reqs:
        assert req["headers"]["Content-Type"] == "application/json"
        assert req["headers"]["X-Amz-Security-Token"] == "session-token-1"
        match = verify_sigv4(req, domain, CREDS)
        assert match["akid"] == "AKIDPROXIMATETEST" and match["region"] == "eu-west-2"
        assert {"host", "x-amz-date", "x-amz-security-token"} <= set(match["signed"].split(";"))


def test_same_answers_as_ndjson_backend(domain: str) -> None:
    remote = Catalog(OpenSearchCatalog(domain, region="eu-west-2", credentials=CREDS,
                                       page_size=2))
    local = Catalog.open(FIXTURE_CATALOG)
    query = {"experiment_id": "ssp585", "table_id": "Amon", "variable_id": "tas"}
    assert remote.search("cmip6", **query) == local.search("cmip6", **query)
    assert remote.search() == local.search()


def test_unknown_dataset_uses_aggregation(domain: str) -> None:
    catalog = Catalog(OpenSearchCatalog(domain, region="eu-west-2", credentials=CREDS))
    with pytest.raises(DatasetNotFound, match="datasets that exist: cmip6, era5"):
        catalog.search("era6")
    agg = FakeDomain.requests[-1]["body"]
    assert agg["size"] == 0 and agg["aggs"]["datasets"]["terms"]["field"] == "dataset"
    assert catalog.datasets() == {"cmip6": ["us-west-2"], "era5": ["us-east-1"]}


def test_forbidden_is_a_clear_error(domain: str) -> None:
    FakeDomain.status = 403
    catalog = Catalog(OpenSearchCatalog(domain, region="eu-west-2", credentials=CREDS))
    with pytest.raises(CatalogError, match=r"HTTP 403 \(the signing identity is not allowed"):
        catalog.search("era5")


def test_unreachable_domain_is_a_clear_error() -> None:
    from helpers import free_port

    url = f"http://127.0.0.1:{free_port()}"
    catalog = Catalog(OpenSearchCatalog(url, region="eu-west-2", credentials=CREDS, timeout=2))
    with pytest.raises(CatalogError, match="cannot reach the catalog at http://127.0.0.1"):
        catalog.search("era5")


def test_default_credential_chain_and_region(domain: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "env-secret")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("PROXIMATE_CATALOG_REGION", "eu-west-2")
    catalog = Catalog.open(domain)
    assert isinstance(catalog.backend, OpenSearchCatalog)
    catalog.search("cmip6", variable_id="pr")
    match = verify_sigv4(FakeDomain.requests[0], domain,
                         Credentials("AKIDFROMENV", "env-secret"))
    assert match["akid"] == "AKIDFROMENV" and match["region"] == "eu-west-2"


def test_region_from_endpoint() -> None:
    assert region_from_endpoint(
        "https://search-proximate-catalog-abc123.eu-west-2.es.amazonaws.com") == "eu-west-2"
    assert region_from_endpoint("https://vpc-x-y.us-gov-west-1.es.amazonaws.com/") == \
        "us-gov-west-1"
    assert region_from_endpoint("http://127.0.0.1:9200") is None
    with pytest.raises(ValueError, match="https:// URL"):
        OpenSearchCatalog("ftp://example", region="eu-west-2")
