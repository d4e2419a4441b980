/*
 * Static TLS for the root task's threads (RISC-V: TLS variant I with no thread control block).
 * libsel4 keeps the IPC buffer address in the TLS variable __sel4_ipc_buffer, so every thread
 * needs its own block, made from the image's PT_TLS template.
 */
#include "rt.h"

#include <string.h>

static seL4_Word tls_align(const rt_elf_phdr_t *ph)
{
    return ph && ph->p_align > 16 ? ph->p_align : 16;
}

/* Bytes a block needs below its top: the variables and alignment. */
size_t rt_tls_size(void)
{
    const rt_elf_phdr_t *ph = rt_tls_phdr();
    return (ph ? ph->p_memsz : 0) + tls_align(ph);
}

/*
 * Variant I as the RISC-V psABI has it: tp points at the start of the block and the linker
 * addressed each variable at its offset in the PT_TLS segment, from tp (tp aligned to p_align).
 */
seL4_Word rt_tls_init(void *top)
{
    const rt_elf_phdr_t *ph = rt_tls_phdr();
    seL4_Word tp = ((seL4_Word)top - (ph ? ph->p_memsz : 0)) & ~(tls_align(ph) - 1);
    if (ph != NULL) {
        memcpy((void *)tp, (const void *)ph->p_vaddr, ph->p_filesz);
        memset((char *)tp + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    }
    return tp;
}

/* tp is an ordinary register of the thread's context, which seL4 saves and restores. */
void rt_tls_set_base(seL4_Word tp)
{
    __asm__ volatile("mv tp, %0" ::"r"(tp) : "memory");
}
