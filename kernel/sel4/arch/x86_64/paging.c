/*
 * x86_64 paging: a 4 KiB frame is mapped by seL4_X86_Page_Map below a page table, a page
 * directory and a PDPT, each mapped into the VSpace root (PML4) with its own invocation.
 */
#include "rt.h"

/* Make the paging structure missing for @vaddr, from the bottom of the walk up and back. */
seL4_Error rt_paging_ensure(seL4_CPtr vspace, seL4_Word vaddr, rt_paging_alloc_fn alloc,
                            rt_paging_discard_fn discard, void *ctx)
{
    static const struct {
        seL4_Word type;
        seL4_Error (*map)(seL4_CPtr, seL4_CPtr, seL4_Word, seL4_X86_VMAttributes);
    } level[] = {
        {seL4_X86_PageTableObject, seL4_X86_PageTable_Map},
        {seL4_X86_PageDirectoryObject, seL4_X86_PageDirectory_Map},
        {seL4_X86_PDPTObject, seL4_X86_PDPT_Map},
    };
    for (int i = 0; i < 3;) {
        seL4_CPtr obj;
        seL4_Error err = alloc(ctx, level[i].type, &obj);
        if (err != seL4_NoError) {
            return err;
        }
        err = level[i].map(obj, vspace, vaddr, seL4_X86_Default_VMAttributes);
        if (err == seL4_FailedLookup || err == seL4_DeleteFirst) {
            discard(ctx, obj);
        }
        if (err == seL4_FailedLookup) {
            i++; /* the level above is missing too: make it first, then come back down */
            continue;
        }
        if (err != seL4_NoError && err != seL4_DeleteFirst) {
            return err;
        }
        if (i == 0) {
            return seL4_NoError;
        }
        i--;
    }
    return seL4_FailedLookup; /* no level could be mapped */
}

seL4_Error rt_page_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr,
                       seL4_CapRights_t rights, bool device)
{
    return seL4_X86_Page_Map(frame, vspace, vaddr, rights,
                             device ? seL4_X86_CacheDisabled : seL4_X86_Default_VMAttributes);
}

seL4_Error rt_page_unmap(seL4_CPtr frame)
{
    return seL4_X86_Page_Unmap(frame);
}

/* The page fault error code: bit 1 is W/R. */
bool rt_fault_is_write(seL4_Word fsr)
{
    return (fsr & 2) != 0;
}

seL4_Error rt_vspace_assign(seL4_CPtr vspace)
{
    return seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace);
}

seL4_Word rt_arch_object_bits(seL4_Word type)
{
    switch (type) {
    case seL4_X86_4K:
        return seL4_PageBits;
    case seL4_X86_LargePageObject:
        return seL4_LargePageBits;
    case seL4_X64_HugePageObject:
        return seL4_HugePageBits;
    case seL4_X86_PageTableObject:
        return seL4_PageTableBits;
    case seL4_X86_PageDirectoryObject:
        return seL4_PageDirBits;
    case seL4_X86_PDPTObject:
        return seL4_PDPTBits;
    case seL4_X64_PML4Object:
        return seL4_PML4Bits;
    default:
        return 0;
    }
}
