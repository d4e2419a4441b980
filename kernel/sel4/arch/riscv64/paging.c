/*
 * RISC-V paging (Sv39): a 4 KiB frame is mapped by seL4_RISCV_Page_Map below page tables of
 * every level, each mapped with seL4_RISCV_PageTable_Map, which puts the table at the first
 * level of the walk to @vaddr that is missing (seL4's decodeRISCVPageTableInvocation).
 */
#include "rt.h"

/* Map page tables at @vaddr until seL4 says the walk is complete (DeleteFirst). */
seL4_Error rt_paging_ensure(seL4_CPtr vspace, seL4_Word vaddr, rt_paging_alloc_fn alloc,
                            rt_paging_discard_fn discard, void *ctx)
{
    for (int level = 0; level < CONFIG_PT_LEVELS; level++) {
        seL4_CPtr pt;
        seL4_Error err = alloc(ctx, seL4_RISCV_PageTableObject, &pt);
        if (err != seL4_NoError) {
            return err;
        }
        err = seL4_RISCV_PageTable_Map(pt, vspace, vaddr, seL4_RISCV_Default_VMAttributes);
        if (err != seL4_NoError) {
            discard(ctx, pt);
            /* DeleteFirst: every level to @vaddr's page is there already. */
            return err == seL4_DeleteFirst ? seL4_NoError : err;
        }
    }
    return seL4_NoError;
}

seL4_Error rt_page_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr,
                       seL4_CapRights_t rights, bool device)
{
    /* RISC-V has no cacheability in its page tables; a device page is just never executed. */
    return seL4_RISCV_Page_Map(frame, vspace, vaddr, rights,
                               device ? seL4_RISCV_ExecuteNever : seL4_RISCV_Default_VMAttributes);
}

seL4_Error rt_page_unmap(seL4_CPtr frame)
{
    return seL4_RISCV_Page_Unmap(frame);
}

/* seL4 reports a RISC-V page or access fault with the access fault's cause as the FSR: a store's
 * is 7 (RISCVStoreAccessFault; handleVMFault in its arch/riscv vspace.c). */
bool rt_fault_is_write(seL4_Word fsr)
{
    return fsr == 7;
}

seL4_Error rt_vspace_assign(seL4_CPtr vspace)
{
    return seL4_RISCV_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vspace);
}

seL4_Word rt_arch_object_bits(seL4_Word type)
{
    switch (type) {
    case seL4_RISCV_4K_Page:
        return seL4_PageBits;
    case seL4_RISCV_Mega_Page:
        return seL4_LargePageBits;
    case seL4_RISCV_Giga_Page:
        return seL4_HugePageBits;
    case seL4_RISCV_PageTableObject:
        return seL4_PageTableBits;
    default:
        return 0;
    }
}
