# What an application's schema may use from the bridge: import it as "/sel4bridge.capnp" (with
# `capnp compile -I <this folder>`). tools/capnpc-c knows these by their ids.
@0xf964a8366657de08;

annotation fastpath @0x91fd6c610707e176 (method) :Void;
# The method's request and its reply must each fit seL4_FastMessageRegisters (4 words, root
# pointer included) so that a call without a cap can take seL4's IPC fastpath: the generator
# fails if either can be larger.

interface Cap {}
# Any seL4 capability. A method parameter of this type (at most one per method) travels in the
# call's one extraCap, not in the message: the handler finds it in its sb_app_call_t.
