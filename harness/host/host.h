/* The host front end of the harness: run metadata from Linux, thread pinning, Linux baselines. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "result.h"
#include "runner.h"

typedef enum { PIN_NONE, PIN_SPLIT, PIN_SAME } pin_policy_t;

/* Pin the calling thread for @role under @policy (set once by pin_configure). */
void pin_configure(pin_policy_t policy, int cpus);
void pin_thread(bench_role_t role);
const char *pin_describe(void);
pin_policy_t pin_policy(void);
/* Change the policy for the threads pinned from now on; returns the previous one. */
pin_policy_t pin_set_policy(pin_policy_t p);

/* Run metadata. Each fills @buf (of @len) and returns it, or a fallback string. */
const char *host_uuid4(char *buf, size_t len);
const char *host_utc_now(char *buf, size_t len);
const char *host_cpu_model(char *buf, size_t len);
const char *host_git_commit(char *buf, size_t len, int *dirty);
int host_cpu_count(void);

/* The Linux mechanisms a user would otherwise pick: round trip (beside call) and one-way wake-up
 * (beside notify), each measured like a task, with the two threads on two CPUs and on one
 * (unpinned only, when pinning is off). Returns how many entries were filled in @out. */
#define LINUX_BASELINE_COUNT 16u
uint32_t linux_baselines_run(const bench_config_t *cfg, bench_measurement_t *out);
