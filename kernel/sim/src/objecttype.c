/*
 * Per-type capability operations and object creation/destruction, as src/object/objecttype.c
 * (deriveCap, finaliseCap, sameRegionAs, sameObjectAs, updateCapData, maskCapRights,
 * isCapRevocable, getObjectSize, createObject) with the x86 parts of src/arch/x86/object/objecttype.c.
 */
#include "kernel.h"

#include <stdlib.h>

cap_t cap_null_cap_new(void)
{
    return (cap_t){.type = cap_null_cap};
}

static bool cap_is_physical(const cap_t *c)
{
    switch (c->type) {
    case cap_untyped_cap:
    case cap_endpoint_cap:
    case cap_notification_cap:
    case cap_cnode_cap:
    case cap_thread_cap:
    case cap_frame_cap:
    case cap_vspace_cap:
        return true;
    default:
        return false;
    }
}

bool isFrameType(seL4_Word type)
{
    return type == seL4_X86_4K || type == seL4_X86_LargePageObject || type == seL4_X64_HugePageObject;
}

/* deriveCap: what a copy of @cap looks like; untyped caps only while they have no children,
 * reply caps never, frame copies start unmapped, VSpaces only with an ASID (Arch_deriveCap). */
derive_ret_t deriveCap(cte_t *slot, cap_t cap)
{
    derive_ret_t r = {.status = EXCEPTION_NONE, .cap = cap};
    switch (cap.type) {
    case cap_untyped_cap:
        r.status = ensureNoChildren(slot);
        if (r.status != EXCEPTION_NONE) {
            r.cap = cap_null_cap_new();
        }
        break;
    case cap_reply_cap:
        r.cap = cap_null_cap_new();
        break;
    case cap_frame_cap:
        r.cap.mapped_vaddr = 0;
        break;
    case cap_vspace_cap:
        /* a PML4 without an ASID cannot be copied (Arch_deriveCap) */
        if (!cap.has_asid) {
            current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
            r.status = EXCEPTION_SYSCALL_ERROR;
            r.cap = cap_null_cap_new();
        }
        break;
    default:
        break;
    }
    return r;
}

bool sameRegionAs(const cap_t *a, const cap_t *b)
{
    switch (a->type) {
    case cap_untyped_cap:
        if (cap_is_physical(b)) {
            seL4_Word a_base = a->paddr, b_base = b->paddr;
            seL4_Word a_top = a_base + MASK(a->size_bits), b_top = b_base + MASK(b->size_bits);
            return a_base <= b_base && b_top <= a_top && b_base <= b_top;
        }
        return false;
    case cap_endpoint_cap:
    case cap_notification_cap:
    case cap_thread_cap:
    case cap_reply_cap:
    case cap_vspace_cap:
        return b->type == a->type && a->obj == b->obj && a->paddr == b->paddr;
    case cap_cnode_cap:
        return b->type == cap_cnode_cap && a->obj == b->obj && a->radix == b->radix;
    case cap_frame_cap:
        /* Arch_sameRegionAs: b's frame lies inside a's */
        if (b->type == cap_frame_cap) {
            seL4_Word a_top = a->paddr + MASK(a->size_bits), b_top = b->paddr + MASK(b->size_bits);
            return a->paddr <= b->paddr && a_top >= b_top && b->paddr <= b_top;
        }
        return false;
    default:
        return false;
    }
}

bool sameObjectAs(const cap_t *a, const cap_t *b)
{
    if (a->type == cap_untyped_cap) {
        return false;
    }
    if (a->type == cap_frame_cap && b->type == cap_frame_cap) {
        return a->paddr == b->paddr && a->size_bits == b->size_bits && a->is_device == b->is_device;
    }
    return sameRegionAs(a, b);
}

bool isCapRevocable(const cap_t *derived, const cap_t *src)
{
    switch (derived->type) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        return derived->badge != src->badge;
    case cap_untyped_cap:
        return true;
    default:
        return false;
    }
}

/* updateCapData: Mint's badge (only onto an unbadged cap) or a CNode's guard. */
cap_t updateCapData(bool preserve, seL4_Word data, cap_t cap)
{
    switch (cap.type) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        if (!preserve && cap.badge == 0) {
            cap.badge = data;
            return cap;
        }
        return cap_null_cap_new();
    case cap_cnode_cap: {
        seL4_CNode_CapData_t w = {{data}};
        seL4_Word guard_size = seL4_CNode_CapData_get_guardSize(w);
        if (guard_size + cap.radix > seL4_WordBits) {
            return cap_null_cap_new();
        }
        cap.guard = seL4_CNode_CapData_get_guard(w) & MASK(guard_size);
        cap.guard_size = guard_size;
        return cap;
    }
    default:
        return cap;
    }
}

cap_t maskCapRights(seL4_CapRights_t r, cap_t cap)
{
    switch (cap.type) {
    case cap_endpoint_cap:
        cap.can_send = cap.can_send && seL4_CapRights_get_capAllowWrite(r);
        cap.can_receive = cap.can_receive && seL4_CapRights_get_capAllowRead(r);
        cap.can_grant = cap.can_grant && seL4_CapRights_get_capAllowGrant(r);
        cap.can_grant_reply = cap.can_grant_reply && seL4_CapRights_get_capAllowGrantReply(r);
        break;
    case cap_notification_cap:
        cap.can_send = cap.can_send && seL4_CapRights_get_capAllowWrite(r);
        cap.can_receive = cap.can_receive && seL4_CapRights_get_capAllowRead(r);
        break;
    case cap_reply_cap:
        cap.can_grant = cap.can_grant && seL4_CapRights_get_capAllowGrant(r);
        break;
    case cap_frame_cap:
        /* maskVMRights: write survives only together with read */
        cap.can_send = cap.can_send && cap.can_receive && seL4_CapRights_get_capAllowRead(r) &&
                       seL4_CapRights_get_capAllowWrite(r);
        cap.can_receive = cap.can_receive && seL4_CapRights_get_capAllowRead(r);
        break;
    default:
        break;
    }
    return cap;
}

seL4_Word getObjectSize(seL4_Word type, seL4_Word user_size)
{
    switch (type) {
    case seL4_UntypedObject:
        return user_size;
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_CapTableObject:
        return seL4_SlotBits + user_size;
    case seL4_X86_LargePageObject:
        return seL4_LargePageBits;
    case seL4_X64_HugePageObject:
        return seL4_HugePageBits;
    default: /* 4K frames and the 4K paging structures */
        return seL4_PageBits;
    }
}

/* createObject: a fresh object and its original cap, with all rights (createNewObjects). */
cap_t createObject(seL4_Word type, seL4_Word paddr, seL4_Word user_size, bool device)
{
    cap_t c = {.paddr = paddr, .size_bits = getObjectSize(type, user_size)};
    switch (type) {
    case seL4_UntypedObject:
        c.type = cap_untyped_cap;
        c.is_device = device;
        break;
    case seL4_TCBObject: {
        tcb_t *t = tcb_alloc();
        c.type = cap_thread_cap;
        c.obj = t;
        break;
    }
    case seL4_EndpointObject:
        c.type = cap_endpoint_cap;
        c.obj = calloc(1, sizeof(endpoint_t));
        c.can_send = c.can_receive = c.can_grant = c.can_grant_reply = true;
        break;
    case seL4_NotificationObject:
        c.type = cap_notification_cap;
        c.obj = calloc(1, sizeof(notification_t));
        c.can_send = c.can_receive = true;
        break;
    case seL4_CapTableObject: {
        cnode_t *cn = calloc(1, sizeof(cnode_t) + (sizeof(cte_t) << user_size));
        cn->radix = user_size;
        c.type = cap_cnode_cap;
        c.obj = cn;
        c.radix = user_size;
        break;
    }
    case seL4_X86_4K:
        c.type = cap_frame_cap;
        c.can_send = c.can_receive = true;
        c.is_device = device;
        if (!device) {
            frame_clear_deferred(paddr, BIT(seL4_PageBits));
        }
        break;
    case seL4_X64_PML4Object:
        c.type = cap_vspace_cap;
        break;
    default:
        sim_fatal("createObject: object type %lu is not modelled", (unsigned long)type);
    }
    if ((c.type == cap_endpoint_cap || c.type == cap_notification_cap || c.type == cap_cnode_cap) && !c.obj) {
        sim_fatal("out of host memory");
    }
    return c;
}

static void finalise_cnode(cnode_t *cn)
{
    cn->dying = true;
    for (seL4_Word i = 0; i < BIT(cn->radix); i++) {
        cteDelete(&cn->slots[i], true);
    }
}

static void finalise_tcb(tcb_t *t)
{
    unbindNotification(t);
    suspend(t);
    /* The TCB's own slots go with it (the Zombie of seL4's finaliseCap). */
    cteDelete(&t->ctable, true);
    cteDelete(&t->vtable, true);
    cteDelete(&t->caller, true);
    cteDelete(&t->reply, true);
    /* A pthread still running this TCB leaves at its next kernel entry (sim_thread_leave). */
    t->killed = true;
    if (t->has_pthread) {
        sim_wake(t);
    }
    pthread_cond_broadcast(&ks_join_cond);
}

/*
 * finaliseCap: what deleting @cap does to its object. Endpoints and notifications wake their
 * queues when the last cap goes (cancelAllIPC, cancelAllSignals); a frame cap loses its mapping
 * whether final or not (Arch_finaliseCap); a CNode or TCB is emptied and destroyed when final.
 * Endpoint and notification memory is released here; a CNode's or TCB's by cteDelete once the
 * slot that held the final cap is empty (the slot may lie inside the CNode being destroyed).
 */
void finaliseCap(cap_t cap, bool final)
{
    switch (cap.type) {
    case cap_endpoint_cap:
        if (final) {
            cancelAllIPC(cap.obj);
            free(cap.obj);
        }
        break;
    case cap_notification_cap:
        if (final) {
            notification_t *n = cap.obj;
            unbindMaybeNotification(n);
            cancelAllSignals(n);
            free(n);
        }
        break;
    case cap_frame_cap:
        if (cap.mapped_vaddr) {
            frame_unmap(&cap);
        }
        if (final && !cap.is_device) {
            frame_clear_deferred(cap.paddr, BIT(cap.size_bits));
        }
        break;
    case cap_cnode_cap:
        if (final) {
            cnode_t *cn = cap.obj;
            if (!cn->dying) {
                finalise_cnode(cn);
            }
        }
        break;
    case cap_thread_cap:
        if (final) {
            tcb_t *t = cap.obj;
            if (!t->killed) {
                finalise_tcb(t);
            }
        }
        break;
    default:
        break;
    }
}
