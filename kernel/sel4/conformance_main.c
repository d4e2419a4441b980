/*
 * The conformance suite as a root task on seL4: the same tests and runner as on the host model
 * (tests/conformance), all in one system, in list order; exit status = the number that failed.
 */
#include "runner.h"

#include <sel4bridge/plat.h>

int main(void)
{
    plat_init();
    plat_printf("sel4bridge conformance suite on seL4: %u tests\n", conformance_test_count);
    return conformance_run_all();
}
