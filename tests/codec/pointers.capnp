# Lists of pointers, AnyPointer and generics, each alone and combined, for codec_pointers_test
# (capnp 0.9.2 does not accept List(AnyPointer), nor List(T) of a parameter T).
# Not part of the wire contract.
@0xb3c4d5e6f7a81920;

struct Item {
  id @0 :UInt16;
  tag @1 :Text;
}

# A generic struct: generated once, its parameters read as AnyPointer.
struct Box(T) {
  value @0 :T;
  label @1 :Text;
}

struct Pair(K, V) {
  key @0 :K;
  value @1 :V;
}

struct Lists {
  names @0 :List(Text);
  blobs @1 :List(Data);
  matrix @2 :List(List(Int32));
  nested @3 :List(List(Text));
  items @4 :List(List(Item));
  deep @5 :List(List(List(Bool)));
  anything @6 :AnyPointer;
  anys @7 :List(Box(Text));
  textBox @8 :Box(Text);
  pairs @9 :List(Pair(Text, List(Text)));
  union {
    none @10 :Void;
    some @11 :AnyStruct;
  }
  itemBox @12 :Box(Item);
  listBox @13 :Box(List(UInt16));
  dataBox @14 :Box(Data);
}

# A generic whose parameter is inside a list's element type (List(T) itself, a list of
# AnyPointer, capnp 0.9.2 refuses: "'List(AnyPointer)' is not supported.").
struct Bag(T) {
  items @0 :List(Box(T));
}

# Brands inside lists, bound to lists, to AnyPointer and to other brands: each generated as a
# concrete type (Box(Box(Text)) -> Box_Box_Text), the generic type still a view of the same struct.
struct Brands {
  boxes @0 :List(Box(Item));
  maps @1 :List(Pair(Text, Item));
  nestedBox @2 :Box(Box(Text));
  anyBox @3 :Box(AnyPointer);
  textBag @4 :Bag(Text);
  listBag @5 :Bag(List(Text));
  bagBox @6 :Box(Bag(Data));
  lists @7 :List(List(Pair(Text, Item)));
}
