/*
 * summary.c: the summary formulas and summary.csv's lines (contract in
 * summary.h). Linked by the run's writers (output.c, in fbharness) and by
 * plots/, so that a summary computed by either is the same figure.
 */
#include "summary.h"

#include <math.h>

void fb_summary_add(fb_summary_acc *a, int ok, double util, uint64_t ops, double replay_s)
{
    fb_summary_add_on(a, ok, util, ops, replay_s, 0);
}

void fb_summary_add_on(fb_summary_acc *a, int ok, double util, uint64_t ops, double replay_s,
                       unsigned m)
{
    a->traces++;
    if (!ok)
        return;
    a->ok++;
    a->machine_bits |= (uint64_t)1 << (m % 64);
    if (fb_defined(util)) {
        a->n_util++;
        a->util_sum += util;
    }
    /* The same test as the row's own kops (pass_time.c): ops timed in a
     * measurable time. */
    if (ops > 0 && fb_defined(replay_s) && replay_s > 0) {
        a->n_kops++;
        a->ops += (double)ops;
        a->secs += replay_s;
        a->log_kops_sum += log((double)ops / replay_s / 1000);
    }
}

double fb_summary_mean_util(const fb_summary_acc *a)
{
    return a->n_util ? a->util_sum / (double)a->n_util : FB_UNDEF;
}

double fb_summary_kops(const fb_summary_acc *a)
{
    return a->n_kops && a->secs > 0 ? a->ops / a->secs / 1000 : FB_UNDEF;
}

double fb_summary_kops_gmean(const fb_summary_acc *a)
{
    return a->n_kops ? exp(a->log_kops_sum / (double)a->n_kops) : FB_UNDEF;
}

double fb_summary_perf_index(uint64_t ok, double mean_util, double kops, double libc_kops)
{
    if (!ok || !fb_defined(mean_util) || !fb_defined(kops) || !fb_defined(libc_kops) ||
        !(libc_kops > 0))
        return FB_UNDEF;
    double t = kops / libc_kops;
    return 100.0 * (0.6 * mean_util + 0.4 * (t < 1 ? t : 1));
}

void fb_summary_fill(fb_summary_row *r, const fb_summary_acc *a, double libc_kops)
{
    r->traces = a->traces;
    r->ok = a->ok;
    r->mean_util = fb_summary_mean_util(a);
    r->kops = fb_summary_kops(a);
    r->kops_gmean = fb_summary_kops_gmean(a);
    r->perf_index = fb_summary_perf_index(a->ok, r->mean_util, r->kops, libc_kops);
    r->machines = (uint64_t)__builtin_popcountll(a->machine_bits);
}

#define SUMMARY_NAME(name, type, fmt, desc) fputs(first ? #name : "," #name, out), first = 0;
void fb_summary_csv_header(FILE *out)
{
    int first = 1;
    FB_SUMMARY_COLUMNS(SUMMARY_NAME)
    fputc('\n', out);
}

/* Names are written as they are: those of the allocator table need no
 * quoting in CSV. */
#define SUMMARY_VAL_STR(v, fmt) fputs(v ? v : "", out)
#define SUMMARY_VAL_U64(v, fmt) fprintf(out, fmt, v)
#define SUMMARY_VAL_F64(v, fmt) fprintf(out, fmt, fb_defined(v) ? v : 0.0)
#define SUMMARY_VAL_OPT(v, fmt) \
    if (fb_defined(v))          \
        fprintf(out, fmt, v)
#define SUMMARY_FIELD(name, type, fmt, desc) \
    if (!first)                              \
        fputc(',', out);                     \
    first = 0;                               \
    SUMMARY_VAL_##type(r->name, fmt);
void fb_summary_csv_row(FILE *out, const fb_summary_row *r)
{
    int first = 1;
    FB_SUMMARY_COLUMNS(SUMMARY_FIELD)
    fputc('\n', out);
}
