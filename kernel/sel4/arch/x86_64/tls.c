/*
 * Static TLS for the root task's threads (x86_64, TLS variant II). libsel4 keeps the IPC buffer
 * address in the TLS variable __sel4_ipc_buffer, so every thread needs its own block, made from
 * the image's PT_TLS template.
 */
#include "rt.h"

#include <string.h>

static seL4_Word align_up(seL4_Word x, seL4_Word a)
{
    return (x + a - 1) & ~(a - 1);
}

/* Bytes a block needs below its top: the variables, the thread pointer's self word, alignment. */
size_t rt_tls_size(void)
{
    const rt_elf_phdr_t *ph = rt_tls_phdr();
    seL4_Word align = ph && ph->p_align > 16 ? ph->p_align : 16;
    return (ph ? align_up(ph->p_memsz, align) : 0) + 2 * align + sizeof(seL4_Word);
}

/*
 * Variant II: the thread pointer points just past the variables, at a word holding its own
 * address (the ABI's %fs:0), and the linker addressed each variable at a negative offset of
 * round_up(p_memsz, p_align) from it.
 */
seL4_Word rt_tls_init(void *top)
{
    const rt_elf_phdr_t *ph = rt_tls_phdr();
    seL4_Word align = ph && ph->p_align > 16 ? ph->p_align : 16;
    seL4_Word tp = ((seL4_Word)top - sizeof(seL4_Word) - align) & ~(align - 1);
    if (ph != NULL) {
        /* The linker's offsets round p_memsz to p_align itself, not to our tp alignment. */
        char *block = (char *)(tp - align_up(ph->p_memsz, ph->p_align ? ph->p_align : 1));
        memcpy(block, (const void *)ph->p_vaddr, ph->p_filesz);
        memset(block + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    }
    *(seL4_Word *)tp = tp;
    return tp;
}

/* The FS base: through seL4 when the kernel offers it (CONFIG_SET_TLS_BASE_SELF), else by the
 * thread itself (wrfsbase). */
void rt_tls_set_base(seL4_Word tp)
{
#ifdef CONFIG_SET_TLS_BASE_SELF
    seL4_SetTLSBase(tp);
#else
    __asm__ volatile("wrfsbase %0" ::"r"(tp));
#endif
}
