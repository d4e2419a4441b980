#!/usr/bin/python3
"""Write the seed inputs of dispatch_fuzz (fuzz/corpus/dispatch/): short, valid conversations
with the bridge server in the input format dispatch_fuzz.c describes, which the fuzzer mutates."""
import os
import struct
import sys

CALL, KICK, REQ_RING, CMPL_RING = 0, 1, 2, 3
ROOT1 = 1 << 32  # struct pointer: offset 0, one data word, no pointers


def call(label, words, session=1, cap=None):
    flags = 0 if cap is None else 1 | (cap << 1)
    head = struct.pack("<BBBBQ", CALL, label, len(words), flags, session)
    return head + b"".join(struct.pack("<Q", w) for w in words)


def kick(session):
    return struct.pack("<BBBBQ", KICK, 0, 0, 0, 1 << (session - 1))


def ring(session, word_index, value, which=REQ_RING):
    return struct.pack("<BBBBQ", which, session - 1, word_index, 0, value)


def open_(session, k=4, depth=8, phase=0):
    return call(1, [ROOT1, k | depth << 16 | phase << 32], session)


def request(session, slot, rid, op=1, arg=41, tail=None):
    """An entry in the request ring's slot (entries start at byte 128), then the new tail."""
    base = 16 + slot * 4
    out = ring(session, base, rid) + ring(session, base + 1, op) + ring(session, base + 2, arg)
    return out + ring(session, 0, slot + 1 if tail is None else tail)


SEEDS = {
    "ping-without-session": call(0, [0]),
    "open-ping-close": open_(1) + call(0, [0]) + call(4, [0]),
    "open-request-kick": open_(1) + request(1, 0, 7) + kick(1) + call(6, [0]),
    "open-phase2-kick-call": open_(2, 8, 4, 1) + request(2, 0, 1) + request(2, 1, 2) + call(3, [ROOT1, 2], 2),
    "cap-call": open_(1) + call(2, [ROOT1, 99], cap=0) + call(2, [ROOT1, 100], cap=2),
    "unexpected-cap": open_(1) + call(0, [0], cap=1) + call(2, [ROOT1, 5], cap=3),
    "corrupt-tail": open_(3) + ring(3, 0, 1000) + kick(3) + call(0, [0], 3),
    "corrupt-completion-head": open_(1) + ring(1, 8, 5000, CMPL_RING) + request(1, 0, 1) + kick(1),
    "admin-revoke": open_(1) + open_(4) + call(5, [ROOT1, 1], 4) + call(0, [0], 1) + open_(1),
    "bad-lengths": open_(1) + call(0, []) + call(0, [0] * 9) + call(9, [0]),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "dispatch")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(SEEDS)} seeds in {out}")
