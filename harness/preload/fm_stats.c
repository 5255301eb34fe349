/*
 * fm_stats.c: libfitmalloc's statistics: the peak footprint, the peak
 * requested payload and their ratio (the classic utilization) of a real
 * program, reported when it exits (FITBENCH_STATS=1, to stderr, or
 * FITBENCH_STATS_FILE=path, appended).
 *
 * Where it sits: the entry points (fitmalloc.c) call the fm_stats_* hooks
 * under the heap's lock, only when statistics are on, so a run without
 * them pays one test per call and nothing else.
 *
 * The payload is the sum of the sizes the program asked for, live at
 * once. The core does not tell which size was asked for a block when it
 * comes back (fa_usable_size is the block's, larger), so each heap keeps
 * its own side table, a 32-bit word per 16-byte granule of its region,
 * written at the granule of every payload handed out and read back when
 * it is freed. The table is address space reserved with MAP_NORESERVE;
 * only the pages the heap reaches are ever touched, and they are not in
 * the footprint (as the core's own bitmap is not). A request of 2 GiB or
 * more is kept in 64 KiB units, the only approximation.
 *
 * Peak footprint: with one heap, the core's own high-water mark, exact to
 * the byte. With several (thread mode) the sum over heaps, sampled after
 * every call that can move a break, so a peak lasting less than one call
 * (inside a moving realloc) may be missed.
 *
 * A process that ends in _exit, in exec or by a signal writes no report
 * (no destructor runs); its children and the program it execs write
 * their own.
 *
 * One report line per process, written with one write(2), so processes
 * that share a file (a compiler driver and its children) never interleave:
 *   fitmalloc: pid=N prog=NAME policy=P heaps=H peak_footprint=B
 *   peak_payload=B util=U allocs=N frees=N reallocs=N foreign_frees=N
 *   foreign_reallocs=N bad_frees=N meta=B
 */
#include "fm.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

extern char *program_invocation_short_name;

static atomic_size_t fm_live_payload, fm_peak_payload;
static atomic_size_t fm_total_fp, fm_peak_fp;

#define FM_REQ_BIG ((uint32_t)1 << 31)

static void fm_atomic_max(atomic_size_t *peak, size_t v) {
    size_t old = atomic_load_explicit(peak, memory_order_relaxed);
    while (v > old && !atomic_compare_exchange_weak_explicit(peak, &old, v, memory_order_relaxed,
                                                             memory_order_relaxed))
        ;
}

void fm_stats_heap(fm_heap *m) {
    size_t bytes = fm_region_bytes / FA_ALIGN * sizeof(uint32_t);
    void *t = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    /* Without a table the heap's payload is not counted; the report says
     * so through util=?. */
    if (t != MAP_FAILED) {
        m->reqs = t;
        m->reqs_bytes = bytes;
    }
}

static uint32_t fm_req_encode(size_t n) {
    return n < FM_REQ_BIG ? (uint32_t)n : FM_REQ_BIG | (uint32_t)((n >> 16) & (FM_REQ_BIG - 1));
}
static size_t fm_req_decode(uint32_t e) {
    return e & FM_REQ_BIG ? (size_t)(e & (FM_REQ_BIG - 1)) << 16 : e;
}

static uint32_t *fm_req_slot(fm_heap *m, const void *p) {
    return &m->reqs[((uintptr_t)p - m->lo) / FA_ALIGN];
}

void fm_stats_alloc(fm_heap *m, const void *p, size_t n) {
    if (!m->reqs)
        return;
    uint32_t e = fm_req_encode(n);
    *fm_req_slot(m, p) = e;
    size_t live =
        atomic_fetch_add_explicit(&fm_live_payload, fm_req_decode(e), memory_order_relaxed) +
        fm_req_decode(e);
    fm_atomic_max(&fm_peak_payload, live);
}

void fm_stats_free(fm_heap *m, const void *p) {
    if (!m->reqs)
        return;
    atomic_fetch_sub_explicit(&fm_live_payload, fm_req_decode(*fm_req_slot(m, p)),
                              memory_order_relaxed);
}

void fm_stats_footprint(fm_heap *m) {
    size_t fp = fa_heap_footprint(m->heap);
    if (fp == m->fp_seen)
        return;
    size_t total;
    if (fp > m->fp_seen)
        total = atomic_fetch_add_explicit(&fm_total_fp, fp - m->fp_seen, memory_order_relaxed) +
                (fp - m->fp_seen);
    else
        total = atomic_fetch_sub_explicit(&fm_total_fp, m->fp_seen - fp, memory_order_relaxed) -
                (m->fp_seen - fp);
    m->fp_seen = fp;
    fm_atomic_max(&fm_peak_fp, total);
}

/* ------------------------------------------------------------ writing */

typedef struct fm_buf {
    char b[1024];
    size_t n;
} fm_buf;

static void fm_put(fm_buf *o, const char *s) {
    while (*s && o->n < sizeof o->b - 1)
        o->b[o->n++] = *s++;
}

static void fm_put_u(fm_buf *o, size_t v) {
    char d[24];
    size_t k = 0;
    do
        d[k++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (k > 0 && o->n < sizeof o->b - 1)
        o->b[o->n++] = d[--k];
}

static void fm_put_kv(fm_buf *o, const char *key, size_t v) {
    fm_put(o, " ");
    fm_put(o, key);
    fm_put(o, "=");
    fm_put_u(o, v);
}

/* num/den with four decimals, rounded; '?' when den is 0. */
static void fm_put_ratio(fm_buf *o, size_t num, size_t den) {
    if (den == 0) {
        fm_put(o, "?");
        return;
    }
    unsigned __int128 q = ((unsigned __int128)num * 10000 + den / 2) / den;
    fm_put_u(o, (size_t)(q / 10000));
    fm_put(o, ".");
    char frac[5] = {0};
    size_t f = (size_t)(q % 10000);
    for (int i = 3; i >= 0; i--, f /= 10)
        frac[i] = (char)('0' + f % 10);
    fm_put(o, frac);
}

static void fm_write_all(int fd, const char *s, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

void fm_say(const char *a, const char *b, const char *c) {
    fm_buf o = {.n = 0};
    fm_put(&o, "fitmalloc: ");
    fm_put(&o, a);
    fm_put(&o, b ? b : "");
    fm_put(&o, c ? c : "");
    o.b[o.n++] = '\n';
    int saved = errno;
    fm_write_all(2, o.b, o.n);
    errno = saved;
}

void fm_warn_pointer(const char *before, const void *p, const char *after) {
    fm_buf o = {.n = 0};
    fm_put(&o, "fitmalloc: ");
    fm_put(&o, before);
    fm_put(&o, "0x");
    char d[16];
    uintptr_t a = (uintptr_t)p;
    int k = 0;
    do
        d[k++] = "0123456789abcdef"[a & 15];
    while ((a >>= 4) != 0);
    while (k > 0)
        o.b[o.n++] = d[--k];
    fm_put(&o, after);
    o.b[o.n++] = '\n';
    int saved = errno;
    fm_write_all(2, o.b, o.n);
    errno = saved;
}

/* Where the report goes, read at start (the program may change its
 * environment before it exits). */
static char fm_stats_path[4096];
/* The stderr the process started with, kept on a high descriptor: many
 * programs close stderr on their way out (coreutils' close_stdout does),
 * and by the time the report is written descriptor 2 may be closed or
 * even reused for a file of the program's. */
static int fm_report_fd = 2;

void fm_stats_setup(const char *flag, const char *path) {
    if (path && *path) {
        size_t n = strlen(path);
        if (n < sizeof fm_stats_path) {
            memcpy(fm_stats_path, path, n + 1);
            fm_stats_on = 1;
        } else {
            fm_say("FITBENCH_STATS_FILE is too long; statistics go to stderr", NULL, NULL);
        }
    }
    if (flag && *flag && strcmp(flag, "0") != 0)
        fm_stats_on = 1;
    if (fm_stats_on) {
        struct rlimit rl;
        int from = 64;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > 128 && rl.rlim_cur != RLIM_INFINITY)
            from = (int)(rl.rlim_cur - 32);
        int fd = fcntl(2, F_DUPFD_CLOEXEC, from);
        if (fd >= 0)
            fm_report_fd = fd;
    }
}

void fm_stats_report(void) {
    size_t n = atomic_load_explicit(&fm_nheaps, memory_order_acquire);
    size_t allocs = 0, frees = 0, reallocs = 0, bad = 0, meta = 0, peak = 0;
    int counted = 1;
    for (size_t i = 0; i < n; i++) {
        fm_heap *m = &fm_heaps[i];
        pthread_mutex_lock(&m->lock);
        allocs += m->allocs;
        frees += m->frees;
        reallocs += m->reallocs;
        bad += m->bad_frees;
        meta += fa_heap_meta_bytes(m->heap);
        if (fa_heap_peak(m->heap) > peak)
            peak = fa_heap_peak(m->heap);
        counted &= m->reqs != NULL;
        pthread_mutex_unlock(&m->lock);
    }
    /* One heap: the core's exact mark; several: the sampled sum (never
     * below the largest single heap's mark). */
    size_t sum_peak = atomic_load(&fm_peak_fp);
    if (n > 1 && sum_peak > peak)
        peak = sum_peak;
    size_t payload = atomic_load(&fm_peak_payload);

    fm_buf o = {.n = 0};
    fm_put(&o, "fitmalloc:");
    fm_put_kv(&o, "pid", (size_t)getpid());
    fm_put(&o, " prog=");
    fm_put(&o, program_invocation_short_name ? program_invocation_short_name : "?");
    fm_put(&o, " policy=");
    fm_put(&o, fm_policy);
    fm_put_kv(&o, "heaps", n);
    fm_put_kv(&o, "peak_footprint", peak);
    fm_put_kv(&o, "peak_payload", payload);
    fm_put(&o, " util=");
    fm_put_ratio(&o, payload, counted ? peak : 0);
    fm_put_kv(&o, "allocs", allocs);
    fm_put_kv(&o, "frees", frees);
    fm_put_kv(&o, "reallocs", reallocs);
    fm_put_kv(&o, "foreign_frees", atomic_load(&fm_foreign_frees));
    fm_put_kv(&o, "foreign_reallocs", atomic_load(&fm_foreign_reallocs));
    fm_put_kv(&o, "bad_frees", bad);
    fm_put_kv(&o, "meta", meta);
    o.b[o.n++] = '\n';

    int fd = fm_report_fd, opened = 0;
    if (fm_stats_path[0]) {
        fd = open(fm_stats_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0) {
            fd = fm_report_fd;
            static const char a[] = "fitmalloc: cannot open FITBENCH_STATS_FILE ",
                              b[] = "; statistics go to stderr\n";
            fm_write_all(fd, a, sizeof a - 1);
            fm_write_all(fd, fm_stats_path, strlen(fm_stats_path));
            fm_write_all(fd, b, sizeof b - 1);
        } else {
            opened = 1;
        }
    }
    fm_write_all(fd, o.b, o.n);
    if (opened)
        close(fd);
}
