#!/usr/bin/python3
"""Write the seed inputs of dispatch_fuzz (fuzz/corpus/dispatch/): short, valid conversations
with the bridge server in the input format dispatch_fuzz.c describes, which the fuzzer mutates."""
import os
import struct
import sys

CALL, KICK, REQ_RING, CMPL_RING = 0, 1, 2, 3
ENQUEUE, REAP, REVOKE, SERVE_ONCE, AT_RACE, SERVER2, OCCUPY, DEFERRED, REFUSE, COMPLETE = range(4, 14)
APP = 0x5eb1 << 16  # the test application's interface code, as a label
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


def enqueue(session, count, ops=0x0101010101010101, first_op=1, sleep=False):
    return struct.pack("<BBBBQ", ENQUEUE, session - 1, count, first_op << 3 | (0x80 if sleep else 0), ops)


def reap(session, count):
    return struct.pack("<BBBBQ", REAP, session - 1, count, 0, 0)


def action(kind, b1=0, b2=0, b3=0, value=0):
    return struct.pack("<BBBBQ", kind, b1, b2, b3, value)


def app_call(method, words, session=1, cap=None):
    """A call with an application label: the word gives the label, the byte the session."""
    flags = 0 if cap is None else 1 | (cap << 1)
    head = struct.pack("<BBBBQ", CALL, 16 + session, len(words), flags, (APP | method) << 12)
    return head + b"".join(struct.pack("<Q", w) for w in words)


PHASE2 = 1
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
    # Large opens until the frame pool (8 frames) is spent: the third is refused.
    "pool-exhausted": open_(1, 8) + open_(2, 8) + open_(3, 8) + call(4, [0], 1) + open_(3, 8),
    # A full ring's worth in flight, then the kick: the budget runs out (kicks left pending) and
    # the completion ring fills; Phase 1 and Phase 2.
    "full-ring-kick": open_(1) + enqueue(1, 8) + kick(1) + enqueue(1, 8) + kick(1) + reap(1, 8) + kick(1),
    "full-completions-phase2": open_(2, 4, 8, PHASE2) + enqueue(2, 8) + kick(2) + enqueue(2, 8, sleep=True)
    + kick(2) + reap(2, 8) + kick(2),
    # Kicks left pending by a spent budget, then served by sb_server_serve_once.
    "pending-serve-once": open_(1) + enqueue(1, 8) + kick(1) + reap(1, 8) + action(SERVE_ONCE)
    + action(SERVE_ONCE, value=1),
    # The handler revokes its own session, another one, corrupts its completion ring, fails.
    "handler-revokes-own": open_(1) + enqueue(1, 3, first_op=2) + kick(1) + call(0, [0], 1),
    "handler-revokes-other": open_(1) + open_(2) + enqueue(1, 3, ops=0x0303030303030303, first_op=3)
    + kick(1) + call(3, [ROOT1, 0], 1),
    "handler-corrupts-completions": open_(1) + enqueue(1, 2, first_op=4) + call(3, [ROOT1, 0], 1),
    "handler-fails": open_(1) + enqueue(1, 4, ops=0x0505050505050505, first_op=5) + kick(1) + reap(1, 4),
    # Phase 2 races, driven at the drain's race points: a request published after the server
    # found the ring empty, completions reaped after it found them full.
    "race-ring-empty": open_(2, 4, 8, PHASE2) + action(AT_RACE) + enqueue(2, 1) + enqueue(2, 1) + kick(2),
    "race-completions-full": open_(2, 4, 8, PHASE2) + enqueue(2, 8) + kick(2) + enqueue(2, 8)
    + action(AT_RACE) + reap(2, 8) + kick(2) + reap(2, 8),
    "race-index-write": open_(2, 4, 8, PHASE2) + action(AT_RACE) + ring(2, 0, 1000) + enqueue(2, 1) + kick(2),
    # The application's signal bits, a kick and a signal through serve_once, sb_server_revoke.
    "app-signal": open_(1) + kick(1) + struct.pack("<BBBBQ", KICK, 0, 0, 0, (1 << 35) | 1)
    + action(SERVE_ONCE, value=1 << 40),
    "server-revoke": open_(1) + action(REVOKE, 1) + action(REVOKE, 0) + action(REVOKE, 9)
    + action(REVOKE, 1) + call(0, [0], 1),
    # A grant slot left holding a cap: the open fails part-way and is undone; the open hook refuses.
    "grant-slot-busy": action(OCCUPY, 0, 0) + open_(1) + action(OCCUPY, 1, 1) + open_(2)
    + action(OCCUPY, 2, 2) + open_(3) + action(REFUSE) + open_(3),
    # The test application: each method once, an unknown method and interface.
    "app-methods": open_(1) + app_call(0, [ROOT1, 41]) + app_call(1, [ROOT1, 0]) + app_call(2, [ROOT1, 4 | 9 << 32])
    + app_call(2, [ROOT1, 126]) + app_call(3, [ROOT1, 1], cap=0) + app_call(3, [ROOT1, 1], cap=0)
    + app_call(4, [ROOT1, 0]) + app_call(9, [ROOT1, 0]) + action(DEFERRED, 0, value=0) + call(4, [0], 1),
    "app-defer-many": open_(1) + app_call(1, [ROOT1, 0]) * 5 + call(4, [0], 1),
    "app-refusals": open_(1) + app_call(2, [ROOT1, 2]) + app_call(2, [ROOT1, 0]) + app_call(0, [ROOT1] * 6)
    + app_call(3, [ROOT1, 0]) + app_call(5, [ROOT1]),
    # Ring requests left pending by the handler (op 6), completed later by the application:
    # in order, after a reap, one unknown, one after the client moved its completion ring.
    "pending-complete": open_(1) + enqueue(1, 3, ops=0x0606060606060606, first_op=6) + kick(1)
    + action(COMPLETE, 1, 0, 1, 0) + action(COMPLETE, 1, 4, 0, 1) + action(COMPLETE, 1, 0, 0, 1 << 40)
    + action(COMPLETE, 0) + action(COMPLETE, 5) + reap(1, 2) + action(COMPLETE, 1, 0, 1, 2),
    "pending-complete-corrupt": open_(1) + enqueue(1, 2, ops=0x0606060606060606, first_op=6) + kick(1)
    + ring(1, 8, 5000, CMPL_RING) + action(COMPLETE, 1, 0, 1, 0),
    "pending-full-ring": open_(2, 4, 4) + enqueue(2, 4, ops=0x0606060606060606, first_op=6) + kick(2)
    + enqueue(2, 4) + kick(2) + action(COMPLETE, 2, 0, 1, 0) + kick(2) + call(4, [0], 2),
}
# A second server's init with each refused setting (and with a slot of its range in use).
for i in range(12):
    SEEDS[f"second-server-{i:02d}"] = action(SERVER2, 1, 2, i, 0x3f)
# ... with no data frames (max_bundle 4): the session untypeds are smaller than a page
SEEDS["second-server-no-frames"] = action(SERVER2, 1, 0, 11, 0x3f)
SEEDS["second-server-small-untyped"] = action(SERVER2, 0, 0, 7, 0)
# ... with a slot of its range in use: each of a session's lasting slots (ring frames, kick, untyped)
for off in (1, 2, 3, 4, 12):
    SEEDS[f"second-server-busy-{off:02d}"] = action(SERVER2, 1, 2, 11, 0x3f | 0x100 | (off - 1) << 16)
SEEDS["second-server-busy-no-frames"] = action(SERVER2, 1, 0, 11, 0x3f | 0x100 | 1 << 16)

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "corpus", "dispatch")
os.makedirs(out, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
print(f"{len(SEEDS)} seeds in {out}")
