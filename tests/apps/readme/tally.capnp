# tally.capnp: a running total per session.
@0xaef8c06fd8540ac7;
using SB = import "/sel4bridge.capnp";  # capnp compile -I <sel4bridge>/schemas

interface Tally {
  add @0 (amount :UInt64) -> (total :UInt64) $SB.fastpath;
  # Add to this session's total; returns the new total.
}
