# Corners first met in other projects' schemas, for the schema check (headers and skeletons
# compiled freestanding with -Werror): an interface without methods, a method whose only
# parameter is a capability, a Void constant, doc comments that hold "/*". Not part of the wire
# contract.
@0x810ecd2f78ab197e;

interface Nothing {}

interface Keeper {
  keep @0 (cap :Nothing) -> ();
  # Keeps a cap of any "video/*" kind.
}

const nothing :Void = void;

struct Glob {
  # Matches "video/*" or "*/*", as a MIME query.
  pattern @0 :Text;
  # A pattern such as "image/*".
}
