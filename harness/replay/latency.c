/*
 * latency.c: the latency pass's timer and histogram (see latency.h).
 */
#include "latency.h"

#include "clock.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define LAT_HAVE_TSC 1
#endif

static double lat_tpn;
static uint64_t lat_cost;


uint64_t lat_ticks(void) {
#ifdef LAT_HAVE_TSC
    _mm_lfence();
    return __rdtsc();
#else
    return fb_now_ns();
#endif
}

double lat_calibrate(void) {
    if (lat_tpn > 0)
        return lat_tpn;
#ifdef LAT_HAVE_TSC
    uint64_t n0 = fb_now_ns(), t0 = lat_ticks(), n1;
    do
        n1 = fb_now_ns();
    while (n1 - n0 < 20000000u);
    uint64_t t1 = lat_ticks();
    lat_tpn = (double)(t1 - t0) / (double)(n1 - n0);
    if (!(lat_tpn > 0))
        lat_tpn = 1;
#else
    lat_tpn = 1;
#endif
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 1000; i++) {
        uint64_t a = lat_ticks(), b = lat_ticks();
        if (b - a < best)
            best = b - a;
    }
    lat_cost = best;
    return lat_tpn;
}

uint64_t lat_overhead(void) { return lat_cost; }

static unsigned bucket_of(uint64_t ns) {
    if (ns < 16)
        return (unsigned)ns;
    unsigned lg = 63u - (unsigned)__builtin_clzll(ns);
    unsigned sub = (unsigned)(ns >> (lg - 3)) & 7u;
    unsigned b = 16 + (lg - 4) * 8 + sub;
    return b < LAT_BUCKETS ? b : LAT_BUCKETS - 1;
}

static uint64_t bucket_top(unsigned b) {
    if (b < 16)
        return b;
    unsigned lg = (b - 16) / 8 + 4, sub = (b - 16) % 8;
    return ((uint64_t)(8 + sub + 1) << (lg - 3)) - 1;
}

void lat_add(lat_histo *h, uint64_t ns) {
    h->count[bucket_of(ns)]++;
    h->total++;
    if (ns > h->max_ns)
        h->max_ns = ns;
}

uint64_t lat_quantile(const lat_histo *h, double q) {
    if (!h->total)
        return 0;
    uint64_t want = (uint64_t)(q * (double)h->total + 0.5), seen = 0;
    if (want < 1)
        want = 1;
    for (unsigned b = 0; b < LAT_BUCKETS; b++) {
        seen += h->count[b];
        if (seen >= want) {
            uint64_t top = bucket_top(b);
            return top < h->max_ns ? top : h->max_ns;
        }
    }
    return h->max_ns;
}

void lat_merge(lat_histo *into, const lat_histo *from) {
    for (unsigned b = 0; b < LAT_BUCKETS; b++)
        into->count[b] += from->count[b];
    into->total += from->total;
    if (from->max_ns > into->max_ns)
        into->max_ns = from->max_ns;
}

int lat_write_cdf(const lat_histo *h, FILE *out) {
    if (fprintf(out, "ns,cdf\n") < 0)
        return -1;
    uint64_t seen = 0;
    for (unsigned b = 0; b < LAT_BUCKETS && h->total; b++) {
        if (!h->count[b])
            continue;
        seen += h->count[b];
        uint64_t top = bucket_top(b);
        if (fprintf(out, "%llu,%.6f\n", (unsigned long long)(top < h->max_ns ? top : h->max_ns),
                    (double)seen / (double)h->total) < 0)
            return -1;
    }
    return 0;
}
