/*
 * Capability lookup: resolving a cap pointer through guarded CNodes, as src/kernel/cspace.c
 * (resolveAddressBits, lookupSlot, lookupSlotForCNodeOp). Multi-level CSpaces resolve too.
 */
#include "kernel.h"

/* resolveAddressBits: consume guard then radix bits per level until n_bits are used up. */
lookup_ret_t resolveAddressBits(cap_t node_cap, seL4_CPtr cptr, seL4_Word n_bits)
{
    lookup_ret_t ret = {.status = EXCEPTION_NONE, .slot = NULL, .bits_remaining = n_bits};

    if (node_cap.type != cap_cnode_cap) {
        current_lookup_fault = (lookup_fault_t){.type = lookup_fault_invalid_root};
        ret.status = EXCEPTION_LOOKUP_FAULT;
        return ret;
    }
    for (;;) {
        seL4_Word radix = node_cap.radix, guard_bits = node_cap.guard_size;
        seL4_Word level_bits = radix + guard_bits;
        seL4_Word guard = (cptr >> ((n_bits - guard_bits) & 63)) & MASK(guard_bits);

        if (guard_bits > n_bits || guard != node_cap.guard) {
            current_lookup_fault = (lookup_fault_t){.type = lookup_fault_guard_mismatch,
                                                    .bits_left = n_bits,
                                                    .guard_found = node_cap.guard,
                                                    .bits_found = guard_bits};
            ret.status = EXCEPTION_LOOKUP_FAULT;
            return ret;
        }
        if (level_bits > n_bits) {
            current_lookup_fault = (lookup_fault_t){
                .type = lookup_fault_depth_mismatch, .bits_left = n_bits, .bits_found = level_bits};
            ret.status = EXCEPTION_LOOKUP_FAULT;
            return ret;
        }
        seL4_Word offset = (cptr >> (n_bits - level_bits)) & MASK(radix);
        cte_t *slot = &((cnode_t *)node_cap.obj)->slots[offset];
        if (n_bits == level_bits) {
            ret.slot = slot;
            ret.bits_remaining = 0;
            return ret;
        }
        n_bits -= level_bits;
        node_cap = slot->cap;
        if (node_cap.type != cap_cnode_cap) {
            ret.slot = slot;
            ret.bits_remaining = n_bits;
            return ret;
        }
    }
}

/* lookupSlot: from the thread's CSpace root, with the full word of bits. */
lookup_ret_t lookupSlot(tcb_t *t, seL4_CPtr cptr)
{
    return resolveAddressBits(t->ctable.cap, cptr, seL4_WordBits);
}

/* lookupSlotForCNodeOp: the explicit (root, index, depth) addressing of CNode invocations. */
lookup_ret_t lookupSlotForCNodeOp(bool is_source, cap_t root, seL4_CPtr cptr, seL4_Word depth)
{
    lookup_ret_t ret = {.status = EXCEPTION_SYSCALL_ERROR};

    if (root.type != cap_cnode_cap) {
        current_syscall_error = (syscall_error_t){.type = seL4_FailedLookup, .failed_lookup_was_source = is_source};
        current_lookup_fault = (lookup_fault_t){.type = lookup_fault_invalid_root};
        return ret;
    }
    if (depth < 1 || depth > seL4_WordBits) {
        current_syscall_error = (syscall_error_t){.type = seL4_RangeError, .range_min = 1, .range_max = seL4_WordBits};
        return ret;
    }
    lookup_ret_t r = resolveAddressBits(root, cptr, depth);
    if (r.status != EXCEPTION_NONE) {
        current_syscall_error = (syscall_error_t){.type = seL4_FailedLookup, .failed_lookup_was_source = is_source};
        return ret;
    }
    if (r.bits_remaining != 0) {
        current_syscall_error = (syscall_error_t){.type = seL4_FailedLookup, .failed_lookup_was_source = is_source};
        current_lookup_fault = (lookup_fault_t){
            .type = lookup_fault_depth_mismatch, .bits_left = r.bits_remaining, .bits_found = 0};
        return ret;
    }
    ret.status = EXCEPTION_NONE;
    ret.slot = r.slot;
    return ret;
}
