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

/* A thread blocked in Recv on its copy of an endpoint; the copy is revoked (the object lives on,
 * the thread stays blocked), then the last cap goes: the endpoint is destroyed, the receiver
 * restarts its Recv, finds its slot empty and faults. */
int test_fault_revoked_cap_used_by_blocked_thread(void)
{
    struct blocked b = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep && fault_ep);
    plat_thread_t *t = tc_thread("receiver", recv_on_ep, &b, fault_ep);
    CHECK(t);
    CHECK_OK(tc_give(t, EP, ep, seL4_AllRights, 0));
    CHECK_OK(plat_thread_start(t));
    tc_yield(10);
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), EP));
    seL4_Word fb = 1;
    seL4_NBRecv(fault_ep, &fb);
    CHECK_EQ(fb, 0); /* no fault yet: the endpoint still exists */
    CHECK_OK(seL4_CNode_Delete(ROOT, ep, DEPTH));
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(fb, 0);
    CHECK_EQ(check_recv_cap_fault(f, EP), 0);
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_EQ(b.returned, 0);
    return 0;
}
