#!/usr/bin/env bash
# Install the Debian packages that the proximate Python helper and its tests
# need on /usr/bin/python3 (Debian's Python, not a pyenv one).
# Idempotent: skips apt when /usr/bin/python3 can already import everything.
# Debian has no python3-s3fs: S3 fallback reads need s3fs only on real
# workers (pip install 'proximate[io]' there); tests read local files.
set -euo pipefail

PY=/usr/bin/python3
PACKAGES=(
  python3-distributed python3-dask python3-xarray python3-zarr python3-netcdf4
  python3-numpy python3-pandas python3-pytest python3-botocore python3-boto3 python3-requests
  python3-nbformat python3-h5netcdf python3-fsspec python3-matplotlib
)
CHECK='import distributed, dask, xarray, zarr, netCDF4, h5netcdf, cftime, numpy, pandas, pytest, botocore, boto3, nbformat, fsspec, matplotlib'

if [ -x "$PY" ] && "$PY" -c "$CHECK" >/dev/null 2>&1; then
  echo "install-deps: python deps already present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
"$PY" -c "$CHECK"
echo "install-deps: installed ${PACKAGES[*]}"
