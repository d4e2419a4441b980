/*
 * Untyped memory, as src/object/untyped.c: seL4_Untyped_Retype's checks in seL4's order and with
 * its errors, the watermark (free index) that only moves forward while the untyped has children
 * and resets once they are all gone, and object creation (createNewObjects).
 */
#include "kernel.h"

static seL4_Word alignUp(seL4_Word v, seL4_Word bits)
{
    return (v + (BIT(bits) - 1)) & ~MASK(bits);
}

static bool type_is_modelled(seL4_Word type)
{
    switch (type) {
    case seL4_UntypedObject:
    case seL4_TCBObject:
    case seL4_EndpointObject:
    case seL4_NotificationObject:
    case seL4_CapTableObject:
    case seL4_X86_4K:
    case seL4_X64_PML4Object:
        return true;
    default:
        return false;
    }
}

exception_t decodeUntypedInvocation(cte_t *slot, cap_t cap, const retype_args_t *a)
{
    if (!current_extra_caps[0]) {
        current_syscall_error = (syscall_error_t){.type = seL4_TruncatedMessage};
        return EXCEPTION_SYSCALL_ERROR;
    }
    cte_t *root_slot = current_extra_caps[0];

    if (a->type >= seL4_ObjectTypeCount) {
        current_syscall_error = (syscall_error_t){.type = seL4_InvalidArgument, .invalid_argument_number = 0};
        return EXCEPTION_SYSCALL_ERROR;
    }
    seL4_Word object_size = getObjectSize(a->type, a->size_bits);
    if (a->size_bits >= seL4_WordBits || object_size > seL4_MaxUntypedBits) {
        current_syscall_error = (syscall_error_t){.type = seL4_RangeError, .range_min = 0, .range_max = seL4_MaxUntypedBits};
        return EXCEPTION_SYSCALL_ERROR;
    }
    if (a->type == seL4_CapTableObject && a->size_bits == 0) {
        current_syscall_error = (syscall_error_t){.type = seL4_InvalidArgument, .invalid_argument_number = 1};
        return EXCEPTION_SYSCALL_ERROR;
    }
    if (a->type == seL4_UntypedObject && a->size_bits < seL4_MinUntypedBits) {
        current_syscall_error = (syscall_error_t){.type = seL4_InvalidArgument, .invalid_argument_number = 1};
        return EXCEPTION_SYSCALL_ERROR;
    }

    cap_t node_cap;
    if (a->node_depth == 0) {
        node_cap = root_slot->cap;
    } else {
        lookup_ret_t lu = lookupSlotForCNodeOp(false, root_slot->cap, a->node_index, a->node_depth);
        if (lu.status != EXCEPTION_NONE) {
            return lu.status;
        }
        node_cap = lu.slot->cap;
    }
    if (node_cap.type != cap_cnode_cap) {
        current_syscall_error = (syscall_error_t){.type = seL4_FailedLookup, .failed_lookup_was_source = false};
        current_lookup_fault = (lookup_fault_t){.type = lookup_fault_missing_capability, .bits_left = a->node_depth};
        return EXCEPTION_SYSCALL_ERROR;
    }
    seL4_Word node_size = BIT(node_cap.radix);
    if (a->node_offset > node_size - 1) {
        current_syscall_error = (syscall_error_t){.type = seL4_RangeError, .range_min = 0, .range_max = node_size - 1};
        return EXCEPTION_SYSCALL_ERROR;
    }
    if (a->num_objects < 1 || a->num_objects > seL4_UntypedRetypeMaxObjects) {
        current_syscall_error =
            (syscall_error_t){.type = seL4_RangeError, .range_min = 1, .range_max = seL4_UntypedRetypeMaxObjects};
        return EXCEPTION_SYSCALL_ERROR;
    }
    if (a->num_objects > node_size - a->node_offset) {
        current_syscall_error =
            (syscall_error_t){.type = seL4_RangeError, .range_min = 1, .range_max = node_size - a->node_offset};
        return EXCEPTION_SYSCALL_ERROR;
    }
    cnode_t *dest_cnode = node_cap.obj;
    for (seL4_Word i = a->node_offset; i < a->node_offset + a->num_objects; i++) {
        exception_t st = ensureEmptySlot(&dest_cnode->slots[i]);
        if (st != EXCEPTION_NONE) {
            return st;
        }
    }

    /* With no children left the untyped starts again from its base (and is cleared). */
    seL4_Word free_index;
    bool reset;
    if (ensureNoChildren(slot) != EXCEPTION_NONE) {
        free_index = cap.free_index;
        reset = false;
    } else {
        free_index = 0;
        reset = true;
    }
    seL4_Word free_bytes = BIT(cap.size_bits) - free_index;
    if ((free_bytes >> object_size) < a->num_objects) {
        current_syscall_error = (syscall_error_t){.type = seL4_NotEnoughMemory, .memory_left = free_bytes};
        return EXCEPTION_SYSCALL_ERROR;
    }
    if (cap.is_device && !isFrameType(a->type) && a->type != seL4_UntypedObject) {
        current_syscall_error = (syscall_error_t){.type = seL4_InvalidArgument, .invalid_argument_number = 1};
        return EXCEPTION_SYSCALL_ERROR;
    }
    if (!type_is_modelled(a->type)) {
        /* x86 paging structures other than the PML4 are not modelled: the host has one VSpace. */
        current_syscall_error = (syscall_error_t){.type = seL4_InvalidArgument, .invalid_argument_number = 0};
        return EXCEPTION_SYSCALL_ERROR;
    }

    /* invokeUntyped_Retype */
    seL4_Word base = alignUp(cap.paddr + free_index, object_size);
    if (reset && free_index != cap.free_index && !cap.is_device) {
        frame_clear(cap.paddr, cap.free_index);
    }
    slot->cap.free_index = base + (a->num_objects << object_size) - cap.paddr;
    for (seL4_Word i = 0; i < a->num_objects; i++) {
        cap_t obj = createObject(a->type, base + (i << object_size), a->size_bits, cap.is_device);
        insertNewCap(slot, &dest_cnode->slots[a->node_offset + i], obj);
    }
    return EXCEPTION_NONE;
}
