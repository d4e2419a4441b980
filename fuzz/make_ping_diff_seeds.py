#!/usr/bin/python3
"""Write the seed corpus of ping_diff_fuzz (fuzz/corpus/ping_diff/): ping-shaped calls in the
12-byte header ping_diff_fuzz.c describes, then their message words. Run from the repository root
after changing the header."""
import os
import struct
import sys

EMPTY = 0xFFFFFFFC00000000  # the empty struct's root pointer (offset -1, no data, no pointers)
OPEN, REVOKED = 0x55, 0xAA  # byte 3: all four sessions open / revoked (two bits each)
SMALL = 0x80  # byte 1, bit 7: the badge is session byte 4 % 6

SEEDS = {
    # name: (label byte, caps byte, length, states, session, words)
    "ping-open": (0, SMALL, 1, OPEN, 1, [EMPTY]),
    "ping-null-root": (0, SMALL, 1, OPEN, 2, [0]),
    "ping-garbage-root": (0, SMALL, 1, OPEN, 3, [0x0123456789ABCDEF]),
    "ping-four-words": (0, SMALL, 4, OPEN, 4, [EMPTY, 1, 2, 3]),
    "ping-five-words": (0, SMALL, 5, OPEN, 1, [EMPTY, 0, 0, 0, 0]),
    "ping-no-root": (0, SMALL, 0, OPEN, 1, []),
    "ping-no-session": (0, SMALL, 1, OPEN, 0, [EMPTY]),
    "ping-beyond-max-sessions": (0, SMALL, 1, OPEN, 5, [EMPTY]),
    "ping-free": (0, SMALL, 1, 0, 1, [EMPTY]),
    "ping-revoked": (0, SMALL, 1, REVOKED, 1, [EMPTY]),
    "ping-with-cap": (0, SMALL | 1, 1, OPEN, 1, [EMPTY]),
    "ping-unwrapped-cap": (0, SMALL | 1 | 4, 1, OPEN, 1, [EMPTY]),
    "ping-any-badge": (0, 0, 1, OPEN, 0xFF, [EMPTY]),
    "stats-open": (4, SMALL, 1, OPEN, 1, [EMPTY]),
    "no-op-label": (5, SMALL, 1, OPEN, 1, [EMPTY]),
    "app-label": (7, SMALL, 1, OPEN, 1, [EMPTY]),
}

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "ping_diff")
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.remove(os.path.join(out, f))
for name, (label, caps, length, states, session, words) in SEEDS.items():
    data = bytes([label, caps, length, states]) + struct.pack("<Q", session)
    data += b"".join(struct.pack("<Q", w) for w in words)
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
