/*
 * What the machine was doing during a run: load averages and online CPUs at its start and end,
 * and CPU 0's frequency governor where Linux exposes it. A run counts as loaded when other work
 * kept at least half the CPUs busy: the 1-minute load average at the start, or at the end less
 * the harness's own two measured threads, at least cpus / 2.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "host.h"

static bool read_load(double l[3])
{
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f) {
        return false;
    }
    bool ok = fscanf(f, "%lf %lf %lf", &l[0], &l[1], &l[2]) == 3;
    fclose(f);
    return ok;
}

void machine_start(bench_machine_t *m)
{
    static char governor[64];
    memset(m, 0, sizeof(*m));
    m->have_load = read_load(m->load_start);
    m->cpus_start = (uint32_t)host_cpu_count();
    FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "r");
    if (f) {
        if (fgets(governor, sizeof(governor), f)) {
            governor[strcspn(governor, "\n")] = 0;
            m->governor = governor;
        }
        fclose(f);
    }
}

void machine_end(bench_machine_t *m)
{
    static char reason[200];
    m->have_load = read_load(m->load_end) && m->have_load;
    m->cpus_end = (uint32_t)host_cpu_count();
    if (!m->have_load) {
        m->loaded = false;
        m->loaded_reason = "unknown: /proc/loadavg is not readable";
        return;
    }
    double half = (m->cpus_start < m->cpus_end ? m->cpus_start : m->cpus_end) / 2.0;
    double others_end = m->load_end[0] - 2.0;
    m->loaded = m->load_start[0] >= half || others_end >= half;
    snprintf(reason, sizeof(reason),
             "1-minute load average %.2f at the start, %.2f at the end (%.2f without the "
             "harness's two threads), on %u CPUs: %s", m->load_start[0], m->load_end[0],
             others_end > 0 ? others_end : 0.0, (unsigned)m->cpus_end,
             m->loaded ? "other work kept at least half of them busy"
                       : "less than half of them busy with other work");
    m->loaded_reason = reason;
}
