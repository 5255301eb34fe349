/*
 * clock.h: the harness's one clock, CLOCK_MONOTONIC, in seconds and in
 * nanoseconds, and the process's minor page faults so far. Every timing
 * the harness reports is read here (the latency pass's per-op cycle
 * counter is calibrated against it).
 */
#ifndef FB_CLOCK_H
#define FB_CLOCK_H

#include <stdint.h>
#include <sys/resource.h>
#include <time.h>

static inline uint64_t fb_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline double fb_now(void) { return (double)fb_now_ns() * 1e-9; }

/* Minor page faults of this process so far (getrusage). */
static inline uint64_t fb_minor_faults(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (uint64_t)ru.ru_minflt : 0;
}

#endif
