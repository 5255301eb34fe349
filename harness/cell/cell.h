/*
 * cell.h: one (trace, allocator) cell in a process of its own. The parent
 * starts `fitbench __cell` (the same binary) with the allocator's library
 * preloaded when it has one, waits with a time limit, and turns whatever
 * happened into a row: the child's own row when it finished, else crash
 * (a signal), timeout, or error.
 *
 * The parent hands the loaded trace to the child in a memfd (a header and
 * the op array) that the child maps read-only: the child never parses and
 * never calls malloc before its replay, so a system allocator's footprint
 * statistic sees nothing but the trace's own requests. A second memfd, one
 * page both map, holds fb_alloc_calls, where the user's allocators count
 * their calls: a crash or a timeout row then says at which op.
 */
#ifndef FB_CELL_H
#define FB_CELL_H

#include "allocators.h"
#include "metrics.h"
#include "replay.h"

typedef struct fb_cell_spec {
    int trace_fd;             /* from fb_trace_share */
    const char *trace_name;   /* for the row when the child cannot say */
    const fb_allocator *alloc;
    const fb_replay_opts *opts;
    double timeout_s;
    uint64_t max_rss_kb;      /* resident memory the child may reach (KiB;
                                 0: no limit) before it is killed as `oom` */
} fb_cell_spec;

/* Runs the cell; fills row in every case. Returns 0 when the row's status
 * is ok, 1 when it is not, -1 when the run was interrupted (SIGINT/SIGTERM
 * reached the parent; the row says so). */
int fb_cell_run(const fb_cell_spec *spec, fb_row *row);

/* Remembers how this binary was started (main's argv[0]), to find it again
 * for the cells' exec. */
void fb_cell_set_argv0(const char *argv0);

/* Writes t into a new memfd for the cells of this trace; the fd, or -1
 * (errno set). Close it when the trace's cells are done. */
int fb_trace_share(const trace *t);

/* The child's side: `fitbench __cell ...`. The _with form looks
 * allocators up with `find` (tests register broken allocators this way). */
int fb_cell_main(int argc, char **argv);
int fb_cell_main_with(int argc, char **argv, const fb_allocator *(*find)(const char *));

/* Set by the signal handler the run command installs. */
extern volatile int fb_interrupted;

#endif
