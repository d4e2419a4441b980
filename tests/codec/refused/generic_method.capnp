# capnpc-c must refuse this: a method with generic parameters of its own (a generic interface's
# parameters are AnyPointer and are carried; a method's implicit ones are not).
@0xd5a2f1c3b4e59609;
interface Store { get @0 [T] (key :T) -> (value :T); }
