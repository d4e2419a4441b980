/*
 * Capability transfer: the Grant right, the receiver's one receive slot, unwrapping of badged
 * caps to the endpoint the message travels on, extraCaps/capsUnwrapped, and the reply direction.
 */
#include "check.h"
#include "tests.h"

#define EP TC_SLOT(0)
#define RECV_SLOT TC_SLOT(1)
#define OCCUPANT TC_SLOT(2)

struct receiver {
    seL4_Word badge, label, length, extra, unwrapped, badge0, mr0;
    int prefill; /* put a cap in the receive slot first */
};

static void receive_one(void *arg)
{
    struct receiver *r = arg;
    seL4_Word badge;
    if (r->prefill) {
        /* the root placed a cap at OCCUPANT; move it into the receive slot to fill it */
        seL4_CNode_Move(seL4_CapInitThreadCNode, RECV_SLOT, DEPTH, seL4_CapInitThreadCNode, OCCUPANT, DEPTH);
    }
    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, RECV_SLOT, DEPTH);
    seL4_MessageInfo_t info = seL4_Recv(EP, &badge);
    r->badge = badge;
    r->label = seL4_MessageInfo_get_label(info);
    r->length = seL4_MessageInfo_get_length(info);
    r->extra = seL4_MessageInfo_get_extraCaps(info);
    r->unwrapped = seL4_MessageInfo_get_capsUnwrapped(info);
    r->badge0 = seL4_GetBadge(0);
    r->mr0 = seL4_GetMR(0);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
}

/* Start a receiver holding EP (with @rights) and return it. */
static plat_thread_t *start_receiver(struct receiver *r, seL4_CPtr ep, seL4_CapRights_t rights)
{
    plat_thread_t *t = tc_thread("receiver", receive_one, r, 0);
    if (!t || tc_give(t, EP, ep, rights, 0) != seL4_NoError) {
        return NULL;
    }
    return t;
}

int test_xfer_grant_transfers_cap(void)
{
    struct receiver r = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), ntfn = tc_obj(seL4_NotificationObject, 0);
    CHECK(ep && ntfn);
    plat_thread_t *t = start_receiver(&r, ep, seL4_AllRights);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    seL4_SetMR(0, 17);
    seL4_SetCap(0, ntfn);
    seL4_Call(ep, seL4_MessageInfo_new(6, 0, 1, 1));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(r.label, 6);
    CHECK_EQ(r.length, 1);
    CHECK_EQ(r.mr0, 17);
    CHECK_EQ(r.extra, 1);
    CHECK_EQ(r.unwrapped, 0);
    /* the receiver's slot now holds a working cap to the same notification, derived from ours */
    CHECK(!tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    CHECK_OK(seL4_CNode_Revoke(ROOT, ntfn, DEPTH));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    return 0;
}

int test_xfer_without_grant_drops_cap(void)
{
    struct receiver r = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), ntfn = tc_obj(seL4_NotificationObject, 0);
    seL4_CPtr nogrant = tc_slot();
    CHECK(ep && ntfn && nogrant);
    CHECK_OK(seL4_CNode_Copy(ROOT, nogrant, DEPTH, ROOT, ep, DEPTH, seL4_CapRights_new(1, 0, 1, 1)));
    plat_thread_t *t = start_receiver(&r, ep, seL4_AllRights);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    seL4_SetMR(0, 3);
    seL4_SetCap(0, ntfn);
    seL4_Call(nogrant, seL4_MessageInfo_new(8, 0, 1, 1));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(r.label, 8);
    CHECK_EQ(r.length, 1);
    CHECK_EQ(r.extra, 0);
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    return 0;
}

int test_xfer_full_receive_slot(void)
{
    struct receiver r = {.prefill = 1};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), ntfn = tc_obj(seL4_NotificationObject, 0);
    seL4_CPtr other = tc_obj(seL4_NotificationObject, 0);
    CHECK(ep && ntfn && other);
    plat_thread_t *t = start_receiver(&r, ep, seL4_AllRights);
    CHECK(t);
    CHECK_OK(tc_give(t, OCCUPANT, other, seL4_AllRights, 0x44));
    CHECK_OK(plat_thread_start(t));
    seL4_SetCap(0, ntfn);
    seL4_Call(ep, seL4_MessageInfo_new(1, 0, 1, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(r.extra, 0);
    CHECK_EQ(r.label, 1);
    /* the slot still holds the cap that was there: revoking `other` empties it, `ntfn` does not */
    CHECK_OK(seL4_CNode_Revoke(ROOT, ntfn, DEPTH));
    CHECK(!tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    CHECK_OK(seL4_CNode_Revoke(ROOT, other, DEPTH));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    return 0;
}

int test_xfer_unwrap_badged_cap_to_same_endpoint(void)
{
    struct receiver r = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), badged = tc_slot();
    CHECK(ep && badged);
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x77));
    plat_thread_t *t = start_receiver(&r, ep, seL4_AllRights);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    seL4_SetCap(0, badged);
    seL4_Call(ep, seL4_MessageInfo_new(2, 0, 1, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(r.extra, 1);
    CHECK_EQ(r.unwrapped, 1);
    CHECK_EQ(r.badge0, 0x77);
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    return 0;
}

int test_xfer_unwrap_then_transfer(void)
{
    struct receiver r = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), badged = tc_slot();
    seL4_CPtr n1 = tc_obj(seL4_NotificationObject, 0), n2 = tc_obj(seL4_NotificationObject, 0);
    CHECK(ep && badged && n1 && n2);
    CHECK_OK(seL4_CNode_Mint(ROOT, badged, DEPTH, ROOT, ep, DEPTH, seL4_AllRights, 0x5));
    plat_thread_t *t = start_receiver(&r, ep, seL4_AllRights);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    /* [unwrapped badge, transferred cap, no second slot left -> transfer stops] */
    seL4_SetCap(0, badged);
    seL4_SetCap(1, n1);
    seL4_SetCap(2, n2);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 3, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(r.extra, 2);
    CHECK_EQ(r.unwrapped, 1);
    CHECK_EQ(r.badge0, 0x5);
    CHECK_OK(seL4_CNode_Revoke(ROOT, n2, DEPTH));
    CHECK(!tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    CHECK_OK(seL4_CNode_Revoke(ROOT, n1, DEPTH));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    return 0;
}

struct replier {
    seL4_CPtr give; /* slot in the replier's CSpace of the cap it sends back */
};

static void reply_with_cap(void *arg)
{
    (void)arg;
    seL4_Word badge;
    seL4_Recv(EP, &badge);
    seL4_SetCap(0, OCCUPANT);
    seL4_SetMR(0, 0x600d);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 1, 1));
}

/* The reply's cap transfer is governed by the Grant right of the cap the replier received on
 * (setupCallerCap records it in the reply cap); the caller needs only Grant or GrantReply. */
static int reply_transfer(seL4_CapRights_t client_rights, seL4_CapRights_t server_rights, seL4_Word expect_extra)
{
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), ntfn = tc_obj(seL4_NotificationObject, 0);
    seL4_CPtr recv = tc_slot(), client = tc_slot();
    CHECK(ep && ntfn && recv && client);
    CHECK_OK(seL4_CNode_Copy(ROOT, client, DEPTH, ROOT, ep, DEPTH, client_rights));
    plat_thread_t *t = tc_thread("replier", reply_with_cap, NULL, 0);
    CHECK(t);
    CHECK_OK(tc_give(t, EP, ep, server_rights, 0));
    CHECK_OK(tc_give(t, OCCUPANT, ntfn, seL4_AllRights, 0x2));
    CHECK_OK(plat_thread_start(t));
    seL4_SetCapReceivePath(ROOT, recv, DEPTH);
    seL4_MessageInfo_t r = seL4_Call(client, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(seL4_MessageInfo_get_length(r), 1);
    CHECK_EQ(seL4_GetMR(0), 0x600d);
    CHECK_EQ(seL4_MessageInfo_get_extraCaps(r), expect_extra);
    CHECK_EQ(!tc_slot_empty(recv), expect_extra);
    if (expect_extra) {
        /* the received cap is the replier's badged notification cap */
        seL4_Signal(recv);
        seL4_Word badge;
        seL4_Poll(ntfn, &badge);
        CHECK_EQ(badge, 0x2);
    }
    return 0;
}

int test_xfer_reply_with_grant(void)
{
    return reply_transfer(seL4_AllRights, seL4_AllRights, 1);
}

int test_xfer_reply_without_grant(void)
{
    return reply_transfer(seL4_AllRights, seL4_CapRights_new(1, 0, 1, 1), 0);
}

int test_xfer_reply_to_grantreply_caller(void)
{
    return reply_transfer(seL4_CapRights_new(1, 0, 0, 1), seL4_AllRights, 1);
}

/* Extra caps that cannot be derived are not transferred: an empty slot, an untyped with children. */
int test_xfer_underivable_caps_are_not_sent(void)
{
    struct receiver r1 = {0}, r2 = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), empty = tc_slot(), ut = tc_obj(seL4_UntypedObject, 12);
    seL4_CPtr child = tc_slot();
    CHECK(ep && empty && ut && child);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, ROOT, 0, 0, child, 1));
    plat_thread_t *t1 = start_receiver(&r1, ep, seL4_AllRights);
    CHECK(t1);
    CHECK_OK(plat_thread_start(t1));
    seL4_SetCap(0, empty);
    seL4_Call(ep, seL4_MessageInfo_new(1, 0, 1, 0));
    CHECK_EQ(plat_thread_join(t1), 0);
    CHECK_EQ(r1.label, 1);
    CHECK_EQ(r1.extra, 0);
    CHECK(tc_slot_empty_in(plat_thread_cnode(t1), RECV_SLOT));
    plat_thread_t *t2 = start_receiver(&r2, ep, seL4_AllRights);
    CHECK(t2);
    CHECK_OK(plat_thread_start(t2));
    seL4_SetCap(0, ut);
    seL4_Call(ep, seL4_MessageInfo_new(2, 0, 1, 0));
    CHECK_EQ(plat_thread_join(t2), 0);
    CHECK_EQ(r2.label, 2);
    CHECK_EQ(r2.extra, 0);
    CHECK(tc_slot_empty_in(plat_thread_cnode(t2), RECV_SLOT));
    return 0;
}

/* Any cap to the endpoint the message travels on is unwrapped, an unbadged one to badge 0; a cap
 * to another endpoint is transferred. */
int test_xfer_unwrap_unbadged_and_transfer_other_endpoint(void)
{
    struct receiver r = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), other = tc_obj(seL4_EndpointObject, 0);
    seL4_CPtr other_badged = tc_slot();
    CHECK(ep && other && other_badged);
    CHECK_OK(seL4_CNode_Mint(ROOT, other_badged, DEPTH, ROOT, other, DEPTH, seL4_AllRights, 0x8));
    plat_thread_t *t = start_receiver(&r, ep, seL4_AllRights);
    CHECK(t);
    CHECK_OK(plat_thread_start(t));
    seL4_SetCap(0, ep);
    seL4_SetCap(1, other_badged);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 2, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(r.extra, 2);
    CHECK_EQ(r.unwrapped, 1);
    CHECK_EQ(r.badge0, 0);
    /* the transferred cap is badged (it cannot be minted again) and derived from ours */
    seL4_CPtr probe = tc_slot();
    CHECK_EQ(seL4_CNode_Mint(ROOT, probe, DEPTH, plat_thread_cnode(t), RECV_SLOT, DEPTH, seL4_AllRights, 1),
             seL4_IllegalOperation);
    CHECK_OK(seL4_CNode_Revoke(ROOT, other_badged, DEPTH));
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    return 0;
}

static void receive_with_bad_path(void *arg)
{
    struct receiver *r = arg;
    seL4_Word badge;
    /* a receive path whose CNode cap pointer names an endpoint, not a CNode */
    seL4_SetCapReceivePath(EP, RECV_SLOT, DEPTH);
    seL4_MessageInfo_t info = seL4_Recv(EP, &badge);
    r->extra = seL4_MessageInfo_get_extraCaps(info);
    r->label = seL4_MessageInfo_get_label(info);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
}

int test_xfer_unusable_receive_path(void)
{
    struct receiver r = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0), n = tc_obj(seL4_NotificationObject, 0);
    CHECK(ep && n);
    plat_thread_t *t = tc_start("receiver", receive_with_bad_path, &r, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    seL4_SetCap(0, n);
    seL4_Call(ep, seL4_MessageInfo_new(5, 0, 1, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(r.label, 5);
    CHECK_EQ(r.extra, 0);
    CHECK(tc_slot_empty_in(plat_thread_cnode(t), RECV_SLOT));
    return 0;
}
