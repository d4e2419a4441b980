/*
 * The image's own program headers, read through its loaded ELF header: the static TLS template
 * (PT_TLS) the threads' TLS blocks are made from (arch/<arch>/tls.c lays them out), and the
 * loaded segments a component's VSpace is made of (component.c).
 */
#include "rt.h"

/* Defined by the linker at the image's ELF header when the header is in a loaded segment. */
extern const rt_elf_ehdr_t __ehdr_start;

const rt_elf_phdr_t *rt_image_phdrs(unsigned *count)
{
    *count = __ehdr_start.e_phnum;
    return (const rt_elf_phdr_t *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
}

const rt_elf_phdr_t *rt_tls_phdr(void)
{
    unsigned n;
    const rt_elf_phdr_t *ph = rt_image_phdrs(&n);
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type == RT_PT_TLS) {
            return &ph[i];
        }
    }
    return NULL;
}
