#!/bin/sh
# Regenerates the checked-in accessors with capnpc-c and fails on any difference; then checks
# that the plugin refuses what the runtime cannot carry, each with its own message.
# usage: regenerate_test.sh <capnp> <capnpc-c> <source dir> <scratch dir>
set -eu
capnp=$1 plugin=$2 src=$3 out=$4
rm -rf "$out" && mkdir -p "$out/codec" "$out/test" "$out/apps"
cd "$src"
# The schema paths given to capnp appear in the generated header: use the same ones as README.
"$capnp" compile -o"$plugin:$out/codec" schemas/bridge.capnp
"$capnp" compile -o"$plugin:$out/test" tests/codec/codec_test.capnp
"$capnp" compile -o"$plugin:$out/test" tests/codec/names.capnp
"$capnp" compile -o"$plugin:$out/test" tests/codec/pointers.capnp
"$capnp" compile -o"$plugin:$out/test" tests/codec/consts.capnp
"$capnp" compile -o"$plugin:$out/test" tests/codec/defaults.capnp
"$capnp" compile -o"$plugin:$out/test" tests/codec/edges.capnp
# Imports: each file generated once; a header includes those of the files it uses types of.
"$capnp" compile -o"$plugin:$out/test" tests/codec/imports/geometry.capnp \
  tests/codec/imports/shapes.capnp tests/codec/imports/drawing.capnp
# An application schema: stubs in the header, the server skeleton beside it; the generator's
# per-method sizes on stderr are shown here.
"$capnp" compile -o"$plugin:$out/apps" tests/apps/apps_test.capnp
"$capnp" compile -o"$plugin:$out/apps" tests/apps/generic_test.capnp
mkdir -p "$out/readme" && "$capnp" compile -I schemas -o"$plugin:$out/readme" tests/apps/readme/tally.capnp
mkdir -p "$out/kv" && "$capnp" compile -I schemas -o"$plugin:$out/kv" examples/kv/kv.capnp
status=0
diff -u codec/gen/bridge.capnp.h "$out/codec/bridge.capnp.h" || status=1
diff -u tests/codec/gen/codec_test.capnp.h "$out/test/codec_test.capnp.h" || status=1
diff -u tests/codec/gen/names.capnp.h "$out/test/names.capnp.h" || status=1
diff -u tests/codec/gen/pointers.capnp.h "$out/test/pointers.capnp.h" || status=1
diff -u tests/codec/gen/consts.capnp.h "$out/test/consts.capnp.h" || status=1
diff -u tests/codec/gen/defaults.capnp.h "$out/test/defaults.capnp.h" || status=1
diff -u tests/codec/gen/edges.capnp.h "$out/test/edges.capnp.h" || status=1
diff -u tests/codec/gen/edges.capnp.server.c "$out/test/edges.capnp.server.c" || status=1
for f in geometry shapes drawing; do
  diff -u tests/codec/gen/$f.capnp.h "$out/test/$f.capnp.h" || status=1
done
diff -u tests/apps/gen/apps_test.capnp.h "$out/apps/apps_test.capnp.h" || status=1
diff -u tests/apps/gen/apps_test.capnp.server.c "$out/apps/apps_test.capnp.server.c" || status=1
diff -u tests/apps/gen/generic_test.capnp.h "$out/apps/generic_test.capnp.h" || status=1
diff -u tests/apps/gen/generic_test.capnp.server.c "$out/apps/generic_test.capnp.server.c" || status=1
diff -u tests/apps/readme/gen/tally.capnp.h "$out/readme/tally.capnp.h" || status=1
diff -u tests/apps/readme/gen/tally.capnp.server.c "$out/readme/tally.capnp.server.c" || status=1
diff -u examples/kv/gen/kv.capnp.h "$out/kv/kv.capnp.h" || status=1
diff -u examples/kv/gen/kv.capnp.server.c "$out/kv/kv.capnp.server.c" || status=1
[ $status -eq 0 ] || { echo "generated code is stale: regenerate it (README, Wire contract)"; exit 1; }

refuse() { # <schema> <expected message part>
  if "$capnp" compile -o"$plugin:$out" "tests/codec/refused/$1" 2>"$out/err"; then
    echo "capnpc-c accepted tests/codec/refused/$1"; exit 1
  fi
  grep -q "$2" "$out/err" || { echo "$1: expected '$2', got:"; cat "$out/err"; exit 1; }
  echo "refused $1: $(cat "$out/err")"
}
refuse interface.capnp "interface inheritance (extends) is not supported"
refuse fastpath.capnp "marked \$fastpath but request <= 120 words"
refuse two_caps.capnp "more than one capability parameter"
refuse generic_method.capnp "generic_method.capnp:Store.get: generic methods are not supported"
refuse cap_list.capnp "cap_list.capnp:Services.all: lists of interfaces are not supported"
refuse import_refused.capnp \
  "import_refused.capnp:Outer.holder: uses tests/codec/refused/mixed.capnp:Holder, which is refused"

# Refused per declaration: as errors (the default) nothing is written and every refusal is
# named with file, declaration and field; as warnings the other declarations are generated.
mixed=tests/codec/refused/mixed.capnp
mkdir -p "$out/mixed"
if "$capnp" compile -o"$plugin:$out/mixed" $mixed 2>"$out/err"; then
  echo "capnpc-c accepted $mixed"; exit 1
fi
[ ! -e "$out/mixed/mixed.capnp.h" ] || { echo "$mixed: refused as error but written"; exit 1; }
for m in "$mixed:Holder.service: interface fields are not supported" \
         "$mixed:User.holder: uses Holder, which is refused" "2 declaration(s) refused"; do
  grep -qF "$m" "$out/err" || { echo "$mixed: expected '$m', got:"; cat "$out/err"; exit 1; }
done
CAPNPC_C_REFUSED=warning "$capnp" compile -o"$plugin:$out/mixed" $mixed 2>"$out/err" ||
  { echo "$mixed: refused as warnings but failed:"; cat "$out/err"; exit 1; }
grep -qF "warning: refused $mixed:Holder.service" "$out/err" || { cat "$out/err"; exit 1; }
for g in mixed_Kept_read_root mixed_Later_read_root; do
  grep -q "$g" "$out/mixed/mixed.capnp.h" || { echo "$mixed: $g not generated"; exit 1; }
done
if grep -q "mixed_Holder_\|mixed_User_" "$out/mixed/mixed.capnp.h"; then
  echo "$mixed: a refused declaration was generated"; exit 1
fi
echo "refused per declaration: $(grep -c '^capnpc-c: warning' "$out/err") of 5 in $mixed"
echo "regenerated code matches the checked-in code"
