/*
 * Endpoints: Call/Reply/ReplyRecv/Send/NBSend/Recv/NBRecv, badges, message registers and
 * seL4_MessageInfo_t, the one-shot reply capability, and the errors of invoking bad caps.
 */
#include "check.h"
#include "tests.h"

#define EP TC_SLOT(0)

struct server {
    seL4_Word badge, label, length, mr0, mr1, count;
};

/* Receive one call, record it, reply label+1 with MR0+1. */
static void serve_one(void *arg)
{
    struct server *s = arg;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(EP, &badge);
    s->badge = badge;
    s->label = seL4_MessageInfo_get_label(info);
    s->length = seL4_MessageInfo_get_length(info);
    s->mr0 = seL4_GetMR(0);
    s->mr1 = seL4_GetMR(1);
    seL4_SetMR(0, s->mr0 + 1);
    seL4_Reply(seL4_MessageInfo_new(s->label + 1, 0, 0, 1));
}

int test_ep_call_reply(void)
{
    struct server s = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr client = tc_slot();
    CHECK(ep && client);
    CHECK_OK(seL4_CNode_Mint(ROOT, client, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x55));
    plat_thread_t *t = tc_start("server", serve_one, &s, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);

    seL4_SetMR(0, 41);
    seL4_SetMR(1, 7);
    seL4_MessageInfo_t reply = seL4_Call(client, seL4_MessageInfo_new(9, 0, 0, 2));
    CHECK_EQ(seL4_MessageInfo_get_label(reply), 10);
    CHECK_EQ(seL4_MessageInfo_get_length(reply), 1);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(reply), 0);
    CHECK_EQ(seL4_MessageInfo_get_capsUnwrapped(reply), 0);
    CHECK_EQ(seL4_GetMR(0), 42);
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(s.badge, 0x55);
    CHECK_EQ(s.label, 9);
    CHECK_EQ(s.length, 2);
    CHECK_EQ(s.mr0, 41);
    CHECK_EQ(s.mr1, 7);
    return 0;
}

#define LOOP_CALLS 200

/* A ReplyRecv loop that answers MR0 * 2 until it sees label 0xdead. */
static void serve_loop(void *arg)
{
    struct server *s = arg;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(EP, &badge);
    for (;;) {
        if (seL4_MessageInfo_get_label(info) == 0xdead) {
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
            return;
        }
        s->count++;
        s->badge = badge;
        seL4_SetMR(0, seL4_GetMR(0) * 2);
        info = seL4_ReplyRecv(EP, seL4_MessageInfo_new(1, 0, 0, 1), &badge);
    }
}

int test_ep_replyrecv_serves_many(void)
{
    struct server s = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t = tc_start("server", serve_loop, &s, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    for (seL4_Word i = 0; i < LOOP_CALLS; i++) {
        seL4_SetMR(0, i);
        seL4_MessageInfo_t r = seL4_Call(ep, seL4_MessageInfo_new(3, 0, 0, 1));
        CHECK_EQ(seL4_MessageInfo_get_label(r), 1);
        CHECK_EQ(seL4_GetMR(0), i * 2);
    }
    seL4_Call(ep, seL4_MessageInfo_new(0xdead, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(s.count, LOOP_CALLS);
    CHECK_EQ(s.badge, 0);
    return 0;
}

static void send_one(void *arg)
{
    (void)arg;
    seL4_SetMR(0, 0xabc);
    seL4_Send(EP, seL4_MessageInfo_new(77, 0, 0, 1));
}

int test_ep_send_then_recv(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t = tc_start("sender", send_one, NULL, 0, EP, ep, seL4_CanWrite, 0x9);
    CHECK(t);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    CHECK_EQ(badge, 0x9);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 77);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 1);
    CHECK_EQ(seL4_GetMR(0), 0xabc);
    /* a plain Send leaves no reply capability behind */
    seL4_CPtr saved = tc_slot();
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, saved, DEPTH));
    CHECK(tc_slot_empty(saved));
    CHECK_EQ(plat_thread_join(t), 0);
    return 0;
}

int test_ep_nbsend_without_receiver_is_dropped(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr badged = tc_slot();
    CHECK(ep && badged);
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x31));
    seL4_NBSend(badged, seL4_MessageInfo_new(5, 0, 0, 0));
    seL4_Word badge = 0xffff;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0); /* nothing was queued */
    return 0;
}

int test_ep_nbrecv_idle_returns_badge_zero(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    seL4_Word badge = 0x1234;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
    return 0;
}

static void echo_all(void *arg)
{
    struct server *s = arg;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(EP, &badge);
    s->length = seL4_MessageInfo_get_length(info);
    for (seL4_Word i = 0; i < s->length; i++) {
        if (seL4_GetMR((int)i) == i * 3 + 1) {
            s->count++;
        }
    }
    for (seL4_Word i = 0; i < seL4_MsgMaxLength; i++) {
        seL4_SetMR((int)i, ~i);
    }
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_MsgMaxLength));
}

int test_ep_max_length_message(void)
{
    struct server s = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t = tc_start("echo", echo_all, &s, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    for (seL4_Word i = 0; i < seL4_MsgMaxLength; i++) {
        seL4_SetMR((int)i, i * 3 + 1);
    }
    /* a length beyond seL4_MsgMaxLength (7 bits allow 127) is cut to seL4_MsgMaxLength */
    seL4_MessageInfo_t r = seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 127));
    CHECK_EQ(seL4_MessageInfo_get_length(r), seL4_MsgMaxLength);
    for (seL4_Word i = 0; i < seL4_MsgMaxLength; i++) {
        CHECK_EQ(seL4_GetMR((int)i), ~i);
    }
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(s.length, seL4_MsgMaxLength);
    CHECK_EQ(s.count, seL4_MsgMaxLength);
    return 0;
}

struct client {
    seL4_Word id, reply;
};

static void call_with_id(void *arg)
{
    struct client *c = arg;
    seL4_SetMR(0, c->id);
    seL4_Call(EP, seL4_MessageInfo_new(0, 0, 0, 1));
    c->reply = seL4_GetMR(0);
}

int test_ep_badges_identify_senders(void)
{
    struct client c1 = {.id = 100}, c2 = {.id = 200};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t1 = tc_thread("client1", call_with_id, &c1, 0);
    plat_thread_t *t2 = tc_thread("client2", call_with_id, &c2, 0);
    CHECK(t1 && t2);
    CHECK_OK(tc_give(t1, EP, ep, seL4_AllRights, 1));
    CHECK_OK(tc_give(t2, EP, ep, seL4_AllRights, 2));
    CHECK_OK(plat_thread_start(t1));
    CHECK_OK(plat_thread_start(t2));
    for (int i = 0; i < 2; i++) {
        seL4_Word badge;
        seL4_Recv(ep, &badge);
        CHECK(badge == 1 || badge == 2);
        CHECK_EQ(seL4_GetMR(0), badge * 100);
        seL4_SetMR(0, badge + 1000);
        seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    }
    CHECK_EQ(plat_thread_join(t1), 0);
    CHECK_EQ(plat_thread_join(t2), 0);
    CHECK_EQ(c1.reply, 1001);
    CHECK_EQ(c2.reply, 1002);
    return 0;
}

struct caller {
    seL4_Word returned, label;
};

static void call_once(void *arg)
{
    struct caller *c = arg;
    seL4_MessageInfo_t r = seL4_Call(EP, seL4_MessageInfo_new(4, 0, 0, 0));
    c->label = seL4_MessageInfo_get_label(r);
    c->returned = 1;
}

/* seL4 creates no reply cap for a Call on a cap with neither Grant nor GrantReply: the receiver
 * gets the message, has nothing to reply to, and the caller stays blocked. */
int test_ep_call_without_grant_gets_no_reply(void)
{
    struct caller c = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t = tc_start("caller", call_once, &c, 0, EP, ep, seL4_CanWrite, 0x77);
    CHECK(t);
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    CHECK_EQ(badge, 0x77);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 4);
    seL4_CPtr saved = tc_slot();
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, saved, DEPTH));
    CHECK(tc_slot_empty(saved));
    seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 0));
    /* the caller will never return: every thread is blocked for good */
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_EQ(c.returned, 0);
    return 0;
}

int test_ep_call_with_grantreply_only(void)
{
    struct caller c = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t = tc_start("caller", call_once, &c, 0, EP, ep, seL4_CapRights_new(1, 0, 0, 1), 0);
    CHECK(t);
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    seL4_Reply(seL4_MessageInfo_new(12, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(c.returned, 1);
    CHECK_EQ(c.label, 12);
    return 0;
}

int test_ep_reply_without_caller_is_noop(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    seL4_SetMR(0, 5);
    seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 1));
    CHECK_EQ(seL4_GetMR(0), 5);
    seL4_Word badge = 9;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
    return 0;
}

int test_ep_reply_to_caller_that_is_gone(void)
{
    struct caller c = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t = tc_start("caller", call_once, &c, 0, EP, ep, seL4_AllRights, 3);
    CHECK(t);
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    CHECK_EQ(badge, 3);
    /* the caller is destroyed while blocked on the reply: its reply cap goes with it */
    tc_destroy(t);
    seL4_CPtr saved = tc_slot();
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, saved, DEPTH));
    CHECK(tc_slot_empty(saved));
    seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 0));
    CHECK_EQ(c.returned, 0);
    /* the endpoint still serves others afterwards */
    seL4_Word b = 7;
    seL4_NBRecv(ep, &b);
    CHECK_EQ(b, 0);
    return 0;
}

int test_ep_saved_caller_is_one_shot(void)
{
    struct caller c = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr saved = tc_slot();
    CHECK(ep && saved);
    plat_thread_t *t = tc_start("caller", call_once, &c, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, saved, DEPTH));
    CHECK(!tc_slot_empty(saved));
    /* seL4_Reply now has no caller; the saved reply cap answers with a Send */
    seL4_Reply(seL4_MessageInfo_new(99, 0, 0, 0));
    seL4_Send(saved, seL4_MessageInfo_new(21, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(c.label, 21);
    CHECK(tc_slot_empty(saved));
    return 0;
}

int test_ep_call_empty_slot_returns_error(void)
{
    seL4_CPtr empty = tc_slot();
    CHECK(empty);
    seL4_SetMR(0, 0xffff);
    seL4_MessageInfo_t r = seL4_Call(empty, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(r), seL4_InvalidCapability);
    CHECK_EQ(seL4_MessageInfo_get_length(r), 1);
    CHECK_EQ(seL4_GetMR(0), 0);
    /* a Send to an empty slot fails silently: no fault, no reply */
    seL4_Send(empty, seL4_MessageInfo_new(0, 0, 0, 0));
    return 0;
}

int test_ep_call_readonly_cap_returns_error(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr ro = tc_slot();
    CHECK(ep && ro);
    CHECK_OK(seL4_CNode_Copy(ROOT, ro, DEPTH, ROOT, ep, DEPTH, seL4_CanRead));
    seL4_MessageInfo_t r = seL4_Call(ro, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(r), seL4_InvalidCapability);
    CHECK_EQ(seL4_MessageInfo_get_length(r), 1);
    return 0;
}

int test_ep_nbrecv_takes_queued_sender(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t = tc_start("sender", send_one, NULL, 0, EP, ep, seL4_AllRights, 0x66);
    CHECK(t);
    seL4_Word badge;
    seL4_MessageInfo_t info = tc_poll_recv(ep, &badge, 100000000ul);
    CHECK_EQ(badge, 0x66);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 77);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 1);
    CHECK_EQ(seL4_GetMR(0), 0xabc);
    CHECK_EQ(plat_thread_join(t), 0);
    return 0;
}

/* A receive (even a non-blocking one on another endpoint) drops the caller the receiver has not
 * answered: non-MCS seL4 keeps one reply cap per thread. */
int test_ep_recv_drops_unanswered_reply_cap(void)
{
    struct caller c = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), ep2 = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr saved = tc_slot();
    CHECK(ep && ep2 && saved);
    plat_thread_t *t = tc_start("caller", call_once, &c, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    seL4_NBRecv(ep2, &badge);
    CHECK_EQ(badge, 0);
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, saved, DEPTH));
    CHECK(tc_slot_empty(saved));
    seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 0));
    /* the caller will never return: every thread is blocked for good */
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_EQ(c.returned, 0);
    return 0;
}

struct pair {
    seL4_Word call_label, call_length, call_mr0;
    int sent;
};

static void call_blocked(void *arg)
{
    struct pair *p = arg;
    seL4_MessageInfo_t r = seL4_Call(EP, seL4_MessageInfo_new(1, 0, 0, 0));
    p->call_label = seL4_MessageInfo_get_label(r);
    p->call_length = seL4_MessageInfo_get_length(r);
    p->call_mr0 = seL4_GetMR(0);
}

static void send_blocked(void *arg)
{
    struct pair *p = arg;
    seL4_Send(EP, seL4_MessageInfo_new(1, 0, 0, 0));
    p->sent = 1;
}

/* The endpoint is destroyed under a blocked caller and a blocked sender: both restart their
 * system call on the now empty slot; the Call returns seL4_InvalidCapability, the Send returns. */
int test_ep_deleted_under_blocked_senders(void)
{
    struct pair p = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *tc = tc_thread("caller", call_blocked, &p, 0);
    plat_thread_t *ts = tc_thread("sender", send_blocked, &p, 0);
    CHECK(tc && ts);
    CHECK_OK(tc_give(tc, EP, ep, seL4_AllRights, 1));
    CHECK_OK(tc_give(ts, EP, ep, seL4_AllRights, 2));
    CHECK_OK(plat_thread_start(tc));
    CHECK_OK(plat_thread_start(ts));
    tc_yield(20);
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK_OK(seL4_CNode_Delete(ROOT, ep, DEPTH));
    CHECK_EQ(plat_thread_join(tc), 0);
    CHECK_EQ(plat_thread_join(ts), 0);
    CHECK_EQ(p.call_label, seL4_InvalidCapability);
    CHECK_EQ(p.call_length, 1);
    CHECK_EQ(p.call_mr0, 0);
    CHECK_EQ(p.sent, 1);
    return 0;
}

/* Revoke a client's badge, then cancel its pending sends: they restart on an empty slot and
 * vanish; another badge's pending send stays queued. */
int test_ep_cancel_badged_sends(void)
{
    struct pair p1 = {0}, p2 = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), b1 = tc_slot();
    CHECK(ep && b1);
    CHECK_OK(seL4_CNode_Mint(ROOT, b1, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 1));
    plat_thread_t *t1 = tc_thread("sender1", send_blocked, &p1, 0);
    plat_thread_t *t2 = tc_thread("sender2", send_blocked, &p2, 0);
    CHECK(t1 && t2);
    CHECK_OK(seL4_CNode_Copy(plat_thread_cnode(t1), EP, DEPTH, ROOT, b1, DEPTH, seL4_AllRights));
    CHECK_OK(tc_give(t2, EP, ep, seL4_AllRights, 2));
    CHECK_OK(plat_thread_start(t1));
    CHECK_OK(plat_thread_start(t2));
    tc_yield(20);
    CHECK_OK(seL4_CNode_Revoke(ROOT, b1, DEPTH));
    CHECK_OK(seL4_CNode_CancelBadgedSends(ROOT, b1, DEPTH));
    CHECK_EQ(plat_thread_join(t1), 0);
    CHECK_EQ(p1.sent, 1);
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    CHECK_EQ(badge, 2);
    CHECK_EQ(plat_thread_join(t2), 0);
    /* the cap must carry every right to cancel */
    seL4_CPtr weak = tc_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, weak, DEPTH, ROOT, b1, DEPTH, seL4_CanWrite));
    CHECK_EQ(seL4_CNode_CancelBadgedSends(ROOT, weak, DEPTH), seL4_IllegalOperation);
    return 0;
}

/* seL4_Call on a notification cap signals it and returns an empty success reply. */
int test_ep_call_on_notification_signals(void)
{
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), badged = tc_slot();
    CHECK(n && badged);
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x9));
    seL4_MessageInfo_t r = seL4_Call(badged, seL4_MessageInfo_new(3, 0, 0, 2));
    CHECK_EQ(r.words[0], seL4_MessageInfo_new(0, 0, 0, 0).words[0]);
    seL4_Word b;
    seL4_Poll(n, &b);
    CHECK_EQ(b, 0x9);
    return 0;
}

struct waiting {
    seL4_Word badge, label;
};

/* Serve one call, then wait in the same ReplyRecv; record what the wait returns. */
static void serve_then_wait(void *arg)
{
    struct waiting *w = arg;
    seL4_Word badge;
    seL4_Recv(EP, &badge);
    seL4_MessageInfo_t info = seL4_ReplyRecv(EP, seL4_MessageInfo_new(0, 0, 0, 0), &w->badge);
    w->label = seL4_MessageInfo_get_label(info);
}

/* NBSend reaches a receiver that is already waiting (the earlier Call's reply proves it waits). */
int test_ep_nbsend_reaches_waiting_receiver(void)
{
    struct waiting w = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), badged = tc_slot();
    CHECK(ep && badged);
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x12));
    plat_thread_t *t = tc_start("receiver", serve_then_wait, &w, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_NBSend(badged, seL4_MessageInfo_new(44, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(w.badge, 0x12);
    CHECK_EQ(w.label, 44);
    return 0;
}

#define CLIENTS 4
#define CALLS_EACH 500

struct multi {
    seL4_Word served[CLIENTS + 1];
    seL4_Word wrong;
};

static void serve_counting(void *arg)
{
    struct multi *m = arg;
    seL4_Word badge, total = 0;
    seL4_MessageInfo_t info = seL4_Recv(EP, &badge);
    while (total < CLIENTS * CALLS_EACH) {
        if (badge >= 1 && badge <= CLIENTS && seL4_GetMR(0) == badge * 1000 + m->served[badge]) {
            m->served[badge]++;
        } else {
            m->wrong++;
        }
        total++;
        seL4_SetMR(0, seL4_GetMR(0) + 1);
        if (total == CLIENTS * CALLS_EACH) {
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
            break;
        }
        info = seL4_ReplyRecv(EP, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
    (void)info;
}

struct client_loop {
    seL4_Word id, bad;
};

static void call_many(void *arg)
{
    struct client_loop *c = arg;
    for (seL4_Word i = 0; i < CALLS_EACH; i++) {
        seL4_SetMR(0, c->id * 1000 + i);
        seL4_Call(EP, seL4_MessageInfo_new(0, 0, 0, 1));
        if (seL4_GetMR(0) != c->id * 1000 + i + 1) {
            c->bad++;
        }
    }
}

/* Several clients call one server concurrently: every call is answered once, to its caller, in
 * each client's order. */
int test_ep_many_clients_one_server(void)
{
    struct multi m = {{0}, 0};
    struct client_loop c[CLIENTS];
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *srv = tc_thread("server", serve_counting, &m, 0);
    CHECK(srv);
    CHECK_OK(tc_give(srv, EP, ep, seL4_AllRights, 0));
    plat_thread_t *cl[CLIENTS];
    for (int i = 0; i < CLIENTS; i++) {
        c[i] = (struct client_loop){.id = (seL4_Word)i + 1, .bad = 0};
        cl[i] = tc_thread("client", call_many, &c[i], 0);
        CHECK(cl[i]);
        CHECK_OK(tc_give(cl[i], EP, ep, seL4_AllRights, (seL4_Word)i + 1));
    }
    CHECK_OK(plat_thread_start(srv));
    for (int i = 0; i < CLIENTS; i++) {
        CHECK_OK(plat_thread_start(cl[i]));
    }
    for (int i = 0; i < CLIENTS; i++) {
        CHECK_EQ(plat_thread_join(cl[i]), 0);
        CHECK_EQ(c[i].bad, 0);
    }
    CHECK_EQ(plat_thread_join(srv), 0);
    CHECK_EQ(m.wrong, 0);
    for (int i = 1; i <= CLIENTS; i++) {
        CHECK_EQ(m.served[i], CALLS_EACH);
    }
    return 0;
}

/* A saved reply cap is never copied (deriveCap yields nothing: seL4_IllegalOperation), but it
 * moves; deleting it leaves the caller blocked for good. */
int test_ep_reply_cap_moves_but_does_not_copy(void)
{
    struct caller c = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), saved = tc_slot(), copy = tc_slot(), moved = tc_slot();
    CHECK(ep && saved && copy && moved);
    plat_thread_t *t = tc_start("caller", call_once, &c, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, saved, DEPTH));
    CHECK_EQ(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, saved, DEPTH, seL4_AllRights), seL4_IllegalOperation);
    CHECK(tc_slot_empty(copy));
    CHECK_OK(seL4_CNode_Move(ROOT, moved, DEPTH, ROOT, saved, DEPTH));
    CHECK(tc_slot_empty(saved));
    CHECK_OK(seL4_CNode_Delete(ROOT, moved, DEPTH));
    seL4_Send(moved, seL4_MessageInfo_new(1, 0, 0, 0)); /* an empty slot now: nothing happens */
    /* the caller will never return: every thread is blocked for good */
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_EQ(c.returned, 0);
    return 0;
}

/* Suspending a thread blocked on a reply deletes its reply cap; resuming it re-executes its
 * seL4_Call, so the server receives the same call a second time. */
int test_ep_resumed_caller_calls_again(void)
{
    struct caller c = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), saved = tc_slot();
    CHECK(ep && saved);
    plat_thread_t *t = tc_start("caller", call_once, &c, 0, EP, ep, seL4_AllRights, 0x21);
    CHECK(t);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    CHECK_EQ(badge, 0x21);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 4);
    CHECK_OK(seL4_TCB_Suspend(plat_thread_tcb(t)));
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, saved, DEPTH));
    CHECK(tc_slot_empty(saved));
    CHECK_OK(seL4_TCB_Resume(plat_thread_tcb(t)));
    badge = 0;
    info = seL4_Recv(ep, &badge);
    CHECK_EQ(badge, 0x21);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 4);
    seL4_Reply(seL4_MessageInfo_new(8, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(c.label, 8);
    return 0;
}

struct bad_extra {
    int done;
};

static void nbsend_bad_extra_then_send(void *arg)
{
    struct bad_extra *b = arg;
    seL4_SetCap(0, 1ul << 40);
    seL4_NBSend(EP, seL4_MessageInfo_new(1, 0, 1, 0)); /* non-blocking: no fault, nothing sent */
    seL4_Send(EP, seL4_MessageInfo_new(2, 0, 0, 0));
    b->done = 1;
}

/* An extra cap pointer that does not resolve fails an NBSend silently (a blocking send faults). */
int test_ep_nbsend_bad_extra_cap_is_dropped(void)
{
    struct bad_extra b = {0};
    struct waiting w = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep && fault_ep);
    plat_thread_t *rcv = tc_thread("receiver", serve_then_wait, &w, 0);
    plat_thread_t *snd = tc_thread("sender", nbsend_bad_extra_then_send, &b, fault_ep);
    CHECK(rcv && snd);
    CHECK_OK(tc_give(rcv, EP, ep, seL4_AllRights, 0));
    CHECK_OK(tc_give(snd, EP, ep, seL4_AllRights, 0x3));
    CHECK_OK(plat_thread_start(rcv));
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0)); /* the receiver now waits */
    CHECK_OK(plat_thread_start(snd));
    CHECK_EQ(plat_thread_join(rcv), 0);
    CHECK_EQ(plat_thread_join(snd), 0);
    CHECK_EQ(b.done, 1);
    CHECK_EQ(w.label, 2);
    CHECK_EQ(w.badge, 0x3);
    seL4_Word fb = 9;
    seL4_NBRecv(fault_ep, &fb);
    CHECK_EQ(fb, 0);
    return 0;
}
