/*
 * What the harness prints when a measurement really hung: the host model's own account of which
 * thread waits on what (object, badge, notification word), when the model provides one. The
 * model prints the same account by itself when plat_thread_join finds every thread blocked; this
 * covers the other way a run can stop, no iteration completing while some thread still runs.
 * The account is linked weakly, so the harness builds against a model with or without it.
 */
#include <stdio.h>

#include "host.h"

void sim_report_blocked(FILE *out) __attribute__((weak));

void host_report_hang(FILE *out)
{
    if (sim_report_blocked) {
        fprintf(out, "sel4bridge-bench: the host model's account of who waits on what:\n");
        sim_report_blocked(out);
    } else {
        fprintf(out, "sel4bridge-bench: (this host model gives no account of blocked threads: "
                     "sim_report_blocked is not linked)\n");
    }
    fflush(out);
}
