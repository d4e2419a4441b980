/* The host front end of the harness: run metadata from Linux, thread pinning, Linux baselines. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* What the machine was doing (machine.c): call machine_start when the run starts and
 * machine_end when it ends; machine_end decides whether the run counts as loaded. */
void machine_start(bench_machine_t *m);
void machine_end(bench_machine_t *m);

/* After a real hang: the host model's account of which thread waits on what (hang.c). */
void host_report_hang(FILE *out);

/* Instruction counts under callgrind (icount.c). icount_run runs this program under callgrind
 * for the rows icount_applies to, fills their icount and judges them again; it returns how many
 * it counted, with *why saying why none when 0. icount_child is that program's side of it. */
extern const char *const icount_method;
bool icount_applies(const bench_case_t *c);
uint32_t icount_run(const char *dir, bench_result_t *results, uint32_t nr, const char **why);
int icount_child(int argc, char **argv);

/* The Linux mechanisms a user would otherwise pick: round trip (beside call) and one-way wake-up
 * (beside notify), each measured like a task, with the two threads on two CPUs and on one
 * (unpinned only, when pinning is off). Returns how many entries were filled in @out. */
#define LINUX_BASELINE_COUNT 16u
uint32_t linux_baselines_run(const bench_config_t *cfg, bench_measurement_t *out);
