#!/usr/bin/env bash
# Builds everything on the host model and runs every test (all ctest labels); ends with ctest's
# summary. Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
sb_need $(ls scripts/deps | sed 's/\.txt$//')
build=${SB_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSB_SANITIZERS=ON >/dev/null
cmake --build "$build"
cd "$build"
exec ctest --output-on-failure -j"$(nproc)" "$@"
