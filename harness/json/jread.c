/*
 * jread.c: JSON files through json-c (contract in jread.h). The file is
 * read whole, then given to the tokener in one piece, so that "incomplete"
 * can only mean the file ends inside a value.
 */
#include "jread.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Line and column (1-based) of byte OFF of TEXT, for messages. */
static void jread_where(const char *text, size_t len, size_t off, unsigned long *line,
                        unsigned long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            ++*line;
            *col = 1;
        } else {
            ++*col;
        }
    }
}

/* Whether N bytes at S are JSON white space only (S need not end in NUL). */
static int jread_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

json_object *fb_jread_mem(const char *name, const char *text, size_t len, char *err,
                          size_t errlen)
{
    json_tokener *tok = json_tokener_new_ex(FB_JREAD_MAX_DEPTH);
    if (!tok) {
        snprintf(err, errlen, "%s: out of memory", name);
        return NULL;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    /* json-c takes an int length; FB_JREAD_MAX_BYTES keeps within it. */
    json_object *root = len <= FB_JREAD_MAX_BYTES ? json_tokener_parse_ex(tok, text, (int)len)
                                                  : NULL;
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    const char *what = NULL;
    if (len > FB_JREAD_MAX_BYTES)
        what = "too large";
    else if (e == json_tokener_continue)
        what = "unexpected end of file";
    else if (e != json_tokener_success)
        what = json_tokener_error_desc(e);
    else if (!jread_blank(text + end, len - end))
        what = "text after the end of the JSON value";
    else if (!root)
        what = "null, where a JSON object or array belongs"; /* json-c's null is NULL */
    json_tokener_free(tok);
    if (what) {
        unsigned long line, col;
        /* At the end of the text, the place is the last byte's line. */
        jread_where(text, len, end < len ? end : len, &line, &col);
        snprintf(err, errlen, "%s:%lu:%lu: %s", name, line, col, what);
        json_object_put(root);
        return NULL;
    }
    return root;
}

json_object *fb_jread_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    const char *why = buf ? NULL : "out of memory";
    while (buf && !why) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        char *bigger = cap <= FB_JREAD_MAX_BYTES ? realloc(buf, cap * 2) : NULL;
        if (!bigger) {
            why = cap <= FB_JREAD_MAX_BYTES ? "out of memory" : "too large";
        } else {
            buf = bigger;
            cap *= 2;
        }
    }
    if (!why && ferror(f))
        why = "read error";
    fclose(f);
    json_object *root = NULL;
    if (why)
        snprintf(err, errlen, "%s: %s", path, why);
    else
        root = fb_jread_mem(path, buf, n, err, errlen);
    free(buf);
    return root;
}

json_object *fb_jread_get(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (!obj || !json_object_is_type(obj, json_type_object) ||
        !json_object_object_get_ex(obj, key, &v))
        return NULL;
    return v;
}

const char *fb_jread_text(json_object *v)
{
    if (!v || !json_object_is_type(v, json_type_string))
        return NULL;
    const char *s = json_object_get_string(v);
    return strlen(s) == (size_t)json_object_get_string_len(v) ? s : NULL;
}

const char *fb_jread_str(json_object *obj, const char *key)
{
    return fb_jread_text(fb_jread_get(obj, key));
}

int fb_jread_num(json_object *obj, const char *key, double *out)
{
    json_object *v = fb_jread_get(obj, key);
    if (!v || !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
        return -1;
    *out = json_object_get_double(v);
    return 0;
}

int fb_jread_true(json_object *obj, const char *key)
{
    json_object *v = fb_jread_get(obj, key);
    return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}
