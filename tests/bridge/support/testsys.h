/*
 * A small system builder for the bridge tests: the root task makes a server thread (its own
 * CSpace, untyped memory, endpoint, bound notification) and client threads that reach it through
 * endpoint caps minted with their session's badge. Only plat.h and libsel4's API, as a root task
 * on seL4 would do it.
 *
 * Address spaces. A test that sets ts_address_space = PLAT_AS_SEPARATE has the server and every
 * client made as a component, each in a VSpace of its own (docs/isolation.md). A component sees
 * none of the root's data, so what it shares with the root is on pages of its own, given with
 * plat_thread_share: the server its ts_server_t (and the regions in share[]), a client its
 * ts_client_t (and what ts_client_share adds), every component the common page (the failure
 * count). ts_server_t and ts_client_t are page-aligned types for that: an instance fills whole
 * pages, so sharing it shares nothing else. A client never gets another's pages or the server's.
 */
#pragma once

#include <sel4/sel4.h>
#include <sel4bridge/client.h>
#include <sel4bridge/plat.h>
#include <sel4bridge/server.h>
#include <stdbool.h>
#include <stdint.h>

/* Slots in every test thread's CSpace. */
#define TS_SLOT_EP 16      /* the server's endpoint (server: Read+Grant; client: badged) */
#define TS_SLOT_NTFN 17    /* server: its notification; client: a notification of its own */
#define TS_SLOT_UNTYPED 18 /* server: its untyped memory */
#define TS_SLOT_READY 19   /* server: the root's notification, signalled once init is done */
#define TS_SLOT_FRAME 20   /* client: a frame of its own (for wrong-typed-cap tests) */
#define TS_SLOT_TO_ROOT 21 /* client: signal the root (ts_sync) */
#define TS_SLOT_FROM_ROOT 22 /* client: wait for the root (ts_sync) */
#define TS_SLOT_EP2 23     /* client: further endpoint caps (ts_client_add_session) */
#define TS_SLOT_BASE 32    /* first slot the library may use */

#define TS_SERVER_CNODE_BITS 11
#define TS_CLIENT_CNODE_BITS 8
/* The core every client runs on (plat_thread_attr_t.core; the server and the root: core 0). */
#define TS_CLIENT_CORE 1
#define TS_STOP_BIT ((seL4_Word)1 << 40) /* an application signal bit: stop the serve loop */
/* Application signal bits asking the server thread to revoke session n (1..21) at once. */
#define TS_REVOKE_BIT(n) ((seL4_Word)1 << (41 + (n)))

/* A page: the unit in which the root shares memory with a component. A struct whose first member
 * is declared TS_PAGE_ALIGNED fills whole pages. */
#define TS_PAGE 4096u
#define TS_PAGE_ALIGNED _Alignas(TS_PAGE)

/* Where the server and clients made from now on run (default: the root's address space). */
extern plat_address_space_t ts_address_space;

/* A region of the root's memory shared with a component (plat_thread_share). */
typedef struct ts_region {
    const void *addr;
    size_t bytes;
} ts_region_t;

typedef struct ts_server {
    /* Sizes and request handler: set before ts_server_start. The handler's ctx is this
     * ts_server_t; the test's own data is user. */
    TS_PAGE_ALIGNED sb_server_config_t cfg;
    const struct sb_app_config *app; /* registered after init when set (sel4bridge/app.h) */
    void *user;
    void (*main)(struct ts_server *s); /* instead of init + run: the thread runs this; no wait
                                          for init (a call simply queues until it receives) */
    seL4_Word untyped_bits; /* 0: sb_server_untyped_bits(&cfg) */
    seL4_Word slot_count;   /* 0: every slot of the server's CNode from TS_SLOT_BASE */
    ts_region_t share[2];   /* more the server's handlers touch (its own state, page-aligned) */
    sb_server_t server;
    sb_status_t init_status;
    sb_status_t run_status;
    plat_thread_t *thread;
    seL4_CPtr ep, ntfn, ready, stop; /* root slots */
    seL4_CPtr revoke_caps[22];       /* root slots, made on first use */
    _Atomic unsigned revokes[22];    /* revocations done by the server thread, per session */
} ts_server_t;

/* Have the server thread revoke @session's bundle (sb_server_revoke) as soon as it sees the
 * signal; asynchronous, like any notification. */
void ts_server_revoke(ts_server_t *s, uint32_t session);

/* Start a server thread running sb_server_run on @s->cfg's sizes; returns once its init is done
 * (check s->init_status). @s must stay alive until ts_server_stop. */
int ts_server_start(ts_server_t *s);
/* Signal TS_STOP_BIT, wait for the thread, destroy it. Returns 0 when it ended normally. */
int ts_server_stop(ts_server_t *s);

typedef struct ts_client ts_client_t;
typedef void (*ts_client_fn)(ts_client_t *c);

struct ts_client {
    TS_PAGE_ALIGNED uint32_t session;
    ts_client_fn fn;
    void *arg;
    sb_client_t client; /* initialised by ts_client_setup on the client's thread */
    plat_thread_t *thread;
    seL4_CPtr fault_ep;  /* root slot of the endpoint its faults go to (0: none) */
    seL4_CPtr to_root, from_root; /* root slots of the ts_sync notifications */
    int result;          /* set by fn: 0 for success */
};

/* Make a client thread for @session (badge sb_client_badge(session)) with endpoint @rights,
 * running @fn; with @fault_ep nonzero its faults are sent there (badged with the session).
 * Not started yet. */
int ts_client_create(ts_server_t *s, ts_client_t *c, uint32_t session, seL4_CapRights_t rights,
                     ts_client_fn fn, void *arg, seL4_CPtr fault_ep);
/* On the client's thread: sb_client_init with the standard slots. */
sb_status_t ts_client_setup(ts_client_t *c);
int ts_client_start(ts_client_t *c);
/* 0 when fn returned, -1 when the thread faulted without a fault endpoint. */
int ts_client_join(ts_client_t *c);
void ts_client_destroy(ts_client_t *c);

/* The README examples' system: a server that serves forever (@server_main on a server thread, with
 * the sizes the examples ask for, so that its untyped is big enough) and one client (@client_main,
 * session 1) run to the client's end; then the server's thread is taken away. 0 when the server
 * started and the client ran to its end with result 0. */
int ts_run_example(void (*server_main)(ts_server_t *s), ts_client_fn client_main);

/* Share [@addr, @addr + @bytes) of the root's memory (whole pages: lay it out on pages of its
 * own) with client @c before it starts, e.g. what its arg points to. 0 on success. */
int ts_client_share(ts_client_t *c, const void *addr, size_t bytes);

/* Give @c another endpoint cap, badged for @session, in its slot @slot. */
int ts_client_add_session(ts_server_t *s, ts_client_t *c, seL4_CPtr slot, uint32_t session,
                          seL4_CapRights_t rights);
/* On a client's thread: an sb_client on endpoint @ep with @count slots from @base. */
sb_status_t ts_client_init_on(sb_client_t *client, seL4_CPtr ep, seL4_CPtr base, seL4_Word count);

/* Client and root in step: the client's ts_sync() returns once the root has seen it
 * (ts_await) and let it go (ts_release). */
void ts_sync(void);
void ts_await(ts_client_t *c);
void ts_release(ts_client_t *c);

/* Spin for about @us microseconds on the cycle counter, yielding (never a pass/fail criterion). */
void ts_spin_us(uint64_t us);

/* The rights a normal client's endpoint cap has: Write, Grant, GrantReply. */
seL4_CapRights_t ts_client_rights(void);

/* True when slot @slot of @t's CSpace is empty (probed from the root task with a copy). */
bool ts_slot_empty(plat_thread_t *t, seL4_CPtr slot);

/* Failure reporting: print and count; tests end with ts_exit(). */
#define TS_CHECK(cond, ...)                                                                        \
    do {                                                                                           \
        if (!(cond) && ts_fail(__FILE__, __LINE__, #cond)) {                                       \
            plat_printf("    " __VA_ARGS__);                                                       \
            plat_printf("\n");                                                                     \
        }                                                                                          \
    } while (0)
/* Each argument is evaluated once: @got is often the call under test. */
#define TS_CHECK_STATUS(got, want)                                                                 \
    do {                                                                                           \
        sb_status_t ts_got_ = (got), ts_want_ = (want);                                            \
        if (ts_got_ != ts_want_ && ts_fail(__FILE__, __LINE__, #got " == " #want)) {               \
            plat_printf("    got %s, want %s\n", sb_status_name(ts_got_),                          \
                        sb_status_name(ts_want_));                                                 \
        }                                                                                          \
    } while (0)

/* Count a failure; true when it is to be printed (the first 40 are). */
bool ts_fail(const char *file, int line, const char *what);
unsigned ts_failures(void);
_Noreturn void ts_exit(const char *name);
