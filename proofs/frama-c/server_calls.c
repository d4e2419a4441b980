/*
 * The unit WP proves the server's calls into the reader in (run.sh server-calls): server.c as
 * compiled, its functions that read a message given contracts by redeclaration (Frama-C merges a
 * contract declared after the definition), the generated accessors theirs from
 * codec_accessors.py. Eva (server_eva.c) cannot decide these preconditions: sb_struct_ok ties a
 * struct's offsets to the message length, a relation its domains do not keep.
 */
#include "../../bridge/src/server.c"

/* The ops that read the body: their root is a struct of the message, apart from the call record
 * that holds it (the getters write the reader's status and traversal count, nothing else). */
/*@ requires sb_root: \valid(c) && sb_struct_ok(c->root) && \separated(c, c->root.msg); */
static sb_status_t op_open(sb_server_t *s, sb_call_t *c, sb_answer_t *a);
/*@ requires sb_root: \valid(c) && sb_struct_ok(c->root) && \separated(c, c->root.msg); */
static sb_status_t op_cap_call(sb_server_t *s, sb_call_t *c, sb_answer_t *a);
/*@ requires sb_root: \valid(c) && sb_struct_ok(c->root) && \separated(c, c->root.msg); */
static sb_status_t op_kick(sb_server_t *s, sb_call_t *c, sb_answer_t *a);
/*@ requires sb_root: \valid(c) && sb_struct_ok(c->root) && \separated(c, c->root.msg); */
static sb_status_t op_revoke(sb_server_t *s, sb_call_t *c, sb_answer_t *a);
/* An application method: the root it hands the skeleton (sb_struct_ok is the skeleton's
 * precondition, codec_accessors.py). */
/*@ requires sb_root: \valid(c) && sb_struct_ok(c->root) && \separated(c, c->root.msg); */
static void run_method(sb_server_t *s, const sb_method_t *m, uint64_t *mrs, sb_call_t *c,
                       sb_answer_t *a);
/* The call record and the answer: sb_server_handle_general's own locals. */
/*@ requires sb_call: \valid(c) && \valid(a) && \separated(c, a); */
static void dispatch(sb_server_t *s, seL4_MessageInfo_t info, seL4_Word badge, uint64_t *mrs,
                     sb_call_t *c, sb_answer_t *a);
