#!/bin/sh
# Writes the differential decoder fuzzer's own seeds (corpus/decoder_diff/; it also starts from
# corpus/decoder/) with the reference tool: messages longer than 512 words, and messages
# followed by one byte that selects other reader limits (see decoder_diff_fuzz.cpp: nesting
# index in bits 0-2, traversal index in bits 3-5; 4 is the default of each). Run from the
# repository root after changing the test schema.
set -eu
out=fuzz/corpus/decoder_diff
T=tests/codec/codec_test.capnp
rm -f "$out"/*
mkdir -p "$out"
n=0
seed() { # <type> <value> [limits byte, octal]
  n=$((n + 1))
  f="$out/seed-$(printf %02d $n)-$1"
  echo "$2" | capnp encode --flat $T "$1" > "$f"
  if [ $# -gt 2 ]; then printf "\\$3" >> "$f"; fi
}
# Long lists, text and data: well over 512 words.
items=""; i=0
while [ $i -lt 120 ]; do
  items="$items${items:+, }(id = $i, name = \"item number $i\", flag = $([ $((i % 3)) = 0 ] && echo true || echo false))"
  i=$((i + 1))
done
words=""; i=0
while [ $i -lt 300 ]; do words="$words${words:+, }$((i * 7919))"; i=$((i + 1)); done
long=$(printf 'seL4 %.0s' $(seq 1 400))
seed AllTypes "(structList = [$items], uint64List = [$words], textField = \"$long\", dataField = \"$long\", boolList = [true, false, true, true], voidList = [void, void])"
# An Outer chain 40 deep: ours stops at its nesting limit (16) by default ...
chain="(nested = (value = 40))"; i=39
while [ $i -gt 0 ]; do chain="(nested = (value = $i), next = $chain, items = [(value = $i)])"; i=$((i - 1)); done
seed Outer "$chain"
# ... and reads it all with nesting 64 (index 6) and the default traversal (index 4): 046 = 38
seed Outer "$chain" 046
# the widest limits (nesting 200, traversal 2^20: index 7 and 7): 077
seed AllTypes "(structList = [$items], word = \"union\", point = (x = 1, y = 2, label = \"p\"))" 077
# no traversal at all (index 0) with the default nesting: 004
seed AllTypes '(textField = "t", structField = (id = 1, name = "n"))' 004
echo "wrote $n seeds to $out"
