"""Exceptions raised by the proximate helper.

Every error a scientist is likely to meet names the thing that failed (the
dataset, the Region, the scheduler address) and says what to do next.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence


class ProximateError(Exception):
    """Base class of every error raised by this package."""


class CatalogError(ProximateError):
    """The catalog could not be read or queried."""


class DatasetNotFound(CatalogError):
    """A dataset name that is not in the catalog."""

    def __init__(self, dataset: str, available: Iterable[str]) -> None:
        self.dataset = dataset
        self.available = sorted(set(available))
        known = ", ".join(self.available) if self.available else "(the catalog is empty)"
        super().__init__(
            f"dataset {dataset!r} is not in the catalog; datasets that exist: {known}"
        )


class NoMatchingEntries(CatalogError):
    """The dataset exists but no entry matches the requested facets."""

    def __init__(self, dataset: str, filters: Mapping[str, Sequence[Any]]) -> None:
        self.dataset = dataset
        self.filters = dict(filters)
        shown = ", ".join(f"{k}={list(v)}" for k, v in sorted(self.filters.items()))
        super().__init__(
            f"no catalog entry of dataset {dataset!r} matches {shown or 'the query'}; "
            "use Catalog.search() or Catalog.facets() to see what exists"
        )


class SchedulerUnreachable(ProximateError):
    """The Dask scheduler did not answer within the connect timeout."""

    def __init__(self, address: str, timeout: float, cause: BaseException | None = None) -> None:
        self.address = address
        self.timeout = timeout
        detail = f" ({type(cause).__name__}: {cause})" if cause is not None else ""
        super().__init__(
            f"could not reach the Dask scheduler at {address} within {timeout:g} s{detail}. "
            "Check PROXIMATE_SCHEDULER, that the scheduler service is running in the "
            "client Region and that this notebook's security group may reach port 8786."
        )


class PlacementError(ProximateError):
    """A bulk read was attempted outside the pool that owns the data."""


class RegionError(ProximateError):
    """A failure confined to one worker Region.

    ``partial`` holds results of the other Regions of the same call that did
    complete and ``failures`` every Region that failed (both filled by
    :meth:`proximate.routing.RegionOutcomes.unwrap`).
    """

    def __init__(self, region: str, message: str) -> None:
        self.region = region
        self.partial: dict[str, Any] = {}
        self.failures: dict[str, RegionError] = {}
        super().__init__(f"Region {region}: {message}")


class RegionUnavailable(RegionError):
    """The Region's pool could not run or return the work in time."""


class NoWorkersInPool(RegionUnavailable):
    """The Region's pool has no Dask workers connected to the scheduler."""

    def __init__(self, region: str, pool: str, pools_with_workers: Mapping[str, float]) -> None:
        self.pool = pool
        self.pools_with_workers = dict(pools_with_workers)
        others = (
            ", ".join(f"{p} ({q:g} threads)" for p, q in sorted(self.pools_with_workers.items()))
            or "none"
        )
        super().__init__(
            region,
            f"no Dask workers in pool {pool!r} (pools with workers: {others}). "
            f"Scale the {region} worker service up: raise workers[].minTasks for {region} "
            "in the topology config and redeploy, or run `aws application-autoscaling "
            f"register-scalable-target --region {region} --service-namespace ecs "
            "--scalable-dimension ecs:service:DesiredCount "
            "--resource-id service/<cluster>/<worker-service> --min-capacity 1`, "
            "then wait for the workers to join the scheduler.",
        )


class PoolWakeTimeout(NoWorkersInPool):
    """The Region's pool scales on demand but no worker joined within the wake-up limit."""

    def __init__(self, region: str, pool: str, desired: int, waited: float, limit: float,
                 pools_with_workers: Mapping[str, float]) -> None:
        self.desired = desired
        self.waited = waited
        self.limit = limit
        asked = (f"was asked for {desired} worker task(s) {waited:.0f} s ago" if desired > 0
                 else f"has had work waiting for {waited:.0f} s")
        RegionUnavailable.__init__(
            self,
            region,
            f"pool {pool!r} {asked} and no worker "
            f"joined within {limit:g} s (PROXIMATE_WAKE_TIMEOUT). Look at the ECS service events "
            f"of the {region} worker service (capacity, image pull, Lustre mount) and at its "
            "CloudWatch alarm; the work was released, so calling again starts over.",
        )
        self.pool = pool
        self.pools_with_workers = dict(pools_with_workers)


class RegionComputeError(RegionError):
    """The Region's pool ran the work but a task raised an exception."""
