/* Frames: mapping shares memory; a revoked frame's mapping is gone and an access is a VM fault. */
#include "check.h"
#include "tests.h"

#define FRAME TC_SLOT(0)

struct mapper {
    volatile seL4_Word *addr;
    seL4_Word seen;
    seL4_Error err;
};

static void map_and_read(void *arg)
{
    struct mapper *m = arg;
    void *p = 0;
    m->err = plat_frame_map(FRAME, &p);
    m->addr = p;
    if (m->err == seL4_NoError) {
        m->seen = m->addr[1];
        m->addr[2] = 0x5eed;
    }
}

int test_frame_shared_mapping(void)
{
    struct mapper m = {0};
    seL4_CPtr frame = tc_obj(PLAT_FRAME_OBJECT, 0);
    CHECK(frame);
    void *p = 0;
    CHECK_OK(plat_frame_map(frame, &p));
    volatile seL4_Word *w = p;
    CHECK_EQ(w[0], 0); /* new frames are zeroed */
    w[1] = 0xf00d;
    /* a second mapping of the same cap is refused; a copy of the cap maps again */
    void *q = 0;
    CHECK_EQ(plat_frame_map(frame, &q), seL4_InvalidArgument);
    plat_thread_t *t = tc_start("mapper", map_and_read, &m, 0, FRAME, frame, seL4_AllRights, 0);
    CHECK(t);
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_OK(m.err);
    CHECK((void *)m.addr != p);
    CHECK_EQ(m.seen, 0xf00d);
    CHECK_EQ(w[2], 0x5eed);
    /* not a frame: an empty slot, another object */
    seL4_CPtr empty = tc_slot();
    CHECK(empty);
    CHECK_EQ(plat_frame_map(empty, &q), seL4_InvalidCapability);
    CHECK_EQ(plat_frame_map(seL4_CapInitThreadTCB, &q), seL4_IllegalOperation);
    return 0;
}

struct toucher {
    volatile seL4_Word *addr;
    int mapped, done;
};

#define GO TC_SLOT(1)

static void map_wait_touch(void *arg)
{
    struct toucher *m = arg;
    void *p = 0;
    if (plat_frame_map(FRAME, &p) != seL4_NoError) {
        return;
    }
    m->addr = p;
    m->addr[0] = 1;
    seL4_Word b;
    seL4_Wait(GO, &b); /* the root revokes the frame meanwhile */
    m->addr[3] = 2;    /* a VM fault */
    m->done = 1;
}

int test_frame_access_after_revoke_is_vm_fault(void)
{
    struct toucher m = {0};
    seL4_CPtr frame = tc_obj(PLAT_FRAME_OBJECT, 0), go = tc_obj(seL4_NotificationObject, 0);
    seL4_CPtr fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(frame && go && fault_ep);
    plat_thread_t *t = tc_thread("toucher", map_wait_touch, &m, fault_ep);
    CHECK(t);
    CHECK_OK(tc_give(t, FRAME, frame, seL4_AllRights, 0));
    CHECK_OK(tc_give(t, GO, go, seL4_AllRights, 0));
    CHECK_OK(plat_thread_start(t));
    /* let it map and write, then take the frame away */
    void *p = 0;
    CHECK_OK(plat_frame_map(frame, &p));
    volatile seL4_Word *w = p;
    for (unsigned long i = 0; i < 100000000ul && w[0] != 1; i++) {
        seL4_Yield();
    }
    CHECK_EQ(w[0], 1);
    CHECK_OK(seL4_CNode_Revoke(ROOT, frame, DEPTH));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), FRAME));
    seL4_Signal(go);
    seL4_Word fb = 1;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_VMFault);
    CHECK_EQ(seL4_MessageInfo_get_length(f), seL4_VMFault_Length);
    CHECK_EQ(fb, 0);
    CHECK_EQ(seL4_GetMR(seL4_VMFault_PrefetchFault), 0);
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_EQ(seL4_GetMR(seL4_VMFault_Addr), (seL4_Word)(m.addr + 3));
    CHECK_EQ(TC_FSR_WRITE(seL4_GetMR(seL4_VMFault_FSR)), 1); /* a write */
    CHECK_EQ(m.done, 0);
    /* our own mapping (of the original cap, not revoked) still works */
    CHECK_EQ(w[0], 1);
    return 0;
}

struct unmapper {
    volatile seL4_Word *addr;
    seL4_Error unmap_err;
    int done;
};

static void map_unmap_touch(void *arg)
{
    struct unmapper *m = arg;
    void *p = 0;
    if (plat_frame_map(FRAME, &p) != seL4_NoError) {
        return;
    }
    m->addr = p;
    m->addr[0] = 1;
    m->unmap_err = plat_frame_unmap(FRAME);
    (void)m->addr[0]; /* a VM fault (a read) */
    m->done = 1;
}

int test_frame_unmap_then_access_faults(void)
{
    struct unmapper m = {0};
    seL4_CPtr frame = tc_obj(PLAT_FRAME_OBJECT, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(frame && fault_ep);
    plat_thread_t *t = tc_start("unmapper", map_unmap_touch, &m, fault_ep, FRAME, frame, seL4_AllRights, 0);
    CHECK(t);
    seL4_Word fb;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_VMFault);
    CHECK_EQ(seL4_MessageInfo_get_length(f), seL4_VMFault_Length);
    CHECK_EQ(TC_FSR_WRITE(seL4_GetMR(seL4_VMFault_FSR)), 0); /* a read */
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_OK(m.unmap_err);
    CHECK_EQ(seL4_GetMR(seL4_VMFault_Addr), (seL4_Word)m.addr);
    CHECK_EQ(m.done, 0);
    CHECK_EQ(plat_frame_unmap(seL4_CapInitThreadTCB), seL4_IllegalOperation);
    return 0;
}

static void write_readonly(void *arg)
{
    struct unmapper *m = arg;
    void *p = 0;
    if ((m->unmap_err = plat_frame_map(FRAME, &p)) != seL4_NoError) {
        return;
    }
    m->addr = p;
    if (m->addr[5] == 0) {
        m->addr[5] = 1; /* a VM fault: the mapping is read-only */
    }
    m->done = 1;
}

int test_frame_readonly_cap_maps_readonly(void)
{
    struct unmapper m = {0};
    seL4_CPtr frame = tc_obj(PLAT_FRAME_OBJECT, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(frame && fault_ep);
    plat_thread_t *t = tc_start("reader", write_readonly, &m, fault_ep, FRAME, frame, seL4_CanRead, 0);
    CHECK(t);
    seL4_Word fb;
    seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
    CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_VMFault);
    CHECK_EQ(TC_FSR_WRITE(seL4_GetMR(seL4_VMFault_FSR)), 1); /* a write */
#if TC_FSR_HAS_PRESENT
    CHECK_EQ(TC_FSR_PRESENT(seL4_GetMR(seL4_VMFault_FSR)), 1); /* to a page that is mapped */
#endif
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_OK(m.unmap_err);
    CHECK_EQ(seL4_GetMR(seL4_VMFault_Addr), (seL4_Word)(m.addr + 5));
    CHECK_EQ(m.done, 0);
    return 0;
}

struct retouch {
    volatile seL4_Word *addr;
    int done;
};

static void touch_unmapped(void *arg)
{
    struct retouch *m = arg;
    void *p = 0;
    if (plat_frame_map(FRAME, &p) != seL4_NoError || plat_frame_unmap(FRAME) != seL4_NoError) {
        return;
    }
    m->addr = p;
    m->addr[1] = 7; /* faults; retried after each reply */
    m->done = 1;
}

/* Replying to a VM fault restarts the faulting access: with the page still gone, it faults again
 * at the same address. A cap without Read maps nothing a thread can touch. */
int test_frame_fault_reply_retries_access(void)
{
    struct retouch m = {0};
    seL4_CPtr frame = tc_obj(PLAT_FRAME_OBJECT, 0), fault_ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(frame && fault_ep);
    plat_thread_t *t = tc_start("toucher", touch_unmapped, &m, fault_ep, FRAME, frame, seL4_AllRights, 0);
    CHECK(t);
    seL4_Word fb, addr = 0;
    for (int i = 0; i < 3; i++) {
        seL4_MessageInfo_t f = seL4_Recv(fault_ep, &fb);
        CHECK_EQ(seL4_MessageInfo_get_label(f), seL4_Fault_VMFault);
        if (i == 0) {
            addr = seL4_GetMR(seL4_VMFault_Addr);
        }
        CHECK_EQ(seL4_GetMR(seL4_VMFault_Addr), addr);
        if (i < 2) {
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
        }
    }
    CHECK_EQ(plat_thread_join(t), -1);
    CHECK_EQ(m.done, 0);
    return 0;
}
