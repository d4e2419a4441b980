/*
 * <sel4/sel4.h> of the host model: the subset of libsel4 (x86_64, non-MCS) that sel4bridge uses,
 * with libsel4's names, types, constants and signatures, given seL4's semantics on Linux.
 */
#pragma once

#include <sel4/types.h>
#include <sel4/functions.h>
#include <sel4/syscalls.h>
#include <sel4/invocation.h>
#include <sel4/faults.h>
