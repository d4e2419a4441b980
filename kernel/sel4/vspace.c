/*
 * Frame mapping. plat_init makes the paging structures of the thread area and of the map window
 * of the root's address space up front (rt_paging_ensure, arch/<arch>/paging.c), so that later
 * mappings by any thread sharing it need only the page map invocation on a frame cap of its own
 * CSpace. A thread in a VSpace of its own (a component) maps into its own
 * window, whose page table plat_thread_create made (rt_self.window says which window).
 *
 * x86 seL4 silently replaces a present 4K entry on Page_Map, so the platform keeps its own
 * account of the window: a lock-free bitmap of its pages, and per thread a table from frame
 * cap (slot) to the address it was mapped at. Each map takes a fresh page and lets seL4 judge
 * the cap: a cap mapped already is refused (seL4_InvalidArgument, as seL4 refuses a second
 * address). A mapping lives exactly as long as its cap, so when a slot is mapped again, the
 * address recorded for it belonged to a cap since deleted or revoked, and is free again.
 * (A mapped frame cap moved to another slot keeps its mapping; map a cap in the slot it was
 * left in after that only when the moved one is gone.)
 */
#include "rt.h"

#include <stdatomic.h>

#define WINDOW_WORDS (RT_MAP_WINDOW_PAGES / 64)

static _Atomic uint64_t window_used[WINDOW_WORDS];
rt_window_t rt_root_window = {RT_MAP_WINDOW, WINDOW_WORDS, window_used, 0};

static seL4_Word page_size(void)
{
    return 1UL << seL4_PageBits;
}

static seL4_Error root_paging_alloc(void *ctx, seL4_Word type, seL4_CPtr *slot)
{
    (void)ctx;
    return plat_obj_alloc(type, 0, slot);
}

static void root_paging_discard(void *ctx, seL4_CPtr slot)
{
    (void)ctx;
    RT_CHECK(seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits));
    plat_slot_free(slot);
}

void rt_root_paging(seL4_Word vaddr)
{
    RT_CHECK(rt_paging_ensure(seL4_CapInitThreadVSpace, vaddr, root_paging_alloc,
                              root_paging_discard, NULL));
}

static void ensure_range(seL4_Word base, seL4_Word bytes)
{
    const seL4_Word pt_span = 1UL << (seL4_PageTableIndexBits + seL4_PageBits);
    for (seL4_Word v = base & ~(pt_span - 1); v < base + bytes; v += pt_span) {
        rt_root_paging(v);
    }
}

void rt_vspace_init(void)
{
    ensure_range(RT_THREAD_AREA, RT_MAX_THREADS * RT_THREAD_STRIDE);
    ensure_range(RT_MAP_WINDOW, RT_MAP_WINDOW_PAGES * page_size());
}

seL4_Error rt_map_at(seL4_CPtr frame, seL4_Word vaddr)
{
    return rt_page_map(frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite, false);
}

/* ---- the window's pages ---- */

static seL4_Word window_alloc(rt_window_t *win)
{
    unsigned long start = atomic_load_explicit(&win->hint, memory_order_relaxed);
    for (unsigned long i = 0; i < win->words; i++) {
        unsigned long w = (start + i) % win->words;
        uint64_t used = atomic_load_explicit(&win->used[w], memory_order_relaxed);
        while (used != UINT64_MAX) {
            int bit = __builtin_ctzll(~used);
            /* Relaxed is enough: the page's contents are ordered by the kernel's map. */
            if (atomic_compare_exchange_weak_explicit(&win->used[w], &used,
                                                      used | (1ULL << bit), memory_order_relaxed,
                                                      memory_order_relaxed)) {
                atomic_store_explicit(&win->hint, w, memory_order_relaxed);
                return win->base + ((w * 64 + (unsigned)bit) << seL4_PageBits);
            }
        }
    }
    return 0;
}

static void window_free(rt_window_t *win, seL4_Word vaddr)
{
    seL4_Word page = (vaddr - win->base) >> seL4_PageBits;
    atomic_fetch_and_explicit(&win->used[page / 64], ~(1ULL << (page % 64)),
                              memory_order_relaxed);
}

/* ---- per-thread table: frame slot -> address (linear probing, backward-shift deletion) ---- */

static size_t home(const rt_maps_t *m, seL4_CPtr frame)
{
    return (size_t)((frame * 0x9e3779b97f4a7c15ULL) >> 32) & (m->cap - 1);
}

static rt_map_entry_t *maps_find(rt_maps_t *m, seL4_CPtr frame)
{
    for (size_t i = home(m, frame);; i = (i + 1) & (m->cap - 1)) {
        if (m->e[i].frame == frame) {
            return &m->e[i];
        }
        if (m->e[i].frame == seL4_CapNull) {
            return NULL;
        }
    }
}

static bool maps_insert(rt_maps_t *m, seL4_CPtr frame, seL4_Word vaddr)
{
    if (m->n + 1 >= m->cap) {
        return false; /* keep one hole so that lookups end */
    }
    size_t i = home(m, frame);
    while (m->e[i].frame != seL4_CapNull) {
        i = (i + 1) & (m->cap - 1);
    }
    m->e[i] = (rt_map_entry_t){frame, vaddr};
    m->n++;
    return true;
}

static void maps_remove(rt_maps_t *m, rt_map_entry_t *e)
{
    size_t i = (size_t)(e - m->e);
    size_t j = i;
    for (;;) {
        j = (j + 1) & (m->cap - 1);
        if (m->e[j].frame == seL4_CapNull) {
            break;
        }
        size_t h = home(m, m->e[j].frame);
        /* Move e[j] into the hole at i unless its home lies cyclically in (i, j]. */
        bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
        if (!stays) {
            m->e[i] = m->e[j];
            i = j;
        }
    }
    m->e[i].frame = seL4_CapNull;
    m->n--;
}

void rt_maps_forget(rt_maps_t *m)
{
    for (size_t i = 0; i < m->cap; i++) {
        if (m->e[i].frame != seL4_CapNull) {
            window_free(&rt_root_window, m->e[i].vaddr);
            m->e[i].frame = seL4_CapNull;
        }
    }
    m->n = 0;
}

seL4_Error plat_frame_map(seL4_CPtr frame, void **vaddr)
{
    rt_maps_t *m = rt_self.maps;
    rt_window_t *win = rt_self.window;
    seL4_Word va = window_alloc(win);
    if (va == 0) {
        return seL4_NotEnoughMemory;
    }
    seL4_Error err = rt_map_at(frame, va);
    if (err != seL4_NoError) {
        window_free(win, va);
        return err;
    }
    rt_map_entry_t *e = maps_find(m, frame);
    if (e != NULL) {
        window_free(win, e->vaddr); /* the mapping of the slot's previous cap, gone with it */
        e->vaddr = va;
    } else if (!maps_insert(m, frame, va)) {
        (void)rt_page_unmap(frame);
        window_free(win, va);
        return seL4_NotEnoughMemory;
    }
    *vaddr = (void *)va;
    return seL4_NoError;
}

seL4_Error plat_frame_unmap(seL4_CPtr frame)
{
    seL4_Error err = rt_page_unmap(frame);
    rt_maps_t *m = rt_self.maps;
    rt_map_entry_t *e = maps_find(m, frame);
    if (e != NULL && (err == seL4_NoError || err == seL4_InvalidCapability)) {
        window_free(rt_self.window, e->vaddr);
        maps_remove(m, e);
    }
    return err;
}
