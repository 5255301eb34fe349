/*
 * latency.h: per-op timing for the latency pass. A cycle-counter timer
 * (calibrated against CLOCK_MONOTONIC, its own cost measured and
 * subtracted) and a log-bucketed histogram: 8 buckets per power of two, so
 * a percentile is known to within 12.5%; values are reported as the
 * bucket's upper bound.
 */
#ifndef FB_LATENCY_H
#define FB_LATENCY_H

#include <stdint.h>
#include <stdio.h>

#define LAT_BUCKETS (16 + 8 * 44)

typedef struct lat_histo {
    uint64_t count[LAT_BUCKETS];
    uint64_t total, max_ns;
} lat_histo;

/* Calibrates once; returns ticks per ns (>0). */
double lat_calibrate(void);
uint64_t lat_ticks(void);
/* Timer cost in ticks, measured at calibration. */
uint64_t lat_overhead(void);
static inline uint64_t lat_to_ns(uint64_t ticks, double ticks_per_ns) {
    return (uint64_t)((double)ticks / ticks_per_ns + 0.5);
}

void lat_add(lat_histo *h, uint64_t ns);
/* Value at quantile q (0..1): the upper bound of its bucket, capped at max. */
uint64_t lat_quantile(const lat_histo *h, double q);
void lat_merge(lat_histo *into, const lat_histo *from);
/* Writes "ns,cdf" rows: one per non-empty bucket. Returns 0 or -1. */
int lat_write_cdf(const lat_histo *h, FILE *out);

#endif
