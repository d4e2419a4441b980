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

#endif /* __FRAMAC__ */
