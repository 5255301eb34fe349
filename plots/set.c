/*
 * set.c: the plots_set of plots_set.h: adding and finding its allocators
 * and traces, its per-cell files, the allocators' colours, its warnings
 * and errors, and freeing it.
 *
 * Where it sits: under every other file of plots/. The loaders (load*.c)
 * fill the set through it; the charts and the page only read the set.
 */
#include "diag.h"
#include "plots_set.h"

#include "allocators.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *plots_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void plots_error(const plots_set *s, const char *fmt, ...)
{
    (void)s;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fb_error("%s", msg);
}

void plots_warn(plots_set *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (msg) {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    fb_warn("%s", msg ? msg : fmt);
    char **nw = msg ? realloc(s->warnings, (s->nwarnings + 1) * sizeof *nw) : NULL;
    if (!nw) {
        free(msg);
        return;
    }
    s->warnings = nw;
    s->warnings[s->nwarnings++] = msg;
}

/* The allocators of `fitbench list` (the harness's one list), in its
 * order: the order of the allocators summary.csv does not name. */
size_t plots_alloc_rank(const char *name)
{
    for (size_t i = 0; i < fb_allocator_count(); i++)
        if (strcmp(fb_allocator_at(i)->name, name) == 0)
            return i;
    return fb_allocator_count();
}

const char *plots_alloc_label(plots_alloc *a)
{
    if (!a->group || strcmp(a->group, PLOTS_PICK_USER) != 0)
        return a->allocator;
    if (!a->label)
        a->label = plots_strf("%s (yours)", a->allocator);
    return a->label ? a->label : a->allocator;
}

long plots_alloc_find(const plots_set *s, const char *name)
{
    for (size_t i = 0; i < s->nallocs; i++)
        if (strcmp(s->allocs[i].allocator, name) == 0)
            return (long)i;
    return -1;
}

long plots_alloc_add(plots_set *s, const char *name)
{
    long i = plots_alloc_find(s, name);
    if (i >= 0)
        return i;
    plots_alloc *na = realloc(s->allocs, (s->nallocs + 1) * sizeof *na);
    if (!na)
        return -1;
    s->allocs = na;
    plots_alloc *a = &s->allocs[s->nallocs];
    memset(a, 0, sizeof *a);
    a->perf_index = FB_UNDEF; /* until read or computed */
    a->allocator = strdup(name);
    size_t k = plots_alloc_rank(name);
    a->group = strdup(k < fb_allocator_count() ? fb_allocator_at(k)->group : "");
    if (!a->allocator || !a->group) {
        free(a->allocator);
        free(a->group);
        return -1;
    }
    return (long)s->nallocs++;
}

long plots_trace_find(const plots_set *s, const char *name)
{
    for (size_t i = 0; i < s->ntraces; i++)
        if (strcmp(s->traces[i].name, name) == 0)
            return (long)i;
    return -1;
}

long plots_trace_add(plots_set *s, const char *name)
{
    long i = plots_trace_find(s, name);
    if (i >= 0)
        return i;
    plots_trace *nt = realloc(s->traces, (s->ntraces + 1) * sizeof *nt);
    if (!nt)
        return -1;
    s->traces = nt;
    plots_trace *t = &s->traces[s->ntraces];
    memset(t, 0, sizeof *t);
    t->name = strdup(name);
    if (!t->name)
        return -1;
    return (long)s->ntraces++;
}

/* --- the cells and their files ------------------------------------------ */

const plots_row *plots_cell(const plots_set *s, size_t ti, size_t ai)
{
    long i = s->cell[ti * s->nallocs + ai];
    return i >= 0 ? &s->rows[i] : NULL;
}

/* Names become part of a path: refuse what could leave the folder. */
static int set_name_ok(const char *n)
{
    return n[0] != '\0' && n[0] != '.' && !strchr(n, '/');
}

char *plots_cell_file(const plots_set *s, const char *sub, size_t ti, size_t ai)
{
    const char *t = s->traces[ti].name, *a = s->allocs[ai].allocator;
    if (!set_name_ok(t) || !set_name_ok(a))
        return NULL;
    char *p = plots_strf("%s/%s/%s__%s.csv", s->dir, sub, t, a);
    if (p && access(p, R_OK) != 0) {
        free(p);
        p = NULL;
    }
    return p;
}

void plots_row_free(plots_row *r)
{
#define SET_FREE_STR(name) free(r->name);
#define SET_FREE_TXT(name) free(r->name);
#define SET_FREE_U64(name)
#define SET_FREE_F64(name)
#define SET_FREE(name, type, fmt, unit, desc) SET_FREE_##type(name)
    FB_METRICS(SET_FREE)
#undef SET_FREE
}

/* Colours of the allocators, in allocator order (so an allocator has the
 * same colour in every chart and in the page's tables). Twenty cannot all
 * be far apart: the line charts also give each line its own point shape,
 * and beyond the list colours repeat. */
static const char *const set_palette[] = {
    "#1f5fbf", "#e06c00", "#2a8f3c", "#c8283d", "#7a4cc2", "#8a5a2b",
    "#d13fa4", "#59636b", "#9aa500", "#0097a7", "#0b2f7a", "#e0a100",
    "#63b04a", "#ff7f8e", "#9c8cf0", "#3d3d3d", "#b36b00", "#00705f",
    "#a82d10", "#52a5dc",
};
#define SET_NPAL (sizeof set_palette / sizeof set_palette[0])

const char *plots_color(size_t i) { return set_palette[i % SET_NPAL]; }

/* --- freeing ------------------------------------------------------------ */

void plots_set_free(plots_set *s)
{
    for (size_t i = 0; i < s->nrows; i++)
        plots_row_free(&s->rows[i]);
    free(s->rows);
    for (size_t i = 0; i < s->ntraces; i++) {
        free(s->traces[i].name);
        free(s->traces[i].safe);
    }
    free(s->traces);
    for (size_t i = 0; i < s->nallocs; i++) {
        free(s->allocs[i].allocator);
        free(s->allocs[i].group);
        free(s->allocs[i].label);
    }
    free(s->allocs);
    free(s->cell);
    json_object_put(s->meta);
    for (size_t i = 0; i < s->nbench; i++) {
        free(s->bench[i].name);
        free(s->bench[i].error);
    }
    free(s->bench);
    for (size_t i = 0; i < s->ncharts; i++) {
        free(s->charts[i].stem);
        free(s->charts[i].title);
        free(s->charts[i].note);
    }
    free(s->charts);
    for (size_t i = 0; i < s->nwarnings; i++)
        free(s->warnings[i]);
    free(s->warnings);
    free(s->dir);
    free(s->prog);
    memset(s, 0, sizeof *s);
}
