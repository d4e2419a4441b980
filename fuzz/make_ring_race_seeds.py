#!/usr/bin/python3
"""Write the seed inputs of ring_race_fuzz (fuzz/corpus/ring_race/) in the input format
ring_race_fuzz.c describes: full rings, kicks and kick calls, Phase 1 and 2, both serve loops,
with and without racer writes to the indices, the flag and the entries."""
import os
import struct
import sys

ENQUEUE, KICK, KICK_CALL, REAP, PING, REVOKE = range(6)
FRAME = 4096
TAIL, HEAD, FLAG, ENTRIES = 0, 64, 68, 128  # offsets in a ring frame


def settings(phase2=False, depth_log=3, serve_once=False, caps=4):
    return (1 if phase2 else 0) | depth_log << 1 | (0x10 if serve_once else 0) | (caps - 4) << 5


def writes(*ws):
    """Racer writes: (frame 0 request / 1 completion, offset, width in bytes, value)."""
    out = bytes([len(ws)])
    for frame, off, width, value in ws:
        out += struct.pack("<HB", frame * FRAME + off, {1: 0, 2: 1, 4: 2, 8: 3}[width])
        out += struct.pack("<Q", value)[:7]
    return out


def acts(*a):
    return b"".join(bytes([what, n]) for what, n in a)


SEEDS = {
    "phase1-full-ring": bytes([settings()]) + writes() + acts((ENQUEUE, 8), (KICK, 0), (REAP, 8), (KICK_CALL, 0)),
    "phase2-full-completions": bytes([settings(True)]) + writes()
    + acts((ENQUEUE, 8), (KICK, 0), (ENQUEUE, 8), (KICK, 0), (REAP, 8), (KICK_CALL, 0), (REAP, 8)),
    "serve-once-pending": bytes([settings(True, 2, True)]) + writes()
    + acts((ENQUEUE, 4), (KICK, 0), (ENQUEUE, 4), (KICK, 0), (REAP, 4), (PING, 0), (REAP, 4)),
    "race-tail": bytes([settings(True)]) + writes((0, TAIL, 4, 0xfffffff8 + 3), (0, TAIL, 4, 0xfffffff8 + 60))
    + acts((ENQUEUE, 4), (KICK, 0), (KICK_CALL, 0), (REAP, 8)),
    "race-entries-unaligned": bytes([settings(False, 4)]) + writes((0, ENTRIES + 3, 8, 0x0101010101),
                                                                   (0, ENTRIES + 40, 2, 3), (0, ENTRIES + 9, 1, 7))
    + acts((ENQUEUE, 16), (KICK, 0), (KICK_CALL, 0), (REAP, 16), (ENQUEUE, 16), (KICK_CALL, 0)),
    "race-completion-head-and-flag": bytes([settings(True)]) + writes((1, HEAD, 4, 0), (1, FLAG, 4, 1), (0, FLAG, 1, 0))
    + acts((ENQUEUE, 8), (KICK, 0), (REAP, 8), (ENQUEUE, 8), (KICK, 0), (KICK_CALL, 0)),
    "handler-and-owner-revoke": bytes([settings(False, 3, False, 6)]) + writes((0, ENTRIES + 8, 4, 3))
    + acts((ENQUEUE, 0xf2), (KICK, 0), (REVOKE, 0), (KICK_CALL, 0), (PING, 0)),
    "handler-stops-loop": bytes([settings()]) + writes() + acts((ENQUEUE, 0xe9), (KICK_CALL, 0), (PING, 0), (REAP, 8)),
    "serve-once-racing": bytes([settings(False, 6, True, 8)]) + writes((0, TAIL, 8, 0x7fffffff), (1, HEAD + 2, 2, 9))
    + acts((ENQUEUE, 64), (KICK, 0), (REAP, 64), (ENQUEUE, 64), (KICK_CALL, 0), (PING, 0)),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "ring_race")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(SEEDS)} seeds in {out}")
