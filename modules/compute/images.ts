/**
 * Dask images Proximate knows, with the package versions each one holds. The scheduler, the
 * workers and the notebook all use one entry: the containers run the image, and the notebook's
 * lifecycle configuration pip-installs exactly these versions. Versions are read from the
 * image's published package list (pangeo-docker-images, `pangeo-notebook/packages.txt` at the
 * tag); add an entry here to use another tag.
 */
export interface DaskImage {
  /** Registry the image is published to, reachable by an ECR pull-through cache without credentials. */
  readonly upstream: "quay.io" | "public.ecr.aws";
  readonly repository: string;
  readonly tag: string;
  readonly python: string;
  /**
   * Packages whose versions must match between the notebook (client) and the cluster:
   * distributed compares these on connect; plus what the client needs to open the data.
   */
  readonly clientPackages: Readonly<Record<string, string>>;
}

export const DASK_IMAGES: Readonly<Record<string, DaskImage>> = {
  "pangeo-notebook:2024.06.21": {
    upstream: "quay.io",
    repository: "pangeo/pangeo-notebook",
    tag: "2024.06.21",
    python: "3.11",
    clientPackages: {
      dask: "2024.6.2",
      distributed: "2024.6.2",
      cloudpickle: "3.0.0",
      msgpack: "1.0.8",
      lz4: "4.3.3",
      toolz: "0.12.1",
      tornado: "6.4.1",
      numpy: "1.26.4",
      pandas: "2.2.2",
      xarray: "2024.6.0",
      zarr: "2.18.2",
      netCDF4: "1.7.1",
      h5netcdf: "1.3.0",
      fsspec: "2024.6.0",
      s3fs: "2024.6.0",
    },
  },
};

/** The image used when the config names none. */
export const DEFAULT_DASK_IMAGE = "pangeo-notebook:2024.06.21";

/** ECR pull-through cache prefix per upstream registry. */
export const PULL_THROUGH_PREFIX: Readonly<Record<DaskImage["upstream"], string>> = {
  "quay.io": "quay",
  "public.ecr.aws": "ecr-public",
};

/** Resolves an image key; throws when unknown (the config schema checks this first). */
export function daskImage(key: string): DaskImage {
  const image = DASK_IMAGES[key];
  if (image === undefined) {
    throw new Error(`dask.image: "${key}" is not a known image; allowed: ${Object.keys(DASK_IMAGES).join(", ")}`);
  }
  return image;
}

/** `pip install` requirement lines for the notebook: the same versions as the cluster image. */
export function clientRequirements(image: DaskImage): string[] {
  return Object.entries(image.clientPackages).map(([name, version]) => `${name}==${version}`);
}
