# capnpc-c must refuse this: generic structs.
@0xd5a2f1c3b4e59609;
struct Box(T) { value @0 :T; }
