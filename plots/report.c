/*
 * report.c: writes DIR/report.html from a loaded and drawn plots_set.
 *
 * Where it sits: the last step of `fitbench report`, after draw.c. The
 * page is one self-contained file: inline CSS, no script, no server; the
 * charts and data files are linked by paths relative to DIR, so the folder
 * can be moved or zipped and the page still opens from disk. Every text
 * that came from a file is HTML-escaped. A chart that could not be drawn
 * is replaced by a note saying why, never silently left out.
 *
 * Order of the page: summary table, overview charts, one section per trace
 * (table, timeline, latency CDF), heap map, Google Benchmark, machine and
 * versions, files, warnings.
 */
#include "plots_report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void plots_html_esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void bytes(FILE *f, double b)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    size_t k = 0;
    while (k + 1 < sizeof unit / sizeof unit[0] && b >= 1024)
        b /= 1024, k++;
    if (k == 0)
        fprintf(f, "%.0f&nbsp;B", b);
    else
        fprintf(f, "%.1f&nbsp;%s", b, unit[k]);
}

void plots_html_kops(FILE *f, double v)
{
    fprintf(f, v >= 100 ? "%.0f" : "%.1f", v);
}

/* A p99 cell; a kind of op that never ran (max 0) has none. */
static void latency(FILE *f, uint64_t p99, uint64_t max)
{
    if (max == 0)
        fputs("<td class=\"n\">&ndash;</td>", f);
    else
        fprintf(f, "<td class=\"n\">%" PRIu64 "</td>", p99);
}

/* A rate with an SI prefix: 41.0&nbsp;M. */
static void rate(FILE *f, double v)
{
    static const char *const pre[] = {"", "k", "M", "G"};
    size_t k = 0;
    while (k + 1 < sizeof pre / sizeof pre[0] && v >= 1000)
        v /= 1000, k++;
    fprintf(f, "%.1f&nbsp;%s", v, pre[k]);
}

static const char report_css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;"
    "color:#1d1d1f;background:#fafafa;line-height:1.45}\n"
    "main{max-width:1500px;margin:0 auto;padding:0 1.2em 3em}\n"
    "header{background:#1f3a5f;color:#fff;padding:1em 1.2em}\n"
    "header h1{margin:0;font-size:1.6em}header p{margin:.3em 0 0;opacity:.85}\n"
    "nav{background:#e9eef5;padding:.5em 1.2em;font-size:.95em}\n"
    "nav a{margin-right:1em}\n"
    "h2{border-bottom:2px solid #1f3a5f;padding-bottom:.2em;margin-top:2em}\n"
    "h3{margin-top:1.6em}\n"
    "table{border-collapse:collapse;margin:.6em 0;background:#fff;font-size:.93em}\n"
    "th,td{border:1px solid #d5d9e0;padding:.25em .6em;text-align:left;vertical-align:top}\n"
    "th{background:#eef1f6}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "td.bad{color:#a4001d;font-weight:600}\n"
    "td.warn{color:#8a5a00}\n"
    "tr.skip td{color:#777}\n"
    ".detail{font-weight:normal;color:#5c0011;font-size:.92em}\n"
    ".sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.4em;"
    "vertical-align:-.05em}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:1em}\n"
    "figure{margin:1em 0;background:#fff;border:1px solid #d5d9e0;padding:.5em}\n"
    "figure img{max-width:100%;height:auto;display:block;margin:0 auto}\n"
    "figcaption{font-size:.9em;color:#444;margin-top:.3em}\n"
    ".missing{border:1px dashed #b0b7c3;background:#fff;padding:1em;color:#555;margin:1em 0}\n"
    ".note{color:#555;font-size:.93em}\n"
    "code{background:#eef1f6;padding:0 .25em;border-radius:3px}\n";

/* A chart, or the note that says why it is missing. */
static void figure(FILE *f, const plots_chart *c, const char *caption)
{
    if (!c)
        return;
    if (!c->drawn) {
        fputs("<div class=\"missing\"><strong>", f);
        plots_html_esc(f, c->title);
        fputs("</strong>: not drawn (", f);
        plots_html_esc(f, c->note ? c->note : "unknown reason");
        fputs(").</div>\n", f);
        return;
    }
    fprintf(f, "<figure><a href=\"plots/%s.svg\"><img src=\"plots/%s.svg\" alt=\"", c->stem,
            c->stem);
    plots_html_esc(f, c->title);
    fputs("\" loading=\"lazy\"></a>", f);
    if (caption || c->png) {
        fputs("<figcaption>", f);
        if (caption)
            fputs(caption, f); /* captions are this file's own HTML */
        if (c->png)
            fprintf(f, "%s<a href=\"plots/%s.png\">PNG</a>", caption ? " " : "", c->stem);
        fputs("</figcaption>", f);
    }
    fputs("</figure>\n", f);
}

static const plots_chart *chart_of(const plots_set *s, plots_kind k, long trace)
{
    for (size_t i = 0; i < s->ncharts; i++)
        if (s->charts[i].kind == k && s->charts[i].trace == trace)
            return &s->charts[i];
    return NULL;
}

void plots_html_swatch(FILE *f, const plots_alloc *a)
{
    fprintf(f, "<span class=\"sw\" style=\"background:%s\"></span>", plots_color(a->color));
    plots_html_esc(f, a->allocator);
    if (a->group && !strcmp(a->group, "user")) /* -a mm:PATH, so:PATH */
        fputs(" <strong>(yours)</strong>", f);
}

/* --- sections ------------------------------------------------------------ */

/* A figure cell of a table: FMT of SCALE * V, "&ndash;" when V is
 * undefined (figure.h), in bold when BOLD. */
void plots_html_fig(FILE *f, const char *fmt, double scale, double v, int bold)
{
    fputs("<td class=\"n\">", f);
    if (!fb_defined(v)) {
        fputs("&ndash;</td>", f);
        return;
    }
    fputs(bold ? "<strong>" : "", f);
    if (fmt)
        fprintf(f, fmt, scale * v);
    else
        plots_html_kops(f, v);
    fputs(bold ? "</strong></td>" : "</td>", f);
}

static void report_summary(FILE *f, const plots_set *s)
{
    double best_u = -1, best_k = -1, best_g = -1, best_p = -1, libc_k = FB_UNDEF;
    for (size_t i = 0; i < s->nallocs; i++) {
        const plots_alloc *a = &s->allocs[i];
        if (!a->ok)
            continue;
        if (fb_defined(a->mean_util))
            best_u = fmax(best_u, a->mean_util);
        if (fb_defined(a->kops))
            best_k = fmax(best_k, a->kops);
        if (fb_defined(a->kops_gmean))
            best_g = fmax(best_g, a->kops_gmean);
        if (fb_defined(a->perf_index))
            best_p = fmax(best_p, a->perf_index);
        if (strcmp(a->allocator, FB_SUMMARY_REFERENCE) == 0)
            libc_k = a->kops;
    }
    fputs("<section id=\"summary\"><h2>Summary</h2>\n<p class=\"note\">One line per "
          "allocator over the traces it ran. <em>Mean util</em>: mean over the traces run "
          "ok of peak live payload / heap peak. <em>Kops/s</em>: op-weighted throughput "
          "(all ops over all replay seconds): how long a replay of the whole suite would "
          "take, which the slowest trace can decide alone. <em>gmean</em>: geometric mean "
          "of the per-trace throughputs, the typical speed on one trace. <em>Perf "
          "index</em> = 100 &times; (0.6 U + 0.4 min(1, T / T<sub>libc</sub>)), the malloc "
          "lab's index, against libc ", f);
    if (fb_defined(libc_k) && libc_k > 0) {
        fputs("measured in this same run (", f);
        plots_html_kops(f, libc_k);
        fputs(" Kops/s).", f);
    } else {
        fputs("&mdash; which did not run ok here, so there is no perf index.", f);
    }
    fputs(" A dash marks an undefined figure (a trace with no payload has no "
          "utilization, one with no op timed no throughput); no mean counts it.", f);
    if (!s->summary_file)
        fputs(" <strong>summary.csv was absent: these figures were computed from "
              "results.csv.</strong>", f);
    fputs(" Best of each column in bold.</p>\n<table>\n<tr><th>allocator</th><th>group</th>"
          "<th>traces ok</th><th>mean util</th><th>Kops/s</th><th>Kops/s gmean</th>"
          "<th>perf index</th></tr>\n", f);
    for (size_t i = 0; i < s->nallocs; i++) {
        const plots_alloc *a = &s->allocs[i];
        fprintf(f, "<tr%s><td>", a->ok ? "" : " class=\"skip\"");
        plots_html_swatch(f, a);
        fputs("</td><td>", f);
        plots_html_esc(f, a->group);
        fprintf(f, "</td><td class=\"n%s\">%" PRIu64 " / %" PRIu64 "</td>",
                a->ok < a->traces ? " warn" : "", a->ok, a->traces);
        int ok = a->ok != 0;
        plots_html_fig(f, "%.1f%%", 100, ok ? a->mean_util : FB_UNDEF, a->mean_util == best_u);
        plots_html_fig(f, NULL, 1, ok ? a->kops : FB_UNDEF, a->kops == best_k);
        plots_html_fig(f, NULL, 1, ok ? a->kops_gmean : FB_UNDEF, a->kops_gmean == best_g);
        plots_html_fig(f, "%.1f", 1, ok ? a->perf_index : FB_UNDEF, a->perf_index == best_p);
        fputs("</tr>\n", f);
    }
    fputs("</table>\n</section>\n", f);
}

static void report_overview(FILE *f, const plots_set *s)
{
    static const char rest[] = "Every allocator's figures are in the table below the chart.";
    fputs("<section id=\"charts\"><h2>Overview charts</h2>\n", f);
    figure(f, chart_of(s, PLOTS_K_UTIL, -1),
           "How much of the memory each allocator took held live data at its peak, trace "
           "by trace: higher is better. A cell that did not run ok shows its status "
           "instead of a bar.");
    plots_report_picked(f, s, rest);
    plots_report_all(f, s, 0);
    figure(f, chart_of(s, PLOTS_K_KOPS, -1),
           "Operations per second on each trace: higher is better; log scale, so equal "
           "gaps are equal ratios.");
    plots_report_picked(f, s, rest);
    plots_report_all(f, s, 1);
    figure(f, chart_of(s, PLOTS_K_TRADEOFF, -1),
           "Every allocator once: up and to the right is better, as many operations per "
           "second as possible with as little memory per byte of payload as possible.");
    fputs("</section>\n", f);
}

static void report_trace_index(FILE *f, const plots_set *s)
{
    fputs("<table>\n<tr><th>trace</th><th>ops</th><th>peak payload</th><th>cells ok</th>"
          "<th>best util</th><th>fastest</th></tr>\n", f);
    for (size_t t = 0; t < s->ntraces; t++) {
        const plots_trace *tr = &s->traces[t];
        long bu = -1, bk = -1;
        size_t ok = 0, cells = 0;
        for (size_t a = 0; a < s->nallocs; a++) {
            const plots_row *r = plots_cell(s, t, a);
            if (!r)
                continue;
            cells++;
            if (!r->ok)
                continue;
            ok++;
            if (fb_defined(r->util) && (bu < 0 || r->util > plots_cell(s, t, (size_t)bu)->util))
                bu = (long)a;
            if (fb_defined(r->kops) && (bk < 0 || r->kops > plots_cell(s, t, (size_t)bk)->kops))
                bk = (long)a;
        }
        fprintf(f, "<tr><td><a href=\"#trace-%s\">", tr->safe);
        plots_html_esc(f, tr->name);
        fprintf(f, "</a></td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">", tr->ops);
        bytes(f, (double)tr->peak_payload);
        fprintf(f, "</td><td class=\"n%s\">%zu / %zu</td><td>", ok < cells ? " warn" : "", ok,
                cells);
        if (bu >= 0) {
            plots_html_swatch(f, &s->allocs[bu]);
            fprintf(f, " (%.1f%%)", 100 * plots_cell(s, t, (size_t)bu)->util);
        }
        fputs("</td><td>", f);
        if (bk >= 0) {
            plots_html_swatch(f, &s->allocs[bk]);
            fputs(" (", f);
            plots_html_kops(f, plots_cell(s, t, (size_t)bk)->kops);
            fputs(" Kops/s)", f);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

static void report_trace(FILE *f, const plots_set *s, size_t t)
{
    const plots_trace *tr = &s->traces[t];
    fprintf(f, "<h3 id=\"trace-%s\">", tr->safe);
    plots_html_esc(f, tr->name);
    fprintf(f, "</h3>\n<p class=\"note\">%" PRIu64 " ops, peak live payload ", tr->ops);
    bytes(f, (double)tr->peak_payload);
    fputs(".</p>\n<table>\n<tr><th>allocator</th><th>status</th><th>util</th>"
          "<th>heap peak</th><th>Kops/s (min&ndash;max)</th>"
          "<th title=\"minor page faults per 1000 ops in the timed replays\">faults /1k ops</th>"
          "<th>malloc p99 ns</th>"
          "<th>realloc p99 ns</th><th>free p99 ns</th><th>peak RSS</th></tr>\n", f);
    for (size_t a = 0; a < s->nallocs; a++) {
        const plots_row *r = plots_cell(s, t, a);
        if (!r)
            continue;
        fputs("<tr><td>", f);
        plots_html_swatch(f, &s->allocs[a]);
        if (!r->ok) {
            /* Not installed is not a failure of the allocator. */
            int absent = strcmp(r->status, "unavailable") == 0;
            fprintf(f, "</td><td class=\"%s\">", absent ? "note" : "bad");
            plots_html_esc(f, r->status);
            if (r->detail && r->detail[0]) {
                fputs(" <span class=\"detail\">", f);
                plots_html_esc(f, r->detail);
                fputs("</span>", f);
            }
            fputs("</td><td colspan=\"8\" class=\"note\">not measured</td></tr>\n", f);
            continue;
        }
        fputs("</td><td>ok</td>", f);
        plots_html_fig(f, "%.1f%%", 100, r->util, 0);
        fputs("<td class=\"n\">", f);
        bytes(f, (double)r->heap_peak);
        fputs("</td><td class=\"n\">", f);
        if (fb_defined(r->kops)) {
            plots_html_kops(f, r->kops);
            fputs(" (", f);
            plots_html_kops(f, r->kops_min);
            fputs("&ndash;", f);
            plots_html_kops(f, r->kops_max);
            fputs(")", f);
        } else {
            fputs("&ndash;", f);
        }
        /* Many faults per op mean the figure beside it is mostly the
         * kernel's work: mark it so the reader sees it. */
        if (fb_defined(r->faults))
            fprintf(f, "</td><td class=\"n%s\">%.2f</td>", r->faults >= 1.0 ? " bad" : "",
                    r->faults);
        else
            fputs("</td><td class=\"n\">&ndash;</td>", f);
        latency(f, r->lat_a_p99, r->lat_a_max);
        latency(f, r->lat_r_p99, r->lat_r_max);
        latency(f, r->lat_f_p99, r->lat_f_max);
        fputs("<td class=\"n\">", f);
        bytes(f, 1024.0 * (double)r->rss_peak_kb);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<div class=\"grid\">\n", f);
    figure(f, chart_of(s, PLOTS_K_TIMELINE, (long)t),
           "The gap between an allocator's line and the dashed payload line is memory it "
           "holds but the program does not use.");
    figure(f, chart_of(s, PLOTS_K_LATENCY, (long)t),
           "Further left is faster; the dotted line marks the 99th percentile.");
    fputs("</div>\n", f);
    plots_report_picked(f, s, "Every allocator's figures are in the table above.");
}

/* The real-program comparison, when `fitbench programs` wrote its chart
 * and CSV into this folder. */
static void report_programs(FILE *f, const plots_set *s)
{
    char *svg = plots_strf("%s/programs.svg", s->dir);
    int have = svg && access(svg, R_OK) == 0;
    free(svg);
    fputs("<section id=\"programs\"><h2>Real programs</h2>\n", f);
    if (!have) {
        fputs("<p class=\"missing\">No <code>programs.svg</code> in this folder: run "
              "<code>make programs</code> to time real programs under each policy.</p>\n"
              "</section>\n", f);
        return;
    }
    fputs("<figure><img src=\"programs.svg\" alt=\"real programs: time and peak RSS "
          "relative to glibc\"><figcaption>Wall time and peak RSS of each program under each "
          "allocator, relative to glibc (1 = the same); numbers in <a "
          "href=\"programs.csv\">programs.csv</a>.</figcaption></figure>\n</section>\n", f);
}

static void report_bench(FILE *f, const plots_set *s)
{
    fputs("<section id=\"bench\"><h2>Google Benchmark</h2>\n", f);
    if (!s->bench_present) {
        fputs("<p class=\"missing\">No <code>bench.json</code> in this folder: run "
              "<code>make bench</code> to add the micro-benchmarks.</p>\n</section>\n", f);
        return;
    }
    if (!s->bench) {
        fputs("<p class=\"missing\"><code>bench.json</code> could not be read; see the "
              "warnings at the end of the page.</p>\n</section>\n", f);
        return;
    }
    figure(f, chart_of(s, PLOTS_K_BENCH_PAIR, -1),
           "The cost of one malloc and free pair, by request size: lower is better.");
    figure(f, chart_of(s, PLOTS_K_BENCH_RANDOM, -1),
           "The cost of one operation with random sizes and 10,000 blocks live: lower is "
           "better.");
    figure(f, chart_of(s, PLOTS_K_BENCH_REPLAY, -1),
           "Whole-trace replays under Google Benchmark's timing: higher is better; log "
           "scale.");
    fputs("<p class=\"note\">Every benchmark of <a href=\"bench.json\">bench.json</a> (the "
          "median when it was repeated):</p>\n<table>\n<tr><th>benchmark</th>"
          "<th>real ns</th><th>CPU ns</th><th>items/s</th><th>util</th></tr>\n", f);
    for (size_t i = 0; i < s->nbench; i++) {
        const plots_bench *b = &s->bench[i];
        fputs("<tr><td>", f);
        plots_html_esc(f, b->name);
        if (b->error) {
            fputs("</td><td colspan=\"4\" class=\"bad\">error: ", f);
            plots_html_esc(f, b->error);
            fputs("</td></tr>\n", f);
            continue;
        }
        fprintf(f, "</td><td class=\"n\">%.1f</td><td class=\"n\">%.1f</td><td class=\"n\">",
                b->real_ns, b->cpu_ns);
        if (b->items_ps > 0)
            rate(f, b->items_ps);
        else
            fputs("&ndash;", f);
        fputs("</td><td class=\"n\">", f);
        if (b->util >= 0)
            fprintf(f, "%.1f%%", 100 * b->util);
        else
            fputs("&ndash;", f);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</section>\n", f);
}

/* A value of meta.json as text: strings as they are, numbers in %.10g,
 * lists joined with commas, objects one key per line. */
static void json_value_text(FILE *f, json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string: plots_html_esc(f, fb_jread_text(v)); break;
    case json_type_int:
    case json_type_double: fprintf(f, "%.10g", json_object_get_double(v)); break;
    case json_type_boolean: fputs(json_object_get_boolean(v) ? "true" : "false", f); break;
    case json_type_null: fputs("&ndash;", f); break;
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            if (i)
                fputs(", ", f);
            json_value_text(f, json_object_array_get_idx(v, i));
        }
        break;
    case json_type_object: {
        int first = 1;
        json_object_object_foreach(v, key, val) {
            if (!first)
                fputs("<br>", f);
            first = 0;
            plots_html_esc(f, key);
            fputs(": ", f);
            json_value_text(f, val);
        }
        break;
    }
    }
}

static void report_machine(FILE *f, const plots_set *s)
{
    fputs("<section id=\"machine\"><h2>Machine and versions</h2>\n", f);
    if (!s->meta) {
        fputs("<p class=\"missing\">No readable <code>meta.json</code>: the machine this "
              "ran on is not known.</p>\n</section>\n", f);
        return;
    }
    fputs("<table>\n", f);
    json_object_object_foreach(s->meta, key, val) {
        fputs("<tr><th>", f);
        plots_html_esc(f, key);
        fputs("</th><td>", f);
        json_value_text(f, val);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</section>\n", f);
}

static void report_files(FILE *f, const plots_set *s)
{
    static const char *const files[][2] = {
        {"results.csv", "one row per trace &times; allocator, every metric"},
        {"summary.csv", "one row per allocator"},
        {"results.json", "the rows of results.csv as JSON"},
        {"meta.json", "machine and versions"},
        {"bench.json", "Google Benchmark's output"},
        {"programs.csv", "real programs under each allocator (fitbench programs)"},
        {"plots/data/", "the data each chart was drawn from"},
    };
    fputs("<section id=\"files\"><h2>Files</h2>\n<ul>\n", f);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = plots_strf("%s/%s", s->dir, files[i][0]);
        int there = p && access(p, F_OK) == 0;
        free(p);
        if (there)
            fprintf(f, "<li><a href=\"%s\">%s</a>: %s</li>\n", files[i][0], files[i][0],
                    files[i][1]);
        else
            fprintf(f, "<li>%s: absent</li>\n", files[i][0]);
    }
    fputs("</ul>\n<p class=\"note\">Redraw the charts and this page from these files with "
          "<code>fitbench report DIR</code>.</p>\n</section>\n", f);
}

static void report_body(FILE *f, const plots_set *s)
{
    const char *host = fb_jread_str(s->meta, "host");
    const char *date = fb_jread_str(s->meta, "date");
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<title>fitbench report", f);
    if (host) {
        fputs(" &ndash; ", f);
        plots_html_esc(f, host);
    }
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header><h1>fitbench "
               "report</h1>\n<p>", report_css);
    fprintf(f, "%zu traces &times; %zu allocators", s->ntraces, s->nallocs);
    if (host) {
        fputs(" on ", f);
        plots_html_esc(f, host);
    }
    if (date) {
        fputs(", ", f);
        plots_html_esc(f, date);
    }
    fputs("</p></header>\n<nav><a href=\"#summary\">Summary</a><a href=\"#charts\">Charts"
          "</a><a href=\"#traces\">Traces</a><a href=\"#heapmap\">Heap map</a><a href=\""
          "#bench\">Benchmarks</a><a href=\"#machine\">Machine</a><a href=\"#files\">Files"
          "</a>", f);
    if (s->nwarnings)
        fprintf(f, "<a href=\"#warnings\">Warnings (%zu)</a>", s->nwarnings);
    fputs("</nav>\n<main>\n", f);

    report_summary(f, s);
    report_overview(f, s);
    fputs("<section id=\"traces\"><h2>Traces</h2>\n", f);
    report_trace_index(f, s);
    for (size_t t = 0; t < s->ntraces; t++)
        report_trace(f, s, t);
    fputs("</section>\n<section id=\"heapmap\"><h2>Heap map</h2>\n<p class=\"note\">Blocks "
          "along the address range at the moment the footprint peaked, wrapped into rows; "
          "free blocks between used ones are the fragmentation. By default the cell whose "
          "heap was the most fragmented at that moment (the highest ext_frag of "
          "results.csv); choose another with <code>fitbench report --heapmap "
          "TRACE/ALLOC DIR</code>.</p>\n", f);
    figure(f, chart_of(s, PLOTS_K_HEAPMAP, s->heap_ti),
           "Many orange stretches between blue ones mean free memory cut into pieces "
           "that a large request cannot use.");
    fputs("</section>\n", f);
    report_bench(f, s);
    report_programs(f, s);
    report_machine(f, s);
    report_files(f, s);
    if (s->nwarnings) {
        fputs("<section id=\"warnings\"><h2>Warnings</h2>\n<ul>\n", f);
        for (size_t i = 0; i < s->nwarnings; i++) {
            fputs("<li>", f);
            plots_html_esc(f, s->warnings[i]);
            fputs("</li>\n", f);
        }
        fputs("</ul>\n</section>\n", f);
    }
    fputs("</main>\n</body>\n</html>\n", f);
}

int plots_report_write(plots_set *s)
{
    char *path = plots_strf("%s/report.html", s->dir);
    char *tmp = plots_strf("%s/.report.html.tmp", s->dir);
    if (!path || !tmp) {
        plots_error(s, "out of memory");
        free(path);
        free(tmp);
        return 1;
    }
    /* Written aside and renamed, so a reader never sees half a page. */
    FILE *f = fopen(tmp, "w");
    int rc = 0;
    if (!f) {
        plots_error(s, "cannot write %s: %s", tmp, strerror(errno));
        rc = 1;
    } else {
        report_body(f, s);
        int bad = ferror(f);
        if (fclose(f) != 0 || bad) {
            plots_error(s, "write error on %s", tmp);
            rc = 1;
        } else if (rename(tmp, path) != 0) {
            plots_error(s, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
            rc = 1;
        }
        if (rc)
            unlink(tmp);
    }
    free(path);
    free(tmp);
    return rc;
}
