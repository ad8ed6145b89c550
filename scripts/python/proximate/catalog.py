"""Dataset catalog: find which Region, pool and path hold a piece of data.

Two backends share one query model (exact matches on keyword fields, a list
of values meaning "any of"):

* :class:`OpenSearchCatalog` - the deployed catalog domain. Every worker
  Region has an alias ``catalog-<region>``; one ``POST /catalog-*/_search``
  searches them all. Requests are SigV4-signed (service ``es``) with
  botocore and paged with ``search_after`` sorted on the keyword ``id``.
* :class:`NdjsonCatalog` - a file with one catalog document per line, as
  written by the project's catalog CLI, for local runs and tests.

Use :meth:`Catalog.open` to pick the backend from a location string (an
``http(s)://`` URL or a file path; default ``PROXIMATE_CATALOG``, else the
domain named by ``PROXIMATE_CATALOG_DOMAIN``, whose endpoint
:func:`resolve_catalog_endpoint` looks up).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Protocol, Sequence, Union

from .errors import CatalogError, DatasetNotFound

Scalar = Union[str, int]
FacetValue = Union[Scalar, Iterable[Scalar], None]
Filters = Mapping[str, Sequence[Scalar]]

#: Fields that may be used as filters (all keyword or integer fields).
FILTER_FIELDS: tuple[str, ...] = (
    "id", "dataset", "region", "pool", "layout", "format", "name", "key",
    "year", "month", "variable",
    "activity_id", "institution_id", "source_id", "experiment_id", "member_id",
    "table_id", "variable_id", "grid_label", "version",
)
#: CMIP6 facets of a store, in directory order.
CMIP6_FACETS: tuple[str, ...] = (
    "activity_id", "institution_id", "source_id", "experiment_id", "member_id",
    "table_id", "variable_id", "grid_label", "version",
)
INT_FIELDS = frozenset({"year", "month", "size_bytes", "object_count"})
#: Required fields that may be null (keys-only catalog input has no sizes or dates).
NULLABLE_FIELDS = frozenset({"size_bytes", "last_modified"})


@dataclass(frozen=True)
class CatalogEntry:
    """One catalog document: a NetCDF file, a Zarr store or a plain object."""

    id: str
    dataset: str
    region: str
    pool: str
    layout: str
    format: str
    s3_uri: str
    lustre_path: str
    key: str
    size_bytes: int | None
    object_count: int
    last_modified: str | None
    name: str
    year: int | None = None
    month: int | None = None
    variable: str | None = None
    activity_id: str | None = None
    institution_id: str | None = None
    source_id: str | None = None
    experiment_id: str | None = None
    member_id: str | None = None
    table_id: str | None = None
    variable_id: str | None = None
    grid_label: str | None = None
    version: str | None = None

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> "CatalogEntry":
        """Build an entry from a catalog document; unknown fields are ignored."""
        known = {f.name for f in fields(cls)}
        required = [f.name for f in fields(cls)
                    if f.default is not None and f.name not in NULLABLE_FIELDS]
        missing = [name for name in required if doc.get(name) is None]
        if missing:
            raise CatalogError(
                f"catalog document {doc.get('id', '?')!r} lacks required fields {missing}"
            )
        values: dict[str, Any] = {}
        for name in known:
            value = doc.get(name)
            if value is not None and name in INT_FIELDS:
                value = int(value)
            values[name] = value
        return cls(**values)

    def to_document(self) -> dict[str, Any]:
        """The catalog document, without unset optional fields."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    @property
    def facets(self) -> dict[str, Any]:
        """The set facet fields (variable, year, month and the CMIP6 ids)."""
        doc = self.to_document()
        return {k: doc[k] for k in FILTER_FIELDS[8:] if k in doc}


def _norm(value: Any) -> str:
    """Normalise a field value for comparison (``"01"`` == ``1``)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.isdigit():
        return str(int(text))
    return text


def _as_values(value: FacetValue) -> tuple[Scalar, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, int)):
        return (value,)
    values = tuple(value)
    if not values:
        raise ValueError("an empty list of facet values matches nothing")
    return values


def build_filters(**facets: FacetValue) -> dict[str, tuple[Scalar, ...]]:
    """Validate facet keyword arguments into a filter mapping."""
    filters: dict[str, tuple[Scalar, ...]] = {}
    for name, value in facets.items():
        if name not in FILTER_FIELDS:
            raise ValueError(f"unknown catalog facet {name!r}; known: {', '.join(FILTER_FIELDS)}")
        values = _as_values(value)
        if values is not None:
            filters[name] = values
    return filters


class CatalogBackend(Protocol):
    """What a catalog backend provides."""

    description: str

    def search(self, filters: Filters) -> Iterator[dict[str, Any]]:
        """Yield every document matching all filters."""
        ...

    def datasets(self) -> dict[str, set[str]]:
        """Map each dataset name to the Regions that hold it."""
        ...


class NdjsonCatalog:
    """Catalog read from an NDJSON file (one document per line)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.description = f"NDJSON catalog {self.path}"
        self._docs: list[dict[str, Any]] | None = None

    def _load(self) -> list[dict[str, Any]]:
        if self._docs is None:
            try:
                text = self.path.read_text(encoding="utf-8")
            except OSError as exc:
                raise CatalogError(f"cannot read catalog file {self.path}: {exc}") from exc
            docs: list[dict[str, Any]] = []
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CatalogError(f"{self.path}:{number}: not JSON: {exc}") from exc
                if not isinstance(doc, dict):
                    raise CatalogError(f"{self.path}:{number}: not a JSON object")
                docs.append(doc)
            self._docs = docs
        return self._docs

    def search(self, filters: Filters) -> Iterator[dict[str, Any]]:
        """Yield documents whose fields match every filter."""
        wanted = {k: {_norm(v) for v in vs} for k, vs in filters.items()}
        for doc in self._load():
            if all(k in doc and doc[k] is not None and _norm(doc[k]) in vs
                   for k, vs in wanted.items()):
                yield doc

    def datasets(self) -> dict[str, set[str]]:
        """Map dataset names to their Regions."""
        out: dict[str, set[str]] = {}
        for doc in self._load():
            out.setdefault(str(doc.get("dataset")), set()).add(str(doc.get("region")))
        return out


_ES_HOST = re.compile(r"\.([a-z]{2}(?:-gov)?-[a-z]+-\d)\.es\.amazonaws\.com$")


def region_from_endpoint(endpoint: str) -> str | None:
    """Region of an Amazon OpenSearch Service endpoint host name, if it has one."""
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    match = _ES_HOST.search(host)
    return match.group(1) if match else None


class OpenSearchCatalog:
    """Catalog in an OpenSearch domain, searched across every ``catalog-*`` alias.

    ``credentials`` is a botocore credentials object; by default the default
    botocore session's chain (environment, profile, instance role) is used.
    Pages are sorted on the keyword fields ``id`` then ``region`` (ids are
    unique within a Region's index, so the pair is unique across aliases).
    """

    def __init__(
        self,
        endpoint: str,
        *,
        region: str | None = None,
        credentials: Any = None,
        index: str = "catalog-*",
        page_size: int = 500,
        timeout: float = 30.0,
        sort_fields: Sequence[str] = ("id", "region"),
    ) -> None:
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError(f"OpenSearch endpoint must be an https:// URL, got {endpoint!r}")
        self.endpoint = f"{parts.scheme}://{parts.netloc}"
        self.region = (
            region
            or os.environ.get("PROXIMATE_CATALOG_REGION")
            or region_from_endpoint(endpoint)
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
        )
        if not self.region:
            raise ValueError(
                f"cannot tell the Region of {endpoint}; set PROXIMATE_CATALOG_REGION"
            )
        self.index = index
        self.page_size = page_size
        self.timeout = timeout
        self.sort_fields = tuple(sort_fields)
        self._credentials = credentials
        self.description = f"OpenSearch catalog {self.endpoint}/{index} ({self.region})"

    def _frozen_credentials(self) -> Any:
        creds = self._credentials
        if creds is None:
            import botocore.session

            creds = botocore.session.Session().get_credentials()
            if creds is None:
                raise CatalogError(
                    "no AWS credentials found to sign catalog requests; on SageMaker the "
                    "notebook role provides them, locally set AWS_PROFILE or AWS_ACCESS_KEY_ID"
                )
            self._credentials = creds
        getter = getattr(creds, "get_frozen_credentials", None)
        return getter() if getter else creds

    def _post(self, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
        """POST a JSON body with a SigV4 signature and return the JSON answer."""
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest

        url = self.endpoint + path
        data = json.dumps(body).encode("utf-8")
        aws_request = AWSRequest(
            method="POST", url=url, data=data, headers={"Content-Type": "application/json"}
        )
        SigV4Auth(self._frozen_credentials(), "es", self.region).add_auth(aws_request)
        request = urllib.request.Request(
            url, data=data, headers=dict(aws_request.headers.items()), method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            hint = (
                " (the signing identity is not allowed on the domain: check the domain "
                "access policy and the notebook role)"
                if exc.code == 403 else ""
            )
            raise CatalogError(
                f"catalog query POST {url} failed with HTTP {exc.code}{hint}: {detail}"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise CatalogError(
                f"cannot reach the catalog at {self.endpoint} within {self.timeout:g} s: {exc}"
            ) from exc

    @staticmethod
    def query_for(filters: Filters) -> dict[str, Any]:
        """The bool/filter query for a filter mapping (term or terms per field)."""
        clauses: list[dict[str, Any]] = []
        for name, values in sorted(filters.items()):
            vals = [int(v) if name in INT_FIELDS else v for v in values]
            if len(vals) == 1:
                clauses.append({"term": {name: vals[0]}})
            else:
                clauses.append({"terms": {name: vals}})
        return {"bool": {"filter": clauses}}

    def search(self, filters: Filters) -> Iterator[dict[str, Any]]:
        """Yield matching documents, one page of ``page_size`` at a time."""
        path = f"/{self.index}/_search"
        search_after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "size": self.page_size,
                "query": self.query_for(filters),
                "sort": [{name: "asc"} for name in self.sort_fields],
            }
            if search_after is not None:
                body["search_after"] = search_after
            answer = self._post(path, body)
            hits = answer.get("hits", {}).get("hits", [])
            for hit in hits:
                yield dict(hit.get("_source", {}))
            if len(hits) < self.page_size:
                return
            search_after = hits[-1].get("sort")
            if not search_after:
                raise CatalogError("catalog answer lacks sort values; cannot page further")

    def datasets(self) -> dict[str, set[str]]:
        """Dataset names and their Regions, from a terms aggregation."""
        body = {
            "size": 0,
            "aggs": {
                "datasets": {
                    "terms": {"field": "dataset", "size": 1000},
                    "aggs": {"regions": {"terms": {"field": "region", "size": 100}}},
                }
            },
        }
        answer = self._post(f"/{self.index}/_search", body)
        buckets = answer.get("aggregations", {}).get("datasets", {}).get("buckets", [])
        return {
            str(b["key"]): {str(r["key"]) for r in b.get("regions", {}).get("buckets", [])}
            for b in buckets
        }


def resolve_catalog_endpoint(domain: str, region: str | None = None, *, client: Any = None) -> str:
    """``https://`` URL of an OpenSearch domain's endpoint, looked up by name.

    Calls the OpenSearch Service API ``DescribeDomain`` (IAM action
    ``es:DescribeDomain`` on the domain's ARN; the notebook role has exactly
    that) and returns ``DomainStatus.Endpoints["vpc"]`` for a domain in a VPC,
    else ``DomainStatus.Endpoint``. ``region`` defaults to
    ``PROXIMATE_CATALOG_REGION``, then the botocore default Region. Raises
    :class:`CatalogError` naming the domain, the Region and what to do.
    """
    where = (region or os.environ.get("PROXIMATE_CATALOG_REGION") or os.environ.get("AWS_REGION")
             or os.environ.get("AWS_DEFAULT_REGION"))
    if client is None:
        if not where:
            raise CatalogError(
                f"cannot look up the catalog domain {domain!r}: no Region; set PROXIMATE_CATALOG_REGION"
            )
        import boto3

        client = boto3.client("opensearch", region_name=where)
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        status = client.describe_domain(DomainName=domain)["DomainStatus"]
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            raise CatalogError(
                f"no OpenSearch domain {domain!r} in {where or 'this Region'}: is the catalog stack "
                "deployed, and PROXIMATE_CATALOG_DOMAIN / PROXIMATE_CATALOG_REGION right?"
            ) from exc
        hint = (" (the notebook role needs es:DescribeDomain on the domain)"
                if code in ("AccessDeniedException", "AccessDenied") else "")
        raise CatalogError(f"cannot look up the catalog domain {domain!r}: {code}{hint}: {exc}") from exc
    except BotoCoreError as exc:
        raise CatalogError(f"cannot look up the catalog domain {domain!r} in {where}: {exc}") from exc
    endpoint = (status.get("Endpoints") or {}).get("vpc") or status.get("Endpoint")
    if not endpoint:
        state = "still being created (15-25 minutes after deploy)" if status.get("Processing") or status.get(
            "Created") is False else "without an endpoint"
        raise CatalogError(
            f"the catalog domain {domain!r} is {state}; try again later, or set PROXIMATE_CATALOG to its URL"
        )
    return endpoint if endpoint.startswith(("https://", "http://")) else f"https://{endpoint}"


def _sort_key(entry: CatalogEntry) -> tuple[Any, ...]:
    return (entry.dataset, entry.region, entry.year or 0, entry.month or 0, entry.key)


class Catalog:
    """Search the dataset catalog by dataset and facets."""

    def __init__(self, backend: CatalogBackend) -> None:
        self.backend = backend

    @classmethod
    def open(cls, location: str | os.PathLike[str] | None = None, **options: Any) -> "Catalog":
        """Open an OpenSearch URL or an NDJSON file.

        Without ``location``: ``$PROXIMATE_CATALOG`` (an explicit URL or file),
        else the domain named by ``$PROXIMATE_CATALOG_DOMAIN``, whose endpoint
        is looked up in ``$PROXIMATE_CATALOG_REGION`` (the notebook's case).
        ``options`` go to :class:`OpenSearchCatalog` (``region``, ``credentials``...).
        """
        where = location if location is not None else os.environ.get("PROXIMATE_CATALOG", "").strip()
        if not where:
            domain = os.environ.get("PROXIMATE_CATALOG_DOMAIN", "").strip()
            if domain:
                where = resolve_catalog_endpoint(domain, options.get("region"))
        if not where:
            raise CatalogError(
                "no catalog location: pass one, or set PROXIMATE_CATALOG to the OpenSearch "
                "https:// URL or an NDJSON file path, or PROXIMATE_CATALOG_DOMAIN to the domain name"
            )
        text = os.fspath(where)
        if text.startswith(("https://", "http://")):
            return cls(OpenSearchCatalog(text, **options))
        return cls(NdjsonCatalog(text))

    def __repr__(self) -> str:
        return f"Catalog({self.backend.description})"

    def datasets(self) -> dict[str, list[str]]:
        """Map each dataset to the sorted list of Regions holding it."""
        return {k: sorted(v) for k, v in sorted(self.backend.datasets().items())}

    def regions(self, dataset: str) -> list[str]:
        """Regions that hold ``dataset`` (raises :class:`DatasetNotFound`)."""
        known = self.datasets()
        if dataset not in known:
            raise DatasetNotFound(dataset, known)
        return known[dataset]

    def search(
        self,
        dataset: str | None = None,
        *,
        years: FacetValue = None,
        months: FacetValue = None,
        limit: int | None = None,
        **facets: FacetValue,
    ) -> list[CatalogEntry]:
        """Entries matching every given facet, sorted by dataset, Region, year, month, key.

        Facets: ``region``, ``variable``, ``years``/``months`` (an int or any
        iterable such as ``range(1990, 2020)``), and the CMIP6 ids
        ``activity_id``, ``experiment_id``, ``source_id``, ``member_id``,
        ``table_id``, ``variable_id``, ``grid_label``, ``version`` ... A list of
        values matches any of them. An unknown ``dataset`` raises
        :class:`DatasetNotFound` naming the datasets that exist.
        """
        filters = build_filters(dataset=dataset, year=years, month=months, **facets)
        entries: list[CatalogEntry] = []
        for doc in self.backend.search(filters):
            entries.append(CatalogEntry.from_document(doc))
        if not entries and dataset is not None:
            known = self.backend.datasets()
            if dataset not in known:
                raise DatasetNotFound(dataset, known)
        entries.sort(key=_sort_key)
        return entries[:limit] if limit is not None else entries

    def facets(self, dataset: str, names: Sequence[str] | None = None,
               **filters: FacetValue) -> dict[str, list[Any]]:
        """Distinct values of facet fields among a dataset's entries."""
        wanted = list(names) if names is not None else list(FILTER_FIELDS[8:]) + ["region"]
        values: dict[str, set[Any]] = {n: set() for n in wanted}
        query: dict[str, Any] = dict(filters)
        for entry in self.search(dataset, **query):
            doc = entry.to_document()
            for n in wanted:
                if doc.get(n) is not None:
                    values[n].add(doc[n])
        return {n: sorted(v) for n, v in values.items() if v}

    def summary(self) -> list[dict[str, Any]]:
        """One row per (dataset, Region): pool, entry count and total bytes."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in self.search():
            row = rows.setdefault(
                (entry.dataset, entry.region),
                {"dataset": entry.dataset, "region": entry.region, "pool": entry.pool,
                 "entries": 0, "size_bytes": 0},
            )
            row["entries"] += 1
            row["size_bytes"] += entry.size_bytes or 0
        return [rows[k] for k in sorted(rows)]
