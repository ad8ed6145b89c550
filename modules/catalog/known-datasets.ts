/**
 * Object counts of the public datasets Proximate is configured for by default, for sizing the
 * catalog refresh (`sizing.ts`) when the topology gives no `expectedObjects`. They are estimates
 * from public information, rounded up; each says how it was made. A dataset not listed here is
 * of unknown size (sized as `SIZING.unknownDatasetObjects`).
 */

/** An estimate of the objects below a public S3 location. */
export interface KnownDataset {
  /** `s3://bucket[/prefix]`, as in the topology (no trailing `/`). */
  readonly s3: string;
  /** Objects (keys) below it, rounded up: what the sizing plans for. */
  readonly objects: number;
  /** How the number was made. */
  readonly basis: string;
  /** Where the facts come from. */
  readonly sources: readonly string[];
}

export const KNOWN_DATASETS: readonly KnownDataset[] = [
  {
    s3: "s3://era5-pds",
    objects: 40_000_000,
    basis:
      "NetCDF: 18 variables + main.nc per month (19 objects), 1979 to 2024, about 552 months: ~10,500 objects. " +
      "Zarr copy zarr/YYYY/MM/data/<variable>.zarr/: 18 stores a month; its chunking is not published, so it is taken " +
      "to be the NetCDF granules' (24 x 100 x 100 over 744 x 721 x 1440: 31 x 8 x 15 = 3,720 chunks) plus ~15 metadata " +
      "and coordinate objects: 552 x 18 x 3,735 = ~37 million. Sized at 40 million.",
    sources: [
      "https://github.com/planet-os/notebooks/blob/master/aws/era5-pds.md (layout, 18 variables, start year 1979)",
      "https://registry.opendata.aws/ecmwf-era5/ (bucket era5-pds, us-east-1, monthly updates)",
      "kerchunk tutorial on era5-pds granules: air_pressure_at_mean_sea_level (time0: 744, lat: 721, lon: 1440), chunksize (24, 100, 100)",
    ],
  },
  {
    s3: "s3://cmip6-pds/CMIP6/ScenarioMIP/MOHC",
    objects: 2_000_000,
    basis:
      "The Pangeo CMIP6 catalog (pangeo-cmip6.csv) lists ~515,000 Zarr stores for all of CMIP6. MOHC's ScenarioMIP output " +
      "(HadGEM3-GC31-LL/MM, UKESM1-0-LL, UKESM1-1-LL; up to 8 SSP experiments; 1-16+ members; Amon/Omon/day/3hr/... tables) " +
      "is taken to be ~5,000 stores; stores hold from ~15 objects (monthly, one chunk) to thousands (3-hourly, daily, 3-D ocean), " +
      "~200 on average: ~1 million objects. Sized at 2 million.",
    sources: [
      "https://pangeo-data.github.io/pangeo-cmip6-cloud/overview.html (layout, consolidated stores, catalog CSV at the bucket root)",
      "https://github.com/serapeum-org/earthlens/issues/707 (pangeo-cmip6.csv: ~515k rows)",
      "https://registry.opendata.aws/cmip6/ (bucket cmip6-pds, us-west-2)",
    ],
  },
  {
    s3: "s3://cmip6-pds",
    objects: 150_000_000,
    basis: "~515,000 stores (pangeo-cmip6.csv) x ~200 objects, plus the root catalogs: ~100 million. Sized at 150 million.",
    sources: ["https://github.com/serapeum-org/earthlens/issues/707 (pangeo-cmip6.csv: ~515k rows)"],
  },
];

/** The estimate for exactly this S3 location (trailing `/` ignored), or undefined. */
export function knownDataset(s3: string): KnownDataset | undefined {
  const uri = s3.replace(/\/+$/, "");
  return KNOWN_DATASETS.find((known) => known.s3 === uri);
}
