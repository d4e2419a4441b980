#!/bin/sh
# The runtime, compiled freestanding as for a seL4 root task, may call nothing but
# memcpy/memset/memcmp/strlen. usage: freestanding_test.sh <nm> <object files...>
set -eu
nm=$1; shift
# nm runs on its own so that a failure (e.g. a missing object) fails the test.
syms=$("$nm" -u "$@")
# A symbol one of the runtime's objects defines (build.c calls the reader's functions) is fine.
defined=$("$nm" --defined-only "$@" | awk 'NF >= 3 {print $3}' | sort -u)
undef=$(echo "$syms" | awk 'NF >= 2 {print $2}' | sort -u | grep -vxF "$defined" || true)
bad=$(echo "$undef" | grep -vxE 'memcpy|memset|memcmp|strlen|' || true)
echo "undefined symbols: $(echo $undef)"
[ -z "$bad" ] || { echo "not freestanding: $bad"; exit 1; }
