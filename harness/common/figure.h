/*
 * figure.h: how fitbench holds a figure that is undefined, in the harness
 * (metrics.h's rows, summary.h's lines) and in plots/ alike.
 *
 * A figure is undefined when its formula has nothing to work on: util
 * of a trace with no ops or only size-0 allocations (0 / 0), a throughput
 * with no timed pass or no op to time, a summary over no trace where the
 * figure was defined. It is held as FB_UNDEF (a NaN) and tested only with
 * fb_defined(), never compared with a number. It is written as an empty
 * CSV field, null in JSON, "-" in the printed tables and in the report,
 * and it is left out of every mean; it is never shown as 0.
 */
#ifndef FB_FIGURE_H
#define FB_FIGURE_H

#include <math.h>

#define FB_UNDEF ((double)NAN)

/* The figure V has a value (it is neither FB_UNDEF nor an infinity). */
static inline int fb_defined(double v) { return isfinite(v); }

#endif
