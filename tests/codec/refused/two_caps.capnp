# capnpc-c must refuse this: two capability parameters (a call carries one, in its extraCap).
@0xe3c8a1f5b2d49a61;
using SB = import "../../../schemas/sel4bridge.capnp";
interface Server { swap @0 (a :SB.Cap, b :SB.Cap) -> (); }
