#!/usr/bin/env bash
# The main job: builds the host model and runs the conformance suite, with a readable summary.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
sb_need build
build=${SB_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build"
exec "$build/tests/conformance/conformance" "$@"
