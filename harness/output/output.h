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

/* Opens DIR/results.csv and DIR/results.json (creating DIR). NULL with a
 * message in err on failure. */
fb_results *fb_results_open(const char *dir, char *err, size_t errlen);
/* Appends one row; 0 or -1 (I/O error). */
int fb_results_add(fb_results *r, const fb_row *row);
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

#endif
