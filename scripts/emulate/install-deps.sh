#!/usr/bin/env bash
# Debian packages the emulation needs: the Dask stack on /usr/bin/python3 (the helper's own
# install script, scripts/python/install-deps.sh) plus iproute2, nftables and util-linux.
# Idempotent: apt runs only when something is missing.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

bash "$HERE/../python/install-deps.sh"

PACKAGES=(iproute2 nftables util-linux)
missing=0
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
for tool in ip nft nsenter unshare; do command -v "$tool" >/dev/null; done
echo "install-deps: installed ${PACKAGES[*]}"
