#!/usr/bin/env bash
# Debian packages the emulation needs (Dask stack on /usr/bin/python3, iproute2, nftables,
# util-linux). Idempotent: apt runs only when something is missing.
set -euo pipefail

PY=/usr/bin/python3
PACKAGES=(
  python3-distributed python3-dask python3-xarray python3-zarr python3-netcdf4 python3-numpy
  python3-pandas python3-pytest python3-botocore python3-requests python3-h5netcdf python3-fsspec
  iproute2 nftables util-linux
)
CHECK='import distributed, dask, xarray, zarr, netCDF4, h5netcdf, cftime, numpy, pandas, pytest, botocore, requests, fsspec'

missing=0
[ -x "$PY" ] && "$PY" -c "$CHECK" >/dev/null 2>&1 || missing=1
for tool in ip nft nsenter unshare; do command -v "$tool" >/dev/null 2>&1 || missing=1; done
if [ "$missing" -eq 0 ]; then
  echo "install-deps: emulation deps already present"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
"$PY" -c "$CHECK"
echo "install-deps: installed ${PACKAGES[*]}"
