/*
 * cmd_convert.c: `fitbench convert --from mtrace LOG -o OUT.rep`
 *
 * Where it sits: reads the text log that glibc's mtrace() writes
 * (MALLOC_TRACE=FILE, with libc_malloc_debug.so preloaded on glibc 2.34+)
 * and feeds its pointer events to events.c, which writes the trace through
 * repwrite.c, exactly as the recorder does with its own logs.
 *
 * The lines understood, each optionally preceded by the caller,
 * "@ FILE:[0xADDR] " or "@ [0xADDR] ":
 *   + PTR SIZE      malloc, calloc, memalign... (PTR "(nil)": it failed)
 *   - PTR           free, or realloc(PTR, 0)
 *   < OLD           realloc, first half; the next op line must be
 *   > NEW SIZE      its second half
 *   ! OLD SIZE      realloc that failed (the block stays)
 *   = ...           "= Start" / "= End" markers, ignored
 * PTR is hexadecimal with 0x, or "(nil)"; SIZE is 0x-hexadecimal or
 * decimal. Anything else is an error reported as LOG:LINE.
 */
#include "cmds_trace.h"

#include "args.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"

#define CV_NAME "fitbench convert"

typedef struct cv_log {
    const char *path;
    const char *text;
    size_t len;
    int bad_input; /* set when the feed stopped on the log's content */
} cv_log;

static void cv_usage(FILE *out)
{
    fprintf(out,
            "usage: fitbench convert [--from mtrace] LOG -o OUT.rep[.gz]\n"
            "Turns a glibc mtrace log (MALLOC_TRACE) into a malloc-lab trace:"
            "\nids per block, realloc kept as r, free(NULL) and frees of"
            " unknown\nblocks dropped and counted, blocks never freed freed at"
            " the end.\n");
}

/* ---- scanning ---------------------------------------------------------- */

typedef struct cv_cursor {
    const char *p, *end;
} cv_cursor;

static void cv_skip_blanks(cv_cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
        c->p++;
}

static int cv_hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* A number: 0x-hex, or decimal; "(nil)" reads as 0 when nil_ok. */
static int cv_number(cv_cursor *c, uint64_t *out, int nil_ok)
{
    cv_skip_blanks(c);
    size_t left = (size_t)(c->end - c->p);
    if (nil_ok && left >= 5 && memcmp(c->p, "(nil)", 5) == 0) {
        c->p += 5;
        *out = 0;
        return 0;
    }
    uint64_t v = 0;
    const char *start;
    if (left >= 2 && c->p[0] == '0' && (c->p[1] == 'x' || c->p[1] == 'X')) {
        c->p += 2;
        start = c->p;
        int d;
        while (c->p < c->end && (d = cv_hexval(*c->p)) >= 0) {
            if (v >> 60)
                return -1;
            v = v << 4 | (uint64_t)d;
            c->p++;
        }
    } else {
        start = c->p;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            uint64_t d = (uint64_t)(*c->p - '0');
            if (v > (UINT64_MAX - d) / 10)
                return -1;
            v = v * 10 + d;
            c->p++;
        }
    }
    if (c->p == start)
        return -1;
    if (c->p < c->end && *c->p != ' ' && *c->p != '\t' && *c->p != '\r')
        return -1;
    *out = v;
    return 0;
}

static int cv_at_end(cv_cursor *c)
{
    cv_skip_blanks(c);
    if (c->p < c->end && *c->p == '\r')
        c->p++;
    return c->p == c->end;
}

/* Skips "@ caller " if present. The caller ends in "[0xADDR] "; a file
 * name before it may hold anything, so look for that ending. */
static int cv_skip_caller(cv_cursor *c)
{
    if (c->end - c->p < 2 || c->p[0] != '@' || c->p[1] != ' ')
        return 0;
    for (const char *q = c->p + 2; q + 1 < c->end; q++) {
        if (q[0] != ']' || q[1] != ' ')
            continue;
        const char *open = q;
        while (open > c->p && *open != '[')
            open--;
        if (*open != '[' || q - open < 3 || open[1] != '0' ||
            (open[2] != 'x' && open[2] != 'X'))
            continue;
        c->p = q + 2;
        return 0;
    }
    return -1;
}

typedef struct cv_line {
    char op;        /* + - < > ! */
    uint64_t ptr, size;
} cv_line;

/* Parses one line. 1: an op; 0: nothing to do (blank, marker); -1: error
 * with *why set. */
static int cv_parse_line(const char *p, const char *end, cv_line *out,
                         const char **why)
{
    cv_cursor c = {p, end};
    cv_skip_blanks(&c);
    if (cv_at_end(&c))
        return 0;
    if (*c.p == '=')
        return 0;
    if (cv_skip_caller(&c) != 0) {
        *why = "caller field \"@ ...[0xADDR]\" not closed";
        return -1;
    }
    cv_skip_blanks(&c);
    if (c.p >= c.end || *c.p == '\0' || !strchr("+-<>!", *c.p)) {
        *why = "expected one of + - < > ! =";
        return -1;
    }
    out->op = *c.p++;
    out->size = 0;
    if (c.p < c.end && *c.p != ' ' && *c.p != '\t') {
        *why = "expected a space after the op";
        return -1;
    }
    if (cv_number(&c, &out->ptr, 1) != 0) {
        *why = "bad pointer (hexadecimal 0x... or (nil))";
        return -1;
    }
    if (out->op == '+' || out->op == '>' || out->op == '!') {
        if (cv_number(&c, &out->size, 0) != 0) {
            *why = "bad or missing size";
            return -1;
        }
    }
    if (!cv_at_end(&c)) {
        *why = "unexpected text after the op";
        return -1;
    }
    return 1;
}

/* The ev_feed_fn over the whole log in memory. */
static int cv_feed(void *src, ev_state *ev, rw_error *err)
{
    cv_log *lg = src;
    const char *p = lg->text, *end = lg->text + lg->len;
    unsigned long line = 0;
    int pending = 0; /* a "<" waits for its ">" */
    uint64_t old = 0;
    unsigned long pending_line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        line++;
        cv_line l;
        const char *why = NULL;
        int rc = cv_parse_line(p, eol, &l, &why);
        p = nl ? nl + 1 : end;
        if (rc < 0) {
            snprintf(err->msg, sizeof err->msg, "%s:%lu: %s", lg->path,
                     line, why);
            lg->bad_input = 1;
            return -1;
        }
        if (rc == 0)
            continue;
        if (pending != (l.op == '>')) {
            snprintf(err->msg, sizeof err->msg,
                     pending ? "%s:%lu: realloc begun on line %lu (\"<\")"
                               " has no \">\" line after it"
                             : "%s:%lu: \">\" without the \"<\" line of its"
                               " realloc before it",
                     lg->path, line, pending_line);
            lg->bad_input = 1;
            return -1;
        }
        switch (l.op) {
        case '+':
            rc = ev_alloc(ev, l.ptr, l.size);
            break;
        case '-':
            rc = ev_free(ev, l.ptr);
            break;
        case '<':
            pending = 1;
            pending_line = line;
            old = l.ptr;
            continue;
        case '>':
            pending = 0;
            rc = ev_realloc(ev, old, l.ptr, l.size);
            break;
        default: /* '!' */
            rc = ev_realloc(ev, l.ptr, 0, l.size ? l.size : 1);
            break;
        }
        if (rc != 0) {
            snprintf(err->msg, sizeof err->msg, "%s:%lu: out of memory",
                     lg->path, line);
            return -1;
        }
    }
    if (pending) {
        snprintf(err->msg, sizeof err->msg,
                 "%s:%lu: realloc begun here (\"<\") has no \">\" line: the"
                 " log is cut short",
                 lg->path, pending_line);
        lg->bad_input = 1;
        return -1;
    }
    return 0;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                         {"from", required_argument, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    const char *from = "mtrace", *in = NULL, *out = NULL;
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            cv_usage(stdout);
            return 0;
        case 'f':
        case 'o':
            if (!*optarg) {
                fb_error("%s needs a value", opt == 'o' ? "-o" : "--from");
                return 2;
            }
            *(opt == 'o' ? &out : &from) = optarg;
            break;
        default:
            fb_arg_bad(opt, argv);
            return 2;
        }
    }
    if (optind < argc)
        in = argv[optind];
    if (optind + 1 < argc) {
        fb_error("one input log only (%s, %s)", in, argv[optind + 1]);
        return 2;
    }
    if (strcmp(from, "mtrace") != 0) {
        fb_error("unknown input format '%s' (only mtrace)",
                from);
        return 2;
    }
    if (!in || !out) {
        fb_error("%s (see --help)",
                !in ? "no input log" : "no output given (-o OUT.rep)");
        return 2;
    }
    int fd = open(in, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fb_error("%s: %s", in, strerror(errno));
        if (fd >= 0)
            close(fd);
        return 2;
    }
    if (!S_ISREG(st.st_mode)) {
        fb_error("%s: not a regular file (the log is read"
                        " twice)", in);
        close(fd);
        return 2;
    }
    cv_log lg = {in, "", (size_t)st.st_size, 0};
    void *map = NULL;
    if (lg.len > 0) {
        map = mmap(NULL, lg.len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            fb_error("%s: %s", in, strerror(errno));
            close(fd);
            return 2;
        }
        lg.text = map;
        if (memchr(lg.text, '\0', lg.len)) {
            fb_error("%s: not a text file", in);
            munmap(map, lg.len);
            close(fd);
            return 2;
        }
    }
    close(fd);
    ev_counts c;
    rw_error err = {{0}};
    int rc = ev_write_trace(out, cv_feed, &lg, &c, &err);
    if (map)
        munmap(map, lg.len);
    if (rc != 0) {
        fb_error("%s", err.msg);
        /* A bad log is the user's input; a failed write is ours. */
        return lg.bad_input ? 2 : 1;
    }
    fprintf(stderr,
            CV_NAME ": %s: %llu ops (a %llu, r %llu, f %llu), %llu ids, peak"
                    " %llu bytes\n"
                    "    dropped: %llu free(NULL), %llu frees of unknown"
                    " blocks; %llu failed calls; %llu blocks never freed"
                    " freed at the end\n",
            out, (unsigned long long)c.num_ops, (unsigned long long)c.ops[0],
            (unsigned long long)c.ops[1], (unsigned long long)c.ops[2],
            (unsigned long long)c.num_ids,
            (unsigned long long)c.peak_payload,
            (unsigned long long)c.free_null,
            (unsigned long long)c.free_unknown, (unsigned long long)c.failed,
            (unsigned long long)c.live_at_end);
    return 0;
}
