#!/usr/bin/env bash
# The main job: builds the project on the host model and runs the six-task benchmark harness
# (each task beside its raw-kernel baseline, plus the Linux mechanisms), then writes the report.
# Leaves results/<run_id>.json, results/latest.json and results/latest.html.
# Extra arguments go to the harness (e.g. `-n 100000` for a full run; the default is --quick).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
sb_need build harness
build=${SB_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSB_SANITIZERS=OFF >/dev/null
cmake --build "$build" --target sel4bridge-bench
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--quick)
status=0
"$build/harness/sel4bridge-bench" "${args[@]}" || status=$?
if [ -f results/latest.json ]; then
  /usr/bin/python3 harness/report.py results/latest.json
  echo "report: $(pwd)/results/latest.html"
fi
exit $status
