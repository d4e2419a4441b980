#!/bin/sh
# Replays every fuzz corpus with clang's source-based coverage and prints line and branch
# coverage per source file of codec/ and bridge/ (the host model and the tests' system builder
# are compiled into the server targets too, but left out of the table).
#
#   sh fuzz/coverage.sh [-u] [corpora-dir]
#
# From the repository root. Builds the fuzz targets for coverage in build-coverage/ (its own
# configuration, SB_FUZZ_COVERAGE=ON), replays for each target its seeds (fuzz/corpus/), its
# regressions (fuzz/regressions/) and the corpus that the fuzzing runs grew,
# <corpora-dir>/<target>.corpus (default build/fuzz, where ctest's runs leave them; a directory
# of a long run's corpora works the same). -u also lists the lines no input reached.
set -eu
uncovered=0
if [ "${1:-}" = "-u" ]; then uncovered=1; shift; fi
corpora=${1:-build/fuzz}
out=build-coverage
prof=$(command -v llvm-profdata-14 || command -v llvm-profdata)
cov=$(command -v llvm-cov-14 || command -v llvm-cov)

# target: its corpus directories below fuzz/
targets="codec_decoder_fuzz:corpus/decoder,regressions/decoder
codec_decoder_diff_fuzz:corpus/decoder,corpus/decoder_diff,regressions/decoder_diff
bridge_server_call_fuzz:corpus/server_call,regressions/server_call
bridge_dispatch_fuzz:corpus/dispatch,regressions/dispatch
bridge_ring_race_fuzz:corpus/ring_race,regressions/ring_race
bridge_app_fuzz:corpus/app,regressions/app
bridge_ping_diff_fuzz:corpus/ping_diff"

cmake -S . -B $out -G Ninja -DSB_SANITIZERS=OFF -DSB_FUZZ_COVERAGE=ON >/dev/null
rm -rf $out/profiles
mkdir -p $out/profiles
objects=""
for line in $targets; do
  t=${line%%:*}
  if ! cmake --build $out --target ${t}_build >/dev/null 2>&1; then
    echo "coverage: $t not built (no such target here)" >&2
    continue
  fi
  dirs=""
  for d in $(echo "${line#*:}" | tr , ' '); do
    [ -d fuzz/$d ] && dirs="$dirs fuzz/$d"
  done
  [ -d "$corpora/$t.corpus" ] && dirs="$dirs $corpora/$t.corpus"
  files=$(find -H $dirs -type f | wc -l)
  echo "coverage: $t replays $files inputs from$dirs" >&2
  # -runs=0: run every input once, then stop; nothing is mutated or written.
  LLVM_PROFILE_FILE="$PWD/$out/profiles/$t-%p.profraw" \
    $out/fuzz/$t -runs=0 -max_len=65544 -timeout=30 -rss_limit_mb=4096 $dirs >$out/profiles/$t.log 2>&1 ||
    { echo "coverage: $t failed on its corpus (see $out/profiles/$t.log)" >&2; exit 1; }
  objects="$objects -object $out/fuzz/$t"
done
$prof merge -sparse -o $out/profiles/all.profdata $out/profiles/*.profraw
objects=${objects# -object }
# Per file: lines and branches (regions and functions left out to keep it readable).
$cov report -instr-profile=$out/profiles/all.profdata $objects codec/src codec/include bridge/src bridge/include |
  awk 'NR == 1 { printf "%-44s %18s %18s\n", "file", "lines (missed)", "branches (missed)"; next }
       /^-+$/ { next }
       NF >= 13 { printf "%-44s %9s (%5s) %9s (%5s)\n", $1, $10, $9, $13, $12 }'
if [ $uncovered = 1 ]; then
  for f in $(find codec/src bridge/src -name '*.[ch]' | sort); do
    $cov show -instr-profile=$out/profiles/all.profdata $objects "$f" 2>/dev/null |
      awk -v f="$f" -F'|' '$2 ~ /^ *0$/ { sub(/^ +/, "", $1); printf "%s:%s:%s\n", f, $1, $3 }'
  done
fi
