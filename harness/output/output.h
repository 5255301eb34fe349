/*
 * output.h: the results writers. results.csv and results.json have one row
 * per cell, with the columns of metrics.h; summary.csv one row per
 * allocator. Rows are written as cells finish (the CSV is flushed and the
 * JSON rewritten whole after each), so an interrupted run keeps what it
 * measured and both files stay valid.
 */
#ifndef FB_OUTPUT_H
#define FB_OUTPUT_H

#include "metrics.h"

#include <stdio.h>

typedef struct fb_results fb_results;

/* Opens DIR/results.csv and DIR/results.json (creating DIR), empty. NULL
 * with a message in err on failure. */
fb_results *fb_results_open(const char *dir, char *err, size_t errlen);
/* The same, starting with the NKEEP rows KEEP (measured on the machines
 * MACHINE[i]; NULL: all on machine 0): results.csv is replaced whole, at
 * once, so a kill leaves either the old file or the new one. */
fb_results *fb_results_open_with(const char *dir, const fb_row *keep, const unsigned *machine,
                                 size_t nkeep, char *err, size_t errlen);
/* Appends one row (in one write() to results.csv: never half a row);
 * 0 or -1 (I/O error). The _on form says which machine measured it
 * (summary.csv's machines column counts them). */
int fb_results_add(fb_results *r, const fb_row *row);
int fb_results_add_on(fb_results *r, const fb_row *row, unsigned machine);
size_t fb_results_count(const fb_results *r);
const fb_row *fb_results_row(const fb_results *r, size_t i);
/* Writes DIR/summary.csv and prints the classic per-allocator tables and
 * the summary to out (NULL: print nothing). 0 or -1. */
int fb_results_finish(fb_results *r, FILE *out);
void fb_results_close(fb_results *r);

/* The CSV header line (no newline), for tests and for readers. */
void fb_csv_header(FILE *out);
void fb_csv_row(FILE *out, const fb_row *row);
void fb_json_row(FILE *out, const fb_row *row);

/* Reads a results.csv back (results_read.c): its rows, columns found by
 * name (one absent is left zero, one unknown ignored; an empty figure is
 * FB_UNDEF). A last line without its newline (a write cut short) is
 * dropped and *torn set. 0 with *rows
 * (free it) and *n; 1 when PATH does not exist (*n = 0); -1 with a message
 * "PATH:LINE: what" in err. */
int fb_results_read(const char *path, fb_row **rows, size_t *n, int *torn, char *err,
                    size_t errlen);

#endif
