/*
 * metrics.h: the one list of what a (trace, allocator) cell measures.
 *
 * FB_METRICS generates the row struct, the CSV header, the CSV row and the
 * JSON keys (output.c), so adding a metric is one line here plus the code
 * that computes it. Columns, in order, are the results.csv contract that
 * plots/ and the report read; tests/harness has a golden copy of the header.
 *
 * X(name, type, fmt, unit, description) with type one of:
 *   STR (char[64]), TXT (char[256], free text), U64, F64.
 * An F64 figure that cannot be computed for a cell is FB_UNDEF (figure.h):
 * empty in results.csv, null in results.json.
 */
#ifndef FB_METRICS_H
#define FB_METRICS_H

#include "figure.h"

#include <stdint.h>
#include <string.h>

#define FB_METRICS(X)                                                                       \
    X(trace, STR, "%s", "", "trace name")                                                   \
    X(allocator, STR, "%s", "", "allocator name")                                           \
    X(status, STR, "%s", "", "ok, partial, invalid, oom, crash, timeout, unavailable, error")\
    X(detail, TXT, "%s", "", "what went wrong, at which op")                                \
    X(ops, U64, "%" PRIu64, "", "ops in the trace")                                         \
    X(peak_payload, U64, "%" PRIu64, "bytes", "highest total live payload")                 \
    X(heap_peak, U64, "%" PRIu64, "bytes", "allocator footprint high-water mark")           \
    X(util, F64, "%.4f", "", "peak_payload / heap_peak")                                    \
    X(frag4, F64, "%.4f", "", "heap_peak / peak_payload - 1 (J&W measure 4)")               \
    X(frag3, F64, "%.4f", "", "footprint at its peak / live payload then - 1 (measure 3)")   \
    X(ext_frag, F64, "%.4f", "", "1 - largest free / total free, at the footprint peak")    \
    X(int_frag, U64, "%" PRIu64, "bytes", "bytes in used blocks beyond payload, at peak")   \
    X(rss_peak_kb, U64, "%" PRIu64, "KiB", "peak RSS of the cell's process")                \
    X(kops, F64, "%.1f", "Kops/s", "median replay throughput")                              \
    X(kops_min, F64, "%.1f", "Kops/s", "slowest repetition")                                \
    X(kops_max, F64, "%.1f", "Kops/s", "fastest repetition")                                \
    X(reps, U64, "%" PRIu64, "", "timed repetitions")                                       \
    X(replay_s, F64, "%.9g", "s", "median seconds of one replay")                           \
    X(faults, F64, "%.3f", "per 1000 ops", "minor page faults per 1000 ops, timed replays")  \
    X(lat_a_p50, U64, "%" PRIu64, "ns", "malloc latency, median")                           \
    X(lat_a_p99, U64, "%" PRIu64, "ns", "malloc latency, 99th percentile")                  \
    X(lat_a_p999, U64, "%" PRIu64, "ns", "malloc latency, 99.9th percentile")               \
    X(lat_a_max, U64, "%" PRIu64, "ns", "malloc latency, max")                              \
    X(lat_r_p50, U64, "%" PRIu64, "ns", "realloc latency, median")                          \
    X(lat_r_p99, U64, "%" PRIu64, "ns", "realloc latency, 99th percentile")                 \
    X(lat_r_p999, U64, "%" PRIu64, "ns", "realloc latency, 99.9th percentile")              \
    X(lat_r_max, U64, "%" PRIu64, "ns", "realloc latency, max")                             \
    X(lat_f_p50, U64, "%" PRIu64, "ns", "free latency, median")                             \
    X(lat_f_p99, U64, "%" PRIu64, "ns", "free latency, 99th percentile")                    \
    X(lat_f_p999, U64, "%" PRIu64, "ns", "free latency, 99.9th percentile")                 \
    X(lat_f_max, U64, "%" PRIu64, "ns", "free latency, max")                                \
    X(footprint_method, STR, "%s", "", "how heap_peak was measured (README, Footprints)") \
    X(space_ops, U64, "%" PRIu64, "", "ops the space figures cover (fewer: partial)")       \
    X(check_ops, U64, "%" PRIu64, "", "ops the correctness pass checked (fewer: partial)")  \
    X(timed_ops, U64, "%" PRIu64, "", "ops of each timed replay (fewer: partial)")          \
    X(lat_ops, U64, "%" PRIu64, "", "ops the latency pass timed (fewer: partial)")

#define FB_FIELD_STR(name) char name[64];
#define FB_FIELD_TXT(name) char name[256];
#define FB_FIELD_U64(name) uint64_t name;
#define FB_FIELD_F64(name) double name;

#define FB_METRIC_FIELD(name, type, fmt, unit, desc) FB_FIELD_##type(name)
typedef struct fb_row {
    FB_METRICS(FB_METRIC_FIELD)
} fb_row;
#undef FB_METRIC_FIELD

/* An empty row: no text, U64 counts 0, every F64 figure undefined until a
 * pass computes it. */
static inline void fb_row_clear(fb_row *row) {
    memset(row, 0, sizeof *row);
#define FB_CLEAR_STR(name)
#define FB_CLEAR_TXT(name)
#define FB_CLEAR_U64(name)
#define FB_CLEAR_F64(name) row->name = FB_UNDEF;
#define FB_CLEAR(name, type, fmt, unit, desc) FB_CLEAR_##type(name)
    FB_METRICS(FB_CLEAR)
#undef FB_CLEAR
#undef FB_CLEAR_STR
#undef FB_CLEAR_TXT
#undef FB_CLEAR_U64
#undef FB_CLEAR_F64
}

#endif
