/* The portable conformance runner: runs tests by name in the current system and prints results. */
#pragma once

typedef struct {
    const char *name;
    int (*fn)(void);
} conformance_test_t;

extern const conformance_test_t conformance_tests[];
extern const unsigned conformance_test_count;

/* The test called @name, or NULL. */
const conformance_test_t *conformance_find(const char *name);
/* Run one test in the current system and clean up after it; 0 = pass. Prints PASS/FAIL. */
int conformance_run(const conformance_test_t *t);
/* Run every test in the current system, in order, and print a summary; returns failures. */
int conformance_run_all(void);
