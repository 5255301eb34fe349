/*
 * jread.h: every JSON file fitbench reads goes through here, parsed by
 * json-c (Debian: libjson-c-dev): Google Benchmark's output (gbout.h, for
 * plots/ and fitbench-bench --ns-table), hyperfine's export (`fitbench
 * programs`) and a run's meta.json (plots/). Writers stay hand-written;
 * only reading comes here.
 *
 * The tokener runs in strict mode (no comments, single quotes, trailing
 * commas or text after the value), which still takes the bare NaN,
 * Infinity and -Infinity that Google Benchmark writes for such doubles;
 * they come back as doubles. A file that is not JSON is an error naming
 * the file, line and column. Values are json-c objects: the caller owns
 * the root (json_object_put) and reads it with json-c or the accessors
 * below, which never fail on a missing key or a value of another type.
 */
#ifndef FB_JREAD_H
#define FB_JREAD_H

#include <json-c/json.h>
#include <stddef.h>

/* Nesting deeper than this is refused (json-c counts it, not the stack). */
#define FB_JREAD_MAX_DEPTH 64
/* Larger files are not ones fitbench reads: a wrong path stays cheap. */
#define FB_JREAD_MAX_BYTES ((size_t)1 << 30)

/* Parses LEN bytes named NAME. NULL with "NAME:LINE:COL: what" in err. */
json_object *fb_jread_mem(const char *name, const char *text, size_t len, char *err,
                          size_t errlen);
/* Reads and parses PATH; NULL with "PATH: why" or as above in err. */
json_object *fb_jread_file(const char *path, char *err, size_t errlen);

/* The value of KEY in OBJ, or NULL when OBJ is not an object or lacks it. */
json_object *fb_jread_get(json_object *obj, const char *key);
/* The text of a string value; NULL when V is not a string or holds a NUL
 * byte (\u0000), which no C string can carry. */
const char *fb_jread_text(json_object *v);
/* fb_jread_text of the value of KEY. */
const char *fb_jread_str(json_object *obj, const char *key);
/* The number of KEY (an integer or a double, NaN and infinities included)
 * into *out: 0, or -1 when absent or not a number (null, a string...). */
int fb_jread_num(json_object *obj, const char *key, double *out);
/* 1 when KEY holds the boolean true, else 0. */
int fb_jread_true(json_object *obj, const char *key);

#endif
