/*
 * CSpaces: Copy/Mint/Move/Mutate/Delete/Revoke with seL4's errors and rights, and the capability
 * derivation tree (Revoke deletes every descendant, in every CSpace).
 */
#include "check.h"
#include "tests.h"

int test_cnode_mint_badge_and_rights(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr badged = tc_slot(), again = tc_slot(), ro = tc_slot(), copy = tc_slot();
    CHECK(ep && badged && again && ro && copy);
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0xbeef));
    /* a badged cap cannot be given another badge */
    CHECK_EQ(seL4_CNode_Mint(ROOT, again, DEPTH, ROOT, badged, DEPTH, seL4_AllRights, 0x1), seL4_IllegalOperation);
    CHECK(tc_slot_empty(again));
    /* a copy keeps the badge */
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, badged, DEPTH, seL4_AllRights));
    seL4_NBSend(copy, seL4_MessageInfo_new(0, 0, 0, 0));
    /* rights only shrink: a read-only copy of a read-only copy cannot send */
    CHECK_OK(seL4_CNode_Mint(ROOT, ro, DEPTH, ROOT, ep, DEPTH, seL4_CanRead, 0));
    seL4_CPtr ro2 = tc_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT, ro2, DEPTH, ROOT, ro, DEPTH, seL4_AllRights));
    seL4_MessageInfo_t r = seL4_Call(ro2, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(r), seL4_InvalidCapability);
    return 0;
}

int test_cnode_copy_errors(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), full = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr empty = tc_slot(), dest = tc_slot();
    CHECK(ep && full && empty && dest);
    /* destination occupied */
    CHECK_EQ(seL4_CNode_Copy(ROOT, full, DEPTH, ROOT, ep, DEPTH, seL4_AllRights), seL4_DeleteFirst);
    /* empty source: FailedLookup, source side, missing capability with the depth left */
    CHECK_EQ(seL4_CNode_Copy(ROOT, dest, DEPTH, ROOT, empty, DEPTH, seL4_AllRights), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_MissingCapability);
    CHECK_EQ(seL4_GetMR(2), seL4_WordBits);
    /* a depth outside 1..64 */
    CHECK_EQ(seL4_CNode_Copy(ROOT, dest, 0, ROOT, ep, DEPTH, seL4_AllRights), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_WordBits);
    /* a depth that cannot pass the root CNode's guard: guard mismatch on the destination */
    CHECK_EQ(seL4_CNode_Copy(ROOT, dest, 32, ROOT, ep, DEPTH, seL4_AllRights), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), seL4_GuardMismatch);
    CHECK_EQ(seL4_GetMR(2), 32);
    /* the service cap is not a CNode */
    CHECK_EQ(seL4_CNode_Delete(empty, 0, DEPTH), seL4_InvalidCapability);
    /* deleting an empty slot is fine */
    CHECK_OK(seL4_CNode_Delete(ROOT, empty, DEPTH));
    /* none of the failed operations left anything behind */
    CHECK(tc_slot_empty(dest));
    return 0;
}

int test_cnode_move_and_mutate(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), badged = tc_slot(), moved = tc_slot();
    seL4_CPtr mutated = tc_slot(), cn = tc_obj(seL4_CapTableObject, 4), cn2 = tc_slot();
    CHECK(ep && badged && moved && mutated && cn && cn2);
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x3));
    CHECK_OK(seL4_CNode_Move(ROOT, moved, DEPTH, ROOT, badged, DEPTH));
    CHECK(tc_slot_empty(badged));
    CHECK(!tc_slot_empty(moved));
    /* the moved cap keeps its place in the derivation tree */
    seL4_NBSend(moved, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK(tc_slot_empty(moved));
    /* Mutate cannot change an endpoint's badge (seL4_IllegalOperation) ... */
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x3));
    CHECK_EQ(seL4_CNode_Mutate(ROOT, mutated, DEPTH, ROOT, badged, DEPTH, 0x4), seL4_IllegalOperation);
    CHECK(!tc_slot_empty(badged));
    /* ... but sets a CNode's guard: 60 guard bits + radix 4 resolve a full word */
    CHECK_OK(seL4_CNode_Mutate(ROOT, cn2, DEPTH, ROOT, cn, DEPTH, seL4_CNode_CapData_new(0, 60).words[0]));
    CHECK(tc_slot_empty(cn));
    CHECK_OK(seL4_CNode_Copy(cn2, 5, DEPTH, ROOT, ep, DEPTH, seL4_AllRights));
    CHECK(!tc_slot_empty_in(cn2, 5));
    CHECK_EQ(seL4_CNode_Copy(cn2, 16, DEPTH, ROOT, ep, DEPTH, seL4_AllRights), seL4_FailedLookup);
    CHECK_OK(seL4_CNode_Delete(cn2, 5, DEPTH));
    return 0;
}

#define SLOT_A TC_SLOT(0)
#define SLOT_B TC_SLOT(1)

static void idle(void *arg)
{
    (void)arg;
}

int test_cnode_revoke_deletes_descendants_everywhere(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr b1 = tc_slot(), b1copy = tc_slot(), b2 = tc_slot(), plain = tc_slot();
    CHECK(ep && b1 && b1copy && b2 && plain);
    plat_thread_t *t1 = tc_thread("holder1", idle, NULL, 0), *t2 = tc_thread("holder2", idle, NULL, 0);
    CHECK(t1 && t2);
    CHECK_OK(seL4_CNode_Mint(ROOT, b1, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 1));
    CHECK_OK(seL4_CNode_Copy(ROOT, b1copy, DEPTH, ROOT, b1, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Mint(ROOT, b2, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 2));
    CHECK_OK(seL4_CNode_Copy(ROOT, plain, DEPTH, ROOT, ep, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Copy(plat_thread_cnode(t1), SLOT_A, DEPTH, ROOT, b1, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Copy(plat_thread_cnode(t2), SLOT_A, DEPTH, ROOT, b2, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Copy(plat_thread_cnode(t2), SLOT_B, DEPTH, ROOT, ep, DEPTH, seL4_AllRights));

    /* revoking a badged cap takes its copies, not other badges, not the original */
    CHECK_OK(seL4_CNode_Revoke(ROOT, b1, DEPTH));
    CHECK(!tc_slot_empty(b1));
    CHECK(tc_slot_empty(b1copy));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t1), SLOT_A));
    CHECK(!tc_slot_empty(b2));
    CHECK(!tc_slot_empty_in(plat_thread_cnode(t2), SLOT_A));
    /* revoking a plain copy takes nothing: a copy is not a parent */
    CHECK_OK(seL4_CNode_Revoke(ROOT, plain, DEPTH));
    CHECK(!tc_slot_empty(b2));
    /* revoking the original takes everything derived from it, in every CSpace */
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK(!tc_slot_empty(ep));
    CHECK(tc_slot_empty(b1));
    CHECK(tc_slot_empty(b2));
    CHECK(tc_slot_empty(plain));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t2), SLOT_A));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t2), SLOT_B));
    return 0;
}

/* An untyped cap is copied only while it has no children; SaveCaller needs an empty slot. */
int test_cnode_untyped_copy_and_save_caller_errors(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 12), copy = tc_slot(), child = tc_slot();
    CHECK(ut && copy && child);
    CHECK_OK(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Delete(ROOT, copy, DEPTH));
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, 0, 0, child, 1));
    CHECK_EQ(seL4_CNode_Copy(ROOT, copy, DEPTH, ROOT, ut, DEPTH, seL4_AllRights), seL4_RevokeFirst);
    CHECK(tc_slot_empty(copy));
    CHECK_EQ(seL4_CNode_SaveCaller(ROOT, child, DEPTH), seL4_DeleteFirst);
    CHECK_OK(seL4_CNode_SaveCaller(ROOT, copy, DEPTH)); /* no caller: nothing saved */
    CHECK(tc_slot_empty(copy));
    return 0;
}

/* Deleting a CNode's last cap deletes what it holds: objects whose only caps were inside are
 * destroyed, which leaves their untyped without children (it resets for a full-size retype). */
int test_cnode_delete_destroys_contents(void)
{
    seL4_CPtr ut = tc_obj(seL4_UntypedObject, 12), cn = tc_obj(seL4_CapTableObject, 2), big = tc_slot();
    CHECK(ut && cn && big);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT, cn, DEPTH, 0, 4));
    CHECK_EQ(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, big, 1), seL4_NotEnoughMemory);
    CHECK_OK(seL4_CNode_Delete(ROOT, cn, DEPTH));
    CHECK_OK(seL4_Untyped_Retype(ut, PLAT_FRAME_OBJECT, 0, ROOT, 0, 0, big, 1));
    return 0;
}

/* Lookups walk CNodes level by level: a CNode cap inside a CNode is followed while bits remain. */
int test_cnode_two_level_lookup(void)
{
    seL4_CPtr a = tc_obj(seL4_CapTableObject, 4), b = tc_obj(seL4_CapTableObject, 4);
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), dest = tc_slot();
    CHECK(a && b && ep && dest);
    /* a[2] = b, b[5] = ep; both CNodes unguarded, 4 bits each */
    CHECK_OK(seL4_CNode_Copy(a, 2, 4, ROOT, b, DEPTH, seL4_AllRights));
    CHECK_OK(seL4_CNode_Mint(b, 5, 4, ROOT, ep, DEPTH, seL4_AllRights, 0x25));
    CHECK_OK(seL4_CNode_Copy(ROOT, dest, DEPTH, a, (2 << 4) | 5, 8, seL4_AllRights));
    CHECK_OK(seL4_CNode_Delete(ROOT, dest, DEPTH));
    /* 6 bits: the second level needs 4 but only 2 are left */
    CHECK_EQ(seL4_CNode_Copy(ROOT, dest, DEPTH, a, (2 << 2) | 1, 6, seL4_AllRights), seL4_FailedLookup);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_DepthMismatch);
    CHECK_EQ(seL4_GetMR(2), 2);
    CHECK_EQ(seL4_GetMR(3), 4);
    /* 4 bits stop at the CNode cap itself, which can be copied as any cap */
    CHECK_OK(seL4_CNode_Copy(ROOT, dest, DEPTH, a, 2, 4, seL4_AllRights));
    CHECK_OK(seL4_CNode_Copy(dest, 6, 4, b, 5, 4, seL4_AllRights));
    /* both copies in b descend from ep: revoking it empties them */
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    seL4_CPtr probe = tc_slot();
    CHECK_EQ(seL4_CNode_Copy(ROOT, probe, DEPTH, b, 6, 4, seL4_AllRights), seL4_FailedLookup);
    CHECK_EQ(seL4_CNode_Copy(ROOT, probe, DEPTH, b, 5, 4, seL4_AllRights), seL4_FailedLookup);
    return 0;
}

/* Minting badge 0 is a plain copy: not a new badge (it can still be minted with one later) and
 * not a parent of anything. */
int test_cnode_mint_badge_zero(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), zero = tc_slot(), five = tc_slot();
    CHECK(ep && zero && five);
    CHECK_OK(seL4_CNode_Mint(ROOT, zero, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0));
    CHECK_OK(seL4_CNode_Mint(ROOT, five, DEPTH, ROOT, zero, DEPTH, seL4_AllRights, 5));
    CHECK_OK(seL4_CNode_Revoke(ROOT, zero, DEPTH));
    CHECK(!tc_slot_empty(five));
    CHECK_OK(seL4_CNode_Revoke(ROOT, ep, DEPTH));
    CHECK(tc_slot_empty(zero));
    CHECK(tc_slot_empty(five));
    return 0;
}

/* A move onto its own slot finds the destination occupied; a CNode's size is bounded. */
int test_cnode_move_onto_itself_and_huge_cnode(void)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), ut = tc_obj(seL4_UntypedObject, 12), dest = tc_slot();
    CHECK(ep && ut && dest);
    CHECK_EQ(seL4_CNode_Move(ROOT, ep, DEPTH, ROOT, ep, DEPTH), seL4_DeleteFirst);
    CHECK(!tc_slot_empty(ep));
    /* 2^60 slots of 32 bytes: larger than any untyped can be */
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_CapTableObject, 60, ROOT, 0, 0, dest, 1), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), seL4_MaxUntypedBits);
    /* fits the range but not this untyped */
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_CapTableObject, 8, ROOT, 0, 0, dest, 1), seL4_NotEnoughMemory);
    CHECK_EQ(seL4_GetMR(0), 4096);
    return 0;
}
