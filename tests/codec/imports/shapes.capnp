# Imports geometry.capnp: its types used as a field, an enum, a list element and a nested
# struct's field, named with geometry's prefix from geometry.capnp.h.
@0xfc125387ad0d9768;
using G = import "geometry.capnp";

struct Shape {
  center @0 :G.Point;
  color @1 :G.Color = blue;
  corners @2 :List(G.Point);
  label @3 :Label;
  struct Label {
    at @0 :G.Point;
    text @1 :Text;
  }
}
