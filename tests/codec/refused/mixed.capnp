# capnpc-c refuses per declaration: Holder (a capability field) and User (which uses Holder) are
# refused, Kept and Later are generated when refusals are warnings (CAPNPC_C_REFUSED=warning).
@0xd5a2f1c3b4e5960c;
interface Service {}
struct Kept { a @0 :UInt32; }
struct Holder {
  kept @0 :Kept;
  service @1 :Service;
}
struct User { holder @0 :Holder; }
struct Later { x @0 :UInt8; }
