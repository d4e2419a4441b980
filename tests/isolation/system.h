/*
 * A system of components for the isolation tests (seL4 only): a bridge server and its clients,
 * each a thread made with the address space asked for (PLAT_AS_SEPARATE: a VSpace of its own),
 * whose code keeps its state on its own stack and talks to the root only through a report
 * endpoint, so it runs alike in either address space.
 */
#pragma once

#include <sel4/sel4.h>
#include <sel4bridge/client.h>
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>
#include <stdbool.h>
#include <stdint.h>

/* Slots in every component's CSpace. */
#define IS_SLOT_EP 16     /* server: its endpoint (Read + Grant); client: badged with its session */
#define IS_SLOT_NTFN 17   /* server: its notification */
#define IS_SLOT_UNTYPED 18
#define IS_SLOT_REPORT 19 /* an endpoint to the root, badged with the component's role */
#define IS_SLOT_BASE 32
#define IS_SERVER_CNODE_BITS 11
#define IS_CLIENT_CNODE_BITS 8
#define IS_BUNDLE_CAPS 6 /* two ring frames, two notifications, two data frames */

/* What reports carry (the label of a call to IS_SLOT_REPORT). */
enum { IS_REPORT_READY = 1, IS_REPORT_ADDRESS, IS_REPORT_DONE };
/* The role (report badge) of the server; clients' roles are the test's. */
#define IS_ROLE_SERVER 1

/* ---- in a component ---- */

/* Call the root with label @label, MR0 = @a, MR1 = @b; its reply is left in the MRs. */
seL4_MessageInfo_t is_report(seL4_Word label, seL4_Word a, seL4_Word b);
/* The server's ring request handler: results arg[0] * 3 + session and ~arg[1]. */
sb_status_t is_handle(void *ctx, uint32_t session, const sb_queue_entry_t *rq, uint64_t result[2]);
/* sb_client_init on the standard slots, then open a bundle of IS_BUNDLE_CAPS, depth 8, Phase 1. */
sb_status_t is_client_open(sb_client_t *c);
sb_status_t is_client_init(sb_client_t *c);
/* One ping and one ring request (id @id), both answered exactly: true when they were. */
bool is_round_trip(sb_client_t *c, uint32_t session, uint64_t id);

/* ---- in the root ---- */

typedef struct is_system {
    plat_address_space_t address_space; /* of every component made */
    seL4_CPtr report_ep, server_ep, server_ntfn; /* root slots */
    plat_thread_t *server;
    seL4_Word session_table; /* where the server's sessions are, as it reported */
} is_system_t;

/* The endpoints, then the server: returns its sb_server_init status (SB_OK once it serves). */
sb_status_t is_server_start(is_system_t *sys);
/* Stop the server with its own signal; 0 when it returned and never faulted. */
int is_server_stop(is_system_t *sys);
/* A component running @fn(@arg) with a report cap badged @role; not started. */
plat_thread_t *is_component(is_system_t *sys, const char *name, seL4_Word cnode_bits,
                            plat_thread_fn fn, void *arg, seL4_Word role);
/* A client component of session @session (its arg), its endpoint cap badged for it. */
plat_thread_t *is_client(is_system_t *sys, const char *name, plat_thread_fn fn, uint32_t session,
                         seL4_Word role);
