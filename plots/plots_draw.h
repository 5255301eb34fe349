/*
 * plots_draw.h: the drawing stage of plots/ (draw.c), between loading
 * (plots_load.h) and the page (plots_report.h), called by plots.c.
 */
#ifndef PLOTS_DRAW_H
#define PLOTS_DRAW_H

#include "plots_set.h"

/* Draws every chart into DIR/plots/, recording in s->charts what became
 * of each; 0 when all went well, 1 when some failed, 2 for bad options
 * (an unknown --heapmap cell). */
int plots_draw(plots_set *s, const plots_opts *o);

#endif
