# capnpc-c must refuse this: a type that its own file (mixed.capnp) refuses, used across an import.
@0xd5a2f1c3b4e5960d;
using M = import "mixed.capnp";
struct Outer { holder @0 :M.Holder; kept @1 :M.Kept; }
