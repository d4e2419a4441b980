# Default values of struct, list, Text and Data fields, for codec_defaults_test: a null pointer
# reads as the field's default (capnp's semantics), whose words are those `capnp eval --flat`
# gives for the field; <S>_set_<f>_default writes a copy of it. Not part of the wire contract.
@0xc41e6a0d2b9f7358;

using G = import "imports/geometry.capnp";

struct Inner {
  a @0 :UInt32;
  t @1 :Text;
  l @2 :List(Int16);
}

struct Box(T) {
  value @0 :T;
  n @1 :UInt8 = 3;
}

struct Defaults {
  inner @0 :Inner = (a = 5, t = "five", l = [1, -2, 3]);
  nums @1 :List(UInt32) = [7, 8, 9];
  names @2 :List(Text) = ["x", "", "yz"];
  blobs @3 :List(Data) = [0x"00 ff", ""];
  inners @4 :List(Inner) = [(a = 1), (t = "two", l = [])];
  matrix @5 :List(List(Int8)) = [[1, 2], [], [-3]];
  point @6 :G.Point = (x = -1, y = 2147483647);
  box @7 :Box(Text) = (value = "boxed", n = 4);
  flags @8 :List(Bool) = [true, false, true];
  text @9 :Text = "t\x00ext";
  data @10 :Data = 0x"01 02 03";
  plain @11 :Inner;
  union {
    none @12 :Void;
    some @13 :Inner = (a = 13);
  }
  group :group {
    deep @14 :List(List(Text)) = [["a", "b"], []];
  }
}
