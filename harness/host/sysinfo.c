/* Run metadata from Linux: a UUID for the run, the time, the CPU model, the git commit. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "host.h"

const char *host_uuid4(char *buf, size_t len)
{
    unsigned char b[16];
    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
        /* No entropy source: still unique enough per machine and moment, and still a UUID. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = ((uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec) ^ (uint64_t)getpid();
        for (int i = 0; i < 16; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b[i] = (unsigned char)x;
        }
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(buf, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
    return buf;
}

const char *host_utc_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

const char *host_cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) {
        return buf;
    }
    char line[512];
    while (fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');
        if (colon && strncmp(line, "model name", 10) == 0) {
            colon++;
            colon += strspn(colon, " \t");
            colon[strcspn(colon, "\n")] = 0;
            snprintf(buf, len, "%s", colon);
            break;
        }
    }
    fclose(f);
    return buf;
}

int host_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* The commit of the source tree the harness was built from, asked of git at run time. */
const char *host_git_commit(char *buf, size_t len, int *dirty)
{
    snprintf(buf, len, "unknown");
    *dirty = -1;
    FILE *p = popen("git -C '" SB_SOURCE_DIR "' rev-parse HEAD 2>/dev/null", "r");
    if (!p) {
        return buf;
    }
    char line[128] = "";
    if (fgets(line, sizeof(line), p)) {
        line[strcspn(line, "\n")] = 0;
        if (strlen(line) == 40) {
            snprintf(buf, len, "%s", line);
        }
    }
    if (pclose(p) != 0 || strcmp(buf, "unknown") == 0) {
        return buf;
    }
    p = popen("git -C '" SB_SOURCE_DIR "' status --porcelain --untracked-files=no 2>/dev/null", "r");
    if (p) {
        *dirty = fgetc(p) != EOF;
        pclose(p);
    }
    return buf;
}
