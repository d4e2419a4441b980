# A generic interface on the bridge, for apps_wire_test: Store's parameter T is AnyPointer in its
# stubs and skeleton (sb_codec_any_t), whatever a user binds it to; a struct travels as its
# reader, copied in and out.
@0xd3f0a6c2e41b7d95;

interface Store(T) {
  swap @0 SwapParams -> SwapResults;
  # Store value under key; the previous value comes back.
  describe @1 DescribeParams -> DescribeResults;
  # The item as stored, and its name's length.

  struct SwapParams {
    value @0 :T;
    key @1 :Text;
  }
  struct SwapResults {
    previous @0 :T;
    count @1 :UInt32;
  }
}

# The same layouts with T bound, for `capnp encode` (its text has no value for a parameter).
struct TextSwapParams {
  value @0 :Text;
  key @1 :Text;
}
struct TextSwapResults {
  previous @0 :Text;
  count @1 :UInt32;
}
struct ListSwapParams {
  value @0 :List(UInt16);
  key @1 :Text;
}
struct ListSwapResults {
  previous @0 :List(UInt16);
  count @1 :UInt32;
}

struct Item {
  id @0 :UInt16;
  name @1 :Text;
}
struct DescribeParams {
  item @0 :Item;
  note @1 :Text;
}
struct DescribeResults {
  item @0 :Item;
  size @1 :UInt32;
}
