/*
 * Physical memory and frame mappings. The untyped pool is backed by a sparse memfd ("RAM"): a
 * frame at physical address p is the memfd page at p - SIM_RAM_BASE, so every mapping of the same
 * frame shares its memory, as on seL4. Mappings live in a reserved PROT_NONE arena; unmapping a
 * frame (its cap deleted or revoked, or an explicit unmap) puts PROT_NONE memory back at that
 * address, so a later access raises SIGSEGV, which fault.c turns into a VM fault (x86
 * Arch_finaliseCap -> unmapPage).
 */
#include "kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#define SIM_ARENA_BYTES (1ul << 36) /* 64 GiB of address space for mappings, reserved, not backed */

static int ram_fd = -1;
static uintptr_t arena_base;
static uintptr_t arena_next;

void frame_init(void)
{
    ram_fd = memfd_create("sel4sim-ram", MFD_CLOEXEC);
    if (ram_fd < 0 || ftruncate(ram_fd, (off_t)BIT(SIM_RAM_BITS)) != 0) {
        sim_fatal("cannot create the model's physical memory: %s", strerror(errno));
    }
    void *a = mmap(NULL, SIM_ARENA_BYTES, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (a == MAP_FAILED) {
        sim_fatal("cannot reserve the mapping arena: %s", strerror(errno));
    }
    arena_base = arena_next = (uintptr_t)a;
}

bool frame_is_model_address(uintptr_t addr)
{
    return arena_base && addr >= arena_base && addr < arena_base + SIM_ARENA_BYTES;
}

/* Zero physical memory: the kernel clears memory it hands out again (resetUntypedCap). */
void frame_clear(seL4_Word paddr, seL4_Word bytes)
{
    if (bytes == 0 || paddr < SIM_RAM_BASE || paddr >= SIM_RAM_BASE + BIT(SIM_RAM_BITS)) {
        return;
    }
    if (fallocate(ram_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)(paddr - SIM_RAM_BASE), (off_t)bytes) != 0) {
        sim_fatal("cannot clear physical memory: %s", strerror(errno));
    }
}

/* Map the frame cap in @slot at a fresh address with the rights the cap allows. */
exception_t frame_map(cte_t *slot, seL4_Word *vaddr)
{
    cap_t *cap = &slot->cap;
    if (cap->mapped_vaddr) {
        /* decodeX86FrameInvocation: a frame cap maps at one address only */
        current_syscall_error = (syscall_error_t){.type = seL4_InvalidArgument, .invalid_argument_number = 0};
        return EXCEPTION_SYSCALL_ERROR;
    }
    if (arena_next + BIT(seL4_PageBits) > arena_base + SIM_ARENA_BYTES) {
        sim_fatal("mapping arena exhausted");
    }
    uintptr_t va = arena_next;
    arena_next += BIT(seL4_PageBits);
    /* maskVMRights: read-write, read-only, or kernel-only (mapped, but every access faults) */
    int prot = cap->can_receive ? (PROT_READ | (cap->can_send ? PROT_WRITE : 0)) : PROT_NONE;
    void *m = mmap((void *)va, BIT(seL4_PageBits), prot, MAP_SHARED | MAP_FIXED, ram_fd, (off_t)(cap->paddr - SIM_RAM_BASE));
    if (m == MAP_FAILED) {
        sim_fatal("cannot map a frame: %s", strerror(errno));
    }
    cap->mapped_vaddr = va;
    *vaddr = va;
    return EXCEPTION_NONE;
}

/* unmapPage: the address stays reserved (PROT_NONE), so a stale access faults. */
void frame_unmap(cap_t *cap)
{
    void *m = mmap((void *)cap->mapped_vaddr, BIT(seL4_PageBits), PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    if (m == MAP_FAILED) {
        sim_fatal("cannot unmap a frame: %s", strerror(errno));
    }
    cap->mapped_vaddr = 0;
}
