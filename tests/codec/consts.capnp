# Constants of every kind, for codec_consts_test: floats exact (infinities by their bits), Data as
# bytes, struct and list constants as the words `capnp eval --flat` writes. Not part of the wire
# contract.
@0x9668f861156873f8;

struct Item {
  id @0 :UInt16;
  tag @1 :Text;
  inner @2 :Item;
}

const pi :Float64 = 3.141592653589793;
const half :Float32 = 0.5;
const tiny :Float64 = -4.9e-324;
const big :Float64 = inf;
const small :Float32 = -inf;
const bytes :Data = 0x"00ff10";
const noBytes :Data = "";
const item :Item = (id = 7, tag = "seven", inner = (id = 8));
const empty :Item = ();
const numbers :List(UInt32) = [1, 2, 3];
const names :List(Text) = ["a", "bc"];
const items :List(Item) = [(id = 1), (id = 2, tag = "two")];

# capnp eval writes only structs: each list constant inside one, whose words after the root
# pointer are the list constant's own.
struct Held(T) {
  value @0 :T;
}
const heldNumbers :Held(List(UInt32)) = (value = .numbers);
const heldNames :Held(List(Text)) = (value = .names);
const heldItems :Held(List(Item)) = (value = .items);
