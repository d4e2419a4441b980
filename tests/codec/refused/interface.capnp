# capnpc-c must refuse this: interface inheritance (a label names one interface's methods).
@0xd5a2f1c3b4e59607;
interface Base { ping @0 (); }
interface Server extends(Base) { pong @0 (); }
