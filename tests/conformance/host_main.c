/*
 * Host entry point of the conformance suite. With no argument it runs every test, each in a
 * fresh system (a forked child that calls plat_init), and prints a summary; with test names it
 * runs just those. A test that does not finish within its time limit fails.
 */
#include "runner.h"

#include <sel4bridge/plat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_TIME_LIMIT_S 30

/* 0 = passed; otherwise a failure, a crash or a timeout (reported). */
static int run_in_child(const conformance_test_t *t)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        alarm(TEST_TIME_LIMIT_S);
        plat_init();
        int r = conformance_run(t);
        exit(r == 0 ? 0 : 1); /* exit, not _exit: a leak checker runs at exit */
    }
    int status;
    if (waitpid(pid, &status, 0) < 0) {
        perror("waitpid");
        return 1;
    }
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        printf("FAIL %s (%s)\n", t->name,
               WTERMSIG(status) == SIGALRM ? "timed out" : strsignal(WTERMSIG(status)));
    }
    return 1;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && (strcmp(argv[1], "-l") == 0 || strcmp(argv[1], "--list") == 0)) {
        for (unsigned i = 0; i < conformance_test_count; i++) {
            printf("%s\n", conformance_tests[i].name);
        }
        return 0;
    }
    unsigned run = 0, failed = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            const conformance_test_t *t = conformance_find(argv[i]);
            if (!t) {
                fprintf(stderr, "no conformance test named %s\n", argv[i]);
                return 2;
            }
            run++;
            failed += run_in_child(t) != 0;
        }
    } else {
        printf("sel4bridge conformance suite on the host model of seL4: %u tests\n", conformance_test_count);
        for (unsigned i = 0; i < conformance_test_count; i++) {
            run++;
            failed += run_in_child(&conformance_tests[i]) != 0;
        }
        printf("\nconformance: %u tests, %u passed, %u failed\n", run, run - failed, failed);
    }
    return failed ? 1 : 0;
}
