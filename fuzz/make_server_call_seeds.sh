#!/bin/sh
# Writes the seed corpus of server_call_fuzz.c (corpus/server_call/): a valid request of every
# op, each `capnp encode --flat` of its request struct behind the 7-byte header the target reads
# (label, badge kind | cap count << 3, length, three cap kinds), and a few sequences. Run from
# the repository root after changing the schema or the header.
set -eu
out=fuzz/corpus/server_call
B=schemas/bridge.capnp
rm -f "$out"/*
n=0
# seed <name> <label> <badge kind> <cap count> <cap kind> <type> <value>
seed() {
  n=$((n + 1))
  f="$out/seed-$(printf %02d $n)-$1"
  printf "$(printf '\\%03o\\%03o\\%03o\\%03o\\%03o\\%03o\\%03o' \
    "$2" 0 $(($3 | $4 << 3)) 0 "$5" 0 0)" > "$f"
  echo "$7" | capnp encode --flat $B "$6" >> "$f"
}
# Badge kinds: 0 open session, 1 no session, 2 revoked session. Cap kinds as CAP_* in the target.
seed ping-open            0 0 0 0 PingRequest '()'
seed ping-nosession       0 1 0 0 PingRequest '()'
seed ping-revoked         0 2 0 0 PingRequest '()'
seed open-nosession       1 1 0 0 OpenSessionRequest '(bundleCaps = 4, ringDepth = 8, phase = kickEveryEnqueue)'
seed open-revoked         1 2 0 0 OpenSessionRequest '(bundleCaps = 8, ringDepth = 0, phase = signalWhenAsked)'
seed open-exists          1 0 0 0 OpenSessionRequest '(bundleCaps = 6, ringDepth = 64, phase = signalWhenAsked)'
seed capcall-ntfn         2 0 1 2 CapCallRequest '(tag = 42)'
seed capcall-frame        2 0 1 3 CapCallRequest '(tag = 43)'
seed capcall-unwrapped    2 0 1 5 CapCallRequest '(tag = 44)'
seed capcall-cnode        2 0 1 6 CapCallRequest '(tag = 45)'
seed capcall-untyped      2 0 1 10 CapCallRequest '(tag = 46)'
seed capcall-kick         2 0 1 11 CapCallRequest '(tag = 47)'
seed kick-open            3 0 0 0 KickRequest '(produced = 0)'
seed kick-revoked         3 2 0 0 KickRequest '(produced = 5)'
seed close-open           4 0 0 0 CloseSessionRequest '()'
seed close-revoked        4 2 0 0 CloseSessionRequest '()'
seed revoke-own           5 0 0 0 RevokeBundleRequest '(session = 0)'
seed revoke-other         5 0 0 0 RevokeBundleRequest '(session = 4)'
seed revoke-free          5 0 0 0 RevokeBundleRequest '(session = 2)'
seed stats-open           6 0 0 0 StatsRequest '()'
seed stats-revoked        6 2 0 0 StatsRequest '()'
# Sequences: messages joined by the separator, each meeting the states the earlier ones left.
# chain <name> <seed file>...
chain() {
  n=$((n + 1))
  f="$out/seed-$(printf %02d $n)-$1"
  shift
  : > "$f.tmp"
  sep=""
  for s in "$@"; do
    printf "$sep" >> "$f.tmp"
    cat "$out"/seed-*-"$s" >> "$f.tmp"
    sep='\265\136\024\133' # SEPARATOR in server_call_fuzz.c
  done
  mv "$f.tmp" "$f"
}
seed open-a               1 0 0 0 OpenSessionRequest '(bundleCaps = 5, ringDepth = 16, phase = kickEveryEnqueue)'
seed capcall-nosession    2 1 1 3 CapCallRequest '(tag = 48)'
seed revoke-b             5 0 0 0 RevokeBundleRequest '(session = 2)'
seed close-nosession      4 1 0 0 CloseSessionRequest '()'
chain seq-b-lifetime      open-nosession ping-nosession capcall-nosession revoke-b ping-nosession close-nosession
chain seq-a-close-reopen  close-open ping-open capcall-kick open-a capcall-kick kick-open
chain seq-c-reopen-revoke open-revoked ping-revoked revoke-other stats-revoked close-revoked
echo "wrote $n seeds to $out"
