/*
 * Static TLS for the root task's threads (x86_64, TLS variant II). libsel4 keeps the IPC buffer
 * address in the TLS variable __sel4_ipc_buffer, so every thread needs its own block. The
 * template comes from the image's PT_TLS program header, which the loaded ELF header gives.
 */
#include "rt.h"

#include <string.h>

/* The ELF64 header and program header fields this needs (System V gABI). */
typedef struct {
    unsigned char e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} Elf64_Ehdr;

typedef rt_elf_phdr_t Elf64_Phdr;

#define PT_TLS 7

/* Defined by the linker at the image's ELF header when the header is in a loaded segment. */
extern const Elf64_Ehdr __ehdr_start;

const rt_elf_phdr_t *rt_image_phdrs(unsigned *count)
{
    *count = __ehdr_start.e_phnum;
    return (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
}

static const Elf64_Phdr *tls_phdr(void)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
    for (unsigned i = 0; i < __ehdr_start.e_phnum; i++) {
        if (ph[i].p_type == PT_TLS) {
            return &ph[i];
        }
    }
    return NULL;
}

static seL4_Word align_up(seL4_Word x, seL4_Word a)
{
    return (x + a - 1) & ~(a - 1);
}

/* Bytes a block needs below its top: the variables, the thread pointer's self word, alignment. */
size_t rt_tls_size(void)
{
    const Elf64_Phdr *ph = tls_phdr();
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
    const Elf64_Phdr *ph = tls_phdr();
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
