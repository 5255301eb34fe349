/*
 * repwrite.c: the .rep / .rep.gz writer (interface and format in
 * repwrite.h). Ops are formatted by hand into a 256 KiB buffer that goes
 * out with write(2) or gzwrite, because recorded traces reach millions of
 * lines and printf per line would dominate the conversion time.
 */
#include "repwrite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define RW_BUF 262144

struct rw_writer {
    char *path;     /* final name */
    char *tmp;      /* where we write until rw_close */
    int fd;         /* plain output, or -1 */
    gzFile gz;      /* compressed output, or NULL */
    uint64_t num_ids, num_ops, written;
    size_t used;
    char buf[RW_BUF];
};

static void rw_fail(rw_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

static int rw_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int rw_drain(rw_writer *w, rw_error *err)
{
    size_t off = 0;
    if (w->gz) {
        if (w->used > 0 && gzwrite(w->gz, w->buf, (unsigned)w->used) !=
                               (int)w->used) {
            int zerr;
            const char *m = gzerror(w->gz, &zerr);
            rw_fail(err, "%s: write failed: %s", w->path,
                    zerr == Z_ERRNO ? strerror(errno) : m);
            return -1;
        }
        w->used = 0;
        return 0;
    }
    while (off < w->used) {
        ssize_t n = write(w->fd, w->buf + off, w->used - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rw_fail(err, "%s: write failed: %s", w->path,
                    n < 0 ? strerror(errno) : "no progress");
            return -1;
        }
        off += (size_t)n;
    }
    w->used = 0;
    return 0;
}

/* Appends v in decimal. The caller has made room (at least 21 bytes). */
static void rw_num(rw_writer *w, uint64_t v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n > 0)
        w->buf[w->used++] = tmp[--n];
}

rw_writer *rw_open(const char *path, uint64_t num_ids, uint64_t num_ops,
                   uint64_t peak_payload, rw_error *err)
{
    if (num_ids > UINT32_MAX) {
        rw_fail(err, "%s: %llu ids do not fit the trace format", path,
                (unsigned long long)num_ids);
        return NULL;
    }
    rw_writer *w = malloc(sizeof *w);
    size_t len = strlen(path);
    char *names = malloc(2 * len + 40);
    if (!w || !names) {
        free(w);
        free(names);
        rw_fail(err, "%s: out of memory", path);
        return NULL;
    }
    memset(w, 0, offsetof(rw_writer, buf));
    w->path = names;
    memcpy(w->path, path, len + 1);
    w->tmp = names + len + 1;
    snprintf(w->tmp, len + 39, "%s.tmp%ld", path, (long)getpid());
    w->num_ids = num_ids;
    w->num_ops = num_ops;
    w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->fd < 0) {
        rw_fail(err, "%s: cannot create: %s", path, strerror(errno));
        free(names);
        free(w);
        return NULL;
    }
    if (rw_ends_with(path, ".gz")) {
        w->gz = gzdopen(w->fd, "wb6");
        if (!w->gz) {
            rw_fail(err, "%s: cannot start compression", path);
            close(w->fd);
            unlink(w->tmp);
            free(names);
            free(w);
            return NULL;
        }
        w->fd = -1; /* owned by gz now */
    }
    uint64_t head[4] = {0, num_ids, num_ops, peak_payload};
    for (int i = 0; i < 4; i++) {
        rw_num(w, head[i]);
        w->buf[w->used++] = '\n';
    }
    return w;
}

int rw_put(rw_writer *w, const rw_op *op, rw_error *err)
{
    if (op->kind != 'a' && op->kind != 'r' && op->kind != 'f') {
        rw_fail(err, "%s: op %llu: unknown kind %d", w->path,
                (unsigned long long)w->written, op->kind);
        return -1;
    }
    if (op->id >= w->num_ids || w->written >= w->num_ops) {
        rw_fail(err, "%s: op %llu does not fit the header (%llu ids, "
                "%llu ops)", w->path, (unsigned long long)w->written,
                (unsigned long long)w->num_ids,
                (unsigned long long)w->num_ops);
        return -1;
    }
    if (w->used + 64 > RW_BUF && rw_drain(w, err) != 0)
        return -1;
    w->buf[w->used++] = op->kind;
    w->buf[w->used++] = ' ';
    rw_num(w, op->id);
    if (op->kind != 'f') {
        w->buf[w->used++] = ' ';
        rw_num(w, op->size);
    }
    w->buf[w->used++] = '\n';
    w->written++;
    return 0;
}

static void rw_release(rw_writer *w)
{
    free(w->path); /* tmp shares the allocation */
    free(w);
}

void rw_abort(rw_writer *w)
{
    if (!w)
        return;
    if (w->gz)
        gzclose(w->gz);
    if (w->fd >= 0)
        close(w->fd);
    unlink(w->tmp);
    rw_release(w);
}

int rw_close(rw_writer *w, rw_error *err)
{
    if (w->written != w->num_ops) {
        rw_fail(err, "%s: %llu ops written, the header says %llu", w->path,
                (unsigned long long)w->written,
                (unsigned long long)w->num_ops);
        rw_abort(w);
        return -1;
    }
    if (rw_drain(w, err) != 0) {
        rw_abort(w);
        return -1;
    }
    int rc = 0;
    if (w->gz) {
        int z = gzclose(w->gz);
        w->gz = NULL;
        if (z != Z_OK) {
            rw_fail(err, "%s: finishing the compressed stream failed",
                    w->path);
            rc = -1;
        }
    } else {
        if (close(w->fd) != 0) {
            rw_fail(err, "%s: close failed: %s", w->path, strerror(errno));
            rc = -1;
        }
        w->fd = -1;
    }
    if (rc == 0 && rename(w->tmp, w->path) != 0) {
        rw_fail(err, "%s: cannot rename into place: %s", w->path,
                strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(w->tmp);
    rw_release(w);
    return rc;
}

int rw_summarize(const rw_op *ops, size_t n, rw_summary *out, rw_error *err)
{
    memset(out, 0, sizeof *out);
    uint32_t max_id = 0;
    for (size_t i = 0; i < n; i++)
        if (ops[i].id > max_id)
            max_id = ops[i].id;
    size_t ids = n ? (size_t)max_id + 1 : 0;
    /* live[id] holds size + 1 while the block is live, 0 when it is not. */
    uint64_t *live = calloc(ids ? ids : 1, sizeof *live);
    if (!live) {
        rw_fail(err, "out of memory summarising %zu ops", n);
        return -1;
    }
    uint64_t cur = 0;
    for (size_t i = 0; i < n; i++) {
        const rw_op *op = &ops[i];
        uint64_t *slot = &live[op->id];
        switch (op->kind) {
        case 'a':
            if (*slot) {
                rw_fail(err, "op %zu: a %u while block %u is live", i,
                        op->id, op->id);
                goto bad;
            }
            *slot = op->size + 1;
            cur += op->size;
            out->count[0]++;
            break;
        case 'r':
            if (!*slot) {
                rw_fail(err, "op %zu: r %u of a block that is not live", i,
                        op->id);
                goto bad;
            }
            cur = cur - (*slot - 1) + op->size;
            *slot = op->size + 1;
            out->count[1]++;
            break;
        case 'f':
            if (!*slot) {
                rw_fail(err, "op %zu: f %u of a block that is not live", i,
                        op->id);
                goto bad;
            }
            cur -= *slot - 1;
            *slot = 0;
            out->count[2]++;
            break;
        default:
            rw_fail(err, "op %zu: unknown kind %d", i, op->kind);
            goto bad;
        }
        if (cur > out->peak_payload)
            out->peak_payload = cur;
    }
    free(live);
    out->num_ids = ids;
    out->num_ops = n;
    return 0;
bad:
    free(live);
    return -1;
}

int rw_write_ops(const char *path, const rw_op *ops, size_t n, rw_error *err)
{
    rw_summary s;
    if (rw_summarize(ops, n, &s, err) != 0)
        return -1;
    rw_writer *w = rw_open(path, s.num_ids, s.num_ops, s.peak_payload, err);
    if (!w)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (rw_put(w, &ops[i], err) != 0) {
            rw_abort(w);
            return -1;
        }
    return rw_close(w, err);
}
