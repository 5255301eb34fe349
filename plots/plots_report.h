/*
 * plots_report.h: the page of `fitbench report` (report.c), the last
 * stage of plots/, called by plots.c after the charts are drawn.
 */
#ifndef PLOTS_REPORT_H
#define PLOTS_REPORT_H

#include "plots_set.h"

/* Writes DIR/report.html from a loaded and drawn set: 0, or 1 after a
 * message when the page cannot be written. */
int plots_report_write(plots_set *s);

#endif
