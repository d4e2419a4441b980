# Schema names that collide with what capnpc-c emits, for codec_names_test. Not part of the wire
# contract. Each collision gets a trailing underscore on the schema's side (said in the header):
# a pointer field `root` beside a struct's own _init_root, an enumerant `t` beside an enum's _t
# typedef, a constant `which` beside a union's _which(); a field `which` with no union does not
# collide. And the extreme integer constants (INT64_MIN cannot be written as a literal in C).
@0xc4f1a7e2b95d3c60;

struct Node {
  root @0 :Node;
  which @1 :UInt16;
  kind @2 :Kind;
  enum Kind {
    t @0;
    reader @1;
    builder @2;
  }
}

struct Choice {
  union {
    number @0 :UInt32;
    word @1 :Text;
  }
  root @2 :List(UInt8);
  const which :UInt8 = 7;
}

const minInt64 :Int64 = -9223372036854775808;
const maxInt64 :Int64 = 9223372036854775807;
const minInt32 :Int32 = -2147483648;
const maxUInt64 :UInt64 = 18446744073709551615;
