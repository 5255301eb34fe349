/*
 * gbout.c: Google Benchmark's JSON output as runs (contract in gbout.h).
 * The tree stays whole under the runs, so a reader may look at any key
 * of a run without this file knowing it.
 */
#include "gbout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ns per unit of the time_units Google Benchmark writes; 0 for others. */
static double gbout_unit_ns(const char *unit)
{
    static const struct {
        const char *name;
        double ns;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    if (!unit)
        return 1; /* the library's default unit, which older files leave out */
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(unit, units[i].name) == 0)
            return units[i].ns;
    return 0;
}

static double gbout_time(json_object *o, const char *key, double scale)
{
    double v;
    return scale > 0 && fb_jread_num(o, key, &v) == 0 ? v * scale : NAN;
}

int fb_gbout_load(fb_gbout *g, const char *path, char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    g->root = fb_jread_file(path, err, errlen);
    if (!g->root)
        return -1;
    json_object *arr = fb_jread_get(g->root, "benchmarks");
    if (!arr || !json_object_is_type(arr, json_type_array)) {
        snprintf(err, errlen, "%s: no \"benchmarks\" array; not Google Benchmark JSON output",
                 path);
        fb_gbout_free(g);
        return -1;
    }
    size_t n = json_object_array_length(arr);
    g->runs = calloc(n ? n : 1, sizeof *g->runs);
    if (!g->runs) {
        snprintf(err, errlen, "%s: out of memory", path);
        fb_gbout_free(g);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(o, json_type_object)) {
            snprintf(err, errlen, "%s: entry %zu of \"benchmarks\" is not an object", path,
                     i + 1);
            fb_gbout_free(g);
            return -1;
        }
        fb_gbout_run *r = &g->runs[g->n++];
        r->obj = o;
        r->name = fb_jread_str(o, "run_name");
        if (!r->name)
            r->name = fb_jread_str(o, "name");
        const char *type = fb_jread_str(o, "run_type");
        r->aggregate = type && strcmp(type, "aggregate") == 0;
        r->agg = fb_jread_str(o, "aggregate_name");
        if (!r->agg)
            r->agg = "";
        if (fb_jread_num(o, "repetitions", &r->repetitions) < 0)
            r->repetitions = 0;
        r->error = fb_jread_true(o, "error_occurred");
        r->error_message = fb_jread_str(o, "error_message");
        double scale = gbout_unit_ns(fb_jread_str(o, "time_unit"));
        r->real_ns = gbout_time(o, "real_time", scale);
        r->cpu_ns = gbout_time(o, "cpu_time", scale);
    }
    return 0;
}

void fb_gbout_free(fb_gbout *g)
{
    json_object_put(g->root);
    free(g->runs);
    memset(g, 0, sizeof *g);
}

int fb_gbout_counter(const fb_gbout_run *r, const char *name, double *out)
{
    return fb_jread_num(r->obj, name, out);
}
