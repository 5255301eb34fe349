/*
 * args.c: option values (see args.h).
 */
#include "args.h"

#include "diag.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int fb_arg_double(const char *opt, const char *s, const char *what, double lo, double hi,
                  double *out) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    /* strtod also reads "nan", "inf" and hex; none is an option value. */
    int plain = s[0] == '-' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9');
    if (!plain || errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        fb_error("%s wants %s from %g to %g, not '%s'", opt, what, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int fb_arg_count(const char *opt, const char *s, const char *what, uint64_t lo, uint64_t hi,
                 uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = s[0] >= '0' && s[0] <= '9' ? strtoull(s, &end, 10) : 0;
    if (!(s[0] >= '0' && s[0] <= '9') || errno || *end || v < lo || v > hi) {
        fb_error("%s wants %s from %" PRIu64 " to %" PRIu64 ", not '%s'", opt, what, lo, hi, s);
        return -1;
    }
    *out = v;
    return 0;
}

int fb_arg_bad(int c, char *const argv[]) {
    const char *word = optind > 0 ? argv[optind - 1] : "";
    char shortopt[3] = {'-', (char)optopt, 0};
    /* A long option is named as typed (without its =value); a short one by
     * its letter, which may sit inside a cluster such as -qx. */
    int is_long = strncmp(word, "--", 2) == 0;
    int len = is_long ? (int)strcspn(word, "=") : 2;
    const char *name = is_long ? word : shortopt;
    if (c == ':')
        fb_error("%.*s needs a value (see --help)", len, name);
    else
        fb_error("unknown option %.*s (see --help)", len, name);
    return -1;
}
