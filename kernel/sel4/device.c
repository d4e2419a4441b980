/*
 * Device frames: a frame cap for a device's registers, retyped from the bootinfo's device
 * untyped that covers them (the root task's pool leaves device untypeds alone).
 */
#include "rt.h"

/*
 * seL4 retypes an untyped from its lowest free address up, objects aligned to their size, so
 * the untyped is first filled up to @paddr with untypeds of the largest sizes that fit; they are
 * deleted once the frame exists (a remaining child keeps the untyped's free index where it is).
 */
seL4_Error rt_device_frame(seL4_Word paddr, seL4_CPtr *frame)
{
    const seL4_BootInfo *bi = rt_bootinfo;
    for (seL4_CPtr ut = bi->untyped.start; ut < bi->untyped.end; ut++) {
        const seL4_UntypedDesc *d = &bi->untypedList[ut - bi->untyped.start];
        if (!d->isDevice || paddr < d->paddr || paddr - d->paddr >= (1UL << d->sizeBits)) {
            continue;
        }
        seL4_CPtr filler[64];
        unsigned n = 0;
        seL4_Error err = seL4_NoError;
        for (seL4_Word at = d->paddr; at < (paddr & ~((1UL << seL4_PageBits) - 1)) &&
                                      err == seL4_NoError;) {
            seL4_Word bits = seL4_MinUntypedBits;
            while (bits < d->sizeBits && (at & ((2UL << bits) - 1)) == 0 &&
                   at + (2UL << bits) <= paddr) {
                bits++;
            }
            filler[n] = plat_slot_alloc();
            err = filler[n] == seL4_CapNull ? seL4_NotEnoughMemory
                                            : rt_retype(ut, seL4_UntypedObject, bits, filler[n]);
            n += err == seL4_NoError;
            at += 1UL << bits;
        }
        seL4_CPtr s = err == seL4_NoError ? plat_slot_alloc() : seL4_CapNull;
        if (err == seL4_NoError) {
            err = s == seL4_CapNull ? seL4_NotEnoughMemory : rt_retype(ut, PLAT_FRAME_OBJECT, 0, s);
        }
        while (n > 0) {
            (void)seL4_CNode_Delete(seL4_CapInitThreadCNode, filler[--n], seL4_WordBits);
            plat_slot_free(filler[n]);
        }
        if (err != seL4_NoError) {
            plat_slot_free(s);
            return err;
        }
        *frame = s;
        return seL4_NoError;
    }
    return seL4_FailedLookup;
}
