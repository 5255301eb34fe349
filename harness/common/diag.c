/*
 * diag.c: fitbench's error and warning lines (see diag.h). Each is built
 * whole and written with one fputs, so that lines from a run's cells and
 * its progress never interleave mid-line.
 */
#include "diag.h"

#include <stdio.h>

static const char *diag_name = "fitbench";

void fb_diag_program(const char *name) { diag_name = name && *name ? name : "fitbench"; }
const char *fb_diag_name(void) { return diag_name; }

static void diag_line(const char *kind, const char *file, unsigned long line, const char *fmt,
                      va_list ap) {
    char buf[2048];
    int n = snprintf(buf, sizeof buf, "%s: %s", diag_name, kind);
    if (n < 0)
        return;
    if (file && (size_t)n < sizeof buf)
        n += line ? snprintf(buf + n, sizeof buf - (size_t)n, "%s:%lu: ", file, line)
                  : snprintf(buf + n, sizeof buf - (size_t)n, "%s: ", file);
    if ((size_t)n < sizeof buf)
        vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    fputs(buf, stderr);
    fputc('\n', stderr);
}

void fb_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_line("", NULL, 0, fmt, ap);
    va_end(ap);
}

void fb_error_at(const char *file, unsigned long line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_line("", file, line, fmt, ap);
    va_end(ap);
}

void fb_warn(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    diag_line("warning: ", NULL, 0, fmt, ap);
    va_end(ap);
}

void fb_error_text(const char *text) { fb_error("%s", text); }
