/*
 * AArch64 paging: a 4 KiB frame is mapped by seL4_ARM_Page_Map below three levels of page
 * tables under the VSpace root. seL4_ARM_PageTable_Map puts a table at the first level the walk
 * for the address finds missing, and says seL4_DeleteFirst once no level is missing.
 */
#include "rt.h"

/* The levels below the root: upper directory, directory, table. */
#define PT_LEVELS 3

seL4_Error rt_paging_ensure(seL4_CPtr vspace, seL4_Word vaddr, rt_paging_alloc_fn alloc,
                            rt_paging_discard_fn discard, void *ctx)
{
    for (int i = 0; i <= PT_LEVELS; i++) {
        seL4_CPtr obj;
        seL4_Error err = alloc(ctx, seL4_ARM_PageTableObject, &obj);
        if (err != seL4_NoError) {
            return err;
        }
        err = seL4_ARM_PageTable_Map(obj, vspace, vaddr, seL4_ARM_Default_VMAttributes);
        if (err != seL4_NoError) {
            discard(ctx, obj);
            return err == seL4_DeleteFirst ? seL4_NoError : err;
        }
    }
    return seL4_NoError;
}

seL4_Error rt_page_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr,
                       seL4_CapRights_t rights, bool device)
{
    /* Device registers: uncached (seL4 maps a frame without PageCacheable as device memory)
     * and never executed. */
    seL4_ARM_VMAttributes attr = device ? seL4_ARM_ExecuteNever : seL4_ARM_Default_VMAttributes;
    return seL4_ARM_Page_Map(frame, vspace, vaddr, rights, attr);
}

seL4_Error rt_page_unmap(seL4_CPtr frame)
{
    return seL4_ARM_Page_Unmap(frame);
}

/* The syndrome (ESR_EL1): a data abort (exception class 0x24 from EL0, 0x25 from EL1) with
 * ISS.WnR (bit 6) set. */
bool rt_fault_is_write(seL4_Word fsr)
{
    seL4_Word ec = (fsr >> 26) & 0x3f;
    return (ec == 0x24 || ec == 0x25) && (fsr & (1UL << 6)) != 0;
}

seL4_Error rt_vspace_assign(seL4_CPtr vspace)
{
    return seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace);
}

seL4_Word rt_arch_object_bits(seL4_Word type)
{
    switch (type) {
    case seL4_ARM_SmallPageObject:
        return seL4_PageBits;
    case seL4_ARM_LargePageObject:
        return seL4_LargePageBits;
    case seL4_ARM_HugePageObject:
        return seL4_HugePageBits;
    case seL4_ARM_PageTableObject:
        return seL4_PageTableBits;
    case seL4_ARM_VSpaceObject:
        return seL4_VSpaceBits;
    default:
        return 0;
    }
}
