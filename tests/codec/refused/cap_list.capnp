# capnpc-c must refuse this: a list of capabilities (caps travel in seL4 extraCaps).
@0xd5a2f1c3b4e5960b;
interface Service {}
struct Services { all @0 :List(Service); }
