#!/bin/sh
# The bridge library, compiled freestanding as for a seL4 root task, may call nothing but the
# kernel's API (seL4_*), the per-kernel interface (plat_*), the codec (sb_codec_*), its own
# functions and memcpy/memset (and the linker's GOT symbol, for the thread-local IPC buffer).
# Nor may it hold the drain's test hook: sb_race_point exists only in the race build
# (server_internal.h, SB_RACE_POINTS).
# usage: freestanding_test.sh <nm> <object files...>
set -eu
nm=$1; shift
[ $# -ge 1 ] || { echo "no object files given"; exit 1; }
# nm's own failure must fail the test, not vanish in a pipeline.
undef_raw=$("$nm" -u "$@")
defined_raw=$("$nm" --defined-only "$@")
undef=$(echo "$undef_raw" | awk 'NF >= 2 {print $2}' | sort -u)
defined=$(echo "$defined_raw" | awk 'NF >= 3 {print $3}' | sort -u)
[ -n "$undef" ] || { echo "no undefined symbols at all: not the library's objects?"; exit 1; }
bad=$(echo "$undef" | grep -vxE 'seL4_[A-Za-z_]+|plat_[a-z_]+|sb_codec_[a-z_]+|memcpy|memset|__sel4_ipc_buffer|_GLOBAL_OFFSET_TABLE_|' || true)
bad=$(for s in $bad; do echo "$defined" | grep -qx "$s" || echo "$s"; done)
echo "undefined symbols: $(echo $undef)"
[ -z "$bad" ] || { echo "not freestanding: $bad"; exit 1; }
if echo "$undef
$defined" | grep -qx 'sb_race_point'; then
    echo "sb_race_point in a build without SB_RACE_POINTS: the kick's path calls a test hook"
    exit 1
fi
