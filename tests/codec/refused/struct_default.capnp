# capnpc-c must refuse this: a default value for a struct field.
@0xd5a2f1c3b4e5960a;
struct Inner { a @0 :UInt32; }
struct Outer { inner @0 :Inner = (a = 5); }
