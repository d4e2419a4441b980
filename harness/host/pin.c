/* Thread pinning on the host: the timing thread and its peer on chosen CPUs (sched_setaffinity). */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>

#include "host.h"

static pin_policy_t policy = PIN_NONE;
static int ncpus = 1;
static char description[96] = "not pinned";

void pin_configure(pin_policy_t p, int cpus)
{
    ncpus = cpus > 0 ? cpus : 1;
    policy = (p == PIN_SPLIT && ncpus < 2) ? PIN_SAME : p;
    switch (policy) {
    case PIN_NONE:
        snprintf(description, sizeof(description), "not pinned (Linux schedules both threads)");
        break;
    case PIN_SPLIT:
        snprintf(description, sizeof(description),
                 "timing thread on CPU 0, its peer on CPU 1 (sched_setaffinity)");
        break;
    case PIN_SAME:
        snprintf(description, sizeof(description),
                 "timing thread and its peer both on CPU 0 (sched_setaffinity)");
        break;
    }
}

void pin_thread(bench_role_t role)
{
    if (policy == PIN_NONE) {
        return;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(policy == PIN_SPLIT && role == BENCH_ROLE_SERVER ? 1 : 0, &set);
    if (sched_setaffinity(0, sizeof(set), &set) != 0) {
        perror("sel4bridge-bench: sched_setaffinity");
    }
}

pin_policy_t pin_policy(void)
{
    return policy;
}

pin_policy_t pin_set_policy(pin_policy_t p)
{
    pin_policy_t old = policy;
    policy = (p == PIN_SPLIT && ncpus < 2) ? PIN_SAME : p;
    return old;
}

const char *pin_describe(void)
{
    return description;
}
