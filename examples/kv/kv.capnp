# A key-value store on the bridge (examples/kv): 64-bit keys, values of up to 64 KiB, each
# session its own keyspace under a quota of keys and bytes. Values of up to 8 bytes go in control
# calls that fit seL4's IPC fastpath; larger ones through the bundle's data frames, announced on
# the request ring and completed on the completion ring (see ring ops below).
@0xf6429cbf9f1c4700;

using SB = import "/sel4bridge.capnp";

enum Outcome {
  ok @0;
  notFound @1;    # no value under the key
  quotaKeys @2;   # a new key would take the session past its quota of keys
  quotaBytes @3;  # the value would take the session past its quota of bytes
  tooLarge @4;    # a value of more than 64 KiB; or, for get, larger than the room given
}

interface Kv {
  get @0 (key :UInt64) -> (outcome :Outcome, size :UInt32, value :UInt64) $SB.fastpath;
  # The value's size, and the value itself when it is at most 8 bytes (little-endian in value);
  # a larger one is read with the ring's get.

  put @1 (key :UInt64, value :UInt64, size :UInt8) -> (outcome :Outcome) $SB.fastpath;
  # Store the first size (0..8) bytes of value under key, replacing what was there.

  delete @2 (key :UInt64) -> (outcome :Outcome) $SB.fastpath;

  scan @3 (start :UInt64, limit :UInt32) -> (keys :List(UInt64), sizes :List(UInt32), more :Bool);
  # Keys >= start in ascending order, at most limit (and at most 32) of them, with their values'
  # sizes; more when keys beyond the last one returned exist.

  stats @4 () -> (keys :UInt32, bytes :UInt64, quotaKeys :UInt32, quotaBytes :UInt64) $SB.fastpath;
  # The session's keys and value bytes, and its quota.
}

# Ring requests (sb_queue_entry_t.op). arg[0] is the key; arg[1] a reference into the bundle's
# data area: its byte offset in the low 32 bits, its length above. The completion's status is
# the bridge's (SB_OK, or SB_ERR_DATA_RANGE for a reference outside the area); arg[0] the
# Outcome, arg[1] the value's size.
const ringPut :UInt32 = 1;  # store the referenced bytes under the key
const ringGet :UInt32 = 2;  # copy the value into the referenced room (length = room)
const valueMax :UInt32 = 65536;
const scanMax :UInt32 = 32;
