/*
 * The project's loader for seL4 on RISC-V 64 (QEMU's virt board). OpenSBI enters it in S-mode
 * with the hart id in a0 and the device tree's physical address in a1. It does what seL4's
 * RISC-V boot code (head.S, init_kernel in boot.c) expects to have been done before it runs:
 *
 *   - seL4's kernel.elf loaded at its physical addresses (p_paddr), its bss zeroed;
 *   - the root task's ELF loaded into one physically contiguous region, each segment at
 *     (region start + its offset from the image's lowest virtual address), the rest zeroed;
 *   - the device tree copied to just after the kernel (seL4 wants the regions it reserves in
 *     ascending order: kernel, device tree, user image);
 *   - the MMU on (Sv39) with the kernel's virtual addresses mapped to where it was loaded, and
 *     the loader's own memory mapped to itself so that it keeps running after the switch;
 *   - a jump to the kernel's entry with the arguments of init_kernel: the user image's physical
 *     start and end, the physical-minus-virtual offset of the user image, its virtual entry, the
 *     device tree's physical address and size (the hart and core ids follow for SMP kernels).
 *
 * It also lets user mode read the cycle, time and instret counters (scounteren): seL4 leaves
 * that register as it finds it and the root task's clock is rdcycle. QEMU 7.2's OpenSBI already
 * allows them (a loader without this line boots the same); the loader does not rely on it.
 *
 * Both ELF files arrive unparsed at fixed addresses (layout.h), put there by QEMU. Any problem
 * is printed through the SBI console (the loader runs in S-mode, where SBI calls are allowed)
 * and ends the run through the SBI system reset.
 */
#include "elf.h" /* kernel/sel4 */
#include "layout.h"

#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096UL
#define GIGA_PAGE (1UL << 30)
#define ROUND_UP(x, a) (((x) + (a) - 1) & ~((a) - 1))
#define ROUND_DOWN(x, a) ((x) & ~((a) - 1))

/* ---- the entry: a stack, then C ---- */

static uint8_t loader_stack[16384] __attribute__((aligned(16), used));

__asm__(".section .text.start, \"ax\"\n"
        ".global _start\n"
        "_start:\n"
        "    la sp, loader_stack + 16384\n"
        "    call loader_main\n" /* a0 = hart id, a1 = DTB, as OpenSBI passed them */
        "1:  wfi\n"
        "    j 1b\n"
        ".text\n");

/* ---- SBI: console and reset (legacy console putchar; SRST extension) ---- */

static long sbi_call(long ext, long fid, long a0, long a1)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a6 __asm__("a6") = fid;
    register long r_a7 __asm__("a7") = ext;
    __asm__ volatile("ecall" : "+r"(r_a0), "+r"(r_a1) : "r"(r_a6), "r"(r_a7) : "memory");
    return r_a0;
}

static void put_str(const char *s)
{
    for (; *s; s++) {
        (void)sbi_call(1 /* legacy console_putchar */, 0, *s, 0);
    }
}

static void put_hex(uint64_t v)
{
    char buf[19] = "0x";
    for (int i = 0; i < 16; i++) {
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    }
    buf[18] = 0;
    put_str(buf);
}

static void __attribute__((noreturn)) fail(const char *what, uint64_t value)
{
    put_str("loader: ");
    put_str(what);
    put_str(" ");
    put_hex(value);
    put_str("\n");
    /* SRST: shutdown with reason "system failure"; QEMU then exits with status 0, which the
     * runner reports as an end without the image's exit status. */
    (void)sbi_call(0x53525354, 0, 0, 1);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

/* ---- ELF64 ---- */

#define EM_RISCV 243

static const rt_elf_ehdr_t *elf_check(uintptr_t blob, const char *what)
{
    const rt_elf_ehdr_t *eh = (const rt_elf_ehdr_t *)blob;
    if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
        eh->e_ident[3] != 'F' || eh->e_ident[4] != 2 /* ELFCLASS64 */ ||
        eh->e_machine != EM_RISCV || eh->e_phentsize != sizeof(rt_elf_phdr_t)) {
        put_str(what);
        fail("is not a RISC-V ELF64 file at", blob);
    }
    return eh;
}

static const rt_elf_phdr_t *elf_phdr(const rt_elf_ehdr_t *eh, unsigned i)
{
    return (const rt_elf_phdr_t *)((uintptr_t)eh + eh->e_phoff) + i;
}

static void copy(uint8_t *dst, const uint8_t *src, size_t n)
{
    while (n--) {
        *dst++ = *src++;
    }
}

static void zero(uint8_t *dst, size_t n)
{
    while (n--) {
        *dst++ = 0;
    }
}

/* The lowest and highest (exclusive) of @field + p_memsz over the RT_PT_LOAD headers. */
static void elf_span(const rt_elf_ehdr_t *eh, int physical, uint64_t *lo, uint64_t *hi)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const rt_elf_phdr_t *ph = elf_phdr(eh, i);
        if (ph->p_type != RT_PT_LOAD || ph->p_memsz == 0) {
            continue;
        }
        uint64_t at = physical ? ph->p_paddr : ph->p_vaddr;
        if (at < *lo) {
            *lo = at;
        }
        if (at + ph->p_memsz > *hi) {
            *hi = at + ph->p_memsz;
        }
    }
    if (*hi == 0) {
        fail("an ELF file with nothing to load at", (uintptr_t)eh);
    }
}

/* Copy every RT_PT_LOAD of @eh to (its address - @base + @dest); the region was zeroed before. */
static void elf_load(const rt_elf_ehdr_t *eh, int physical, uint64_t base, uint64_t dest)
{
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const rt_elf_phdr_t *ph = elf_phdr(eh, i);
        if (ph->p_type != RT_PT_LOAD || ph->p_memsz == 0) {
            continue;
        }
        if (ph->p_filesz > ph->p_memsz) {
            fail("a segment larger in the file than in memory, at offset", ph->p_offset);
        }
        uint64_t at = (physical ? ph->p_paddr : ph->p_vaddr) - base + dest;
        copy((uint8_t *)at, (const uint8_t *)eh + ph->p_offset, ph->p_filesz);
    }
}

/* ---- Sv39: one root table of 1 GiB leaves ---- */

static uint64_t boot_pt[512] __attribute__((aligned(4096)));

#define PTE_V 0x01UL
#define PTE_R 0x02UL
#define PTE_W 0x04UL
#define PTE_X 0x08UL
#define PTE_G 0x20UL
#define PTE_A 0x40UL
#define PTE_D 0x80UL

static void map_giga(uint64_t vaddr, uint64_t paddr)
{
    /* A, D set: the kernel runs before anything could set them on a fault. */
    boot_pt[(vaddr >> 30) & 0x1ff] = ((ROUND_DOWN(paddr, GIGA_PAGE) >> 12) << 10) | PTE_V | PTE_R |
                                     PTE_W | PTE_X | PTE_G | PTE_A | PTE_D;
}

#define SATP_MODE_SV39 (8UL << 60)

typedef void (*sel4_entry_fn)(uint64_t ui_p_start, uint64_t ui_p_end, int64_t pv_offset,
                              uint64_t v_entry, uint64_t dtb, uint64_t dtb_size, uint64_t hart,
                              uint64_t core);

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

void __attribute__((noreturn)) loader_main(uint64_t hart, uint64_t dtb)
{
    extern char _end[];
    put_str("loader: seL4 kernel and root task, hart ");
    put_hex(hart);
    put_str("\n");

    /* The device tree: its header says how long it is. */
    if (be32((const void *)dtb) != 0xd00dfeed) {
        fail("no device tree at", dtb);
    }
    uint64_t dtb_size = be32((const uint8_t *)dtb + 4);

    /* The kernel, at its physical addresses. */
    const rt_elf_ehdr_t *kernel = elf_check(SB_LOADER_KERNEL_BLOB, "kernel.elf");
    uint64_t k_lo, k_hi, kv_lo, kv_hi;
    elf_span(kernel, 1, &k_lo, &k_hi);
    elf_span(kernel, 0, &kv_lo, &kv_hi);
    if (k_hi - k_lo > GIGA_PAGE || (kv_lo & (GIGA_PAGE - 1)) != (k_lo & (GIGA_PAGE - 1)) ||
        ROUND_DOWN(k_lo, GIGA_PAGE) != ROUND_DOWN(k_hi - 1, GIGA_PAGE) ||
        ROUND_DOWN(kv_lo, GIGA_PAGE) != ROUND_DOWN(kv_hi - 1, GIGA_PAGE)) {
        fail("kernel.elf not within one 1 GiB page, virtual start", kv_lo);
    }
    /* seL4 wants its reserved regions in ascending order: kernel, device tree, user image
     * (arch_init_freemem), so the device tree is copied to just after the kernel. */
    uint64_t dtb_dest = ROUND_UP(k_hi, PAGE_SIZE);
    uint64_t ui_p_start = ROUND_UP(dtb_dest + dtb_size, PAGE_SIZE);
    if (k_lo < 0x80000000UL || ui_p_start > SB_LOADER_BASE) {
        fail("kernel.elf outside the room for it, ending at", k_hi);
    }

    /* The root task, just after the device tree. */
    const rt_elf_ehdr_t *image = elf_check(SB_LOADER_IMAGE_BLOB, "the root-task image");
    uint64_t v_lo, v_hi;
    elf_span(image, 0, &v_lo, &v_hi);
    v_lo = ROUND_DOWN(v_lo, PAGE_SIZE);
    v_hi = ROUND_UP(v_hi, PAGE_SIZE);
    uint64_t ui_p_end = ui_p_start + (v_hi - v_lo);
    if (ui_p_end > SB_LOADER_BASE || ui_p_end < ui_p_start) {
        fail("the root-task image does not fit below the loader; it needs bytes:", v_hi - v_lo);
    }
    if ((uint64_t)_end > SB_LOADER_KERNEL_BLOB) {
        fail("the loader overlaps the kernel's file, ending at", (uint64_t)_end);
    }

    if (dtb < ui_p_end && dtb + dtb_size > k_lo) {
        fail("the device tree lies where the kernel and root task go, at", dtb);
    }

    zero((uint8_t *)k_lo, k_hi - k_lo);
    copy((uint8_t *)dtb_dest, (const uint8_t *)dtb, dtb_size);
    dtb = dtb_dest;
    elf_load(kernel, 1, 0, 0);
    zero((uint8_t *)ui_p_start, ui_p_end - ui_p_start);
    elf_load(image, 0, v_lo, ui_p_start);

    /* seL4 leaves scounteren alone; with CY, TM and IR set, user mode may read the counters
     * whatever the firmware chose. */
    __asm__ volatile("csrw scounteren, %0" ::"r"(7UL));

    /* The MMU on: the kernel's window, and the loader's own 1 GiB (identity). */
    map_giga(kv_lo, k_lo);
    map_giga(SB_LOADER_BASE, SB_LOADER_BASE);
    put_str("loader: kernel ");
    put_hex(k_lo);
    put_str(", root task ");
    put_hex(ui_p_start);
    put_str("-");
    put_hex(ui_p_end);
    put_str(", device tree ");
    put_hex(dtb);
    put_str("\n");
    __asm__ volatile("fence rw, rw\n"
                     "fence.i\n"
                     "csrw satp, %0\n"
                     "sfence.vma\n" ::"r"(SATP_MODE_SV39 | ((uint64_t)boot_pt >> 12))
                     : "memory");

    sel4_entry_fn entry = (sel4_entry_fn)kernel->e_entry;
    entry(ui_p_start, ui_p_end, (int64_t)(ui_p_start - v_lo), image->e_entry, dtb, dtb_size, hart,
          0);
    fail("the kernel returned", 0);
}
