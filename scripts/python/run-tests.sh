#!/usr/bin/env bash
# Install the Python test dependencies (Debian packages) and run the Python
# test suite with Debian's pytest. Exits with pytest's code; pytest's 5
# ("no tests collected") counts as a failure.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

bash "$HERE/install-deps.sh" || { echo "run-tests: install-deps.sh failed" >&2; exit 1; }

cd "$ROOT"
/usr/bin/python3 -m pytest __tests__/python -p no:cacheprovider "$@"
code=$?
if [ "$code" -eq 5 ]; then
  echo "run-tests: pytest collected no tests; treating as failure" >&2
  exit 1
fi
exit "$code"
