/*
 * CNode slots and the mapping database (the capability derivation tree), as src/object/cnode.c:
 * cteInsert, cteMove, cteDelete, cteRevoke, isMDBParentOf, isFinalCapability, getReceiveSlots,
 * and the CNode invocations (decodeCNodeInvocation). The derivation tree is seL4's: a doubly
 * linked list in depth-first order whose parent relation is recovered by isMDBParentOf.
 */
#include "kernel.h"

#include <stdlib.h>

/* setUntypedCapAsFull: a child untyped covering its whole parent closes the parent for retype. */
static void setUntypedCapAsFull(const cap_t *src_cap, const cap_t *new_cap, cte_t *src)
{
    if (src_cap->type == cap_untyped_cap && new_cap->type == cap_untyped_cap && src_cap->paddr == new_cap->paddr &&
        src_cap->size_bits == new_cap->size_bits) {
        src->cap.free_index = BIT(src_cap->size_bits);
    }
}

void cteInsert(cap_t new_cap, cte_t *src, cte_t *dest)
{
    bool revocable = isCapRevocable(&new_cap, &src->cap);
    setUntypedCapAsFull(&src->cap, &new_cap, src);
    dest->cap = new_cap;
    dest->mdb_prev = src;
    dest->mdb_next = src->mdb_next;
    dest->revocable = revocable;
    dest->first_badged = revocable;
    src->mdb_next = dest;
    if (dest->mdb_next) {
        dest->mdb_next->mdb_prev = dest;
    }
}

void cteMove(cap_t new_cap, cte_t *src, cte_t *dest)
{
    dest->cap = new_cap;
    dest->mdb_prev = src->mdb_prev;
    dest->mdb_next = src->mdb_next;
    dest->revocable = src->revocable;
    dest->first_badged = src->first_badged;
    src->cap = cap_null_cap_new();
    src->mdb_prev = src->mdb_next = NULL;
    src->revocable = src->first_badged = false;
    if (dest->mdb_prev) {
        dest->mdb_prev->mdb_next = dest;
    }
    if (dest->mdb_next) {
        dest->mdb_next->mdb_prev = dest;
    }
}

/* insertNewCap: a freshly created object's cap, as child of the untyped it came from. */
void insertNewCap(cte_t *parent, cte_t *slot, cap_t cap)
{
    cte_t *next = parent->mdb_next;
    slot->cap = cap;
    slot->mdb_next = next;
    slot->mdb_prev = parent;
    slot->revocable = true;
    slot->first_badged = true;
    if (next) {
        next->mdb_prev = slot;
    }
    parent->mdb_next = slot;
}

bool isMDBParentOf(const cte_t *a, const cte_t *b)
{
    if (!a->revocable || !sameRegionAs(&a->cap, &b->cap)) {
        return false;
    }
    switch (a->cap.type) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        /* A badged cap is parent only of same-badge copies made from it, not of a new mint. */
        if (a->cap.badge == 0) {
            return true;
        }
        return a->cap.badge == b->cap.badge && !b->first_badged;
    default:
        return true;
    }
}

static bool isFinalCapability(const cte_t *cte)
{
    if (cte->mdb_prev && sameObjectAs(&cte->mdb_prev->cap, &cte->cap)) {
        return false;
    }
    if (!cte->mdb_next) {
        return true;
    }
    return !sameObjectAs(&cte->cap, &cte->mdb_next->cap);
}

exception_t ensureNoChildren(const cte_t *slot)
{
    if (slot->mdb_next && isMDBParentOf(slot, slot->mdb_next)) {
        current_syscall_error = (syscall_error_t){.type = seL4_RevokeFirst};
        return EXCEPTION_SYSCALL_ERROR;
    }
    return EXCEPTION_NONE;
}

exception_t ensureEmptySlot(const cte_t *slot)
{
    if (slot->cap.type != cap_null_cap) {
        current_syscall_error = (syscall_error_t){.type = seL4_DeleteFirst};
        return EXCEPTION_SYSCALL_ERROR;
    }
    return EXCEPTION_NONE;
}

static void emptySlot(cte_t *slot)
{
    if (slot->cap.type == cap_null_cap) {
        return;
    }
    cte_t *prev = slot->mdb_prev, *next = slot->mdb_next;
    if (prev) {
        prev->mdb_next = next;
    }
    if (next) {
        next->mdb_prev = prev;
        next->first_badged = next->first_badged || slot->first_badged;
    }
    slot->cap = cap_null_cap_new();
    slot->mdb_prev = slot->mdb_next = NULL;
    slot->revocable = slot->first_badged = false;
}

/*
 * cteDelete: finalise the cap (finaliseSlot) and empty the slot. seL4 turns a final CNode or TCB
 * cap into a Zombie and clears the object's slots preemptibly; the model clears them at once,
 * under the kernel lock, and frees the object's memory after the slot is empty.
 */
exception_t cteDelete(cte_t *slot, bool exposed)
{
    (void)exposed;
    if (slot->cap.type == cap_null_cap) {
        return EXCEPTION_NONE;
    }
    cap_t cap = slot->cap;
    bool final = isFinalCapability(slot);
    bool destroy_cnode = final && cap.type == cap_cnode_cap && !((cnode_t *)cap.obj)->dying;
    bool destroy_tcb = final && cap.type == cap_thread_cap && !((tcb_t *)cap.obj)->killed;
    finaliseCap(cap, final);
    emptySlot(slot);
    if (destroy_cnode) {
        free(cap.obj);
    }
    if (destroy_tcb) {
        tcb_release(cap.obj);
    }
    return EXCEPTION_NONE;
}

/* cteDeleteOne: for caps whose finalisation cannot recurse (reply caps). */
void cteDeleteOne(cte_t *slot)
{
    cteDelete(slot, true);
}

/* cteRevoke: delete every descendant in the derivation tree, in every CSpace. */
exception_t cteRevoke(cte_t *slot)
{
    for (cte_t *next = slot->mdb_next; next && isMDBParentOf(slot, next); next = slot->mdb_next) {
        exception_t st = cteDelete(next, true);
        if (st != EXCEPTION_NONE) {
            return st;
        }
    }
    return EXCEPTION_NONE;
}

/* getReceiveSlots: the one receive slot named by the IPC buffer, if it resolves and is empty. */
cte_t *getReceiveSlots(tcb_t *t)
{
    seL4_IPCBuffer *buf = t->ipc_buffer;
    if (!buf) {
        return NULL;
    }
    lookup_ret_t lu = lookupSlot(t, buf->receiveCNode);
    if (lu.status != EXCEPTION_NONE) {
        return NULL;
    }
    lookup_ret_t dest = lookupSlotForCNodeOp(false, lu.slot->cap, buf->receiveIndex, buf->receiveDepth);
    if (dest.status != EXCEPTION_NONE) {
        return NULL;
    }
    if (dest.slot->cap.type != cap_null_cap) {
        return NULL;
    }
    return dest.slot;
}

static exception_t invokeCNodeSaveCaller(cte_t *dest)
{
    cte_t *src = &ks_cur_thread->caller;
    if (src->cap.type == cap_reply_cap && !src->cap.reply_master) {
        cteMove(src->cap, src, dest);
    }
    return EXCEPTION_NONE;
}

exception_t decodeCNodeInvocation(enum cnode_op op, cap_t cap, const cnode_args_t *a)
{
    lookup_ret_t lu = lookupSlotForCNodeOp(false, cap, a->dest_index, a->dest_depth);
    if (lu.status != EXCEPTION_NONE) {
        return lu.status;
    }
    cte_t *dest = lu.slot;

    if (op >= CNodeCopy && op <= CNodeMutate) {
        if (!current_extra_caps[0]) {
            current_syscall_error = (syscall_error_t){.type = seL4_TruncatedMessage};
            return EXCEPTION_SYSCALL_ERROR;
        }
        cap_t src_root = current_extra_caps[0]->cap;
        exception_t st = ensureEmptySlot(dest);
        if (st != EXCEPTION_NONE) {
            return st;
        }
        lookup_ret_t s = lookupSlotForCNodeOp(true, src_root, a->src_index, a->src_depth);
        if (s.status != EXCEPTION_NONE) {
            return s.status;
        }
        cte_t *src = s.slot;
        if (src->cap.type == cap_null_cap) {
            current_syscall_error = (syscall_error_t){.type = seL4_FailedLookup, .failed_lookup_was_source = true};
            current_lookup_fault =
                (lookup_fault_t){.type = lookup_fault_missing_capability, .bits_left = a->src_depth};
            return EXCEPTION_SYSCALL_ERROR;
        }
        cap_t new_cap;
        bool is_move = false;
        derive_ret_t dc;
        switch (op) {
        case CNodeCopy:
            dc = deriveCap(src, maskCapRights((seL4_CapRights_t){{a->rights}}, src->cap));
            if (dc.status != EXCEPTION_NONE) {
                return dc.status;
            }
            new_cap = dc.cap;
            break;
        case CNodeMint:
            dc = deriveCap(src, updateCapData(false, a->data, maskCapRights((seL4_CapRights_t){{a->rights}}, src->cap)));
            if (dc.status != EXCEPTION_NONE) {
                return dc.status;
            }
            new_cap = dc.cap;
            break;
        case CNodeMove:
            new_cap = src->cap;
            is_move = true;
            break;
        default: /* CNodeMutate */
            new_cap = updateCapData(true, a->data, src->cap);
            is_move = true;
            break;
        }
        if (new_cap.type == cap_null_cap) {
            current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
            return EXCEPTION_SYSCALL_ERROR;
        }
        if (is_move) {
            cteMove(new_cap, src, dest);
        } else {
            cteInsert(new_cap, src, dest);
        }
        return EXCEPTION_NONE;
    }
    switch (op) {
    case CNodeRevoke:
        return cteRevoke(dest);
    case CNodeDelete:
        return cteDelete(dest, true);
    case CNodeSaveCaller: {
        exception_t st = ensureEmptySlot(dest);
        return st != EXCEPTION_NONE ? st : invokeCNodeSaveCaller(dest);
    }
    case CNodeCancelBadgedSends:
        /* hasCancelSendRights: an endpoint cap with all of send, receive and grant */
        if (dest->cap.type != cap_endpoint_cap || !dest->cap.can_send || !dest->cap.can_receive ||
            !dest->cap.can_grant) {
            current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
            return EXCEPTION_SYSCALL_ERROR;
        }
        if (dest->cap.badge) {
            cancelBadgedSends(dest->cap.obj, dest->cap.badge);
        }
        return EXCEPTION_NONE;
    default:
        current_syscall_error = (syscall_error_t){.type = seL4_IllegalOperation};
        return EXCEPTION_SYSCALL_ERROR;
    }
}
