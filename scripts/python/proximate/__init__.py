"""proximate: data-proximate Dask across AWS Regions, from a notebook.

Find data with :class:`Catalog`, open it lazily with :func:`open_era5` /
:func:`open_cmip6` (reads run only on the pool of the Region holding the
data), reduce it in that Region with :func:`compute_regions` /
:func:`compute_in_region`, and combine the small results on the client.
"""

from .analysis import area_mean, combine, era5_vs_cmip6, monthly_climatology, plot_comparison
from .catalog import Catalog, CatalogEntry, NdjsonCatalog, OpenSearchCatalog
from .config import Settings
from .data import (
    DatasetSchema,
    ReadRecord,
    clear_read_log,
    open_cmip6,
    open_entries,
    open_era5,
    read_log,
)
from .errors import (
    CatalogError,
    DatasetNotFound,
    NoMatchingEntries,
    NoWorkersInPool,
    PlacementError,
    PoolWakeTimeout,
    ProximateError,
    RegionComputeError,
    RegionError,
    RegionUnavailable,
    SchedulerUnreachable,
)
from .paths import DATASET_ROOTS, DataSource, choose_path, lustre_to_s3, s3_to_lustre
from .routing import (
    RegionOutcome,
    RegionOutcomes,
    compute_in_region,
    compute_regions,
    connect,
    pool_name,
    pool_status,
    require_pool,
    scaling_status,
)

__version__ = "0.1.0"

__all__ = [
    "Catalog", "CatalogEntry", "NdjsonCatalog", "OpenSearchCatalog", "Settings",
    "DatasetSchema", "ReadRecord", "clear_read_log", "open_cmip6", "open_entries", "open_era5",
    "read_log", "CatalogError", "DatasetNotFound", "NoMatchingEntries", "NoWorkersInPool",
    "PlacementError", "PoolWakeTimeout", "ProximateError", "RegionComputeError", "RegionError",
    "RegionUnavailable", "SchedulerUnreachable", "DATASET_ROOTS", "DataSource", "choose_path",
    "lustre_to_s3", "s3_to_lustre", "RegionOutcome", "RegionOutcomes", "compute_in_region",
    "compute_regions", "connect", "pool_name", "pool_status", "require_pool", "scaling_status",
    "area_mean", "combine", "era5_vs_cmip6", "monthly_climatology", "plot_comparison",
    "__version__",
]
