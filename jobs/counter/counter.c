/*
 * upc-counter: the reference job of UPC's tests, demo and benchmarks.
 *
 * It holds MEM MiB of resident memory filled with a deterministic pattern and prints one line per
 * tick: the tick number, the work done so far, a fresh checksum of the whole buffer and the wall-clock
 * time in milliseconds (at=…), so that two copies running at once show even for a moment. A job that
 * was checkpointed and restored correctly keeps counting from where it stopped and keeps printing
 * the checksum it printed before ("mem ok"); a broken restore shows up as a counter that restarts
 * from 1 or as "mem CORRUPT".
 *
 * usage: upc-counter [--mem MiB] [--ticks N] [--interval-ms MS] [--work UNITS] [--out DIR]
 *   --mem          resident memory to hold (default 0)
 *   --ticks        exit 0 after N ticks (default: run forever)
 *   --interval-ms  sleep between ticks (default 1000; 0 = no sleep)
 *   --work         CPU-bound mode: do UNITS units of work (each 4*10^8 xorshift steps, about one second of one core here), one tick per unit,
 *                  then exit 0; the output is the work's digest, so a restarted job is detectable
 *   --out          write a result file into DIR when done
 * Static, no libc beyond what -static links in, so it runs in a busybox image.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

static uint64_t checksum(const uint64_t *buf, size_t words) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < words; i++) {
        h ^= buf[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
    }
}

static uint64_t work_unit(uint64_t state) {
    /* xorshift steps: pure CPU, no memory traffic, deterministic */
    for (long i = 0; i < 400000000L; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
    }
    return state;
}

int main(int argc, char **argv) {
    long mem_mib = 0, ticks = -1, interval_ms = 1000, work = -1;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            fprintf(stderr, "upc-counter: %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "--mem")) mem_mib = atol(v);
        else if (!strcmp(a, "--ticks")) ticks = atol(v);
        else if (!strcmp(a, "--interval-ms")) interval_ms = atol(v);
        else if (!strcmp(a, "--work")) work = atol(v);
        else if (!strcmp(a, "--out")) out = v;
        else {
            fprintf(stderr, "upc-counter: unknown option %s\n", a);
            return 2;
        }
        i++;
    }
    if (mem_mib < 0 || interval_ms < 0) {
        fprintf(stderr, "upc-counter: negative --mem or --interval-ms\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);

    size_t words = (size_t)mem_mib * 1024 * 1024 / sizeof(uint64_t);
    uint64_t *buf = NULL;
    uint64_t expected = 0;
    if (words > 0) {
        buf = malloc(words * sizeof(uint64_t));
        if (buf == NULL) {
            fprintf(stderr, "upc-counter: cannot allocate %ld MiB\n", mem_mib);
            return 3;
        }
        uint64_t x = 0x9E3779B97F4A7C15ULL;
        for (size_t i = 0; i < words; i++) { /* touch every page */
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = x;
        }
        expected = checksum(buf, words);
    }
    printf("upc-counter start mem=%ldMiB sum=%016llx\n", mem_mib, (unsigned long long)expected);

    uint64_t state = 88172645463325252ULL;
    long limit = work >= 0 ? work : ticks;
    for (long tick = 1; limit < 0 || tick <= limit; tick++) {
        if (work >= 0) state = work_unit(state);
        else if (interval_ms > 0) sleep_ms(interval_ms);
        const char *mem = "none";
        if (words > 0) mem = checksum(buf, words) == expected ? "ok" : "CORRUPT";
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        printf("tick %ld state=%016llx mem %s at=%lld\n", tick, (unsigned long long)state, mem,
               (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000);
    }
    printf("upc-counter done state=%016llx\n", (unsigned long long)state);
    if (out != NULL) {
        char path[4096];
        snprintf(path, sizeof path, "%s/result.txt", out);
        FILE *f = fopen(path, "w");
        if (f == NULL || fprintf(f, "state=%016llx\n", (unsigned long long)state) < 0 || fclose(f) != 0) {
            fprintf(stderr, "upc-counter: cannot write %s\n", path);
            return 4;
        }
    }
    return 0;
}
