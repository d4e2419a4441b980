/*
 * Physical memory and frame mappings. The untyped pool is backed by a sparse memfd ("RAM"): a
 * frame at physical address p is the memfd page at p - SIM_RAM_BASE, so every mapping of the same
 * frame shares its memory, as on seL4. Mappings live in a reserved PROT_NONE arena; unmapping a
 * frame (its cap deleted or revoked, or an explicit unmap) puts PROT_NONE memory back at that
 * address, so a later access raises SIGSEGV, which fault.c turns into a VM fault (x86
 * Arch_finaliseCap -> unmapPage).
 *
 * An unmapped address is handed out again only after a quarantine: it waits in a FIFO until
 * SIM_MAP_QUARANTINE_PAGES other pages have been unmapped after it. Until then every stale access
 * to it faults. All threads of the model share one host address space, so a reused address could
 * otherwise let a stale pointer of one protection domain reach another's frame without a fault,
 * which seL4 never allows. 16384 pages (64 MiB of addresses) is four complete generations of every
 * mapping the largest server can hold (32 sessions x 64-cap bundles, each frame mapped by both
 * sides: 4096 pages), so a pointer kept from any earlier session keeps faulting long after the
 * session has gone; test programs, which touch a revoked frame within a few mappings, never see
 * an address come back. Reuse is what keeps a long run bounded: the arena in use never exceeds
 * the pages mapped plus the quarantine, so neither its page tables nor a sanitizer's shadow of
 * it grow with the number of mappings made (without reuse, every new address left its shadow
 * resident, and the 64 GiB arena ran out after 2^24 mappings). The length is a balance: the
 * shadow ThreadSanitizer writes for each mapping (16 KiB a page) stays resident while the page
 * waits, so the quarantine costs up to 256 MiB under TSan, and four times that if it were 4x.
 */
#include "kernel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>
#include <unistd.h>

#define SIM_ARENA_BYTES (1ul << 36) /* 64 GiB of address space for mappings, reserved, not backed */
#define SIM_ARENA_MIN_BYTES (1ul << 30) /* the least taken where less is to be had (valgrind) */

static int ram_fd = -1;
static uintptr_t arena_base;
static uintptr_t arena_next; /* the arena above it has never been mapped */
static uintptr_t arena_bytes;

/* Unmapped pages in the order they were unmapped (page numbers in the arena): a ring that grows
 * when full. Its length is at most the pages of the arena ever used. */
static uint32_t *unmapped;
static size_t unmapped_cap, unmapped_head, unmapped_len;

static void unmapped_push(uintptr_t va)
{
    if (unmapped_len == unmapped_cap) {
        size_t cap = unmapped_cap ? unmapped_cap * 2 : 4096;
        uint32_t *r = malloc(cap * sizeof(*r));
        if (!r) {
            sim_fatal("out of memory for the mapping arena's free list");
        }
        for (size_t i = 0; i < unmapped_len; i++) {
            r[i] = unmapped[(unmapped_head + i) % unmapped_cap];
        }
        free(unmapped);
        unmapped = r;
        unmapped_cap = cap;
        unmapped_head = 0;
    }
    unmapped[(unmapped_head + unmapped_len++) % unmapped_cap] = (uint32_t)((va - arena_base) >> seL4_PageBits);
}

/* A page of the arena for a new mapping: the oldest unmapped page once its quarantine is over,
 * else one never used. */
static uintptr_t arena_take(void)
{
    if (unmapped_len > SIM_MAP_QUARANTINE_PAGES) {
        uintptr_t va = arena_base + ((uintptr_t)unmapped[unmapped_head] << seL4_PageBits);
        unmapped_head = (unmapped_head + 1) % unmapped_cap;
        unmapped_len--;
        return va;
    }
    if (arena_next + BIT(seL4_PageBits) > arena_base + arena_bytes) {
        sim_fatal("mapping arena exhausted: %lu pages mapped, %zu in quarantine",
                  (unsigned long)((arena_next - arena_base) >> seL4_PageBits) - unmapped_len, unmapped_len);
    }
    uintptr_t va = arena_next;
    arena_next += BIT(seL4_PageBits);
    return va;
}

void frame_init(void)
{
    ram_fd = memfd_create("sel4sim-ram", MFD_CLOEXEC);
    if (ram_fd < 0 || ftruncate(ram_fd, (off_t)BIT(SIM_RAM_BITS)) != 0) {
        sim_fatal("cannot create the model's physical memory: %s", strerror(errno));
    }
    void *a = MAP_FAILED;
    uintptr_t want = SIM_ARENA_BYTES, least = SIM_ARENA_MIN_BYTES;
    const char *env = getenv("SEL4SIM_ARENA_BYTES"); /* a smaller arena, for tests */
    if (env) {
        want = least = strtoull(env, NULL, 0) & ~(uintptr_t)(BIT(seL4_PageBits) - 1);
        if (want == 0 || want > SIM_ARENA_BYTES) {
            sim_fatal("SEL4SIM_ARENA_BYTES must be 4096..%lu", (unsigned long)SIM_ARENA_BYTES);
        }
    }
    for (arena_bytes = want; a == MAP_FAILED && arena_bytes >= least; arena_bytes >>= 1) {
        a = mmap(NULL, arena_bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    }
    arena_bytes <<= 1; /* the size that was reserved */
    if (a == MAP_FAILED) {
        sim_fatal("cannot reserve the mapping arena: %s", strerror(errno));
    }
    arena_base = arena_next = (uintptr_t)a;
}

bool frame_is_model_address(uintptr_t addr)
{
    return arena_base && addr >= arena_base && addr < arena_base + arena_bytes;
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
    uintptr_t va = arena_take();
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

/*
 * A revoke deletes many frame caps in one invocation, often of frames adjacent in the arena (a
 * client maps a bundle's frames in order) and in physical memory (retyped together). Each
 * unmapping and clearing is a Linux system call, so adjacent ones are gathered into one range
 * and done together when the invocation ends (frame_flush, from ks_unlock): still inside the
 * kernel operation, before any thread can run again, as seL4 unmaps within the invocation.
 */
typedef struct {
    uintptr_t lo, hi;
} range_t;
static range_t unmap_pending, clear_pending;

/* The pages enter their quarantine only now, when an access to them faults. */
static void unmap_now(range_t r)
{
    void *m = mmap((void *)r.lo, r.hi - r.lo, PROT_NONE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    if (m == MAP_FAILED) {
        sim_fatal("cannot unmap a frame: %s", strerror(errno));
    }
    for (uintptr_t va = r.lo; va < r.hi; va += BIT(seL4_PageBits)) {
        unmapped_push(va);
    }
}

/* Add the page at @at to @pend; true when it did not touch @pend, which is then handed back in
 * @out to be done now and restarted with the page. */
static bool gather(range_t *pend, uintptr_t at, range_t *out)
{
    uintptr_t page = BIT(seL4_PageBits);
    if (pend->hi != pend->lo && pend->hi == at) {
        pend->hi += page;
        return false;
    }
    if (pend->hi != pend->lo && pend->lo == at + page) {
        pend->lo = at;
        return false;
    }
    *out = *pend;
    *pend = (range_t){at, at + page};
    return out->hi != out->lo;
}

/* unmapPage: the address stays reserved (PROT_NONE) and in quarantine, so a stale access faults. */
void frame_unmap(cap_t *cap)
{
    range_t now;
    if (gather(&unmap_pending, cap->mapped_vaddr, &now)) {
        unmap_now(now);
    }
    cap->mapped_vaddr = 0;
}

/* Clear a frame's memory (made, or its last cap gone) by the end of the invocation: a page is
 * gathered like unmappings. */
void frame_clear_deferred(seL4_Word paddr, seL4_Word bytes)
{
    range_t now;
    if (bytes != BIT(seL4_PageBits)) {
        frame_clear(paddr, bytes);
    } else if (gather(&clear_pending, paddr, &now)) {
        frame_clear(now.lo, now.hi - now.lo);
    }
}

void frame_flush(void)
{
    if (unmap_pending.hi != unmap_pending.lo) {
        unmap_now(unmap_pending);
    }
    if (clear_pending.hi != clear_pending.lo) {
        frame_clear(clear_pending.lo, clear_pending.hi - clear_pending.lo);
    }
    unmap_pending = clear_pending = (range_t){0, 0};
}
