/*
 * The C11 atomics the queue uses, and the model of them that Frama-C sees. Compilers get
 * <stdatomic.h> itself; Frama-C (which does not know the __atomic builtins behind it) gets the
 * same names as plain accesses.
 */
#pragma once

#include <stdint.h>

#ifndef __FRAMAC__

#include <stdatomic.h>

/*
 * A 32-bit index or flag in a frame shared with another protection domain. The peer lives in
 * another address space, so the atomics must be address-free, which C11 promises only for
 * lock-free atomics (C11 7.17.5 note): a lock inside a libatomic would live in our private
 * memory and give the peer no exclusion at all.
 */
typedef _Atomic uint32_t sb_atomic_u32;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "shared-memory indices need lock-free 32-bit atomics");
_Static_assert(sizeof(sb_atomic_u32) == 4, "the shared layout assumes 4-byte atomic indices");

/*
 * ThreadSanitizer does not model atomic_thread_fence, and GCC warns wherever one is inlined.
 * The fences here order atomic accesses only (a flag store and an index load), on which TSan
 * has no race to report either way; their correctness is checked by the SPIN model instead.
 */
#if defined(__SANITIZE_THREAD__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wtsan"
#endif

/*
 * The signal flag's relaxed load and store, on the kick cycle (the ring's indices are acquire /
 * release; sb_queue_init's relaxed stores run before the frame is shared). A relaxed atomic
 * promises only that the access is single-copy atomic, and an aligned 32-bit load or store is
 * that on every architecture the bridge runs on (x86_64, AArch64, RISC-V), so it is made as a
 * volatile access of the word, as Linux's READ_ONCE and WRITE_ONCE do: the fences around it
 * order it. Why not the atomic itself: GCC 12 on AArch64 forms the address of an atomic at a
 * nonzero offset in a register first, an extra instruction at each of the kick cycle's six flag
 * accesses. ThreadSanitizer sees the atomics, which it models (a volatile access it would report
 * as a race).
 */
#if defined(__has_feature) /* clang's spelling of __SANITIZE_THREAD__ */
#if __has_feature(thread_sanitizer)
#define SB_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(SB_TSAN)
#define sb_flag_load(p) atomic_load_explicit((p), memory_order_relaxed)
#define sb_flag_store(p, v) atomic_store_explicit((p), (v), memory_order_relaxed)
#else
#define sb_flag_load(p) (*(volatile uint32_t *)(p))
#define sb_flag_store(p, v) ((void)(*(volatile uint32_t *)(p) = (v)))
#endif

#else /* __FRAMAC__ */

/*
 * The model WP and Eva verify against. Each queue operation runs in one thread and reads each
 * shared word at most once (it keeps its own index privately and never re-reads it), so, for the
 * properties proved here (functional results, memory safety, absence of undefined behaviour
 * within one thread), an aligned 32-bit atomic access behaves as a plain access: it returns some
 * value and stores the value given. What a peer may store between two operations is covered by
 * the contracts, which assume nothing about the peer's index except that it is some uint32_t.
 * The memory orders only constrain what other threads see, and when; that is the concern of the
 * SPIN model (proofs/spin/kick.pml), not of WP. A fence is therefore a no-op here.
 */
typedef uint32_t sb_atomic_u32;
#define atomic_load_explicit(obj, order) (*(obj))
#define atomic_store_explicit(obj, value, order) ((void)(*(obj) = (value)))
#define atomic_thread_fence(order) ((void)0)
#define sb_flag_load(p) (*(p))
#define sb_flag_store(p, v) ((void)(*(p) = (v)))

#endif /* __FRAMAC__ */
