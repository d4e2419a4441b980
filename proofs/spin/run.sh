#!/usr/bin/env bash
# Model-checks a SPIN model of proofs/spin: `run.sh [MODEL.pml] <expect> [-DPHASE=1|2] [-D...]`
# (MODEL defaults to kick.pml) where <expect> is "pass" (no error in either check) or
# "counterexample" (the checks must find one: a negative control). Two checks: safety (invalid
# end states = deadlocks) and the model's one LTL property (no lost wake-up) under weak
# fairness. Prints SPIN's state counts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
model=kick.pml
case "${1:-}" in *.pml) model=$1; shift ;; esac
expect=${1:?usage: run.sh [MODEL.pml] pass|counterexample [-D...]}
shift
property=$(sed -n 's/^ltl \([a-z_]*\).*/\1/p' "$here/$model")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
spin "$@" -a "$here/$model" >spin.log 2>&1 || { cat spin.log; exit 1; }
cc -O2 -w -DSAFETY -DNOCLAIM -o pan_safety pan.c
cc -O2 -w -o pan_ltl pan.c
./pan_safety -m100000 >safety.log 2>&1 || true
./pan_ltl -m100000 -a -f -N "$property" >ltl.log 2>&1 || true
errors=0
for check in safety ltl; do
    e=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' $check.log)
    stored=$(sed -n 's/^ *\([0-9e+.]*\) states, stored.*/\1/p' $check.log)
    [ -n "$e" ] || { cat $check.log; echo "spin: no result from pan ($check)" >&2; exit 1; }
    # A search cut short by the depth bound would make "0 errors" mean nothing.
    ! grep -q 'max search depth too small' $check.log ||
        { echo "spin: $check search truncated by -m" >&2; exit 1; }
    echo "$model $* $check: errors $e, states stored $stored"
    grep -E '^pan:1:' $check.log || true
    errors=$((errors + e))
done
case "$expect" in
pass)
    [ "$errors" -eq 0 ] || { cat safety.log ltl.log; echo "spin: errors found" >&2; exit 1; } ;;
counterexample)
    # A negative control: both checks must catch the bug.
    for check in safety ltl; do
        grep -q 'errors: [1-9]' $check.log || { echo "spin: $check found no counterexample" >&2; exit 1; }
    done
    echo "counterexample found, as expected" ;;
*) echo "usage: run.sh pass|counterexample [-D...]" >&2; exit 2 ;;
esac
