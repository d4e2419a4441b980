/*
 * Internals of the seL4 root task shared by its files: the boot state, per-thread TLS state,
 * the platform's reserved slots, and the layout of the address space the threads share.
 */
#pragma once

#include <sel4/sel4.h>
#include <sel4bridge/plat.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf.h"
#include "arch.h" /* arch/<arch>/arch.h: RT_CONSOLE_PAGES, rt_console_t */

/* Platform slots below PLAT_FIRST_FREE_SLOT in every thread's own CSpace (1..3 as in plat.h;
 * 4 and 5 are the architecture's, for its console and exit). */
enum {
    RT_SLOT_JOIN = 6,  /* the root's join notification, to signal on return */
    RT_SLOT_FAULT = 7, /* the thread's fault endpoint, when it was given one */
};

/*
 * The address spaces. The image sits at its link address (0x400000); above it:
 *   thread area: one fixed stride per thread index: guard page, stack, guard page, IPC buffer
 *   map window: pages handed out by plat_frame_map to the root and the threads sharing its VSpace
 *   component windows: one per thread index, for a thread in a VSpace of its own
 * Page tables for the shared areas are made by plat_init, so any thread can map a frame into
 * them without needing the root's untyped memory; a component's are made by plat_thread_create.
 * A component's VSpace holds the image's read-only pages, its own stride of the thread area and
 * its own window, nothing else (docs/isolation.md): every address in it is either shared
 * read-only code and constants or its own, so no address learned from another component is
 * mapped in it.
 */
#define RT_MAX_THREADS 128
#define RT_STACK_PAGES 16
#define RT_THREAD_STRIDE (32UL << seL4_PageBits)
#define RT_THREAD_AREA 0x80000000UL
#define RT_MAP_WINDOW 0x100000000UL
#define RT_MAP_WINDOW_PAGES (1UL << 16) /* 256 MiB */
#define RT_COMPONENT_WINDOWS (RT_MAP_WINDOW + (RT_MAP_WINDOW_PAGES << seL4_PageBits))
#define RT_COMPONENT_WINDOW_PAGES 512UL /* 2 MiB: one page table */

/* What the platform keeps per thread, reached through TLS. */
typedef struct rt_map_entry {
    seL4_CPtr frame; /* 0 = free */
    seL4_Word vaddr;
} rt_map_entry_t;

typedef struct rt_maps {
    rt_map_entry_t *e;
    size_t cap; /* a power of two */
    size_t n;
} rt_maps_t;

/* Pages plat_frame_map hands out in one VSpace: a bitmap, shared by the threads of that VSpace. */
typedef struct rt_window {
    seL4_Word base;
    size_t words; /* pages / 64 */
    _Atomic uint64_t *used;
    _Atomic unsigned long hint;
} rt_window_t;

typedef struct rt_self {
    rt_console_t console; /* how this thread prints and exits (arch/<arch>/console.c) */
    rt_maps_t *maps;      /* frames this thread mapped with plat_frame_map */
    rt_window_t *window;  /* where it maps them */
} rt_self_t;

extern __thread rt_self_t rt_self;
extern seL4_BootInfo *rt_bootinfo;

/* start.c */
void rt_panic(const char *what, long err) __attribute__((noreturn));
#define RT_CHECK(expr)                                                                             \
    do {                                                                                           \
        seL4_Error rt_err_ = (expr);                                                               \
        if (rt_err_ != seL4_NoError) {                                                             \
            rt_panic(#expr, rt_err_);                                                              \
        }                                                                                          \
    } while (0)

/* console.c */
int rt_vprintf(const char *fmt, va_list ap);

/* format.c: the printf engine, writing through @put. */
typedef void (*rt_put_fn)(char c, void *ctx);
int rt_vformat(rt_put_fn put, void *ctx, const char *fmt, va_list ap);

/* untyped.c */
void rt_untyped_init(void);
void rt_slots_init(void);
seL4_Error rt_retype(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits, seL4_CPtr slot);
/* @n objects into the root slots from @slot on. */
seL4_Error rt_retype_n(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits, seL4_CPtr slot,
                       seL4_Word n);

/* device.c: a frame cap (root slot) for the device page at @paddr, from the device untyped that
 * covers it; seL4_FailedLookup when none does. */
seL4_Error rt_device_frame(seL4_Word paddr, seL4_CPtr *frame);

/* vspace.c */
extern rt_window_t rt_root_window;
void rt_vspace_init(void);
void rt_maps_forget(rt_maps_t *maps);
seL4_Error rt_map_at(seL4_CPtr frame, seL4_Word vaddr);
/* Make the paging structures for @vaddr in the root's VSpace, from its untyped pool. */
void rt_root_paging(seL4_Word vaddr);
/* A new paging object of @type in a root slot (seL4's error otherwise), and its disposal when
 * it was not needed after all. */
typedef seL4_Error (*rt_paging_alloc_fn)(void *ctx, seL4_Word type, seL4_CPtr *slot);
typedef void (*rt_paging_discard_fn)(void *ctx, seL4_CPtr slot);

/* tls.c: the image's program headers (from its loaded ELF header) and its PT_TLS, if any. */
const rt_elf_phdr_t *rt_image_phdrs(unsigned *count);
const rt_elf_phdr_t *rt_tls_phdr(void);

/* A page to map into a component at the address it has in the root's (a device frame: the
 * console's registers, mapped uncached). */
typedef struct rt_page {
    seL4_CPtr frame; /* root slot */
    seL4_Word vaddr;
    bool device;
} rt_page_t;

/*
 * ---- arch/<arch>/: what each architecture provides ----
 *
 * crt0.c: _start, seL4's entry of the initial thread: a stack, then rt_start(bootinfo).
 *
 * tls.c: lay out a static TLS block ending at @top (the ABI's variant for the architecture);
 * returns the thread pointer. rt_tls_size is the room it takes below @top.
 */
size_t rt_tls_size(void);
seL4_Word rt_tls_init(void *top);
void rt_tls_set_base(seL4_Word tp); /* the calling thread's thread pointer */
/* thread.c: the registers a new thread starts with: @pc called with @arg[0..3] on stack @sp,
 * thread pointer @tp. */
void rt_thread_regs(seL4_UserContext *regs, seL4_Word pc, seL4_Word sp, seL4_Word tp,
                    const seL4_Word arg[4]);
/* paging.c: make the paging structures missing for @vaddr in @vspace, objects from @alloc. */
seL4_Error rt_paging_ensure(seL4_CPtr vspace, seL4_Word vaddr, rt_paging_alloc_fn alloc,
                            rt_paging_discard_fn discard, void *ctx);
seL4_Error rt_page_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr,
                       seL4_CapRights_t rights, bool device);
seL4_Error rt_page_unmap(seL4_CPtr frame);
/* Whether a VM fault's status (seL4_VMFault_FSR) says the access was a write. */
bool rt_fault_is_write(seL4_Word fsr);
/* Give a new VSpace root (PLAT_VSPACE_OBJECT) an ASID from the root's ASID pool. */
seL4_Error rt_vspace_assign(seL4_CPtr vspace);
/* Size in bits of an object of an architecture's own type (as seL4's Arch_getObjectSize); 0
 * when @type is none of them. */
seL4_Word rt_arch_object_bits(seL4_Word type);
/* console.c: also plat_putchar and plat_exit. rt_console_init sets the root's console up;
 * rt_console_grant puts what a new thread needs into its CSpace (slots 4 and 5) and
 * rt_console_thread, run by that thread first, sets its rt_self.console from them; a component
 * also gets the pages rt_console_pages lists (at most RT_CONSOLE_PAGES) mapped into its VSpace. */
void rt_console_init(void);
void rt_console_grant(seL4_CPtr thread_cnode);
void rt_console_thread(void);
unsigned rt_console_pages(rt_page_t *pages);
/* clock.c: plat_cycles and plat_timer_hz; rt_clock_init, run once by plat_init before anything
 * reads the clock, starts the counter where user code must start it itself. */
void rt_clock_init(void);

/*
 * component.c: the objects of a component, retyped from one untyped into root slots that the
 * revoke of that untyped empties, and its VSpace.
 */
#define RT_OBJECTS_MAX 24
typedef struct rt_objects {
    seL4_CPtr ut;
    seL4_CPtr slot[RT_OBJECTS_MAX];
    unsigned n;
} rt_objects_t;
seL4_Error rt_objects_alloc(rt_objects_t *o, seL4_Word type, seL4_Word size_bits, seL4_CPtr *slot);
/* After the revoke of o->ut: give back the (now empty) slots. */
void rt_objects_forget(rt_objects_t *o);
/*
 * A new VSpace (a VSpace root, an ASID) holding the image's read-only pages (read-only), @pages
 * (read-write) and the page table of the window at @window. Its cap is left in *@vspace.
 */
seL4_Error rt_component_vspace(rt_objects_t *o, const rt_page_t *pages, unsigned n,
                               seL4_Word window, seL4_CPtr *vspace);
/* Map the root's writable image pages covering [@addr, @addr + @bytes) read-write into @vspace
 * at the same addresses (plat_thread_share). */
seL4_Error rt_component_share(rt_objects_t *o, seL4_CPtr vspace, seL4_Word addr, seL4_Word bytes);
