/* Untyped memory: seL4_Untyped_Retype, its errors in seL4's order, and the watermark. */
#include "check.h"
#include "tests.h"

int test_untyped_retype_objects(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 16);
    CHECK(ut);
    seL4_CPtr s[4];
    for (int i = 0; i < 4; i++) {
        s[i] = tc_slot();
        CHECK(s[i]);
    }
    /* node_depth 0: the root CNode cap itself is the destination; offset = slot */
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, s[0], 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, ROOT, 0, 0, s[1], 1));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_CapTableObject, 3, ROOT, 0, 0, s[2], 1));
    CHECK_OK(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, s[3], 1));
    seL4_NBSend(s[0], seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_Signal(s[1]);
    seL4_Word b = 5;
    seL4_Poll(s[1], &b);
    CHECK_EQ(b, 0);
    CHECK_OK(seL4_CNode_Copy(s[2], 7, 3, ROOT, s[0], DEPTH, seL4_AllRights));
    /* the objects are children of the untyped: revoking it deletes them all */
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, DEPTH));
    for (int i = 0; i < 4; i++) {
        CHECK(tc_slot_empty(s[i]));
    }
    return 0;
}

int test_untyped_retype_out_of_memory(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 13); /* two 4 KiB frames */
    seL4_CPtr f1 = tc_slot(), f2 = tc_slot(), f3 = tc_slot(), ep = tc_slot();
    CHECK(ut && f1 && f2 && f3 && ep);
    CHECK_EQ(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, f1, 3), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 8192);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, ep, 1));
    /* the endpoint took 16 bytes; the next frame is aligned up to 4 KiB: one still fits */
    CHECK_OK(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, f1, 1));
    CHECK_EQ(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, f2, 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK(tc_slot_empty(f2));
    /* deleting one child does not lower the watermark ... */
    CHECK_OK(seL4_CNode_Delete(ROOT, f1, DEPTH));
    CHECK_EQ(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, f2, 1), seL4_NotEnoughMemory);
    /* ... deleting the last one resets the untyped */
    CHECK_OK(seL4_CNode_Delete(ROOT, ep, DEPTH));
    CHECK_OK(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, f2, 1));
    CHECK_OK(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, f3, 1));
    CHECK(!tc_slot_empty(f3));
    return 0;
}

int test_untyped_retype_argument_errors(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 12), dest = tc_slot(), ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr cn = tc_obj(seL4_CapTableObject, 4);
    CHECK(ut && dest && ep && cn);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_ObjectTypeCount, 0, ROOT, 0, 0, dest, 1), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_UntypedObject, 64, ROOT, 0, 0, dest, 1), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), seL4_MaxUntypedBits);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_CapTableObject, 0, ROOT, 0, 0, dest, 1), seL4_InvalidArgument);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_UntypedObject, 3, ROOT, 0, 0, dest, 1), seL4_InvalidArgument);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ep, 0, 0, dest, 1), seL4_FailedLookup);
    /* a destination window outside a 16-slot CNode (addressed by index and depth in ours) */
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, cn, DEPTH, 16, 1), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), 15);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, cn, DEPTH, 14, 3), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), 2);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, dest, 0), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_UntypedRetypeMaxObjects);
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, ep, 1), seL4_DeleteFirst);
    /* a CNode-op style destination: index and depth within the root CNode */
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, ep, DEPTH, 0, 1), seL4_FailedLookup);
    /* the service cap is a CNode, not an untyped */
    CHECK_EQ(seL4_Untyped_Retype(ROOT, seL4_EndpointObject, 0, ROOT, 0, 0, dest, 1), seL4_IllegalOperation);
    CHECK(tc_slot_empty(dest));
    /* a window inside the other CNode works */
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, cn, DEPTH, 15, 1));
    CHECK_OK(seL4_CNode_Copy(ROOT, dest, DEPTH, cn, 15, 4, seL4_AllRights)); /* cn has no guard */
    return 0;
}

/* A child untyped covering all of its parent closes the parent until the child is gone. */
int test_untyped_child_covering_parent(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 12), child = tc_slot(), ep = tc_slot();
    CHECK(ut && child && ep);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_UntypedObject, 12, ROOT, 0, 0, child, 1));
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, ep, 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_OK(seL4_Untyped_Retype(child, seL4_EndpointObject, 0, ROOT, 0, 0, ep, 1));
    /* revoking the parent takes the child and the child's objects */
    CHECK_OK(seL4_CNode_Revoke(ROOT, ut, DEPTH));
    CHECK(tc_slot_empty(child));
    CHECK(tc_slot_empty(ep));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, ep, 1));
    return 0;
}

/* Memory handed out again is cleared: a frame retyped after a reset reads zero. */
int test_untyped_reused_memory_is_zeroed(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 12), f = tc_slot();
    CHECK(ut && f);
    CHECK_OK(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, f, 1));
    void *p = 0;
    CHECK_OK(plat_frame_map(f, &p));
    volatile seL4_Word *w = p;
    w[10] = 0x1234;
    CHECK_OK(seL4_CNode_Delete(ROOT, f, DEPTH));
    CHECK_OK(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, f, 1));
    CHECK_OK(plat_frame_map(f, &p));
    w = p;
    CHECK_EQ(w[10], 0);
    return 0;
}

/* Several objects at once fill consecutive slots; one occupied slot in the window fails the whole
 * retype before anything is made. */
int test_untyped_retype_window(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 12), cn = tc_obj(seL4_CapTableObject, 3), n = tc_slot();
    CHECK(ut && cn && n);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, ROOT, cn, DEPTH, 5, 1));
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, ROOT, cn, DEPTH, 2, 4), seL4_DeleteFirst);
    CHECK_EQ(seL4_CNode_Copy(ROOT, n, DEPTH, cn, 2, 3, seL4_AllRights), seL4_FailedLookup);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, ROOT, cn, DEPTH, 0, 4));
    for (seL4_Word i = 0; i < 4; i++) {
        CHECK_OK(seL4_CNode_Copy(ROOT, n, DEPTH, cn, i, 3, seL4_AllRights));
        CHECK_OK(seL4_CNode_Delete(ROOT, n, DEPTH));
    }
    /* 5 notifications of 32 bytes used 160 of 4096 bytes */
    CHECK_EQ(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, n, 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 4096 - 5 * 32);
    return 0;
}

/* A VSpace root made from untyped has no ASID yet: seL4 refuses to copy its cap. The initial
 * thread's VSpace has one and copies. */
int test_untyped_vspace_without_asid_does_not_copy(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 13), vspace = tc_slot(), copy = tc_slot();
    CHECK(ut && vspace && copy);
    CHECK_OK(seL4_Untyped_Retype(ut, PLAT_VSPACE_OBJECT, 0, ROOT, 0, 0, vspace, 1));
    CHECK_EQ(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, vspace, DEPTH, seL4_AllRights), seL4_IllegalOperation);
    CHECK(tc_slot_empty(copy));
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, seL4_CapInitThreadVSpace, DEPTH, seL4_AllRights));
    return 0;
}
