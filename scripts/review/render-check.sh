#!/usr/bin/env bash
# The diagrams in docs/diagrams render the same in Chromium and rsvg-convert
# (scripts/review/render-check.ts). Installs the Debian packages chromium and librsvg2-bin when
# they are missing (chromium: about 1-3 minutes and ~300 MB, once per machine). Without apt-get
# (as root or through sudo) it cannot verify: it says so loudly on stderr and exits 77 (skipped).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

need=()
command -v rsvg-convert >/dev/null 2>&1 || need+=(librsvg2-bin)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  if command -v apt-get >/dev/null 2>&1 && { [ -z "$SUDO" ] || sudo -n true 2>/dev/null; }; then
    echo "render-check: installing ${need[*]} (Debian)"
    export DEBIAN_FRONTEND=noninteractive
    if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
      echo "render-check: apt-get install ${need[*]} failed" >&2
      exit 1
    fi
  else
    echo "render-check: SKIPPED, diagrams NOT verified: ${need[*]} missing and no apt-get as root (or sudo) to install them" >&2
    exit 77
  fi
fi
exec npx tsx scripts/review/render-check.ts "$@"
