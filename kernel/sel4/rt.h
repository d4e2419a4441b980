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

/* Platform slots below PLAT_FIRST_FREE_SLOT in every thread's own CSpace (1..3 as in plat.h). */
enum {
    RT_SLOT_SERIAL = 4, /* I/O port cap for COM1 */
    RT_SLOT_EXIT = 5,   /* I/O port cap for QEMU's isa-debug-exit */
    RT_SLOT_JOIN = 6,   /* the root's join notification, to signal on return */
    RT_SLOT_FAULT = 7,  /* the thread's fault endpoint, when it was given one */
};

/* PC hardware the console and exit use. */
#define RT_COM1_BASE 0x3f8
#define RT_DEBUG_EXIT_PORT 0xf4

/*
 * The shared address space. The image sits at its link address (0x400000); above it:
 *   thread area: one fixed stride per thread index: guard page, stack, guard page, IPC buffer
 *   map window: pages handed out by plat_frame_map
 * Page tables for both areas are made by plat_init, so any thread can map a frame into them
 * without needing the root's untyped memory.
 */
#define RT_MAX_THREADS 128
#define RT_STACK_PAGES 16
#define RT_THREAD_STRIDE (32UL << seL4_PageBits)
#define RT_THREAD_AREA 0x80000000UL
#define RT_MAP_WINDOW 0x100000000UL
#define RT_MAP_WINDOW_PAGES (1UL << 16) /* 256 MiB */

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

typedef struct rt_self {
    seL4_CPtr serial;    /* I/O port cap for COM1, in this thread's CSpace */
    seL4_CPtr exit_port; /* I/O port cap for isa-debug-exit */
    rt_maps_t *maps;     /* frames this thread mapped with plat_frame_map */
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

/* tls.c: lay out a static TLS block ending at @top; returns the thread pointer (FS base). */
size_t rt_tls_size(void);
seL4_Word rt_tls_init(void *top);

/* console.c */
void rt_console_init(void);
void rt_console_grant(seL4_CPtr thread_cnode);
int rt_vprintf(const char *fmt, va_list ap);

/* format.c: the printf engine, writing through @put. */
typedef void (*rt_put_fn)(char c, void *ctx);
int rt_vformat(rt_put_fn put, void *ctx, const char *fmt, va_list ap);

/* untyped.c */
void rt_untyped_init(void);
void rt_slots_init(void);
seL4_Error rt_retype(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits, seL4_CPtr slot);

/* vspace.c */
void rt_vspace_init(void);
void rt_maps_forget(rt_maps_t *maps);
seL4_Error rt_map_at(seL4_CPtr frame, seL4_Word vaddr);
