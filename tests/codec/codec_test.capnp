# A schema that uses every field kind capnpc-c supports, for the codec's tests against the
# reference `capnp` tool. Not part of the wire contract.
@0x951c929bf2a33de8;

enum Color {
  red @0;
  green @1;
  blue @2;
}

const answer :UInt32 = 42;
const greeting :Text = "hello \"seL4\"\n";

struct Inner {
  id @0 :UInt32;
  name @1 :Text;
  flag @2 :Bool;
}

struct AllTypes {
  voidField @0 :Void;
  boolField @1 :Bool;
  int8Field @2 :Int8;
  int16Field @3 :Int16;
  int32Field @4 :Int32;
  int64Field @5 :Int64;
  uint8Field @6 :UInt8;
  uint16Field @7 :UInt16;
  uint32Field @8 :UInt32;
  uint64Field @9 :UInt64;
  float32Field @10 :Float32;
  float64Field @11 :Float64;
  textField @12 :Text;
  dataField @13 :Data;
  structField @14 :Inner;
  enumField @15 :Color;

  boolList @16 :List(Bool);
  int8List @17 :List(Int8);
  int16List @18 :List(Int16);
  int32List @19 :List(Int32);
  int64List @20 :List(Int64);
  uint8List @21 :List(UInt8);
  uint16List @22 :List(UInt16);
  uint32List @23 :List(UInt32);
  uint64List @24 :List(UInt64);
  float32List @25 :List(Float32);
  float64List @26 :List(Float64);
  enumList @27 :List(Color);
  voidList @28 :List(Void);
  structList @29 :List(Inner);

  # Non-zero defaults: stored XORed with the default, as capnp does.
  boolDefault @30 :Bool = true;
  int32Default @31 :Int32 = -123456;
  uint64Default @32 :UInt64 = 0x0123456789abcdef;
  float32Default @33 :Float32 = 1.5;
  float64Default @34 :Float64 = -2.25e100;
  enumDefault @35 :Color = blue;
  textDefault @36 :Text = "default text";
  dataDefault @37 :Data = 0x"de ad be ef";
  int8Default @38 :Int8 = -7;
  uint16Default @39 :UInt16 = 65535;

  # An unnamed union.
  union {
    none @40 :Void;
    number @41 :UInt32;
    word @42 :Text;
    child @43 :Inner;
  }

  # A group.
  point :group {
    x @44 :Int32;
    y @45 :Int32;
    label @46 :Text;
  }

  # A named union (a group holding a union) with a group member.
  shape :union {
    circle @47 :Float64;
    rect :group {
      width @48 :UInt16;
      height @49 :UInt16;
    }
    nothing @50 :Void;
  }
}

# Nested declarations and self-reference (for nesting tests).
struct Outer {
  struct Nested {
    value @0 :UInt16;
  }
  nested @0 :Nested;
  next @1 :Outer;
  items @2 :List(Outer.Nested);
}

struct Empty {}
