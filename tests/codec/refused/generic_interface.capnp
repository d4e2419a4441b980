# capnpc-c must refuse this: a generic interface (its methods' params would be AnyPointer).
@0xd5a2f1c3b4e59609;
interface Store(T) { get @0 () -> (value :T); }
