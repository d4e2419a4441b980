/*
 * The VSpace of a component (a thread made with PLAT_AS_SEPARATE): one image, many VSpaces.
 * Every component sees the image's read-only pages (code, constants) read-only through copies of
 * the root's own image frame caps, its own stack, TLS and IPC buffer, and a window of its own for
 * plat_frame_map; nothing of the image's data or bss, nothing of another thread. Every object
 * (VSpace root, paging structures, the CNode holding the frame cap copies) is retyped from the
 * component's untyped, so the revoke of that untyped tears the whole VSpace down
 * (docs/isolation.md).
 */
#include "rt.h"


seL4_Error rt_objects_alloc(rt_objects_t *o, seL4_Word type, seL4_Word size_bits, seL4_CPtr *slot)
{
    if (o->n == RT_OBJECTS_MAX) {
        return seL4_NotEnoughMemory;
    }
    seL4_CPtr s = plat_slot_alloc();
    if (s == seL4_CapNull) {
        return seL4_NotEnoughMemory;
    }
    seL4_Error err = rt_retype(o->ut, type, size_bits, s);
    if (err != seL4_NoError) {
        plat_slot_free(s);
        return err;
    }
    o->slot[o->n++] = s;
    *slot = s;
    return seL4_NoError;
}

void rt_objects_forget(rt_objects_t *o)
{
    for (unsigned i = 0; i < o->n; i++) {
        plat_slot_free(o->slot[i]);
    }
    o->n = 0;
}

static seL4_Error paging_alloc(void *ctx, seL4_Word type, seL4_CPtr *slot)
{
    return rt_objects_alloc(ctx, type, 0, slot);
}

/* A paging object that was not needed: delete it (its memory comes back with the revoke). */
static void paging_discard(void *ctx, seL4_CPtr slot)
{
    rt_objects_t *o = ctx;
    RT_CHECK(seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits));
    for (unsigned i = 0; i < o->n; i++) {
        if (o->slot[i] == slot) {
            o->slot[i] = o->slot[--o->n];
            break;
        }
    }
    plat_slot_free(slot);
}

static seL4_Word page_down(seL4_Word v)
{
    return v & ~((1UL << seL4_PageBits) - 1);
}

static seL4_Word page_up(seL4_Word v)
{
    return page_down(v + (1UL << seL4_PageBits) - 1);
}

/* The lowest loaded address: seL4 hands the root one frame cap per page from there on. */
static seL4_Word image_base(void)
{
    unsigned n;
    const rt_elf_phdr_t *ph = rt_image_phdrs(&n);
    seL4_Word base = ~0UL;
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type == RT_PT_LOAD && ph[i].p_vaddr < base) {
            base = page_down(ph[i].p_vaddr);
        }
    }
    return base;
}

/* A page is read-only when a read-only segment covers it and no writable segment touches it. */
static bool page_writable(seL4_Word page)
{
    unsigned n;
    const rt_elf_phdr_t *ph = rt_image_phdrs(&n);
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type == RT_PT_LOAD && (ph[i].p_flags & RT_PF_W) &&
            page < page_up(ph[i].p_vaddr + ph[i].p_memsz) && page_down(ph[i].p_vaddr) <= page) {
            return true;
        }
    }
    return false;
}

/*
 * Map a copy of the root's frame cap @frame with @rights at @vaddr of @vspace and keep the copy
 * in slot @index of @cnode (a mapped cap keeps its mapping when it moves).
 */
static seL4_Error map_copy(rt_objects_t *o, seL4_CPtr frame, seL4_CapRights_t rights,
                           bool device, seL4_CPtr vspace, seL4_Word vaddr, seL4_CPtr cnode,
                           seL4_Word index)
{
    seL4_CPtr tmp = plat_slot_alloc();
    if (tmp == seL4_CapNull) {
        return seL4_NotEnoughMemory;
    }
    seL4_Error err = seL4_CNode_Copy(seL4_CapInitThreadCNode, tmp, seL4_WordBits,
                                     seL4_CapInitThreadCNode, frame, seL4_WordBits, rights);
    if (err == seL4_NoError) {
        err = rt_paging_ensure(vspace, vaddr, paging_alloc, paging_discard, o);
        if (err == seL4_NoError) {
            err = rt_page_map(tmp, vspace, vaddr, rights, device);
        }
        if (err == seL4_NoError) {
            err = seL4_CNode_Move(cnode, index, seL4_WordBits, seL4_CapInitThreadCNode, tmp,
                                  seL4_WordBits);
        } else {
            (void)seL4_CNode_Delete(seL4_CapInitThreadCNode, tmp, seL4_WordBits);
        }
    }
    plat_slot_free(tmp);
    return err;
}

/* Count (@cnode 0) or copy read-only and map (into @vspace) every read-only image page. */
static seL4_Error image_pages(seL4_CPtr cnode, seL4_CPtr vspace, rt_objects_t *o, unsigned *count)
{
    unsigned n;
    const rt_elf_phdr_t *ph = rt_image_phdrs(&n);
    seL4_Word base = image_base();
    *count = 0;
    for (unsigned i = 0; i < n; i++) {
        if (ph[i].p_type != RT_PT_LOAD || (ph[i].p_flags & RT_PF_W)) {
            continue;
        }
        seL4_Word end = page_up(ph[i].p_vaddr + ph[i].p_memsz);
        for (seL4_Word page = page_down(ph[i].p_vaddr); page < end; page += 1UL << seL4_PageBits) {
            if (page_writable(page)) {
                continue;
            }
            if (cnode != seL4_CapNull) {
                seL4_CPtr root_frame =
                    rt_bootinfo->userImageFrames.start + ((page - base) >> seL4_PageBits);
                seL4_Error err = map_copy(o, root_frame, seL4_CanRead, false, vspace, page,
                                          cnode, *count);
                if (err != seL4_NoError) {
                    return err;
                }
            }
            ++*count;
        }
    }
    return seL4_NoError;
}

/* A CNode of at least @slots slots from the component's untyped, addressed with depth
 * seL4_WordBits as every CNode here is. */
static seL4_Error guarded_cnode(rt_objects_t *o, seL4_Word slots, seL4_CPtr *cnode)
{
    seL4_Word bits = 4;
    while ((1UL << bits) < slots) {
        bits++;
    }
    seL4_Error err = rt_objects_alloc(o, seL4_CapTableObject, bits, cnode);
    if (err != seL4_NoError) {
        return err;
    }
    seL4_CPtr guarded = plat_slot_alloc();
    seL4_Word guard = seL4_CNode_CapData_new(0, seL4_WordBits - bits).words[0];
    err = guarded == seL4_CapNull ? seL4_NotEnoughMemory
                                  : seL4_CNode_Mutate(seL4_CapInitThreadCNode, guarded,
                                                      seL4_WordBits, seL4_CapInitThreadCNode,
                                                      *cnode, seL4_WordBits, guard);
    if (err == seL4_NoError) {
        /* The mutated cap left the original slot empty: keep the guarded one there. */
        RT_CHECK(seL4_CNode_Move(seL4_CapInitThreadCNode, *cnode, seL4_WordBits,
                                 seL4_CapInitThreadCNode, guarded, seL4_WordBits));
    }
    plat_slot_free(guarded);
    return err;
}

seL4_Error rt_component_share(rt_objects_t *o, seL4_CPtr vspace, seL4_Word addr, seL4_Word bytes)
{
    seL4_Word base = image_base();
    seL4_Word end = base + ((rt_bootinfo->userImageFrames.end - rt_bootinfo->userImageFrames.start)
                            << seL4_PageBits);
    seL4_Word first = page_down(addr), last = page_up(addr + bytes);
    if (bytes == 0 || addr + bytes < addr || first < base || last > end) {
        return seL4_RangeError;
    }
    for (seL4_Word page = first; page < last; page += 1UL << seL4_PageBits) {
        if (!page_writable(page)) {
            return seL4_InvalidArgument; /* code and constants are every component's already */
        }
    }
    seL4_CPtr cnode;
    seL4_Word n = (last - first) >> seL4_PageBits;
    seL4_Error err = guarded_cnode(o, n, &cnode);
    for (seL4_Word i = 0; i < n && err == seL4_NoError; i++) {
        seL4_Word page = first + (i << seL4_PageBits);
        err = map_copy(o, rt_bootinfo->userImageFrames.start + ((page - base) >> seL4_PageBits),
                       seL4_AllRights, false, vspace, page, cnode, i);
    }
    return err;
}

seL4_Error rt_component_vspace(rt_objects_t *o, const rt_page_t *pages, unsigned n,
                               seL4_Word window, seL4_CPtr *vspace)
{
    seL4_CPtr root, cnode;
    seL4_Error err = rt_objects_alloc(o, PLAT_VSPACE_OBJECT, 0, &root);
    if (err == seL4_NoError) {
        err = rt_vspace_assign(root);
    }
    if (err != seL4_NoError) {
        return err;
    }
    /* The frame cap copies live in a CNode of the component's untyped (the component's own
     * CSpace never holds them: it could not unmap or share the image pages). */
    unsigned count;
    (void)image_pages(seL4_CapNull, root, o, &count);
    err = guarded_cnode(o, count + n, &cnode);
    if (err != seL4_NoError) {
        return err;
    }
    err = image_pages(cnode, root, o, &count);
    for (unsigned i = 0; i < n && err == seL4_NoError; i++) {
        err = map_copy(o, pages[i].frame, seL4_AllRights, pages[i].device, root, pages[i].vaddr,
                       cnode, count + i);
    }
    if (err == seL4_NoError) {
        err = rt_paging_ensure(root, window, paging_alloc, paging_discard, o);
    }
    if (err == seL4_NoError) {
        *vspace = root;
    }
    return err;
}
