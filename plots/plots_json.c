/*
 * plots_json.c: the JSON reader (contract in plots_json.h).
 *
 * Where it sits: under load.c, for meta.json and bench.json. A recursive
 * descent over the bytes with an explicit depth bound, so a hostile file
 * of a million '[' is an error message, not a stack overflow.
 */
#include "plots_csv.h"
#include "plots_json.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct json_parser {
    const char *name;
    const char *s;
    size_t len;
    size_t pos;
    char *err;
    size_t errlen;
    int failed;
} json_parser;

static void json_fail(json_parser *p, const char *what)
{
    if (p->failed)
        return;
    p->failed = 1;
    unsigned long line = 1, col = 1;
    for (size_t i = 0; i < p->pos && i < p->len; i++) {
        if (p->s[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    snprintf(p->err, p->errlen, "%s:%lu:%lu: %s", p->name, line, col, what);
}

static void json_ws(json_parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static plots_json *json_new(json_parser *p, plots_jtype t)
{
    plots_json *j = calloc(1, sizeof *j);
    if (!j)
        json_fail(p, "out of memory");
    else
        j->type = t;
    return j;
}

/* A growing byte buffer for one string. */
typedef struct json_buf {
    char *b;
    size_t n, cap;
} json_buf;

static int json_put(json_buf *b, const char *bytes, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 32;
        while (nc < b->n + n + 1)
            nc *= 2;
        char *nb = realloc(b->b, nc);
        if (!nb)
            return -1;
        b->b = nb;
        b->cap = nc;
    }
    memcpy(b->b + b->n, bytes, n);
    b->n += n;
    b->b[b->n] = '\0';
    return 0;
}

static int json_hex4(json_parser *p, unsigned *out)
{
    if (p->pos + 4 > p->len) {
        json_fail(p, "truncated \\u escape");
        return -1;
    }
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p->s[p->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else {
            json_fail(p, "bad hex digit in \\u escape");
            return -1;
        }
    }
    *out = v;
    return 0;
}

static int json_utf8(json_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return json_put(b, u, n);
}

/* Parses a string at p->pos (on the opening quote); a malloc'd copy. */
static char *json_string(json_parser *p)
{
    json_buf b = {0};
    p->pos++;
    if (json_put(&b, "", 0) < 0)
        goto oom;
    for (;;) {
        if (p->pos >= p->len) {
            json_fail(p, "string never closes");
            goto fail;
        }
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            p->pos++;
            return b.b;
        }
        if (c < 0x20) {
            json_fail(p, "control character inside a string");
            goto fail;
        }
        if (c != '\\') {
            size_t run = p->pos;
            while (run < p->len && p->s[run] != '"' && p->s[run] != '\\' &&
                   (unsigned char)p->s[run] >= 0x20)
                run++;
            if (json_put(&b, p->s + p->pos, run - p->pos) < 0)
                goto oom;
            p->pos = run;
            continue;
        }
        p->pos++;
        if (p->pos >= p->len) {
            json_fail(p, "string never closes");
            goto fail;
        }
        char e = p->s[p->pos++];
        const char *lit = NULL;
        switch (e) {
        case '"': lit = "\""; break;
        case '\\': lit = "\\"; break;
        case '/': lit = "/"; break;
        case 'b': lit = "\b"; break;
        case 'f': lit = "\f"; break;
        case 'n': lit = "\n"; break;
        case 'r': lit = "\r"; break;
        case 't': lit = "\t"; break;
        case 'u': {
            unsigned cp;
            if (json_hex4(p, &cp) < 0)
                goto fail;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (p->pos + 2 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    json_fail(p, "high surrogate without its low half");
                    goto fail;
                }
                p->pos += 2;
                if (json_hex4(p, &lo) < 0)
                    goto fail;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    json_fail(p, "bad low surrogate");
                    goto fail;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                json_fail(p, "lone low surrogate");
                goto fail;
            }
            if (cp == 0) {
                json_fail(p, "\\u0000 is not accepted in strings");
                goto fail;
            }
            if (json_utf8(&b, cp) < 0)
                goto oom;
            continue;
        }
        default:
            json_fail(p, "unknown escape in a string");
            goto fail;
        }
        if (json_put(&b, lit, 1) < 0)
            goto oom;
    }
oom:
    json_fail(p, "out of memory");
fail:
    free(b.b);
    return NULL;
}

static plots_json *json_value(json_parser *p, int depth);

static int json_append(json_parser *p, plots_json *j, char *key, plots_json *v, size_t *cap)
{
    if (j->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        plots_json **ni = realloc(j->items, nc * sizeof *ni);
        if (ni)
            j->items = ni;
        char **nk = NULL;
        if (ni && j->type == PLOTS_JOBJ) {
            nk = realloc(j->keys, nc * sizeof *nk);
            if (nk)
                j->keys = nk;
        }
        if (!ni || (j->type == PLOTS_JOBJ && !nk)) {
            json_fail(p, "out of memory");
            return -1;
        }
        *cap = nc;
    }
    j->items[j->n] = v;
    if (j->type == PLOTS_JOBJ)
        j->keys[j->n] = key;
    j->n++;
    return 0;
}

static plots_json *json_container(json_parser *p, int depth, int is_obj)
{
    plots_json *j = json_new(p, is_obj ? PLOTS_JOBJ : PLOTS_JARR);
    if (!j)
        return NULL;
    size_t cap = 0;
    char close = is_obj ? '}' : ']';
    p->pos++;
    json_ws(p);
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return j;
    }
    for (;;) {
        char *key = NULL;
        json_ws(p);
        if (is_obj) {
            if (p->pos >= p->len || p->s[p->pos] != '"') {
                json_fail(p, "expected a quoted key");
                break;
            }
            key = json_string(p);
            if (!key)
                break;
            json_ws(p);
            if (p->pos >= p->len || p->s[p->pos] != ':') {
                json_fail(p, "expected ':' after a key");
                free(key);
                break;
            }
            p->pos++;
        }
        plots_json *v = json_value(p, depth + 1);
        if (!v || json_append(p, j, key, v, &cap) < 0) {
            free(key);
            plots_json_free(v);
            break;
        }
        json_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == close) {
            p->pos++;
            return j;
        }
        json_fail(p, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    plots_json_free(j);
    return NULL;
}

static plots_json *json_number(json_parser *p)
{
    size_t start = p->pos, i = p->pos;
    const char *s = p->s;
    if (i < p->len && s[i] == '-')
        i++;
    if (i < p->len && s[i] == '0') {
        i++;
    } else if (i < p->len && s[i] >= '1' && s[i] <= '9') {
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    } else {
        json_fail(p, "unexpected character");
        return NULL;
    }
    if (i < p->len && s[i] == '.') {
        i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9') {
            p->pos = i;
            json_fail(p, "digit expected after '.'");
            return NULL;
        }
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= p->len || s[i] < '0' || s[i] > '9') {
            p->pos = i;
            json_fail(p, "digit expected in exponent");
            return NULL;
        }
        while (i < p->len && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    char tmp[64];
    if (i - start >= sizeof tmp) {
        json_fail(p, "number too long");
        return NULL;
    }
    memcpy(tmp, s + start, i - start);
    tmp[i - start] = '\0';
    plots_json *j = json_new(p, PLOTS_JNUM);
    if (!j)
        return NULL;
    j->num = strtod(tmp, NULL);
    p->pos = i;
    return j;
}

static int json_word(json_parser *p, const char *w)
{
    size_t n = strlen(w);
    if (p->pos + n <= p->len && memcmp(p->s + p->pos, w, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static plots_json *json_value(json_parser *p, int depth)
{
    if (depth > PLOTS_JSON_MAX_DEPTH) {
        json_fail(p, "nested deeper than fitbench reads");
        return NULL;
    }
    json_ws(p);
    if (p->pos >= p->len) {
        json_fail(p, "unexpected end of the text");
        return NULL;
    }
    char c = p->s[p->pos];
    plots_json *j;
    switch (c) {
    case '{':
        return json_container(p, depth, 1);
    case '[':
        return json_container(p, depth, 0);
    case '"': {
        char *s = json_string(p);
        if (!s)
            return NULL;
        j = json_new(p, PLOTS_JSTR);
        if (!j) {
            free(s);
            return NULL;
        }
        j->str = s;
        return j;
    }
    default:
        break;
    }
    int is_true = json_word(p, "true");
    if (is_true || json_word(p, "false")) {
        j = json_new(p, PLOTS_JBOOL);
        if (j)
            j->boolean = is_true;
        return j;
    }
    if (json_word(p, "null"))
        return json_new(p, PLOTS_JNULL);
    /* Google Benchmark writes these for undefined counters; they are not
     * JSON, but refusing the whole file over one counter helps nobody. */
    static const struct { const char *w; double v; } odd[] = {
        {"NaN", NAN}, {"-NaN", NAN}, {"Infinity", INFINITY}, {"-Infinity", -INFINITY}};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        if (json_word(p, odd[i].w)) {
            j = json_new(p, PLOTS_JNUM);
            if (j)
                j->num = odd[i].v;
            return j;
        }
    }
    return json_number(p);
}

plots_json *plots_json_parse(const char *name, const char *text, size_t len,
                             char *err, size_t errlen)
{
    json_parser p = {name, text, len, 0, err, errlen, 0};
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        p.pos = 3;
    plots_json *j = json_value(&p, 0);
    if (!j)
        return NULL;
    json_ws(&p);
    if (p.pos != p.len) {
        json_fail(&p, "text after the JSON value");
        plots_json_free(j);
        return NULL;
    }
    return j;
}

plots_json *plots_json_load(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *buf = plots_read_file(path, (size_t)1 << 30, &len, err, errlen);
    if (!buf)
        return NULL;
    if (memchr(buf, '\0', len)) {
        snprintf(err, errlen, "%s: NUL byte in the file, not JSON text", path);
        free(buf);
        return NULL;
    }
    plots_json *j = plots_json_parse(path, buf, len, err, errlen);
    free(buf);
    return j;
}

void plots_json_free(plots_json *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++) {
        plots_json_free(j->items[i]);
        if (j->keys)
            free(j->keys[i]);
    }
    free(j->items);
    free(j->keys);
    free(j->str);
    free(j);
}

const plots_json *plots_json_get(const plots_json *obj, const char *key)
{
    if (!obj || obj->type != PLOTS_JOBJ)
        return NULL;
    for (size_t i = obj->n; i-- > 0;)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

const char *plots_json_str(const plots_json *obj, const char *key)
{
    const plots_json *v = plots_json_get(obj, key);
    return v && v->type == PLOTS_JSTR ? v->str : NULL;
}

int plots_json_num(const plots_json *obj, const char *key, double *out)
{
    const plots_json *v = plots_json_get(obj, key);
    if (!v || v->type != PLOTS_JNUM || !isfinite(v->num))
        return -1;
    *out = v->num;
    return 0;
}
