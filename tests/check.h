/*
 * Checks for the host-only test programs: each failed check prints where and what, and counts in
 * `failures`, so a program reports every failure of a run and exits non-zero if there was one.
 * (The conformance suite has its own, freestanding checks: tests/conformance/check.h.)
 */
#pragma once

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                                            \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);          \
            failures++;                                                                        \
        }                                                                                      \
    } while (0)

#define CHECK_EQ(a, b)                                                                         \
    do {                                                                                       \
        unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);         \
        if (a_ != b_) {                                                                        \
            fprintf(stderr, "%s:%d: %s == %llu, expected %llu\n", __FILE__, __LINE__, #a, a_,  \
                    b_);                                                                       \
            failures++;                                                                        \
        }                                                                                      \
    } while (0)
