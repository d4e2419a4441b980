# capnpc-c must refuse this: a method marked $fastpath whose request can exceed 4 words.
@0xbd2a81bf98c19f70;
using SB = import "../../../schemas/sel4bridge.capnp";
interface Server { put @0 (key :Text) -> () $SB.fastpath; }
