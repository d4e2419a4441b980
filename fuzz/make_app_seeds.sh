#!/bin/sh
# Seeds of bridge_app_fuzz (fuzz/app_fuzz.c), from capnp encode --flat of the apps test schema:
# one well-formed call of each method, a deferred wait answered by a post, a kept cap, and a
# bridge op between them. Run from the repository root.
set -eu
schema=tests/apps/apps_test.capnp
out=fuzz/corpus/app
mkdir -p "$out"
# call <what> <method> <flags> <type> <value>: the 8-byte header, then the encoded words.
call() {
  body=$(mktemp)
  echo "$5" | capnp encode --flat "$schema" "$4" > "$body"
  words=$(( $(wc -c < "$body") / 8 ))
  printf "\\$(printf %03o "$1")\\$(printf %03o "$2")\\$(printf %03o "$words")\\$(printf %03o "$3")\\000\\000\\000\\000"
  cat "$body"
  rm -f "$body"
}
all='(flag = true, i8 = -5, i16 = -300, i32 = -70000, i64 = -5, u8 = 250, u16 = 65000, u32 = 4, u64 = 9, f32 = 1.5, f64 = -2.25, color = blue, text = "hello", data = "\x00\x01", words = [1, 2], flags = [true, false], shorts = [-1], reals = [0.5])'
call 0 0 0 AddParams '(a = 40, b = 2)' > "$out/add"
call 0 2 0 AllKinds "$all" > "$out/echo"
{ call 0 3 0 WaitParams '(ticket = 5)'; call 0 3 8 WaitParams '(ticket = 6)';
  call 0 4 0 PostParams '(ticket = 6, value = 1)'; call 3 6 0 Empty '()'; } > "$out/wait-post"
{ call 0 5 1 KeepParams '(tag = 9)'; call 0 5 3 KeepParams '(tag = 10)';
  call 0 5 5 KeepParams '(tag = 11)'; } > "$out/keep"
{ call 1 0 0 Empty '()'; call 0 6 8 Empty '()'; call 2 0 0 Empty '()'; call 0 1 0 Empty '()'; } > "$out/others"
