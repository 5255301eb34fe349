/*
 * trace_io.c: getting a trace's text into memory for the scanner.
 *
 * Where it sits: the very start of the data flow. trace_load reads a
 * regular file into one buffer (a pipe into a growing one), and
 * trace_parse (trace.c) calls trace_gunzip here when the bytes start with
 * the gzip magic, whatever the file is called. Everything is bounded by
 * TRACE_MAX_TEXT, so that a gzip bomb or a huge device ends in a message,
 * not in the OOM killer.
 */
#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include "trace_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ------------------------------------------------------------------ */
/* gzip                                                                */

int trace_is_gzip(const char *buf, size_t len)
{
    return len >= 2 && (unsigned char)buf[0] == 0x1f &&
           (unsigned char)buf[1] == 0x8b;
}

int trace_gunzip(const char *path, const char *in, size_t len, char **out,
                 size_t *out_len, trace_error *err)
{
    /* The trailer holds the size mod 2^32: a good first guess, bounded by
     * deflate's best ratio so a forged trailer cannot ask for much. */
    size_t cap = 1 << 16;
    if (len >= 18) {
        const unsigned char *tr = (const unsigned char *)in + len - 4;
        size_t isize = (size_t)tr[0] | (size_t)tr[1] << 8 |
                       (size_t)tr[2] << 16 | (size_t)tr[3] << 24;
        size_t most = len < TRACE_MAX_TEXT / 1100 ? len * 1100 : TRACE_MAX_TEXT;
        if (isize > cap && isize <= most)
            cap = isize + 1;
    }
    char *buf = malloc(cap);
    if (!buf)
        return trace_fail(err, path, 0, "out of memory for %zu bytes", cap);

    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
        free(buf);
        return trace_fail(err, path, 0, "cannot start zlib: out of memory");
    }
    size_t in_pos = 0, used = 0;
    const char *why = NULL;
    for (;;) {
        if (used == cap) {
            if (cap > TRACE_MAX_TEXT) {
                why = "decompresses to more than the 4 GiB a trace may have";
                break;
            }
            size_t ncap = cap * 2 > TRACE_MAX_TEXT + 1 ? TRACE_MAX_TEXT + 1
                                                       : cap * 2;
            char *nbuf = realloc(buf, ncap);
            if (!nbuf) {
                why = "out of memory while decompressing";
                break;
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t in_avail = len - in_pos, out_avail = cap - used;
        zs.next_in = (Bytef *)(uintptr_t)(in + in_pos);
        zs.avail_in = in_avail > UINT_MAX ? UINT_MAX : (uInt)in_avail;
        zs.next_out = (Bytef *)(buf + used);
        zs.avail_out = out_avail > UINT_MAX ? UINT_MAX : (uInt)out_avail;
        uInt in_given = zs.avail_in, out_given = zs.avail_out;
        int rc = inflate(&zs, Z_NO_FLUSH);
        in_pos += in_given - zs.avail_in;
        used += out_given - zs.avail_out;
        if (rc == Z_STREAM_END) {
            if (in_pos == len)
                break;
            if (trace_is_gzip(in + in_pos, len - in_pos) &&
                inflateReset(&zs) == Z_OK)
                continue;
            why = "unexpected bytes after the end of the gzip data";
            break;
        }
        if (rc == Z_OK)
            continue;
        if (rc == Z_BUF_ERROR && used == cap)
            continue;
        if (rc == Z_BUF_ERROR)
            why = "the gzip data ends early (truncated file?)";
        else if (rc == Z_MEM_ERROR)
            why = "out of memory while decompressing";
        else
            why = zs.msg ? zs.msg : "corrupt gzip data";
        break;
    }
    inflateEnd(&zs);
    if (why) {
        int r = trace_fail(err, path, trace_line_at(buf, used),
                           "gzip: %s (after %zu bytes of text)", why, used);
        free(buf);
        return r;
    }
    *out = buf;
    *out_len = used;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                 */

/* Reads what is left of FD into a growing buffer (pipes, devices, and
 * files that cannot be mapped). */
static int trace_read_fd(const char *path, int fd, size_t hint, char **out,
                         size_t *out_len, trace_error *err)
{
    size_t cap = hint ? hint : 1 << 16, used = 0;
    char *buf = malloc(cap);
    if (!buf)
        return trace_fail(err, path, 0, "out of memory for %zu bytes", cap);
    for (;;) {
        if (used == cap) {
            if (cap > TRACE_MAX_TEXT) {
                free(buf);
                return trace_fail(err, path, 0,
                                  "more than the 4 GiB a trace may have");
            }
            size_t ncap = cap * 2 > TRACE_MAX_TEXT + 1 ? TRACE_MAX_TEXT + 1
                                                       : cap * 2;
            char *nbuf = realloc(buf, ncap);
            if (!nbuf) {
                free(buf);
                return trace_fail(err, path, 0, "out of memory for %zu bytes",
                                  ncap);
            }
            buf = nbuf;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + used, cap - used);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return trace_fail(err, path, 0, "cannot read: %s", strerror(e));
        }
        if (r == 0)
            break;
        used += (size_t)r;
        /* A stream that is not text (say /dev/zero) would be read up to
         * the size limit; the scanner needs no more than its first NUL
         * to say what is wrong. gzip data holds NULs and is exempt. */
        if (!trace_is_gzip(buf, used) &&
            memchr(buf + used - (size_t)r, '\0', (size_t)r))
            break;
    }
    *out = buf;
    *out_len = used;
    return 0;
}

/* Reads the LEN bytes a regular file had when it was opened into a
 * table (trace_table_alloc: in huge pages when large). Read, not mapped:
 * a mapping of the page cache is faulted in 4 KiB at a time, which in a
 * VM costs more than the copy (a 5 M-op trace loaded a quarter faster
 * this way), and a file that another process truncates while a mapping
 * of it is read raises SIGBUS; read() just gives fewer bytes. *GOT gets
 * the bytes read, which is fewer than LEN only when the file shrank. */
static int trace_read_regular(const char *path, int fd, size_t len,
                              char **out, size_t *got, size_t *mapped,
                              trace_error *err)
{
    char *buf = trace_table_alloc(len, 1, mapped);
    if (!buf)
        return trace_fail(err, path, 0, "out of memory for %zu bytes", len);
    size_t used = 0;
    while (used < len) {
        size_t want = len - used;
        ssize_t r = read(fd, buf + used, want < SSIZE_MAX ? want : SSIZE_MAX);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            trace_table_free(buf, *mapped);
            return trace_fail(err, path, 0, "cannot read: %s", strerror(e));
        }
        if (r == 0)
            break;
        used += (size_t)r;
    }
    *out = buf;
    *got = used;
    return 0;
}

int trace_load(const char *path, trace *t, trace_error *err, FILE *warn)
{
    if (t)
        memset(t, 0, sizeof *t);
    if (!path)
        return trace_fail(err, "(null)", 0, "no file name given");
    if (!t)
        return trace_fail(err, path, 0, "no trace to load into");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return trace_fail(err, path, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return trace_fail(err, path, 0, "cannot stat: %s", strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return trace_fail(err, path, 0, "cannot read: %s", strerror(EISDIR));
    }
    size_t hint = 0;
    if (S_ISREG(st.st_mode)) {
        if ((uint64_t)st.st_size > TRACE_MAX_TEXT) {
            close(fd);
            return trace_fail(err, path, 0,
                              "%lld bytes, more than the 4 GiB a trace may "
                              "have",
                              (long long)st.st_size);
        }
        size_t len = (size_t)st.st_size;
        if (len) {
            char *buf = NULL;
            size_t got = 0, mapped = 0;
            int rc = trace_read_regular(path, fd, len, &buf, &got, &mapped,
                                        err);
            close(fd);
            if (rc == 0) {
                rc = trace_parse(path, buf, got, t, err, warn);
                trace_table_free(buf, mapped);
            }
            return rc;
        }
        /* Size 0: empty, or a file of /proc that has no size until it is
         * read; read to its end like a pipe. */
        hint = 1;
    }
    char *buf = NULL;
    size_t len = 0;
    int rc = trace_read_fd(path, fd, hint, &buf, &len, err);
    close(fd);
    if (rc == 0)
        rc = trace_parse(path, buf, len, t, err, warn);
    free(buf);
    return rc;
}
