/*
 * args.h: option values from the command line, checked the same way by
 * every command: a number within bounds, or a message through diag.h
 * ("PROGRAM: --timeout wants seconds from 0.001 to 1e+06, not 'abc'") and
 * -1, so the command exits 2.
 */
#ifndef FB_ARGS_H
#define FB_ARGS_H

#include <stdint.h>

/* A decimal number in [lo, hi]; what says what the option wants
 * ("seconds", "MiB"). */
int fb_arg_double(const char *opt, const char *s, const char *what, double lo, double hi,
                  double *out);
/* A whole decimal number (digits only) in [lo, hi]. */
int fb_arg_count(const char *opt, const char *s, const char *what, uint64_t lo, uint64_t hi,
                 uint64_t *out);

/* The message for what getopt_long returned as '?' (an unknown option) or
 * ':' (an option without its value; the option string must start with ':'
 * or "+:" for that), called with opterr = 0. Returns -1, for exit 2. */
int fb_arg_bad(int c, char *const argv[]);

#endif
