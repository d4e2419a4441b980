#!/bin/sh
# The schema check of one set of schema files: random values of every struct of each file
# (random_values) are encoded by capnp and read and rebuilt by the set's checker (schema_check.c).
# usage: schema_check.sh <random_values> <checker> <capnp> <import dir> <values per struct> <file>...
set -eu
values=$1 checker=$2 capnp=$3 import=$4 n=$5
shift 5
tmp=$(mktemp) one=$(mktemp)
trap 'rm -f "$tmp" "$one"' EXIT
seed=1
for f in "$@"; do
  # Not in a pipeline, so that a failing generator fails the test.
  "$values" "$f" "$import" "$n" "$seed" >"$one"
  sed "s|^|$f	|" "$one" >>"$tmp"
  seed=$((seed + 1))
done
"$checker" "$capnp" <"$tmp"
