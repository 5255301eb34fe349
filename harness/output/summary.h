/*
 * summary.h: the per-allocator summary of a run, the one place for its
 * formulas and its columns. output.c writes it to summary.csv at the end
 * of `fitbench run`; plots/ reads that file and computes the same figures
 * from results.csv for the allocators it lacks (an interrupted run).
 *
 * Over the traces an allocator ran with status ok, each figure over those
 * where the trace's own figure is defined (figure.h: util is undefined for
 * a trace with no payload, throughput for one with no op timed):
 *   mean_util  = the mean of util (the classic definition, per trace)
 *   kops       = total ops / total median replay seconds / 1000: the
 *                throughput weighted by ops, as the classic driver totals
 *                it; how long a replay of the whole suite would take
 *   kops_gmean = the geometric mean of the per-trace throughputs: the
 *                typical speed on one trace, which one slow trace cannot
 *                decide alone
 *   perf_index = 100 * (0.6 * mean_util + 0.4 * min(1, kops / kops_libc)),
 *                the classic index, with kops_libc measured by the same run
 *                (FB_SUMMARY_REFERENCE).
 * A figure with nothing to work on (no such trace, or libc's throughput
 * unknown for perf_index) is FB_UNDEF, an empty field in summary.csv.
 *   machines   = how many machines measured those ok rows: 1 for a run, more
 *                for a folder merged from parts run elsewhere (fitbench
 *                merge), whose throughput figures then do not compare.
 */
#ifndef FB_SUMMARY_H
#define FB_SUMMARY_H

#include "figure.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

/* The allocator every perf index is measured against. */
#define FB_SUMMARY_REFERENCE "libc"

/* The columns of summary.csv, in order: X(name, type, fmt, description),
 * type one of STR (text), U64, F64, OPT (a double that may be undefined,
 * FB_UNDEF, written as an empty field). */
#define FB_SUMMARY_COLUMNS(X)                                                          \
    X(allocator, STR, "%s", "allocator name")                                          \
    X(group, STR, "%s", "fit, seed, system, baseline, or empty when unknown")          \
    X(traces, U64, "%" PRIu64, "traces it ran")                                        \
    X(ok, U64, "%" PRIu64, "... of which with status ok")                              \
    X(mean_util, OPT, "%.4f", "mean utilization over the ok traces, a fraction")       \
    X(kops, OPT, "%.1f", "op-weighted throughput over the ok traces, Kops/s")          \
    X(kops_gmean, OPT, "%.1f", "geometric mean of the ok traces' throughput, Kops/s")  \
    X(perf_index, OPT, "%.1f", "classic perf index against libc of the same run, 0..100") \
    X(machines, U64, "%" PRIu64, "machines the ok rows were measured on; over 1: not comparable")

#define FB_SUMMARY_FIELD_STR(name) const char *name;
#define FB_SUMMARY_FIELD_U64(name) uint64_t name;
#define FB_SUMMARY_FIELD_F64(name) double name;
#define FB_SUMMARY_FIELD_OPT(name) double name;
#define FB_SUMMARY_FIELD(name, type, fmt, desc) FB_SUMMARY_FIELD_##type(name)
/* One line of summary.csv. */
typedef struct fb_summary_row {
    FB_SUMMARY_COLUMNS(FB_SUMMARY_FIELD)
} fb_summary_row;
#undef FB_SUMMARY_FIELD

/* What the formulas need from one allocator's rows, added up. */
typedef struct fb_summary_acc {
    uint64_t traces, ok;
    uint64_t n_util, n_kops; /* ok traces whose util, throughput is defined */
    double util_sum, ops, secs, log_kops_sum;
    uint64_t machine_bits; /* bit m: an ok row measured on machine m (mod 64) */
} fb_summary_acc;

/* Adds one row of results.csv: its status is ok or not, and its util, ops
 * and replay_s (read only when ok; an undefined util is left out, and so
 * is the throughput of a trace with no op or no timed replay). */
void fb_summary_add(fb_summary_acc *a, int ok, double util, uint64_t ops, double replay_s);
/* The same for a row measured on machine M (a merged folder's part;
 * fb_summary_add: machine 0). */
void fb_summary_add_on(fb_summary_acc *a, int ok, double util, uint64_t ops, double replay_s,
                       unsigned m);
/* mean_util, kops and kops_gmean; FB_UNDEF when no trace defines them. */
double fb_summary_mean_util(const fb_summary_acc *a);
double fb_summary_kops(const fb_summary_acc *a);
double fb_summary_kops_gmean(const fb_summary_acc *a);
/* The perf index of an allocator with these figures; FB_UNDEF when it has
 * no ok trace, when a figure is undefined, or when libc_kops is not a
 * positive figure (libc did not run). */
double fb_summary_perf_index(uint64_t ok, double mean_util, double kops, double libc_kops);
/* Fills traces, ok, mean_util, kops, kops_gmean, perf_index and machines of R
 * from A. */
void fb_summary_fill(fb_summary_row *r, const fb_summary_acc *a, double libc_kops);

/* summary.csv's header line and one row, each with its newline. */
void fb_summary_csv_header(FILE *out);
void fb_summary_csv_row(FILE *out, const fb_summary_row *r);

#endif
