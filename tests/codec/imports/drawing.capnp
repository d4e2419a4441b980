# Imports shapes.capnp, which imports geometry.capnp: a chain of generated headers.
@0xd25f28c157e9d95d;
using S = import "shapes.capnp";
using G = import "geometry.capnp";

struct Drawing {
  shapes @0 :List(S.Shape);
  background @1 :G.Color;
  title @2 :S.Shape.Label;
  tagged @3 :G.Tagged(Text);
  taggedPoints @4 :List(G.Tagged(G.Point));
}
