/*
 * trace_impl.h: what the loader's two files share, and nobody else uses.
 *
 * trace.c scans and checks the text; trace_io.c gets the text (a mapped
 * or read file, gunzipped when it is gzip). Both report errors the same
 * way, as "FILE:LINE: what is wrong".
 */
#ifndef FB_TRACE_IMPL_H
#define FB_TRACE_IMPL_H

#include "trace.h"

/* Writes "PATH:LINE: " (just "PATH: " when LINE is 0) and the message
 * into ERR, if not NULL. Always returns -1. */
__attribute__((format(printf, 4, 5)))
int trace_fail(trace_error *err, const char *path, uint64_t line,
               const char *fmt, ...);

/* The line (from 1) that byte POS of TEXT is on. */
uint64_t trace_line_at(const char *text, size_t pos);

/* Nonzero when BUF starts with the gzip magic bytes. */
int trace_is_gzip(const char *buf, size_t len);

/* Inflates LEN bytes of gzip (one member or several) into a new buffer
 * that the caller frees. 0, or -1 with ERR naming PATH. */
int trace_gunzip(const char *path, const char *in, size_t len, char **out,
                 size_t *out_len, trace_error *err);

#endif /* FB_TRACE_IMPL_H */
