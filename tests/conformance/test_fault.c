/*
 * Faults: a blocking receive on an empty slot, a cap that a blocked thread was using revoked
 * under it; the fault message (label, length, registers), the fault endpoint's badge, and the
 * faulting thread left blocked.
 */
#include "check.h"
#include "tests.h"

#define EP TC_SLOT(0)
#define NOTHING TC_SLOT(5)

static void recv_on_empty(void *arg)
{
    seL4_Word *badge = arg;
    seL4_Recv(NOTHING, badge);
}

/* Check the fault message now in our IPC buffer: a cap fault on @addr in the receive phase. */
static int check_recv_cap_fault(seL4_MessageInfo_t f, seL4_Word addr)
{
    CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_CapFault);
    CHECK_EQ(seL4_MessageInfo_get_length(f), 5);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(f), 0);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_Addr), addr);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 1);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_MissingCapability);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_BitsLeft), 0);
    CHECK(seL4_GetMR(seL4_CapFault_IP) != 0);
    return 0;
}

int test_fault_recv_on_empty_slot(void)
{
    seL4_Word badge = 0;
    seL4_CPtr fault_ep = tc_obj(seL4_EndpointObject, 0), fep = tc_slot();
    CHECK(fault_ep && fep);
    CHECK_OK(seL4_CNode_Mint(ROOT, fep, DEPTH, ROOT, fault_ep, DEPTH, seL4_AllRights, 0xfa));
    plat_thread_t *t = tc_thread("faulter", recv_on_empty, &badge, fep);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    seL4_Word fb = 0;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(fb, 0xfa);
    CHECK_EQ(check_recv_cap_fault(f, NOTHING), 0);
    /* the faulting thread never returns */
    CHECK_EQ(plat_thread_join(t), -1);
    return 0;
}

struct blocked {
    seL4_Word badge;
    int returned;
};

static void recv_on_ep(void *arg)
{
    struct blocked *b = arg;
    seL4_Recv(EP, &b->badge);
    b->returned = 1;
}

/* Serve one call, then wait in the same ReplyRecv: when the caller has its reply, this thread is
 * certainly blocked in Recv (the reply and the receive are one system call). */
static void serve_then_recv(void *arg)
{
    struct blocked *b = arg;
    seL4_Recv(EP, &b->badge);
    seL4_ReplyRecv(EP, seL4_MessageInfo_new(0, 0, 0, 0), &b->badge);
    b->returned = 1;
}

/* A thread blocked in Recv on its copy of an endpoint; the copy is revoked (the object lives on,
 * the thread stays blocked), then the last cap goes: the endpoint is destroyed, the receiver
 * restarts its Recv, finds its slot empty and faults. */
int test_fault_revoked_cap_used_by_blocked_thread(void)
{
    struct blocked b = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr fep = tc_slot();
    CHECK(ep && fault_ep && fep);
    CHECK_OK(seL4_CNode_Mint(ROOT, fep, DEPTH, ROOT, fault_ep, DEPTH, seL4_AllRights, 0xf));
    plat_thread_t *t = tc_start("receiver", serve_then_recv, &b, fep, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), EP));
    seL4_Word fb = 1;
    seL4_NBRecv(fault_ep, &fb);
    CHECK_EQ(fb, 0); /* no fault: the endpoint still exists and the thread is still queued on it */
    CHECK_OK(seL4_CNode_Delete(ROOT, ep, DEPTH));
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(fb, 0xf);
    CHECK_EQ(check_recv_cap_fault(f, EP), 0);
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_EQ(b.returned, 0);
    return 0;
}

static void call_bad_cptr(void *arg)
{
    (void)arg;
    seL4_Call(1ul << 40, seL4_MessageInfo_new(0, 0, 0, 0));
}

/* A Call through a cap pointer that does not resolve: a cap fault in the send phase, with the
 * guard mismatch the lookup found (the thread's CNode: radix 8 behind a 56-bit zero guard). */
int test_fault_call_bad_cptr(void)
{
    seL4_CPtr fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(fault_ep);
    plat_thread_t *t = tc_thread("caller", call_bad_cptr, NULL, fault_ep);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    seL4_Word fb;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_CapFault);
    CHECK_EQ(seL4_MessageInfo_get_length(f), 7);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_Addr), 1ul << 40);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 0);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_GuardMismatch);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_BitsLeft), seL4_WordBits);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_GuardMismatch_GuardFound), 0);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_GuardMismatch_BitsFound), seL4_WordBits - TC_THREAD_CNODE_BITS);
    CHECK_EQ(plat_thread_join(t), -1);
    return 0;
}

/* The fault handler fills the empty slot and replies: the thread restarts its Recv and gets on. */
int test_fault_reply_restarts_thread(void)
{
    seL4_Word badge = 0;
    seL4_CPtr fault_ep = tc_obj(seL4_EndpointObject, 0), n = tc_obj(seL4_NotificationObject, 0);
    CHECK(fault_ep && n);
    plat_thread_t *t = tc_thread("faulter", recv_on_empty, &badge, fault_ep);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    seL4_Word fb;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(check_recv_cap_fault(f, NOTHING), 0);
    CHECK_OK(tc_give(t, NOTHING, n, seL4_AllRights, 0));
    seL4_CPtr sig = tc_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT, sig, DEPTH, ROOT, n, DEPTH, seL4_AllRights, 0x42));
    seL4_Signal(sig);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(badge, 0x42);
    return 0;
}

/* No fault endpoint: seL4 reports the double fault and leaves the thread inactive. */
int test_fault_without_handler_leaves_thread_inactive(void)
{
    seL4_Word badge = 0;
    plat_thread_t *t = tc_thread("faulter", recv_on_empty, &badge, 0);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    CHECK_EQ(plat_thread_join(t), -1);
    return 0;
}

struct recv_cap {
    seL4_Word badge;
};

static void recv_on_ep_slot(void *arg)
{
    struct recv_cap *r = arg;
    seL4_Recv(EP, &r->badge);
}

/* Receiving needs the Read right; waiting on a notification bound to another thread is refused:
 * both are cap faults in the receive phase (missing capability, no bits left). */
int test_fault_recv_without_right_or_on_foreign_binding(void)
{
    struct recv_cap r1 = {0}, r2 = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), n = tc_obj(seL4_NotificationObject, 0);
    seL4_CPtr other = tc_obj(seL4_TCBObject, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr f1 = tc_slot(), f2 = tc_slot();
    CHECK(ep && n && other && fault_ep && f1 && f2);
    CHECK_OK(seL4_CNode_Mint(ROOT, f1, DEPTH, ROOT, fault_ep, DEPTH, seL4_AllRights, 1));
    CHECK_OK(seL4_CNode_Mint(ROOT, f2, DEPTH, ROOT, fault_ep, DEPTH, seL4_AllRights, 2));
    CHECK_OK(seL4_TCB_BindNotification(other, n));
    plat_thread_t *t1 = tc_thread("writeonly", recv_on_ep_slot, &r1, f1);
    plat_thread_t *t2 = tc_thread("foreign", recv_on_ep_slot, &r2, f2);
    CHECK(t1 && t2);
    CHECK_OK(tc_give(t1, EP, ep, seL4_CanWrite, 0));
    CHECK_OK(tc_give(t2, EP, n, seL4_AllRights, 0));
    CHECK_OK(plat_thread_start(t1));
    CHECK_OK(plat_thread_start(t2));
    for (int i = 0; i < 2; i++) {
        seL4_Word fb;
        seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
        CHECK(fb == 1 || fb == 2);
        CHECK_EQ(check_recv_cap_fault(f, EP), 0);
    }
    CHECK_EQ(plat_thread_join(t1), -1);
    CHECK_EQ(plat_thread_join(t2), -1);
    return 0;
}

static void call_with_bad_extra_cap(void *arg)
{
    (void)arg;
    seL4_SetCap(0, 1ul << 40);
    seL4_Call(EP, seL4_MessageInfo_new(0, 0, 1, 0));
}

/* An extra cap pointer that does not resolve: the Call faults before anything is sent. */
int test_fault_bad_extra_cap(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep && fault_ep);
    plat_thread_t *t = tc_start("caller", call_with_bad_extra_cap, NULL, fault_ep, EP, ep, seL4_AllRights, 0x1);
    CHECK(t);
    seL4_Word fb;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_CapFault);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_Addr), 1ul << 40);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_InRecvPhase), 0);
    CHECK_EQ(seL4_GetMR(seL4_CapFault_LookupFailureType), seL4_GuardMismatch);
    seL4_Word b = 7;
    seL4_NBRecv(ep, &b);
    CHECK_EQ(b, 0);
    CHECK_EQ(plat_thread_join(t), -1);
    return 0;
}

/* Revoking the untyped an endpoint came from destroys it and restarts its blocked receiver. */
int test_fault_untyped_revoked_under_blocked_receiver(void)
{
    struct blocked b = {0};
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 12), ep = tc_slot(), fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ut && ep && fault_ep);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, ep, 1));
    plat_thread_t *t = tc_start("receiver", recv_on_ep, &b, fault_ep, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    tc_yield(10);
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, DEPTH));
    CHECK(tc_slot_empty(ep));
    seL4_Word fb;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(check_recv_cap_fault(f, EP), 0);
    CHECK_EQ(plat_thread_join(t), -1);
    return 0;
}

/* Revoking the cap a receiver blocked with does not unblock it: it stays queued on the endpoint
 * object, which still exists, and the next message reaches it. */
int test_fault_none_while_object_lives(void)
{
    struct blocked b = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep && fault_ep);
    plat_thread_t *t = tc_start("receiver", serve_then_recv, &b, fault_ep, EP, ep, seL4_AllRights, 0x3);
    CHECK(t);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), EP));
    seL4_Send(ep, seL4_MessageInfo_new(9, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(b.returned, 1);
    CHECK_EQ(b.badge, 0);
    return 0;
}

/* A fault endpoint cap without Grant or GrantReply cannot carry a fault: a double fault. */
int test_fault_handler_cap_needs_grant(void)
{
    seL4_Word badge = 0;
    seL4_CPtr fault_ep = tc_obj(seL4_EndpointObject, 0), weak = tc_slot();
    CHECK(fault_ep && weak);
    CHECK_OK(seL4_CNode_Mint(ROOT, weak, DEPTH, ROOT, fault_ep, DEPTH, seL4_CanWrite, 0x5));
    plat_thread_t *t = tc_thread("faulter", recv_on_empty, &badge, weak);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    CHECK_EQ(plat_thread_join(t), -1);
    seL4_Word fb = 1;
    seL4_NBRecv(fault_ep, &fb);
    CHECK_EQ(fb, 0);
    return 0;
}
