/*
 * The Cap'n Proto codec of sel4bridge: a reader and a builder for flat single-segment messages
 * held in a fixed array of words (seL4's message registers). Freestanding: no allocation, no libc
 * beyond memcpy/memset. Generated accessors for each schema live in codec/gen/.
 */
#pragma once

#include <sel4bridge/codec/build.h>
#include <sel4bridge/codec/read.h>
#include <sel4bridge/codec/status.h>
