/*
 * The project's loader for seL4 on QEMU's AArch64 virt board. seL4 on Arm is entered with the
 * MMU on, at its ELF entry (a virtual address of the kernel window), with x0..x5 saying where
 * the root task's image lies in physical memory, its virtual/physical offset and entry, and
 * where the device tree is (seL4's init_kernel). Nothing else starts it, so this does:
 *
 *   1. reads seL4's kernel.elf and the root-task image, which QEMU placed as raw files at
 *      KERNEL_FILE and IMAGE_FILE (scripts/sel4-run.sh: -device loader,...,force-raw=on);
 *   2. moves the device tree QEMU left at the start of RAM to after the kernel, copies the
 *      kernel's segments to their physical addresses and the image's segments, as one
 *      contiguous region, after the device tree (zero-filling what the files do not hold);
 *   3. turns the MMU on with two tables: an identity map of the low 2 GiB (devices, then RAM)
 *      for its own last instructions, and the kernel window: the 1 GiB that holds the kernel,
 *      at the virtual address the kernel was linked for;
 *   4. starts the board's other cores (PSCI CPU_ON), which do the same, and jumps to the
 *      kernel's entry, each core with its number in TPIDR_EL1 (seL4's SMP boot reads it).
 *
 * Memory map (1 GiB of RAM at 0x40000000, as seL4's qemu-arm-virt platform is configured):
 *   0x40000000  kernel (its ELF's physical addresses), the translation tables, the device tree,
 *               the image
 *   0x70000000  IMAGE_FILE: the root-task ELF as a file
 *   0x7e000000  KERNEL_FILE: kernel.elf as a file
 *   0x7f000000  this loader (loader.ld)
 * seL4 makes all RAM but the kernel, the image and the device tree into untyped memory, so the
 * files and the loader are free memory once the kernel runs.
 */
#include <stddef.h>
#include <stdint.h>

#include "elf.h" /* kernel/sel4 */

/*
 * Entry: QEMU starts the loader at EL1 with the MMU off. Mask interrupts, take a stack, enter C;
 * loader_main never returns (it enters the kernel). A secondary core, started by loader_main
 * through PSCI CPU_ON, enters at _start_secondary with its core number in x0 and a stack of its
 * own, and follows the first core into the kernel.
 */
#define MAX_CORES 8
#define CORE_STACK 4096
static char loader_stack[16384] __attribute__((aligned(16), used));
static char core_stacks[MAX_CORES][CORE_STACK] __attribute__((aligned(16), used));

__asm__(".section .text.start, \"ax\"\n"
        ".global _start\n"
        ".type _start, %function\n"
        "_start:\n"
        "    msr daifset, #0xf\n"
        "    adrp x1, loader_stack + 16384\n"
        "    add x1, x1, :lo12:loader_stack + 16384\n"
        "    mov sp, x1\n"
        "    bl loader_main\n"
        "1:  wfe\n"
        "    b 1b\n"
        ".size _start, . - _start\n"
        ".global _start_secondary\n"
        ".type _start_secondary, %function\n"
        "_start_secondary:\n"
        "    msr daifset, #0xf\n"
        "    adrp x1, core_stacks\n"
        "    add x1, x1, :lo12:core_stacks\n"
        "    add x2, x0, #1\n"
        "    add x1, x1, x2, lsl #12\n" /* the top of core_stacks[x0] (CORE_STACK = 4096) */
        "    mov sp, x1\n"
        "    bl loader_secondary\n"
        "2:  wfe\n"
        "    b 2b\n"
        ".size _start_secondary, . - _start_secondary\n"
        ".text\n");

#define RAM_BASE 0x40000000UL
#define IMAGE_FILE 0x70000000UL
#define KERNEL_FILE 0x7e000000UL

#ifndef RT_UART_PADDR
#error "RT_UART_PADDR: the PL011's physical address (from the kernel install's device tree)"
#endif

/* ---- console: the PL011, polled ---- */

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1u << 5)

static void putc_(char c)
{
    volatile uint32_t *uart = (volatile uint32_t *)RT_UART_PADDR;
    while (uart[PL011_FR / 4] & PL011_FR_TXFF) {
    }
    uart[PL011_DR / 4] = (uint32_t)(unsigned char)c;
}

static void puts_(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n') {
            putc_('\r');
        }
        putc_(*s);
    }
}

static void puthex(uint64_t v)
{
    puts_("0x");
    for (int shift = 60; shift >= 0; shift -= 4) {
        putc_("0123456789abcdef"[(v >> shift) & 0xf]);
    }
}

static _Noreturn void fail(const char *what, uint64_t value)
{
    puts_("sel4bridge loader: ");
    puts_(what);
    puts_(" ");
    puthex(value);
    puts_("\n");
    for (;;) {
        __asm__ volatile("wfe");
    }
}

/* ---- memory, byte by byte: with the MMU off every access is to device memory, which takes no
 * unaligned access (the loader is built with -mstrict-align as well) ---- */

static void copy(uint64_t dst, uint64_t src, uint64_t n)
{
    volatile uint8_t *d = (volatile uint8_t *)dst;
    const volatile uint8_t *s = (const volatile uint8_t *)src;
    if (dst < src) {
        for (uint64_t i = 0; i < n; i++) {
            d[i] = s[i];
        }
    } else {
        for (uint64_t i = n; i > 0; i--) {
            d[i - 1] = s[i - 1];
        }
    }
}

static void zero(uint64_t dst, uint64_t n)
{
    volatile uint8_t *d = (volatile uint8_t *)dst;
    for (uint64_t i = 0; i < n; i++) {
        d[i] = 0;
    }
}

static uint64_t page_up(uint64_t v)
{
    return (v + 0xfff) & ~0xfffUL;
}

/* ---- ELF64 ---- */

typedef rt_elf_ehdr_t elf_ehdr_t;
typedef rt_elf_phdr_t elf_phdr_t;

#define EM_AARCH64 183

typedef struct {
    const elf_ehdr_t *eh;
    const elf_phdr_t *ph;
    uint64_t lo, hi; /* the PT_LOAD segments' span (physical or virtual, as asked) */
} elf_t;

static elf_t elf_open(uint64_t file, const char *name, int physical)
{
    const elf_ehdr_t *eh = (const elf_ehdr_t *)file;
    if (eh->e_ident[0] != 0x7f || eh->e_ident[1] != 'E' || eh->e_ident[2] != 'L' ||
        eh->e_ident[3] != 'F' || eh->e_ident[4] != 2 || eh->e_machine != EM_AARCH64 ||
        eh->e_phentsize != sizeof(elf_phdr_t)) {
        puts_(name);
        fail("is not an AArch64 ELF64 file at", file);
    }
    elf_t e = {eh, (const elf_phdr_t *)(file + eh->e_phoff), ~0UL, 0};
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (e.ph[i].p_type != RT_PT_LOAD || e.ph[i].p_memsz == 0) {
            continue;
        }
        uint64_t at = physical ? e.ph[i].p_paddr : e.ph[i].p_vaddr;
        if (at < e.lo) {
            e.lo = at;
        }
        if (at + e.ph[i].p_memsz > e.hi) {
            e.hi = at + e.ph[i].p_memsz;
        }
    }
    if (e.lo >= e.hi) {
        puts_(name);
        fail("has no loadable segment, at", file);
    }
    return e;
}

/* Copy every PT_LOAD segment of @e to @base + (its address - e->lo), zero-filled to p_memsz. */
static void elf_place(const elf_t *e, uint64_t file, uint64_t base, int physical)
{
    for (unsigned i = 0; i < e->eh->e_phnum; i++) {
        const elf_phdr_t *ph = &e->ph[i];
        if (ph->p_type != RT_PT_LOAD || ph->p_memsz == 0) {
            continue;
        }
        uint64_t dst = base + ((physical ? ph->p_paddr : ph->p_vaddr) - e->lo);
        copy(dst, file + ph->p_offset, ph->p_filesz);
        zero(dst + ph->p_filesz, ph->p_memsz - ph->p_filesz);
    }
}

/* ---- the device tree QEMU passes (at the start of RAM for a kernel given as an ELF file) ---- */

static uint32_t be32(const volatile uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---- translation tables: 4 KiB granule, 48-bit addresses on both halves ---- */

#define DESC_TABLE 3UL
#define DESC_BLOCK 1UL
#define DESC_AF (1UL << 10)
#define DESC_SH_INNER (3UL << 8)
#define DESC_ATTR(i) ((uint64_t)(i) << 2)
/* MAIR_EL1 as seL4 expects it (its enum mair_types): device nGnRnE, nGnRE, GRE, normal
 * non-cacheable, normal write-back, normal write-through. */
#define MAIR_VALUE                                                                                 \
    (0x00UL | 0x04UL << 8 | 0x0cUL << 16 | 0x44UL << 24 | 0xffUL << 32 | 0xaaUL << 40)
#define ATTR_DEVICE 0
#define ATTR_NORMAL 4
/* TCR_EL1: T0SZ = T1SZ = 16, write-back write-allocate inner and outer, inner shareable,
 * TG0 4 KiB, TG1 4 KiB, 16-bit ASIDs; IPS from the CPU's physical address size. */
#define TCR_VALUE                                                                                  \
    (16UL | 1UL << 8 | 1UL << 10 | 3UL << 12 | 0UL << 14 | 16UL << 16 | 1UL << 24 | 1UL << 26 |   \
     3UL << 28 | 2UL << 30 | 1UL << 36)
#define GIB (1UL << 30)

/*
 * The tables live in the 16 KiB between the kernel and the device tree, not in the loader: seL4
 * takes its root task's objects from the top of the highest free region, where the loader sits,
 * while secondary cores still translate through these tables (seL4 moves them to its own only
 * once the first core has booted). The low gap is free memory too, but nothing takes it before
 * the root task runs.
 */
#define TABLES_SIZE (4 * 4096)
static uint64_t *lower_l0, *lower_l1, *upper_l0, *upper_l1;

static uint64_t block(uint64_t paddr, unsigned attr)
{
    uint64_t sh = attr == ATTR_NORMAL ? DESC_SH_INNER : 0;
    return paddr | DESC_AF | sh | DESC_ATTR(attr) | DESC_BLOCK;
}

/* The tables, made once by the first core; every core then turns its MMU on with them. */
static void make_tables(uint64_t at, uint64_t kernel_vaddr, uint64_t kernel_paddr)
{
    zero(at, TABLES_SIZE);
    lower_l0 = (uint64_t *)at;
    lower_l1 = (uint64_t *)(at + 4096);
    upper_l0 = (uint64_t *)(at + 2 * 4096);
    upper_l1 = (uint64_t *)(at + 3 * 4096);
    /* Identity: the first GiB is the board's devices, the second its RAM. */
    lower_l0[0] = (uint64_t)lower_l1 | DESC_TABLE;
    lower_l1[0] = block(0, ATTR_DEVICE);
    lower_l1[1] = block(RAM_BASE, ATTR_NORMAL);
    /* The kernel window: the GiB holding the kernel, where it was linked. */
    uint64_t va = kernel_vaddr & ~(GIB - 1), pa = kernel_paddr & ~(GIB - 1);
    if (kernel_vaddr - va != kernel_paddr - pa) {
        fail("kernel's virtual and physical addresses differ within a GiB:", kernel_vaddr);
    }
    upper_l0[(va >> 39) & 511] = (uint64_t)upper_l1 | DESC_TABLE;
    upper_l1[(va >> 30) & 511] = block(pa, ATTR_NORMAL);
}

static void mmu_on(void)
{
    uint64_t mmfr0, sctlr;
    __asm__ volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
    __asm__ volatile("msr mair_el1, %0" ::"r"(MAIR_VALUE));
    __asm__ volatile("msr tcr_el1, %0" ::"r"(TCR_VALUE | (mmfr0 & 7) << 32));
    __asm__ volatile("msr ttbr0_el1, %0" ::"r"((uint64_t)lower_l0));
    __asm__ volatile("msr ttbr1_el1, %0" ::"r"((uint64_t)upper_l0));
    __asm__ volatile("dsb sy; isb; tlbi vmalle1; dsb sy; isb" ::: "memory");
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= 1UL << 0 | 1UL << 2 | 1UL << 12; /* M, C, I */
    sctlr &= ~(1UL << 1 | 1UL << 19);          /* no alignment checks, no WXN */
    __asm__ volatile("msr sctlr_el1, %0; isb" ::"r"(sctlr) : "memory");
}

typedef void (*kernel_entry_t)(uint64_t ui_p_start, uint64_t ui_p_end, int64_t pv_offset,
                               uint64_t v_entry, uint64_t dtb_paddr, uint64_t dtb_size);

/* What every core passes to the kernel's entry (secondary cores' arguments are unused by seL4,
 * which waits for the first core to finish booting). */
static struct {
    kernel_entry_t entry;
    uint64_t arg[6];
    volatile uint64_t entered[MAX_CORES]; /* set by a secondary core as it leaves the loader */
} boot;

/* seL4 reads its logical core number from TPIDR_EL1 on SMP kernels, 0 for the booting core. */
static _Noreturn void enter_kernel(uint64_t core)
{
    mmu_on();
    __asm__ volatile("msr tpidr_el1, %0; isb" ::"r"(core));
    kernel_entry_t entry = boot.entry;
    uint64_t a0 = boot.arg[0], a1 = boot.arg[1], a2 = boot.arg[2], a3 = boot.arg[3],
             a4 = boot.arg[4], a5 = boot.arg[5];
    /* From here on this core reads nothing of the loader's data: the first core may go. */
    __atomic_store_n(&boot.entered[core], 1, __ATOMIC_RELEASE);
    entry(a0, a1, (int64_t)a2, a3, a4, a5);
    fail("kernel returned on core", core);
}

void loader_secondary(uint64_t core);
void loader_secondary(uint64_t core)
{
    enter_kernel(core);
}

/*
 * Start the board's other cores (affinity 0 = 1, 2, ...) with PSCI CPU_ON through HVC, the
 * conduit QEMU's virt board offers at EL1 without EL2/EL3 (its device tree: psci method "hvc"),
 * until PSCI says there is no such core. QEMU's -smp follows the kernel's KernelMaxNumNodes
 * (scripts/sel4-run.sh), so this starts as many cores as seL4 waits for.
 */
#define PSCI_CPU_ON_64 0xc4000003UL
static void start_secondaries(void)
{
    extern char _start_secondary[];
    uint64_t core;
    for (core = 1; core < MAX_CORES; core++) {
        register uint64_t x0 __asm__("x0") = PSCI_CPU_ON_64;
        register uint64_t x1 __asm__("x1") = core; /* MPIDR: Aff0 */
        register uint64_t x2 __asm__("x2") = (uint64_t)_start_secondary;
        register uint64_t x3 __asm__("x3") = core; /* its x0 at entry */
        __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
        if ((int64_t)x0 != 0) {
            break; /* no such core (or it could not start): the ones before it run */
        }
    }
    /* The loader's code and stacks are in memory seL4 hands out early: the first core enters
     * the kernel only once every other core has left them. */
    for (uint64_t c = 1; c < core; c++) {
        while (!__atomic_load_n(&boot.entered[c], __ATOMIC_ACQUIRE)) {
        }
    }
}

void loader_main(void)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    if ((el >> 2) != 1) {
        /* A kernel without hypervisor support runs at EL1: QEMU's virt board without
         * virtualization=on and secure=on starts there. */
        fail("not started at EL1 but at EL", el >> 2);
    }
    elf_t kernel = elf_open(KERNEL_FILE, "kernel.elf", 1);
    elf_t image = elf_open(IMAGE_FILE, "the root-task image", 0);

    uint64_t dtb = RAM_BASE, dtb_size = 0;
    const volatile uint8_t *fdt = (const volatile uint8_t *)dtb;
    if (be32(fdt) == 0xd00dfeed) {
        dtb_size = be32(fdt + 4);
    }
    uint64_t tables = page_up(kernel.hi);
    uint64_t dtb_dst = tables + TABLES_SIZE;
    uint64_t ui_start = page_up(dtb_dst + dtb_size);
    uint64_t image_lo = image.lo & ~0xfffUL;
    uint64_t ui_end = ui_start + page_up(image.hi - image_lo);
    if (kernel.lo < RAM_BASE || ui_end > IMAGE_FILE) {
        fail("kernel and image do not fit below the image file; they end at", ui_end);
    }
    if (dtb_size != 0) {
        copy(dtb_dst, dtb, dtb_size);
    }
    elf_place(&kernel, KERNEL_FILE, kernel.lo, 1);
    zero(ui_start, ui_end - ui_start);
    image.lo = image_lo;
    elf_place(&image, IMAGE_FILE, ui_start, 0);

    /* The kernel's entry, a virtual address: its physical one, by the segment holding it. */
    uint64_t entry_paddr = 0;
    for (unsigned i = 0; i < kernel.eh->e_phnum; i++) {
        const elf_phdr_t *ph = &kernel.ph[i];
        if (ph->p_type == RT_PT_LOAD && ph->p_vaddr <= kernel.eh->e_entry &&
            kernel.eh->e_entry < ph->p_vaddr + ph->p_memsz) {
            entry_paddr = ph->p_paddr + (kernel.eh->e_entry - ph->p_vaddr);
        }
    }
    if (entry_paddr == 0) {
        fail("kernel's entry is in none of its segments:", kernel.eh->e_entry);
    }
    make_tables(tables, kernel.eh->e_entry, entry_paddr);
    boot.entry = (kernel_entry_t)kernel.eh->e_entry;
    boot.arg[0] = ui_start;
    boot.arg[1] = ui_end;
    boot.arg[2] = ui_start - image_lo;
    boot.arg[3] = image.eh->e_entry;
    boot.arg[4] = dtb_size ? dtb_dst : 0;
    boot.arg[5] = dtb_size;
    __asm__ volatile("dsb sy" ::: "memory"); /* all of it in memory before another core runs */
    start_secondaries();
    enter_kernel(0);
}
