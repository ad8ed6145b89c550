"""The notebook finds the catalog domain's endpoint at run time (OpenSearch DescribeDomain).

The boto3 client is real; botocore's Stubber answers instead of AWS and checks every request
and answer against the service model, so parameter names and shapes are AWS's own.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

boto3 = pytest.importorskip("boto3")
from botocore.stub import Stubber  # noqa: E402

from proximate import Catalog, CatalogError, OpenSearchCatalog, Settings  # noqa: E402
from proximate.catalog import resolve_catalog_endpoint  # noqa: E402

VPC_HOST = "vpc-proximate-catalog-abc123.eu-west-2.es.amazonaws.com"


def _status(**extra: Any) -> dict[str, Any]:
    status = {
        "DomainId": "123456789012/proximate-catalog",
        "DomainName": "proximate-catalog",
        "ARN": "arn:aws:es:eu-west-2:123456789012:domain/proximate-catalog",
        "ClusterConfig": {},
    }
    status.update(extra)
    return {"DomainStatus": status}


@pytest.fixture()
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Stubber]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = boto3.client("opensearch", region_name="eu-west-2")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_resolves_the_vpc_endpoint_by_name(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("describe_domain", _status(Endpoints={"vpc": VPC_HOST}),
                         {"DomainName": "proximate-catalog"})
    assert resolve_catalog_endpoint("proximate-catalog", "eu-west-2", client=client) == f"https://{VPC_HOST}"


def test_a_public_domain_endpoint_also_works(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("describe_domain", _status(Endpoint="search-x.eu-west-2.es.amazonaws.com"))
    assert resolve_catalog_endpoint("proximate-catalog", client=client) == "https://search-x.eu-west-2.es.amazonaws.com"


def test_a_domain_still_being_created_is_a_clear_error(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_response("describe_domain", _status(Processing=True, Created=True))
    with pytest.raises(CatalogError, match=r"'proximate-catalog' is still being created .*try again later"):
        resolve_catalog_endpoint("proximate-catalog", client=client)


def test_a_missing_domain_names_the_settings(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error("describe_domain", "ResourceNotFoundException", "Domain not found: nope")
    with pytest.raises(CatalogError, match=r"no OpenSearch domain 'nope' .*PROXIMATE_CATALOG_DOMAIN"):
        resolve_catalog_endpoint("nope", "eu-west-2", client=client)


def test_access_denied_names_the_permission(stubbed: tuple[Any, Stubber]) -> None:
    client, stubber = stubbed
    stubber.add_client_error("describe_domain", "AccessDeniedException", "not authorized", 403)
    with pytest.raises(CatalogError, match=r"AccessDeniedException \(the notebook role needs es:DescribeDomain"):
        resolve_catalog_endpoint("proximate-catalog", client=client)


def test_no_region_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PROXIMATE_CATALOG_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CatalogError, match="set PROXIMATE_CATALOG_REGION"):
        resolve_catalog_endpoint("proximate-catalog")


def test_open_looks_the_domain_up_from_the_kernel_environment(monkeypatch: pytest.MonkeyPatch,
                                                              stubbed: tuple[Any, Stubber]) -> None:
    """What the SageMaker lifecycle sets: PROXIMATE_CATALOG_DOMAIN and PROXIMATE_CATALOG_REGION."""
    client, stubber = stubbed
    stubber.add_response("describe_domain", _status(Endpoints={"vpc": VPC_HOST}), {"DomainName": "proximate-catalog"})
    asked: list[str | None] = []

    def fake_client(service: str, region_name: str | None = None) -> Any:
        assert service == "opensearch"
        asked.append(region_name)
        return client

    monkeypatch.setattr(boto3, "client", fake_client)
    monkeypatch.delenv("PROXIMATE_CATALOG", raising=False)
    monkeypatch.setenv("PROXIMATE_CATALOG_DOMAIN", "proximate-catalog")
    monkeypatch.setenv("PROXIMATE_CATALOG_REGION", "eu-west-2")
    catalog = Catalog.open()
    assert asked == ["eu-west-2"]
    assert isinstance(catalog.backend, OpenSearchCatalog)
    assert catalog.backend.endpoint == f"https://{VPC_HOST}"
    assert catalog.backend.region == "eu-west-2"
    assert Settings.from_env().catalog_domain == "proximate-catalog"


def test_an_explicit_catalog_wins_over_the_domain(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """The emulation and local runs set PROXIMATE_CATALOG; no AWS call is made then."""
    monkeypatch.setenv("PROXIMATE_CATALOG_DOMAIN", "proximate-catalog")
    monkeypatch.setenv("PROXIMATE_CATALOG", "https://localhost:9200")
    monkeypatch.setattr(boto3, "client", lambda *a, **k: pytest.fail("no lookup expected"))
    catalog = Catalog.open(region="eu-west-2")
    assert catalog.backend.endpoint == "https://localhost:9200"
