/*
 * trace_args.h: the traces a command is given: files, or folders whose
 * .rep and .rep.gz files are taken in name order. Every command that takes
 * traces (run, check, stats, the measurement tools) reads them here.
 */
#ifndef FB_TRACE_ARGS_H
#define FB_TRACE_ARGS_H

#include <stddef.h>

typedef struct trace_paths {
    char **paths;
    size_t n, cap;
} trace_paths;

/* Nonzero for a name ending in .rep or .rep.gz. */
int trace_is_file_name(const char *name);
/* Adds arg: a file as it is, a folder as its traces (sorted). 0, or -1
 * with "ARG: why" in err (missing, unreadable, a folder with no trace). */
int trace_paths_add(trace_paths *l, const char *arg, char *err, size_t errlen);
void trace_paths_free(trace_paths *l);

#endif
