# Shared types, imported by shapes.capnp and (through it) drawing.capnp, for codec_imports_test.
# Generated once, to geometry.capnp.h, which the importers' headers include.
@0xe2d63aee32edfb19;

enum Color {
  red @0;
  green @1;
  blue @2;
}

struct Point {
  x @0 :Int32;
  y @1 :Int32;
}

const origin :Int32 = -1;

# A generic imported by drawing.capnp, which binds it: each brand is a concrete type there.
struct Tagged(T) {
  value @0 :T;
  tags @1 :List(List(Text));
}
