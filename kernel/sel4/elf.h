/*
 * The ELF64 header and program header fields the root task (its own program headers) and the
 * AArch64 loader (the kernel's and the image's) read, as the System V gABI lays them out.
 */
#pragma once

#include <stdint.h>

typedef struct {
    unsigned char e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} rt_elf_ehdr_t;

typedef struct {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} rt_elf_phdr_t;

#define RT_PT_LOAD 1
#define RT_PT_TLS 7
#define RT_PF_W 2
