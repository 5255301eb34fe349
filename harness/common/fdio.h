/*
 * fdio.h: writing a whole buffer to a descriptor, through short writes and
 * EINTR. Where it sits: common/, for the cell's row pipe (cell/) and the
 * slots of `fitbench run -j` (cli/run_sched.c).
 */
#ifndef FB_FDIO_H
#define FB_FDIO_H

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/* 0 when all n bytes went out, -1 (errno set, or 0 bytes taken) else. */
static inline int fb_write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

#endif
