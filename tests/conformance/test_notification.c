/*
 * Notifications: Signal/Wait/Poll, badge OR-ing, binding to a TCB so that one seL4_Recv sees
 * both calls and signals, the binding errors, and signalling a notification that is gone.
 */
#include "check.h"
#include "tests.h"

#define NTFN TC_SLOT(0)
#define EP TC_SLOT(1)

struct waiter {
    seL4_Word badge, badge2, label;
};

static void wait_once(void *arg)
{
    struct waiter *w = arg;
    seL4_Wait(NTFN, &w->badge);
}

int test_ntfn_signal_wait(void)
{
    struct waiter w = {0};
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), signaller = tc_slot();
    CHECK(n && signaller);
    CHECK_OK(seL4_CNode_Mint(ROOT, signaller, DEPTH, ROOT, n, DEPTH, seL4_CanWrite, 0x20));
    plat_thread_t *t = tc_start("waiter", wait_once, &w, 0, NTFN, n, seL4_CanRead, 0);
    CHECK(t);
    seL4_Signal(signaller);
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(w.badge, 0x20);
    /* the signal was consumed by the waiter */
    seL4_Word b = 1;
    seL4_Poll(n, &b);
    CHECK_EQ(b, 0);
    return 0;
}

int test_ntfn_badges_or(void)
{
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), s1 = tc_slot(), s4 = tc_slot(), ro = tc_slot();
    CHECK(n && s1 && s4 && ro);
    CHECK_OK(seL4_CNode_Mint(ROOT, s1, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x1));
    CHECK_OK(seL4_CNode_Mint(ROOT, s4, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x4));
    CHECK_OK(seL4_CNode_Mint(ROOT, ro, DEPTH, ROOT, n, DEPTH, seL4_CanRead, 0x8));
    seL4_Signal(s1);
    seL4_Signal(s4);
    seL4_Signal(s1);
    seL4_Signal(ro); /* no Write right: the signal has no effect */
    seL4_Word b = 0;
    seL4_Wait(n, &b);
    CHECK_EQ(b, 0x5);
    seL4_Poll(n, &b);
    CHECK_EQ(b, 0);
    return 0;
}

int test_ntfn_poll_empty(void)
{
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0);
    CHECK(n);
    seL4_Word b = 0x99;
    seL4_Poll(n, &b);
    CHECK_EQ(b, 0);
    /* An unbadged cap signals badge 0: the word stays 0 but the notification is active, so a
     * wait returns at once (had the signal done nothing, it would block here for good). */
    seL4_Signal(n);
    b = 0x99;
    seL4_Wait(n, &b);
    CHECK_EQ(b, 0);
    /* The wait consumed it: idle again. */
    b = 0x99;
    seL4_Poll(n, &b);
    CHECK_EQ(b, 0);
    return 0;
}

struct bound {
    seL4_Word badge[3], label[3];
};

/* Bound to NTFN, receive three times on EP: a pending signal, a call, a signal while blocked. */
static void bound_receiver(void *arg)
{
    struct bound *b = arg;
    for (int i = 0; i < 3; i++) {
        seL4_MessageInfo_t info = seL4_Recv(EP, &b->badge[i]);
        b->label[i] = seL4_MessageInfo_get_label(info);
        if (b->badge[i] == 0xe0) {
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
        }
    }
}

int test_ntfn_bound_recv_gets_signal_and_message(void)
{
    struct bound b = {0};
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr sig = tc_slot(), client = tc_slot(), sig2 = tc_slot();
    CHECK(n && ep && sig && client && sig2);
    CHECK_OK(seL4_CNode_Mint(ROOT, sig, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x1));
    CHECK_OK(seL4_CNode_Mint(ROOT, sig2, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x100));
    CHECK_OK(seL4_CNode_Mint(ROOT, client, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0xe0));
    plat_thread_t *t = tc_thread("bound", bound_receiver, &b, 0);
    CHECK(t);
    CHECK_OK(tc_give(t, EP, ep, seL4_AllRights, 0));
    CHECK_OK(seL4_TCB_BindNotification(plat_thread_tcb(t), n));
    /* a signal pending before the Recv is returned first */
    seL4_Signal(sig);
    CHECK_OK(plat_thread_start(t));
    seL4_MessageInfo_t r = seL4_Call(client, seL4_MessageInfo_new(0x3c, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(r), 0);
    /* the receiver is back in Recv (or about to be): this signal wakes it with the word */
    seL4_Signal(sig2);
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(b.badge[0], 0x1);
    CHECK_EQ(b.badge[1], 0xe0);
    CHECK_EQ(b.label[1], 0x3c);
    CHECK_EQ(b.badge[2], 0x100);
    return 0;
}

int test_ntfn_bind_errors(void)
{
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), n2 = tc_obj(seL4_NotificationObject, 0);
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), wo = tc_slot(), tcb2 = tc_obj(seL4_TCBObject, 0);
    CHECK(n && n2 && ep && wo && tcb2);
    CHECK_OK(seL4_CNode_Copy(ROOT, wo, DEPTH, ROOT, n2, DEPTH, seL4_CanWrite));
    CHECK_EQ(seL4_TCB_UnbindNotification(tcb2), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(tcb2, ep), seL4_IllegalOperation);
    CHECK_EQ(seL4_TCB_BindNotification(tcb2, wo), seL4_IllegalOperation); /* no Read right */
    CHECK_OK(seL4_TCB_BindNotification(tcb2, n));
    CHECK_EQ(seL4_TCB_BindNotification(tcb2, n2), seL4_IllegalOperation); /* already bound */
    CHECK_EQ(seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n), seL4_IllegalOperation); /* n is bound */
    CHECK_OK(seL4_TCB_UnbindNotification(tcb2));
    CHECK_OK(seL4_TCB_BindNotification(seL4_CapInitThreadTCB, n));
    CHECK_OK(seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB));
    return 0;
}

struct fault_waiter {
    seL4_Word badge;
};

static void wait_forever(void *arg)
{
    struct fault_waiter *w = arg;
    seL4_Wait(NTFN, &w->badge);
}

/* The notification goes while a thread waits on it: the waiter restarts its Wait, finds its slot
 * empty and faults; a later Signal through the dead slot does nothing at all. */
int test_ntfn_signal_to_deleted_notification(void)
{
    struct fault_waiter w = {0};
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr fep = tc_slot();
    CHECK(n && fault_ep && fep);
    CHECK_OK(seL4_CNode_Mint(ROOT, fep, DEPTH, ROOT, fault_ep, DEPTH, seL4_AllRights, 0xf));
    plat_thread_t *t = tc_start("waiter", wait_forever, &w, fep, NTFN, n, seL4_AllRights, 0);
    CHECK(t);
    CHECK_OK(seL4_CNode_Revoke(ROOT, n, DEPTH));
    CHECK_OK(seL4_CNode_Delete(ROOT, n, DEPTH));
    seL4_Word badge = 0;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &badge);
    CHECK_EQ(badge, 0xf);
    CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_CapFault);
    CHECK_EQ(seL4_MessageInfo_get_length(f), 5);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_Addr), NTFN);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_MissingCapability);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_BitsLeft), 0);
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_EQ(w.badge, 0);
    /* signalling the deleted notification: no fault, no effect, the caller carries on */
    seL4_Signal(n);
    CHECK(tc_slot_empty(n));
    return 0;
}

struct bound_caller {
    seL4_Word reply_label, signal_badge;
};

static void bound_call_then_recv(void *arg)
{
    struct bound_caller *b = arg;
    seL4_MessageInfo_t r = seL4_Call(EP, seL4_MessageInfo_new(0, 0, 0, 0));
    b->reply_label = seL4_MessageInfo_get_label(r);
    seL4_Recv(EP, &b->signal_badge);
}

/* A bound thread waiting for a reply is not woken by a signal; the signal waits for its Recv. */
int test_ntfn_bound_thread_not_woken_during_call(void)
{
    struct bound_caller b = {0};
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr sig = tc_slot();
    CHECK(n && ep && sig);
    CHECK_OK(seL4_CNode_Mint(ROOT, sig, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x40));
    plat_thread_t *t = tc_thread("bound", bound_call_then_recv, &b, 0);
    CHECK(t);
    CHECK_OK(tc_give(t, EP, ep, seL4_AllRights, 0));
    CHECK_OK(seL4_TCB_BindNotification(plat_thread_tcb(t), n));
    CHECK_OK(plat_thread_start(t));
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    seL4_Signal(sig);
    seL4_Reply(seL4_MessageInfo_new(5, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(b.reply_label, 5);
    CHECK_EQ(b.signal_badge, 0x40);
    return 0;
}

/* Deleting a bound notification unbinds it; the TCB can be bound again. */
int test_ntfn_delete_unbinds(void)
{
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), n2 = tc_obj(seL4_NotificationObject, 0);
    seL4_CPtr tcb = tc_obj(seL4_TCBObject, 0);
    CHECK(n && n2 && tcb);
    CHECK_OK(seL4_TCB_BindNotification(tcb, n));
    CHECK_EQ(seL4_TCB_BindNotification(tcb, n2), seL4_IllegalOperation);
    CHECK_OK(seL4_CNode_Delete(ROOT, n, DEPTH));
    CHECK_OK(seL4_TCB_BindNotification(tcb, n2));
    return 0;
}

/* A signal through an unbadged cap still makes the notification active: Wait returns at once,
 * with badge 0, and consumes it. */
int test_ntfn_unbadged_signal_wakes_with_zero(void)
{
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0);
    CHECK(n);
    seL4_Signal(n);
    seL4_Word b = 0x77;
    seL4_Wait(n, &b);
    CHECK_EQ(b, 0);
    return 0;
}

static void wait_and_record(void *arg)
{
    struct waiter *w = arg;
    seL4_Wait(NTFN, &w->badge);
    w->badge2 = 1;
}

/* A waiter destroyed while it waits leaves the queue; the notification goes on working. */
int test_ntfn_waiter_destroyed(void)
{
    struct waiter w = {0};
    seL4_CPtr n = tc_obj(seL4_NotificationObject, 0), b3 = tc_slot();
    CHECK(n && b3);
    CHECK_OK(seL4_CNode_Mint(ROOT, b3, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x3));
    plat_thread_t *t = tc_start("waiter", wait_and_record, &w, 0, NTFN, n, seL4_AllRights, 0);
    CHECK(t);
    tc_yield(10);
    tc_destroy(t);
    CHECK_EQ(w.badge2, 0);
    seL4_Signal(b3);
    seL4_Word b = 0;
    seL4_Poll(n, &b);
    CHECK_EQ(b, 0x3);
    return 0;
}
