# capnpc-c must refuse this: interfaces (capabilities travel in seL4 extraCaps).
@0xd5a2f1c3b4e59607;
interface Server { ping @0 (); }
