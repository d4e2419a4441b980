# capnpc-c must refuse this: AnyPointer fields.
@0xd5a2f1c3b4e59608;
struct Holder { anything @0 :AnyPointer; }
