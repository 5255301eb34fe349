/*
 * plots_json.h: a small JSON reader for the plots module.
 *
 * Where it sits: load.c reads DIR/meta.json (the machine and versions) and
 * DIR/bench.json (Google Benchmark's output) through it. The whole text
 * becomes a tree; strings are UTF-8 with escapes resolved (a \u0000 escape
 * is refused, so every string is also a C string). Nesting deeper than
 * PLOTS_JSON_MAX_DEPTH is refused rather than recursed into.
 */
#ifndef PLOTS_JSON_H
#define PLOTS_JSON_H

#include <stddef.h>

#define PLOTS_JSON_MAX_DEPTH 64

typedef enum plots_jtype {
    PLOTS_JNULL,
    PLOTS_JBOOL,
    PLOTS_JNUM,
    PLOTS_JSTR,
    PLOTS_JARR,
    PLOTS_JOBJ
} plots_jtype;

typedef struct plots_json {
    plots_jtype type;
    int boolean;
    double num;
    char *str;                 /* PLOTS_JSTR */
    size_t n;                  /* items of an array or object */
    struct plots_json **items; /* values */
    char **keys;               /* object keys, parallel to items */
} plots_json;

/* Parses LEN bytes. NULL on failure with "NAME:LINE:COL: what" in err. */
plots_json *plots_json_parse(const char *name, const char *text, size_t len,
                             char *err, size_t errlen);
/* Reads and parses a file; NULL with a message on failure. */
plots_json *plots_json_load(const char *path, char *err, size_t errlen);
void plots_json_free(plots_json *j);

/* The value of KEY in an object (the last one if repeated), or NULL. */
const plots_json *plots_json_get(const plots_json *obj, const char *key);
/* The string of KEY, or NULL when absent or not a string. */
const char *plots_json_str(const plots_json *obj, const char *key);
/* The number of KEY into *out: 0, or -1 when absent or not a number. */
int plots_json_num(const plots_json *obj, const char *key, double *out);

#endif
