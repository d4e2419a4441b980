# capnpc-c must refuse this: lists of pointers (here List(Text)).
@0xd5a2f1c3b4e5960b;
struct Names { names @0 :List(Text); }
