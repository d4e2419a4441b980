/*
 * Static TLS for the root task's threads (AArch64, TLS variant I). libsel4 keeps the IPC buffer
 * address in the TLS variable __sel4_ipc_buffer, so every thread needs its own block, made from
 * the image's PT_TLS template. The thread pointer is TPIDR_EL0, which seL4 keeps per thread.
 */
#include "rt.h"

#include <string.h>

/* The ABI's thread control block at the thread pointer: two words, then the variables. */
#define TCB_SIZE 16

static seL4_Word align_up(seL4_Word x, seL4_Word a)
{
    return (x + a - 1) & ~(a - 1);
}

static seL4_Word tls_align(const rt_elf_phdr_t *ph)
{
    return ph && ph->p_align > 16 ? ph->p_align : 16;
}

/* Bytes a block needs below its top: the TCB, the variables, alignment of the thread pointer. */
size_t rt_tls_size(void)
{
    const rt_elf_phdr_t *ph = rt_tls_phdr();
    seL4_Word align = tls_align(ph);
    return align_up(TCB_SIZE, align) + (ph ? align_up(ph->p_memsz, align) : 0) + align;
}

/*
 * Variant I: the thread pointer points at the TCB, and the linker addressed each variable at a
 * positive offset from it, the first at round_up(TCB_SIZE, p_align).
 */
seL4_Word rt_tls_init(void *top)
{
    const rt_elf_phdr_t *ph = rt_tls_phdr();
    seL4_Word align = tls_align(ph);
    seL4_Word tp = align_up((seL4_Word)top - rt_tls_size(), align);
    memset((void *)tp, 0, TCB_SIZE);
    if (ph != NULL) {
        char *block = (char *)(tp + align_up(TCB_SIZE, ph->p_align ? ph->p_align : 1));
        memcpy(block, (const void *)ph->p_vaddr, ph->p_filesz);
        memset(block + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    }
    return tp;
}

/* TPIDR_EL0 is writable at EL0; seL4 saves and restores it with the thread's registers. */
void rt_tls_set_base(seL4_Word tp)
{
    __asm__ volatile("msr tpidr_el0, %0" ::"r"(tp));
}
