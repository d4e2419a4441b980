/*
 * libFuzzer target for the server's ring paths under a racing client, on the host model: a
 * bridge server on its own thread (the serve loop, or sb_server_serve_once in a loop), a client
 * of session 1 that enqueues, kicks, kick-calls and reaps, and beside it a second thread of that
 * client that keeps rewriting its ring frames — entries, indices, the signal flag; 1, 2, 4 or 8
 * bytes at any offset, at any alignment — while the server drains. A bystander session on its own
 * thread makes a ping and a ring request after every input.
 *
 * What must hold, checked exactly:
 *   - the server acts only on what it copied: the handler's request is not in a ring frame, and
 *     it does not change while the racer writes (read again after a while);
 *   - no request is answered twice: at every handler call the server's own counts of its session
 *     agree — requests consumed = handler calls, completions posted = served = calls before
 *     this one — from the ring's start index (near 2^32, so the indices wrap) since the open;
 *   - the bystander's ping and ring request are answered, with the right result;
 *   - nothing crashes (ASan, UBSan) and nothing hangs (libFuzzer's -timeout).
 *
 * The handler answers op 1 and 7 with arg[0] + 1; op 2 stops the serve loop (which starts again),
 * op 3 revokes its own session; others are unknown.
 *
 * Input:
 *   byte 0     session settings: bit 0 Phase 2; bits 1-3 ring depth 2^(n % 7); bit 4 the server
 *              serves with sb_server_serve_once (else sb_server_run); bits 5-7 bundle caps 4 + n
 *   byte 1     number of racer writes (& 15), each 10 bytes: offset (16 bits, in the two ring
 *              frames), width (1 << (byte & 3)), value (7 bytes)
 *   then       the client's actions, 2 bytes each: what (0 enqueue, 1 kick, 2 kick call,
 *              3 reap, 4 ping, 5 revoke by the server's owner), and a count or op
 * The client works through the server's own mapping of the ring frames (the same frames: every
 * byte it writes is one the client could write), so the racer never faults, even after the
 * server revokes the bundle for what it found in the rings.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "support/testsys.h"

#include "../bridge/src/server_internal.h"

#define SESSION 1   /* the racing client's */
#define BYSTANDER 2 /* on its own thread */
#define MAX_BUNDLE 8
#define RING_START 0xfffffff8u /* every ring starts just below 2^32: indices wrap soon */

static ts_server_t srv;
static ts_client_t bystander;
static sb_client_t client;
static seL4_CPtr client_ep;
static _Atomic int serve_once_mode;
static _Atomic int serving; /* the server thread's loop is up */

static _Noreturn void die(const char *what)
{
    fprintf(stderr, "ring_race_fuzz: %s\n", what);
    abort();
}

/* ---- The racer: a second thread of the client, writing its ring frames. ---- */

typedef struct {
    uint16_t offset;
    uint8_t width;
    uint64_t value;
} racer_write_t;

static struct {
    racer_write_t writes[16];
    unsigned count;
    _Atomic int go;   /* 1: write until it is 0 again */
    _Atomic int idle; /* 1: not writing */
    _Atomic unsigned long rounds;
} racer = {.idle = 1};

static void *racer_main(void *arg)
{
    (void)arg;
    sb_server_session_t *ss = sb_session(&srv.server, SESSION);
    for (;;) {
        while (!atomic_load(&racer.go)) {
            sched_yield();
        }
        atomic_store(&racer.idle, 0);
        while (atomic_load(&racer.go)) {
            for (unsigned i = 0; i < racer.count; i++) {
                const racer_write_t *w = &racer.writes[i];
                uint8_t *frame = (uint8_t *)(w->offset & SB_QUEUE_FRAME_SIZE ? ss->completion_ring
                                                                            : ss->request_ring);
                size_t at = w->offset % SB_QUEUE_FRAME_SIZE;
                size_t n = w->width <= SB_QUEUE_FRAME_SIZE - at ? w->width : SB_QUEUE_FRAME_SIZE - at;
                /* One store of that width where the compiler can, at any alignment. */
                switch (n) {
                case 8: { uint64_t v = w->value; memcpy(frame + at, &v, 8); break; }
                case 4: { uint32_t v = (uint32_t)w->value; memcpy(frame + at, &v, 4); break; }
                case 2: { uint16_t v = (uint16_t)w->value; memcpy(frame + at, &v, 2); break; }
                default: memcpy(frame + at, &w->value, n); break;
                }
            }
            atomic_fetch_add(&racer.rounds, 1);
            sched_yield();
        }
        atomic_store(&racer.idle, 1);
    }
    return NULL;
}

/* ---- The server: its handler checks what it is handed, and its own counts. ---- */

static struct {
    uint64_t calls; /* handler calls for SESSION since its open */
} counts;

static void check_counts(sb_server_session_t *ss)
{
    /* A fresh bundle: the first request of it has just been consumed. */
    if (ss->served == 0 && ss->requests.head == RING_START + 1) {
        counts.calls = 0;
    }
    if (ss->requests.head != RING_START + (uint32_t)counts.calls + 1 ||
        ss->completions.tail != RING_START + (uint32_t)counts.calls || ss->served != counts.calls) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "session %u: head %u, completions posted %u, served %lu after %lu handler calls",
                 SESSION, ss->requests.head - RING_START, ss->completions.tail - RING_START,
                 (unsigned long)ss->served, (unsigned long)counts.calls);
        die(msg);
    }
}

static sb_status_t handler(void *ctx, uint32_t session, const sb_queue_entry_t *rq, uint64_t result[2])
{
    (void)ctx;
    sb_server_session_t *ss = sb_session(&srv.server, session);
    const uint8_t *p = (const uint8_t *)rq;
    if ((p + sizeof *rq > (const uint8_t *)ss->request_ring &&
         p < (const uint8_t *)ss->request_ring + SB_QUEUE_FRAME_SIZE) ||
        (p + sizeof *rq > (const uint8_t *)ss->completion_ring &&
         p < (const uint8_t *)ss->completion_ring + SB_QUEUE_FRAME_SIZE)) {
        die("the handler was handed the request in the shared frame, not a copy");
    }
    if (session == SESSION) {
        check_counts(ss);
        counts.calls++;
        sb_queue_entry_t first = *rq;
        /* Give the racer time to write; the copy must not change. */
        unsigned long r = atomic_load(&racer.rounds);
        for (int i = 0; i < 200 && atomic_load(&racer.go) && atomic_load(&racer.rounds) < r + 2; i++) {
            sched_yield();
        }
        if (memcmp(&first, rq, sizeof first) != 0) {
            die("the request changed under the handler");
        }
    }
    switch (rq->op) {
    case 7:
    case 1:
        result[0] = rq->arg[0] + 1;
        return SB_OK;
    case 2:
        sb_server_stop(&srv.server); /* the loop ends (and server_loop starts it again) */
        return SB_OK;
    case 3:
        if (session == SESSION) {
            (void)sb_server_revoke(&srv.server, session); /* a handler that revokes its own */
        }
        return SB_OK;
    default:
        return SB_ERR_UNKNOWN_REQUEST;
    }
}

/* The server's loop: sb_server_run, or sb_server_serve_once again and again; TS_STOP_BIT (an
 * application signal, through testsys's callback) ends a run, so that it looks at which. */
static void server_loop(ts_server_t *s)
{
    s->init_status = sb_server_init(&s->server, &s->cfg);
    seL4_Signal(TS_SLOT_READY);
    if (s->init_status != SB_OK) {
        return;
    }
    atomic_store(&serving, 1);
    for (;;) {
        if (atomic_load(&serve_once_mode)) {
            (void)sb_server_serve_once(&s->server);
            s->server.stop = false;
        } else {
            s->server.stop = false;
            (void)sb_server_run(&s->server);
        }
    }
}

/* ---- The bystander: its own session, its own thread. ---- */

static void bystander_main(ts_client_t *tc)
{
    sb_client_t *c = &tc->client;
    sb_status_t st;
    if ((st = ts_client_setup(tc)) != SB_OK ||
        (st = sb_client_open(c, SB_BUNDLE_MIN + 1, 4, SB_PHASE_SIGNAL_WHEN_ASKED)) != SB_OK) {
        die("bystander: open");
    }
    for (uint64_t id = 1;; id++) {
        ts_sync();
        if ((st = sb_client_ping(c)) != SB_OK) {
            die("bystander: ping");
        }
        sb_queue_entry_t rq = {.id = id, .op = 7, .arg = {id * 3, 0}}, done = {0};
        if ((st = sb_client_submit(c, &rq)) != SB_OK) {
            die("bystander: submit");
        }
        while ((st = sb_client_reap(c, &done)) == SB_ERR_RING_EMPTY) {
            if ((st = sb_client_wait(c)) != SB_OK) {
                break;
            }
        }
        if (st != SB_OK || done.id != id || done.status != SB_OK || done.arg[0] != id * 3 + 1) {
            die("bystander: its ring request was not answered right");
        }
    }
}

/* ---- The racing client (the root thread). ---- */

static uint64_t next_id = 1;

static void ensure_open(uint8_t settings)
{
    uint32_t state = sb_session(&srv.server, SESSION)->state;
    uint16_t caps = (uint16_t)(SB_BUNDLE_MIN + (settings >> 5) % (MAX_BUNDLE - SB_BUNDLE_MIN + 1));
    uint16_t depth = (uint16_t)(1u << ((settings >> 1) & 7) % 7);
    sb_phase_t phase = settings & 1 ? SB_PHASE_SIGNAL_WHEN_ASKED : SB_PHASE_KICK_EVERY_ENQUEUE;
    if (state == SB_SESSION_OPEN && client.open && client.layout.caps == caps &&
        client.layout.ring_depth == depth && client.layout.phase == phase) {
        return;
    }
    if (state == SB_SESSION_OPEN) {
        if (sb_client_close(&client, NULL) != SB_OK) {
            die("client: close");
        }
    } else if (client.open) {
        sb_client_forget_bundle(&client, true);
    }
    sb_status_t st = sb_client_open(&client, caps, depth, phase);
    if (st != SB_OK) {
        die("client: open");
    }
}

static void enqueue(unsigned count, uint32_t op)
{
    sb_server_session_t *ss = sb_session(&srv.server, SESSION);
    sb_queue_producer_t p;
    if (sb_queue_producer_attach(&p, ss->request_ring, client.layout.ring_depth) != SB_QUEUE_OK) {
        return;
    }
    for (unsigned i = 0; i < count; i++) {
        sb_queue_entry_t e = {.id = next_id++, .op = op, .arg = {i, 0}};
        if (sb_queue_enqueue(&p, &e) != SB_QUEUE_OK) {
            break;
        }
    }
    /* Phase 2: kick when the server asked (the flag may be the racer's, which is fine). */
    if (sb_queue_require_signal(&p)) {
        seL4_Signal(client.kick);
    }
}

static void reap(unsigned count)
{
    sb_server_session_t *ss = sb_session(&srv.server, SESSION);
    sb_queue_consumer_t c;
    sb_queue_entry_t e;
    if (sb_queue_consumer_attach(&c, ss->completion_ring, client.layout.ring_depth) != SB_QUEUE_OK) {
        return;
    }
    for (unsigned i = 0; i < count && sb_queue_dequeue(&c, &e) == SB_QUEUE_OK; i++) {
    }
}

static void start(void)
{
    plat_init();
    srv.cfg = (sb_server_config_t){.max_sessions = 2, .max_bundle = MAX_BUNDLE,
                                   .pool_frames = 2 * (MAX_BUNDLE - SB_BUNDLE_MIN),
                                   .default_depth = 8, .ring_start = RING_START, .request = handler};
    srv.main = server_loop;
    if (ts_server_start(&srv) != 0) {
        die("server start");
    }
    seL4_Word word;
    seL4_Wait(srv.ready, &word);
    if (srv.init_status != SB_OK) {
        die("server init");
    }
    /* The racing client is the root: its endpoint cap (session 1), its slots. */
    client_ep = plat_slot_alloc();
    seL4_CPtr base = plat_slot_alloc();
    for (unsigned i = 1; i <= SB_BUNDLE_MAX; i++) {
        if (plat_slot_alloc() != base + i) {
            die("root slots");
        }
    }
    if (seL4_CNode_Mint(seL4_CapInitThreadCNode, client_ep, seL4_WordBits, seL4_CapInitThreadCNode,
                        srv.ep, seL4_WordBits, ts_client_rights(), sb_client_badge(SESSION)) != seL4_NoError) {
        die("root caps");
    }
    sb_client_config_t cc = {.endpoint = client_ep, .cnode = seL4_CapInitThreadCNode,
                             .slot_base = base, .slot_count = SB_BUNDLE_MAX + 1};
    if (sb_client_init(&client, &cc) != SB_OK) {
        die("client init");
    }
    if (ts_client_create(&srv, &bystander, BYSTANDER, ts_client_rights(), bystander_main, NULL, 0) != 0 ||
        ts_client_start(&bystander) != 0) {
        die("bystander");
    }
    ts_await(&bystander); /* open, and at its first ts_sync */
    pthread_t t;
    if (pthread_create(&t, NULL, racer_main, NULL) != 0) {
        die("racer");
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    start();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    uint8_t settings = data[0];
    unsigned writes = data[1] & 15;
    data += 2;
    size -= 2;
    /* The server's loop for this input. */
    int once = (settings >> 4) & 1;
    if (atomic_exchange(&serve_once_mode, once) != once) {
        seL4_Signal(srv.stop); /* TS_STOP_BIT ends sb_server_run; serve_once just wakes */
    }
    ensure_open(settings);
    racer.count = 0;
    for (unsigned i = 0; i < writes && size >= 10; i++, data += 10, size -= 10) {
        racer_write_t *w = &racer.writes[racer.count++];
        w->offset = (uint16_t)((data[0] | data[1] << 8) % (2 * SB_QUEUE_FRAME_SIZE));
        w->width = (uint8_t)(1u << (data[2] & 3));
        w->value = 0;
        memcpy(&w->value, data + 3, 7);
    }
    atomic_store(&racer.go, 1);
    for (; size >= 2; data += 2, size -= 2) {
        unsigned n = data[1];
        switch (data[0] % 6) {
        case 0:
            /* op 1 mostly; 3: the handler revokes, 2: it stops the loop, 0: unknown */
            enqueue(n % 70, n >= 0xf0 ? 3 : n >= 0xe8 ? 2 : n >= 0xe0 ? 0 : 1);
            break;
        case 1:
            seL4_Signal(client.kick);
            break;
        case 2:
            (void)sb_client_kick_call(&client, NULL, NULL);
            break;
        case 3:
            reap(n % 70);
            break;
        case 4:
            (void)sb_client_ping(&client);
            break;
        default:
            ts_server_revoke(&srv, SESSION);
            break;
        }
    }
    /* Stop the racer before the next input's open. */
    atomic_store(&racer.go, 0);
    while (!atomic_load(&racer.idle)) {
        sched_yield();
    }
    /* The bystander's session is untouched by all of it. */
    ts_release(&bystander);
    ts_await(&bystander);
    return 0;
}
