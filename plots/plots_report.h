/*
 * plots_report.h: the page of `fitbench report` (report.c, report_pick.c),
 * the last stage of plots/, called by plots.c after the charts are drawn.
 */
#ifndef PLOTS_REPORT_H
#define PLOTS_REPORT_H

#include "plots_set.h"

#include <stdio.h>

/* Writes DIR/report.html from a loaded and drawn set: 0, or 1 after a
 * message when the page cannot be written. */
int plots_report_write(plots_set *s);

/* report.c's HTML writers, shared with report_pick.c: text escaped; a
 * throughput in Kops/s; an allocator's colour swatch and name; a table
 * cell of FMT (NULL: as a throughput) of SCALE * V, "&ndash;" when V is
 * undefined (figure.h), in bold when BOLD. */
void plots_html_esc(FILE *f, const char *s);
void plots_html_kops(FILE *f, double v);
void plots_html_swatch(FILE *f, const plots_alloc *a);
void plots_html_fig(FILE *f, const char *fmt, double scale, double v, int bold);

/* report_pick.c: when pick.c left allocators out, the note under a chart
 * that says who is drawn and why (then REST), and the folded table of
 * every allocator's util (KOPS 0) or throughput (KOPS 1) by trace. */
void plots_report_picked(FILE *f, const plots_set *s, const char *rest);
void plots_report_all(FILE *f, const plots_set *s, int kops);

#endif
