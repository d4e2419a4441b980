/*
 * The root task's slots and memory: a bitmap over the empty slot range seL4 reports in the
 * bootinfo, and the bootinfo's (non-device) untypeds as one pool. The pool mirrors each
 * untyped's free index the way seL4's decodeUntypedInvocation advances it (objects aligned to
 * their size), so a retype is only tried where it fits.
 */
#include "rt.h"

/* ---- slots ---- */

#define SLOT_BITMAP_WORDS ((1UL << 20) / 64) /* enough for any root CNode up to 2^20 slots */

static uint64_t slot_used[SLOT_BITMAP_WORDS];
static seL4_CPtr slot_first, slot_end, slot_hint;

void rt_slots_init(void)
{
    slot_first = rt_bootinfo->empty.start;
    slot_end = rt_bootinfo->empty.end;
    if (slot_end - slot_first > SLOT_BITMAP_WORDS * 64) {
        slot_end = slot_first + SLOT_BITMAP_WORDS * 64;
    }
    slot_hint = slot_first;
}

seL4_CPtr plat_slot_alloc(void)
{
    seL4_CPtr n = slot_end - slot_first;
    for (seL4_CPtr i = 0; i < n; i++) {
        seL4_CPtr s = slot_hint + i;
        if (s >= slot_end) {
            s -= n;
        }
        seL4_CPtr k = s - slot_first;
        if (!(slot_used[k / 64] & (1ULL << (k % 64)))) {
            slot_used[k / 64] |= 1ULL << (k % 64);
            slot_hint = s + 1 < slot_end ? s + 1 : slot_first;
            return s;
        }
    }
    return seL4_CapNull;
}

void plat_slot_free(seL4_CPtr slot)
{
    if (slot < slot_first || slot >= slot_end) {
        return;
    }
    seL4_CPtr k = slot - slot_first;
    slot_used[k / 64] &= ~(1ULL << (k % 64));
}

/* ---- untyped memory ---- */

typedef struct {
    seL4_CPtr cap;
    seL4_Word size_bits;
    seL4_Word used; /* bytes, as seL4's free index */
} pool_ut_t;

static pool_ut_t pool[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
static unsigned pool_n;

void rt_untyped_init(void)
{
    const seL4_BootInfo *bi = rt_bootinfo;
    for (seL4_CPtr s = bi->untyped.start; s < bi->untyped.end; s++) {
        const seL4_UntypedDesc *d = &bi->untypedList[s - bi->untyped.start];
        if (d->isDevice || pool_n == CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS) {
            continue;
        }
        pool[pool_n++] = (pool_ut_t){.cap = s, .size_bits = d->sizeBits, .used = 0};
    }
    /* Smallest first, so that small objects fill the small untypeds and big ones stay whole. */
    for (unsigned i = 1; i < pool_n; i++) {
        for (unsigned j = i; j > 0 && pool[j - 1].size_bits > pool[j].size_bits; j--) {
            pool_ut_t t = pool[j];
            pool[j] = pool[j - 1];
            pool[j - 1] = t;
        }
    }
}

/* Size in bits of one object, as seL4's getObjectSize; 0 when the type is unknown here. */
static seL4_Word object_bits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
        return size_bits;
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_CapTableObject:
        return size_bits + seL4_SlotBits;
    default:
        return rt_arch_object_bits(type);
    }
}

seL4_Error rt_retype(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits, seL4_CPtr slot)
{
    return rt_retype_n(ut, type, size_bits, slot, 1);
}

seL4_Error rt_retype_n(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits, seL4_CPtr slot,
                       seL4_Word n)
{
    return seL4_Untyped_Retype(ut, type, size_bits, seL4_CapInitThreadCNode, 0, 0, slot, n);
}

seL4_Error plat_obj_alloc(seL4_Word type, seL4_Word size_bits, seL4_CPtr *slot)
{
    seL4_CPtr s = plat_slot_alloc();
    if (s == seL4_CapNull) {
        return seL4_NotEnoughMemory;
    }
    seL4_Word bits = object_bits(type, size_bits);
    seL4_Error err = seL4_NotEnoughMemory;
    bool tried = false;
    for (unsigned i = 0; i < pool_n; i++) {
        pool_ut_t *u = &pool[i];
        seL4_Word start = bits ? (u->used + (1UL << bits) - 1) & ~((1UL << bits) - 1) : u->used;
        if (bits > u->size_bits || start + (bits ? 1UL << bits : 0) > (1UL << u->size_bits)) {
            continue;
        }
        err = rt_retype(u->cap, type, size_bits, s);
        tried = true;
        if (err == seL4_NoError) {
            u->used = start + (bits ? 1UL << bits : 0);
            *slot = s;
            return seL4_NoError;
        }
        if (err != seL4_NotEnoughMemory) {
            break; /* a bad type or size: seL4's answer, from the first untyped that could fit */
        }
        u->used = 1UL << u->size_bits; /* out of step with the kernel: stop using it */
    }
    if (!tried && pool_n > 0) {
        /* Nothing fits by our account; let seL4 say why (a bad size is its error, not ours). */
        err = rt_retype(pool[pool_n - 1].cap, type, size_bits, s);
        if (err == seL4_NoError) {
            *slot = s;
            return err;
        }
    }
    plat_slot_free(s);
    return err;
}
