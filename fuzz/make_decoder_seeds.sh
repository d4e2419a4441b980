#!/bin/sh
# Writes the decoder fuzzer's seed corpus (corpus/decoder/) with the reference tool: each seed is
# `capnp encode --flat` of one value. Run from the repository root after changing the schemas.
set -eu
out=fuzz/corpus/decoder
rm -f "$out"/*
n=0
seed() { # <schema> <type> <value>
  n=$((n + 1))
  echo "$3" | capnp encode --flat "$1" "$2" > "$out/seed-$(printf %02d $n)-$2"
}
T=tests/codec/codec_test.capnp
B=schemas/bridge.capnp
seed $T AllTypes '()'
seed $T AllTypes '(int64Field = -5, textField = "seL4", dataField = 0x"00ff", structField = (id = 7, name = "seven", flag = true), enumField = blue)'
seed $T AllTypes '(boolList = [true, false, true], int16List = [-1, 2], uint64List = [1, 18446744073709551615], float32List = [1.5, -0.25], enumList = [red, blue], voidList = [void, void, void])'
seed $T AllTypes '(structList = [(id = 1, name = "a"), (id = 2, flag = true), (id = 3, name = "ccc")], word = "union", point = (x = -1, y = 1, label = "p"), shape = (rect = (width = 3, height = 4)))'
seed $T AllTypes '(child = (id = 9, name = "child"), textDefault = "", dataDefault = "", shape = (circle = inf))'
seed $T Outer '(nested = (value = 1), next = (next = (next = (items = [(value = 2), (value = 3)]))))'
P=tests/codec/pointers.capnp
seed $P Lists '(names = ["seL4", "", "bridge"], blobs = [0x"010203", ""], matrix = [[-7, 9], []], nested = [["a", "bc"]], items = [[(id = 1, tag = "x"), (id = 2)]], deep = [[[true, false, true]]], anys = [(value = "v")])'
seed $P Lists '(textBox = (value = "text", label = "t"), itemBox = (value = (id = 77, tag = "item")), listBox = (value = [5, 6]), dataBox = (value = 0x"ff00"), pairs = [(key = "k", value = ["v", "w"])])'
seed $P Brands '(boxes = [(value = (id = 1, tag = "a"), label = "b0"), ()], maps = [(key = "k", value = (id = 2))], nestedBox = (value = (value = "inner", label = "il"), label = "ol"), textBag = (items = [(value = "t0"), (label = "l1")]), listBag = (items = [(value = ["x", "y"])]), bagBox = (value = (items = [(value = 0x"01")])), lists = [[(key = "p", value = (id = 3))], []])'
D=tests/codec/defaults.capnp
seed $D Defaults '()'
seed $D Defaults '(inner = (a = 6, t = "six"), names = ["n"], matrix = [[1]], inners = [(t = "i")], box = (value = "b"), group = (deep = [["d"]]))'
seed $B OpenSessionReply '(session = 7, bundleCaps = 6, cnodeSizeBits = 4, frameSizeBits = 12, firstFrameSlot = 2, frameCount = 4, requestRingFrame = 0, completionRingFrame = 2, kickSlot = 0, completionSlot = 1, ringDepth = 64, phase = signalWhenAsked)'
seed $B Error '(status = badMessage, op = capCall, detail = 3)'
seed $B PingRequest '()'
echo "wrote $n seeds to $out"
