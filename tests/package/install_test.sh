#!/bin/sh
# usage: install_test.sh <cmake> <build dir> <source dir> <work dir> <cc> [pkg-config]
# Install the build into <work>/prefix; build examples/kv against it as a separate project and
# run its tests; compile pkgconfig_check.c with pkg-config's flags only and run it.
set -eu
cmake=$1 build=$2 src=$3 work=$4 cc=$5 pkgconfig=${6:-}
rm -rf "$work"
mkdir -p "$work"
"$cmake" --install "$build" --prefix "$work/prefix" > "$work/install.log"
echo "installed into $work/prefix: $(find "$work/prefix" -type f | wc -l) files"

if [ -n "$pkgconfig" ]; then
    flags=$(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" "$pkgconfig" --cflags --libs sel4bridge)
    echo "pkg-config --cflags --libs sel4bridge: $flags"
    # shellcheck disable=SC2086 # the flags are words
    "$cc" -std=gnu11 -Wall -Werror -o "$work/pkgconfig_check" "$src/tests/package/pkgconfig_check.c" $flags
    "$work/pkgconfig_check"
else
    echo "pkg-config not installed: the .pc file is not checked"
    exit 1
fi

if [ -d "$src/examples/kv" ]; then
    # A separate project: nothing of this tree but the installed package.
    "$cmake" -S "$src/examples/kv" -B "$work/kv" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_PREFIX_PATH="$work/prefix" > "$work/kv-configure.log" || {
        cat "$work/kv-configure.log"; exit 1; }
    "$cmake" --build "$work/kv" > "$work/kv-build.log" || { cat "$work/kv-build.log"; exit 1; }
    if grep -q "$src/bridge\|$src/kernel\|$src/codec" "$work/kv/compile_commands.json" 2>/dev/null; then
        echo "examples/kv was compiled against the source tree, not the package"; exit 1
    fi
    "$(dirname "$cmake")/ctest" --test-dir "$work/kv" --output-on-failure
fi
