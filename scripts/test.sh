#!/usr/bin/env bash
# npm test: everything that can be verified offline, in order of speed.
#   1. type check (tsc --noEmit)
#   2. jest unit tests on modules and on the synthesized JSON
#   3. terraform validate + terraform test (mock provider) of every stack of the default
#      topology and of a generated topology with four worker Regions
#   4. the reachability proof (every Dask flow passes, nothing outside is exposed) of both
#   5. the IAM proof (every principal's calls allowed, every policy valid against AWS's data) of both
#   6. the edge configs of the validator (every Region as client and worker, 16 workers x 8
#      datasets, /24 CIDRs, longest names, each backend, limits): synth + guardrails (AWS's own
#      constraints) + reachability proof + IAM proof + terraform validate of every distinct
#      stack, bundled per config
#   7. the Python helper's tests (Debian's pytest on /usr/bin/python3)
#   8. the diagrams in docs/diagrams render the same in Chromium and rsvg-convert (installs
#      chromium and librsvg2-bin when missing; says loudly when it cannot, and skips)
#   9. the README's figure blocks equal what `npm run readme:figures` renders (no hand edits)
# PROXIMATE_SAVE_FIGURES=1 also writes the wall time to docs/figures/test.json.
# Prints `N passed, M failed` as its last line, counted from the real runs.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/terraform/env.sh

passed=0
failed=0
status=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }

step "type check"
if npx tsc --noEmit -p .; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

step "jest"
npx jest --silent --json --outputFile="$work/jest.json" 2>&1 | grep -v '^\s*$' | tail -n 40
jest_rc=${PIPESTATUS[0]}
if [ -s "$work/jest.json" ]; then
  read -r jp jf < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests + r.numRuntimeErrorTestSuites)' "$work/jest.json")
  echo "jest: $jp passed, $jf failed"
  passed=$((passed + jp)); failed=$((failed + jf))
  if [ "$jp" -eq 0 ]; then echo "jest ran no test" >&2; failed=$((failed + 1)); fi
else
  failed=$((failed + 1))
fi
[ "$jest_rc" -eq 0 ] || status=1

step "synthesize the default topology and a topology with four worker Regions"
mkdir -p "$work/topologies"
npx tsx -e 'const {generateConfig}=require("./modules/config/generate"); process.stdout.write(JSON.stringify(generateConfig(4)))' > "$work/topologies/four-workers.json"
synth_ok=1
CDKTF_OUTDIR="$work/out-default" node scripts/app.js || synth_ok=0
PROXIMATE_CONFIG="$work/topologies/four-workers.json" CDKTF_OUTDIR="$work/out-four" node scripts/app.js || synth_ok=0
if [ "$synth_ok" -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

step "reachability proof of both synthesized topologies"
verify_ok=1
for out in "$work/out-default" "$work/out-four"; do
  npx tsx scripts/verify/topology.ts "$out" > "$out.reachability.txt" || verify_ok=0
  tail -n 1 "$out.reachability.txt"
done
if [ "$verify_ok" -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

step "IAM proof of both synthesized topologies"
iam_ok=1
for out in "$work/out-default" "$work/out-four"; do
  npx tsx scripts/verify/iam.ts "$out" > "$out.iam.txt" || iam_ok=0
  grep -E "DENIED|FAIL" "$out.iam.txt" | cut -c1-400 | head -n 20
  tail -n 2 "$out.iam.txt"
done
if [ "$iam_ok" -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi

step "terraform validate + terraform test (offline, mock provider)"
npx tsx scripts/verify/terraform-check.ts --jobs "${PROXIMATE_TF_JOBS:-2}" "$work/out-default" "$work/out-four" | tee "$work/terraform.log"
tf_rc=${PIPESTATUS[0]}
if read -r tp tf < <(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/terraform.log" | tail -n 1 | awk '{print $1, $3}'); then
  passed=$((passed + tp)); failed=$((failed + tf))
else
  failed=$((failed + 1))
fi
[ "$tf_rc" -eq 0 ] || status=1

step "edge configs: every accepted config synthesizes, passes the guardrails, the proofs and terraform validate"
npx tsx scripts/verify/edge-configs.ts --jobs "${PROXIMATE_TF_JOBS:-2}" | tee "$work/edge.log"
edge_rc=${PIPESTATUS[0]}
if read -r ep ef < <(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/edge.log" | tail -n 1 | awk '{print $1, $3}'); then
  passed=$((passed + ep)); failed=$((failed + ef))
else
  failed=$((failed + 1))
fi
[ "$edge_rc" -eq 0 ] || status=1

if [ -x scripts/python/run-tests.sh ]; then
  step "python helper (pytest on /usr/bin/python3)"
  scripts/python/run-tests.sh 2>&1 | tee "$work/pytest.log"
  py_rc=${PIPESTATUS[0]}
  summary="$(grep -E '[0-9]+ (passed|failed)' "$work/pytest.log" | tail -n 1)"
  pp=$(echo "$summary" | grep -oE '[0-9]+ passed' | awk '{s+=$1} END {print s+0}')
  pf=$(echo "$summary" | grep -oE '[0-9]+ (failed|errors?)' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${pp:-0})); failed=$((failed + ${pf:-0}))
  if [ "$py_rc" -ne 0 ]; then status=1; [ "${pf:-0}" -eq 0 ] && failed=$((failed + 1)); fi
fi

step "diagrams render the same in Chromium and rsvg-convert"
bash scripts/review/render-check.sh 2>&1 | tee "$work/render.log"
render_rc=${PIPESTATUS[0]}
if [ "$render_rc" -eq 77 ]; then
  echo "(render check skipped: see the reason above)"
elif read -r rp rf < <(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$work/render.log" | tail -n 1 | awk '{print $1, $3}'); then
  passed=$((passed + rp)); failed=$((failed + rf))
  [ "$render_rc" -eq 0 ] || status=1
else
  failed=$((failed + 1)); status=1
fi

step "README figures match their sources (npm run readme:figures -- --check)"
if [ "$synth_ok" -eq 1 ] && npx tsx scripts/readme/figures.ts --check --default-out "$work/out-default" --four-out "$work/out-four"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); status=1
fi

if [ "${PROXIMATE_SAVE_FIGURES:-}" = "1" ]; then
  npx tsx -e 'require("./scripts/readme/save").saveFigures("test", "npm test", [{ seconds: Number(process.argv[1]), passed: Number(process.argv[2]), failed: Number(process.argv[3]) }])' "$SECONDS" "$passed" "$failed"
fi

echo
echo "$passed passed, $failed failed"
exit "$status"
