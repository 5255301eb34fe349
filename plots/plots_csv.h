/*
 * plots_csv.h: the CSV reader of the plots module (RFC 4180).
 *
 * Where it sits: first step of `fitbench plot/report`. Every CSV file the
 * run wrote (results.csv, summary.csv, timeline/, heapmap/, latency/) is
 * read through it before anything is drawn or printed.
 *
 * The file is read whole; records come out one at a time as arrays of
 * NUL-terminated fields that stay valid until the next call. Quoted fields
 * may hold commas, doubled quotes and line breaks; CRLF and LF line ends are
 * both accepted; a blank line is skipped. A malformed record (text after a
 * closing quote, a quote that never closes, a NUL byte) is an error that
 * names the line it starts on.
 */
#ifndef PLOTS_CSV_H
#define PLOTS_CSV_H

#include <stddef.h>
#include <stdint.h>

typedef struct plots_csv plots_csv;

/* Opens and reads PATH. NULL on failure, with a message in err. */
plots_csv *plots_csv_open(const char *path, char *err, size_t errlen);
/* Same, over a copy of LEN bytes of memory; NAME is used in messages. */
plots_csv *plots_csv_from_mem(const char *name, const char *text, size_t len,
                              char *err, size_t errlen);
void plots_csv_close(plots_csv *c);

/* The next record: 1 with *fields and *nfields set, 0 at the end, -1 on a
 * malformed record (message in err, "NAME:LINE: what"). */
int plots_csv_next(plots_csv *c, char ***fields, size_t *nfields, char *err,
                   size_t errlen);
/* Finds each of the NN NAMES in a header record (F, NF fields): its index
 * into col[i], -1 when absent (the last of repeated names wins). Returns
 * how many are absent. */
size_t plots_csv_columns(char **f, size_t nf, const char *const *names, size_t nn, long *col);

/* Line on which the record last returned starts (1-based). */
unsigned long plots_csv_line(const plots_csv *c);
const char *plots_csv_name(const plots_csv *c);

/* Strict numbers: the whole field must be the number, surrounding blanks
 * allowed. 0 on success, -1 otherwise. Doubles must be finite. */
int plots_parse_u64(const char *s, uint64_t *out);
int plots_parse_f64(const char *s, double *out);

#endif
