/*
 * diag.h: the one way fitbench's programs tell the user something went
 * wrong. Every message is one line on stderr that starts with the
 * program's name (set once by the command that runs: "fitbench run"),
 * then, where it applies, FILE:LINE, then the message:
 *
 *   fitbench run: traces/x.rep:12: unknown op 'q'
 *   fitbench gen: --ops wants a count from 1 to 4294967295, not '-3'
 *   fitbench run: warning: rec-gcc: ...
 *
 * Where it sits: below every stage and product (common/); the allocator
 * core never prints and does not use it.
 */
#ifndef FB_DIAG_H
#define FB_DIAG_H

#include <stdarg.h>

/* The name messages start with (kept, not copied: a literal or argv). */
void fb_diag_program(const char *name);
const char *fb_diag_name(void);

/* "PROGRAM: message". */
void fb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROGRAM: FILE:LINE: message"; line 0 leaves it out ("FILE: message"). */
void fb_error_at(const char *file, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "PROGRAM: warning: message". */
void fb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A message that already has its FILE:LINE (a trace loader's), as is
 * after the program's name. */
void fb_error_text(const char *text);

#endif
