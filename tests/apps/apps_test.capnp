# The applications test schema: two interfaces whose methods carry every field kind a method may
# have (every primitive, an enum, Text, Data, lists of primitives, one capability), a deferred
# method, hooks and per-session state. Generated into tests/apps/gen/ (README, "Writing a server").
@0xb105aeb55997179b;

using SB = import "../../schemas/sel4bridge.capnp";

enum Color {
  red @0;
  green @1;
  blue @2;
}

struct AddParams {
  a @0 :UInt64;
  b @1 :UInt64;
}

struct AddResults {
  sum @0 :UInt64;
}

struct Empty {}

struct AllKinds {
  # Every kind of field a method's params or results may hold. The handler echoes it.
  flag @0 :Bool;
  i8 @1 :Int8;
  i16 @2 :Int16;
  i32 @3 :Int32;
  i64 @4 :Int64;
  u8 @5 :UInt8;
  u16 @6 :UInt16;
  u32 @7 :UInt32;
  u64 @8 :UInt64;
  f32 @9 :Float32;
  f64 @10 :Float64;
  color @11 :Color;
  text @12 :Text;
  data @13 :Data;
  words @14 :List(UInt32);
  flags @15 :List(Bool);
  shorts @16 :List(Int16);
  reals @17 :List(Float64);
}

struct WaitParams {
  ticket @0 :UInt32;
}

struct WaitResults {
  value @0 :UInt64;
}

struct PostParams {
  ticket @0 :UInt32;
  value @1 :UInt64;
}

struct PostResults {
  woken @0 :Bool;  # a caller was waiting on the ticket, and is answered
}

struct KeepParams {
  cap @0 :SB.Cap;  # travels in the extraCap
  tag @1 :UInt64;
}

struct KeepResults {
  tag @0 :UInt64;
  kept @1 :Bool;     # the cap was moved into the application's slot
  badge @2 :UInt64;  # when seL4 unwrapped it: the badge
}

struct SessionResults {
  session @0 :UInt32;
  opens @1 :UInt32;   # open hooks run for this session id, from its context
  closes @2 :UInt32;  # close hooks run, all sessions
  revokes @3 :UInt32; # revoke hooks run, all sessions
}

interface Probe {
  # A service that exercises what an application needs from the bridge.
  add @0 AddParams -> AddResults $SB.fastpath;
  # The fastpath-sized method: a + b.
  nothing @1 Empty -> Empty $SB.fastpath;
  # The null application call.
  echo @2 AllKinds -> AllKinds;
  # Every field kind there and back.
  wait @3 WaitParams -> WaitResults;
  # Deferred: answered when someone posts the ticket.
  post @4 PostParams -> PostResults $SB.fastpath;
  # Answers the caller waiting on the ticket, if any.
  keep @5 KeepParams -> KeepResults;
  # A cap parameter, kept by the application.
  session @6 Empty -> SessionResults;
  # The caller's session and what the hooks counted.
}

interface Counter {
  # A second interface on the same server.
  next @0 () -> (value :UInt64) $SB.fastpath;
  # Implicit param and result structs: one more each call.
}
