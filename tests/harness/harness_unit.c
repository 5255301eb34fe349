/*
 * harness_unit.c: the replay passes on hand-made traces with known
 * answers, and the correctness checks against allocators broken on
 * purpose, one way each: overlap, misalignment, corrupted payload, NULL,
 * a rejected free, a crash and a hang. Crash and hang go through the real
 * cell machinery (a child process with a time limit): this binary is its
 * own cell child, through fb_cell_main_with.
 *   harness_unit unit    known answers, in-process breakage, warm repetitions,
 *                        budgets (a pass cut short: status partial, honest
 *                        figures of the prefix)
 *   harness_unit cells   breakage in child processes, and the cell's own
 *                        limits with no parent enforcing them (ctest
 *                        harness.cells)
 */
#include "allocators.h"
#include "cell.h"
#include "check.h"
#include "clock.h"
#include "fitalloc.h"
#include "replay.h"
#include "trace.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------ broken allocators */

typedef struct {
    fa_heap *h;
    unsigned long n;  /* mallocs so far */
    void *last;
} broken_heap;

static int creates; /* heaps created in this process: one per pass */

enum { BREAK_AT = 20 };

static void *b_create(const fb_alloc_hint *hint) {
    (void)hint;
    static broken_heap bh;
    memset(&bh, 0, sizeof bh);
    creates++;
    bh.h = fa_heap_create("tlsf", NULL);
    return bh.h ? &bh : NULL;
}
static void b_destroy(void *p) { fa_heap_destroy(((broken_heap *)p)->h); }
static int b_free(void *p, void *q) { return fa_free(((broken_heap *)p)->h, q); }
static void *b_realloc(void *p, void *q, size_t n) { return fa_realloc(((broken_heap *)p)->h, q, n); }
static size_t b_footprint(void *p) { return fa_heap_footprint(((broken_heap *)p)->h); }
static void *plain(broken_heap *b, size_t n) {
    b->n++;
    return b->last = fa_malloc(b->h, n);
}

static void *m_overlap(void *p, size_t n) {
    broken_heap *b = p;
    void *prev = b->last;
    void *q = plain(b, n);
    return b->n == BREAK_AT && prev ? prev : q;
}
static void *m_misalign(void *p, size_t n) {
    broken_heap *b = p;
    char *q = plain(b, n + 16);
    return b->n == BREAK_AT ? q + 8 : q;
}
static void *m_null(void *p, size_t n) {
    broken_heap *b = p;
    void *q = plain(b, n);
    return b->n == BREAK_AT ? NULL : q;
}
static void *m_crash(void *p, size_t n) {
    broken_heap *b = p;
    if (b->n + 1 == BREAK_AT)
        raise(SIGSEGV);
    return plain(b, n);
}
static void *m_hang(void *p, size_t n) {
    broken_heap *b = p;
    if (b->n + 1 == BREAK_AT)
        for (;;)
            pause();
    return plain(b, n);
}
/* Hangs in the second pass (correctness), after the space pass passed. */
static void *m_latehang(void *p, size_t n) {
    broken_heap *b = p;
    if (creates >= 2 && b->n + 1 == BREAK_AT)
        for (;;)
            pause();
    return plain(b, n);
}
/* Runs away with memory: from the BREAK_AT-th malloc on it maps and
 * touches a MiB every 5 ms (about 200 MB/s) and never returns. */
static void *m_hog(void *p, size_t n) {
    broken_heap *b = p;
    if (b->n + 1 == BREAK_AT)
        for (;;) {
            char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m != MAP_FAILED)
                memset(m, 1, 1 << 20);
            usleep(5000);
        }
    return plain(b, n);
}
static void *m_plain(void *p, size_t n) { return plain(p, n); }
/* Corrupts: a realloc that moves without copying the payload. */
static void *r_nocopy(void *p, void *q, size_t n) {
    broken_heap *b = p;
    if (!q)
        return plain(b, n);
    void *np = fa_malloc(b->h, n + 64);
    fa_free(b->h, q);
    return np;
}
static int f_reject(void *p, void *q) {
    broken_heap *b = p;
    return b->n >= BREAK_AT ? -1 : fa_free(b->h, q);
}

#define BROKEN(id, mfn, ffn, rfn)                                                     \
    static const fb_allocator br_##id = {                                             \
        .name = #id, .group = "test", .align = 16, .available = NULL, .create = b_create, \
        .destroy = b_destroy, .malloc = mfn, .free = ffn, .realloc = rfn,             \
        .footprint = b_footprint};
BROKEN(overlap, m_overlap, b_free, b_realloc)
BROKEN(misalign, m_misalign, b_free, b_realloc)
BROKEN(null, m_null, b_free, b_realloc)
BROKEN(crash, m_crash, b_free, b_realloc)
BROKEN(hang, m_hang, b_free, b_realloc)
BROKEN(latehang, m_latehang, b_free, b_realloc)
BROKEN(hog, m_hog, b_free, b_realloc)
BROKEN(nocopy, m_plain, b_free, r_nocopy)
BROKEN(reject, m_plain, f_reject, b_realloc)

static int always(void) { return 1; }

static const fb_allocator *test_find(const char *name) {
    static const fb_allocator *const all[] = {&br_overlap, &br_misalign, &br_null,
                                              &br_crash,   &br_hang,     &br_latehang,
                                              &br_nocopy,  &br_reject,   &br_hog};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(all[i]->name, name))
            return all[i];
    return fb_allocator_find(name);
}

/* ------------------------------------------------------------ traces */

static const char small_trace[] = "0\n3\n6\n0\n"
                                  "a 0 100\n"
                                  "a 1 200\n"
                                  "r 0 300\n"
                                  "f 1\n"
                                  "a 2 50\n"
                                  "f 0\n";

/* A longer trace: 200 blocks allocated, every one resized, then freed. */
static char *make_long_trace(size_t *len) {
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s + n, cap - n, "0\n200\n600\n1\n");
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(s + n, cap - n, "a %d %d\n", i, 16 + (i * 37) % 500);
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(s + n, cap - n, "r %d %d\n", i, 32 + (i * 53) % 900);
    for (int i = 0; i < 200; i++)
        n += (size_t)snprintf(s + n, cap - n, "f %d\n", i);
    *len = n;
    return s;
}

static void quick(fb_replay_opts *o) {
    fb_replay_defaults(o);
    o->fixed_reps = 3;
    o->check_every = 1;
}

/* Every policy of the core's list is an allocator of the harness's, in
 * the fit group, in the same order. */
static void one_list(void) {
    size_t k = 0;
    for (size_t i = 0; i < fb_allocator_count(); i++) {
        const fb_allocator *a = fb_allocator_at(i);
        if (strcmp(a->group, "fit"))
            continue;
        CHECK(k < fa_policy_count() && !strcmp(a->name, fa_policy_name(k)),
              "fit allocator %zu is %s, the core's policy %zu is %s", i, a->name, k,
              k < fa_policy_count() ? fa_policy_name(k) : "(none)");
        k++;
    }
    CHECK(k == fa_policy_count(), "%zu fit allocators for %zu policies", k, fa_policy_count());
}

static void known_answers(void) {
    trace t;
    trace_error err;
    CHECK(trace_parse("small.rep", small_trace, sizeof small_trace - 1, &t, &err, NULL) == 0,
          "small trace: %s", err.msg);
    fb_replay_opts o;
    quick(&o);
    fb_row row;
    memset(&row, 0, sizeof row);
    int rc = fb_replay_cell(&t, fb_allocator_find("bump"), &o, &row);
    CHECK(rc == 0 && !strcmp(row.status, "ok"), "bump: %s %s", row.status, row.detail);
    CHECK(row.ops == 6, "bump: ops %llu", (unsigned long long)row.ops);
    /* Live payload: 100, 300, 500 (r 0: +200), 300, 350, 50: peak 500. */
    CHECK(row.peak_payload == 500, "peak payload %llu, want 500", (unsigned long long)row.peak_payload);
    /* bump: 16-byte header, 16-byte rounding: 128 + 224 + 320 + 80 bytes. */
    CHECK(row.heap_peak == 752, "bump heap peak %llu, want 752", (unsigned long long)row.heap_peak);
    CHECK(row.util > 0.6648 && row.util < 0.6650, "bump util %.4f, want 500/752", row.util);
    CHECK(row.reps == 3 && row.kops > 0, "reps %llu kops %.1f", (unsigned long long)row.reps, row.kops);

    for (size_t i = 0; i < fa_policy_count(); i++) {
        const char *pol = fa_policy_name(i);
        memset(&row, 0, sizeof row);
        rc = fb_replay_cell(&t, fb_allocator_find(pol), &o, &row);
        CHECK(rc == 0 && !strcmp(row.status, "ok"), "%s: %s %s", pol, row.status, row.detail);
        CHECK(row.peak_payload == 500, "%s: peak payload", pol);
        /* segstore carves whole pages for each size class it serves: on a
         * trace this small its heap is a few runs. */
        double floor = strcmp(pol, "segstore") ? 0.2 : 0.005;
        CHECK(row.heap_peak >= 500 && row.util <= 1.0 && row.util > floor,
              "%s: heap peak %llu util %.3f", pol, (unsigned long long)row.heap_peak, row.util);
        CHECK(row.lat_a_p50 <= row.lat_a_p99 && row.lat_a_p99 <= row.lat_a_p999 &&
                  row.lat_a_p999 <= row.lat_a_max,
              "%s: malloc latency percentiles out of order", pol);
    }
    trace_free(&t);

    size_t len;
    char *txt = make_long_trace(&len);
    CHECK(trace_parse("long.rep", txt, len, &t, &err, NULL) == 0, "long trace: %s", err.msg);
    for (size_t i = 0; i < fb_allocator_count(); i++) {
        const fb_allocator *a = fb_allocator_at(i);
        if (strcmp(a->group, "fit") && strcmp(a->group, "seed"))
            continue;
        memset(&row, 0, sizeof row);
        rc = fb_replay_cell(&t, a, &o, &row);
        CHECK(rc == 0 && !strcmp(row.status, "ok"), "%s on long: %s %s", a->name, row.status, row.detail);
        CHECK(row.peak_payload == t.peak_payload, "%s: peak payload %llu, trace says %llu", a->name,
              (unsigned long long)row.peak_payload, (unsigned long long)t.peak_payload);
        CHECK(row.util > 0 && row.util <= 1.0, "%s: util %.3f", a->name, row.util);
    }
    trace_free(&t);
    free(txt);
}

static void in_process_breakage(void) {
    size_t len;
    char *txt = make_long_trace(&len);
    trace t;
    trace_error err;
    CHECK(trace_parse("long.rep", txt, len, &t, &err, NULL) == 0, "long trace: %s", err.msg);
    fb_replay_opts o;
    quick(&o);
    o.passes = FB_PASS_CHECK;
    static const struct {
        const char *name, *status, *word;
    } want[] = {
        {"overlap", "invalid", "overlaps"},  {"misalign", "invalid", "aligned"},
        {"null", "oom", "NULL"},             {"nocopy", "invalid", "corrupted"},
        {"reject", "invalid", "rejected"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        fb_row row;
        memset(&row, 0, sizeof row);
        int rc = fb_replay_cell(&t, test_find(want[i].name), &o, &row);
        CHECK(rc == 1 && !strcmp(row.status, want[i].status) && strstr(row.detail, want[i].word),
              "%s: got %s \"%s\", want %s mentioning %s", want[i].name, row.status, row.detail,
              want[i].status, want[i].word);
    }
    trace_free(&t);
    free(txt);
}

/* ------------------------------------------ the cell's own limits */

/* Runs `__cell NAME` in a child of this process as fb_cell_run would,
 * with timeout_s, max_rss_kb and the parent pid ppid on its command line,
 * but with no parent watching it: returns its wait status (-1 when it was
 * still running after 15 s, and was killed), and in *row_bytes what it
 * sent on its row pipe. */
static int lone_cell(int trace_fd, const char *name, const char *timeout_s, const char *rss_kb,
                     pid_t ppid, size_t *row_bytes) {
    int fds[2];
    CHECK_STOP(pipe(fds) == 0, "pipe: %s", strerror(errno));
    char ppid_s[24];
    snprintf(ppid_s, sizeof ppid_s, "%d", (int)ppid);
    pid_t pid = fork();
    CHECK_STOP(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        if (dup2(trace_fd, 4) < 0 || dup2(fds[1], 3) < 0)
            _exit(99);
        char *argv[] = {"__cell", "-", (char *)name, "", "0", "0", "1", "0", "0",
                        (char *)timeout_s, (char *)rss_kb, ppid_s, NULL};
        _exit(fb_cell_main_with(12, argv, test_find));
    }
    close(fds[1]);
    int st = 0;
    double give_up = fb_now() + 15;
    pid_t w;
    while ((w = waitpid(pid, &st, WNOHANG)) == 0 && fb_now() < give_up)
        usleep(20000);
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        st = -1;
    }
    char buf[4096];
    ssize_t n;
    *row_bytes = 0;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
        *row_bytes += (size_t)n;
    close(fds[0]);
    return st;
}

/* With its parent stuck or gone, a cell still stops: past its --timeout
 * (and a margin) with the exit status that names the time limit, past
 * its --max-rss (and a margin) with the one that names memory, and at
 * once, measuring nothing, when the parent it was started by is not its
 * parent any more. */
static void own_limits(int trace_fd) {
    size_t sent;
    int st = lone_cell(trace_fd, "hang", "1", "0", getpid(), &sent);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 124,
          "hang with no parent watching: wait status %d, want exit 124 (its own time limit)", st);
    st = lone_cell(trace_fd, "hog", "30", "65536", getpid(), &sent);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 125,
          "hog with no parent watching: wait status %d, want exit 125 (its own memory limit)", st);
    st = lone_cell(trace_fd, "tlsf", "30", "0", getpid() + 100000, &sent);
    CHECK(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1 && sent == 0,
          "a cell whose parent is not the one named: wait status %d, %zu bytes sent, want exit 1 "
          "and nothing", st, sent);
}

/* Pid of a live cell process whose command line holds "__cell" and dir,
 * or 0. A zombie (dead, not yet reaped by whoever inherited it) counts as
 * gone. */
static pid_t find_cell(const char *dir) {
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;
    while (d && !found && (e = readdir(d))) {
        char path[300], buf[4096], st[512];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n <= 0)
            continue;
        int has_cell = 0, has_dir = 0;
        for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1) {
            buf[n] = 0;
            has_cell |= !strcmp(buf + i, "__cell");
            has_dir |= !strcmp(buf + i, dir);
        }
        if (!has_cell || !has_dir)
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        fd = open(path, O_RDONLY);
        n = fd >= 0 ? read(fd, st, sizeof st - 1) : -1;
        if (fd >= 0)
            close(fd);
        st[n > 0 ? n : 0] = 0;
        const char *rp = strrchr(st, ')');
        if (rp && rp[1] == ' ' && rp[2] != 'Z')
            found = (pid_t)atoi(e->d_name);
    }
    if (d)
        closedir(d);
    return found;
}

/* A run killed with SIGKILL while its cell hangs: the cell dies with it,
 * long before the cell's --timeout would have stopped it. */
static void orphan_cell(int trace_fd) {
    char dir[] = "/tmp/fb_orphan.XXXXXX";
    CHECK_STOP(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
    pid_t run = fork();
    CHECK_STOP(run >= 0, "fork: %s", strerror(errno));
    if (run == 0) {
        fb_replay_opts o;
        quick(&o);
        o.outdir = dir;
        fb_allocator a = br_hang;
        a.available = always;
        fb_cell_spec spec = {trace_fd, "long", &a, &o, 30.0, 0};
        fb_row row;
        fb_cell_run(&spec, &row);
        _exit(0);
    }
    pid_t cell = 0;
    for (int i = 0; i < 200 && !(cell = find_cell(dir)); i++)
        usleep(25000);
    CHECK(cell > 0, "no cell process seen for the run");
    usleep(200000);
    kill(run, SIGKILL);
    waitpid(run, NULL, 0);
    /* The death signal is at once; the cell's own check of its parent
     * within half a second. Give it 5 s on a loaded machine: its own
     * --timeout (30 s) is far off. */
    pid_t left = cell;
    for (int i = 0; i < 100 && (left = find_cell(dir)); i++)
        usleep(50000);
    CHECK(left == 0, "cell %d still running after its run was killed", (int)left);
    if (left)
        kill(left, SIGKILL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0, "%s failed", cmd);
}

static void child_breakage(void) {
    size_t len;
    char *txt = make_long_trace(&len);
    trace t;
    trace_error err;
    CHECK(trace_parse("long.rep", txt, len, &t, &err, NULL) == 0, "long trace: %s", err.msg);
    /* fd 3 free and fd 4 taken: the trace's memfd lands on 3, where the
     * cell's row pipe goes, and must still reach the child. */
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd != 4) {
        dup2(null_fd, 4);
        close(null_fd);
    }
    close(3);
    int fd = fb_trace_share(&t);
    CHECK(fd == 3, "fb_trace_share gave fd %d, want 3 for this test", fd);
    fb_replay_opts o;
    quick(&o);
    static const struct {
        const char *name, *status;
    } want[] = {{"crash", "crash"}, {"hang", "timeout"}, {"overlap", "invalid"}, {"tlsf", "ok"}};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        fb_allocator a = *test_find(want[i].name);
        a.available = always;
        fb_cell_spec spec = {fd, "long", &a, &o, 2.0, 0};
        fb_row row;
        int rc = fb_cell_run(&spec, &row);
        CHECK(!strcmp(row.status, want[i].status) && rc == !!strcmp(want[i].status, "ok"),
              "%s in a child: got %s \"%s\", want %s", want[i].name, row.status, row.detail,
              want[i].status);
        CHECK(!strcmp(row.trace, "long") && !strcmp(row.allocator, want[i].name),
              "%s: row names %s/%s", want[i].name, row.trace, row.allocator);
    }
    /* A cell cut short keeps what its finished passes measured. */
    fb_allocator late = br_latehang;
    late.available = always;
    fb_cell_spec spec = {fd, "long", &late, &o, 2.0, 0};
    fb_row row;
    fb_cell_run(&spec, &row);
    CHECK(!strcmp(row.status, "timeout") && strstr(row.detail, "after the space pass"),
          "latehang: got %s \"%s\", want a timeout after the space pass", row.status, row.detail);
    CHECK(row.peak_payload == t.peak_payload && row.heap_peak >= row.peak_payload && row.util > 0,
          "latehang: the space pass's figures must be kept (peak %llu, heap %llu)",
          (unsigned long long)row.peak_payload, (unsigned long long)row.heap_peak);

    /* An allocator that runs away with memory is stopped at the limit,
     * long before the time limit, as `oom`; the limit is what it says. */
    fb_allocator hog = br_hog;
    hog.available = always;
    fb_cell_spec hspec = {fd, "long", &hog, &o, 5.0, 64 * 1024};
    int rc = fb_cell_run(&hspec, &row);
    CHECK(rc == 1 && !strcmp(row.status, "oom") && strstr(row.detail, "64 MiB limit (--max-rss)"),
          "hog: got %s \"%s\", want oom at the 64 MiB limit", row.status, row.detail);
    CHECK(row.rss_peak_kb > 64 * 1024 && row.rss_peak_kb < 1024 * 1024,
          "hog: peak RSS %llu KiB, want just over the 64 MiB limit", (unsigned long long)row.rss_peak_kb);
    own_limits(fd);
    orphan_cell(fd);
    close(fd);
    trace_free(&t);
    free(txt);
}

/* ------------------------------------------------ heaps that fail */

static void *c_fail(const fb_alloc_hint *hint) {
    (void)hint;
    errno = ENOMEM;
    return NULL;
}

/* Every pass whose heap cannot be created fails the cell with `error` and
 * says which pass: never `ok` with figures of zero. */
static void no_heap(void) {
    trace t;
    trace_error err;
    CHECK(trace_parse("small.rep", small_trace, sizeof small_trace - 1, &t, &err, NULL) == 0,
          "small trace: %s", err.msg);
    fb_allocator a = *fb_allocator_find("tlsf");
    a.create = c_fail;
    static const struct {
        unsigned pass;
        const char *name;
    } passes[] = {{FB_PASS_SPACE, "space"},
                  {FB_PASS_CHECK, "correctness"},
                  {FB_PASS_TIME, "throughput"},
                  {FB_PASS_LATENCY, "latency"}};
    for (size_t i = 0; i < sizeof passes / sizeof passes[0]; i++) {
        fb_replay_opts o;
        quick(&o);
        o.passes = passes[i].pass;
        fb_row row;
        memset(&row, 0, sizeof row);
        int rc = fb_replay_cell(&t, &a, &o, &row);
        CHECK(rc == 1 && !strcmp(row.status, "error") && strstr(row.detail, passes[i].name) &&
                  strstr(row.detail, "cannot create a heap"),
              "%s pass with no heap: rc %d, %s \"%s\"", passes[i].name, rc, row.status, row.detail);
    }
    trace_free(&t);
}

/* ------------------------------------------------------- budgets */

/* Peak live payload over the first n ops of t, counted here apart from
 * the space pass. */
static uint64_t prefix_peak(const trace *t, size_t n) {
    uint64_t *size = calloc(t->num_ids ? t->num_ids : 1, sizeof *size), live = 0, peak = 0;
    for (size_t i = 0; i < n; i++) {
        const trace_op *op = &t->ops[i];
        if (op->id == TRACE_NO_ID)
            continue;
        live -= size[op->id];
        size[op->id] = op->kind == TRACE_FREE ? 0 : op->size;
        live += size[op->id];
        peak = live > peak ? live : peak;
    }
    free(size);
    return peak;
}

/* A pass cut short by its budget gives the figures of the prefix it
 * replayed, says how many ops in its column, and the cell is `partial`:
 * with a budget in ops (every pass stops at the same op), the space
 * figures equal those of a whole replay of the trace cut to that prefix;
 * with a time budget already spent, every pass still covers its first
 * chunk (256 ops) and the throughput is those ops over their time. */
static void budgets(void) {
    size_t len;
    char *txt = make_long_trace(&len);
    trace t;
    trace_error err;
    CHECK_STOP(trace_parse("long.rep", txt, len, &t, &err, NULL) == 0, "long trace: %s", err.msg);
    trace cut = t;
    cut.num_ops = 250;
    static const char *const names[] = {"first", "tlsf", "buddy", "mems", "pagefamily", "dmm"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const fb_allocator *a = fb_allocator_find(names[i]);
        fb_replay_opts o;
        quick(&o);
        o.budget_ops = 250;
        fb_row row, whole;
        memset(&row, 0, sizeof row);
        memset(&whole, 0, sizeof whole);
        int rc = fb_replay_cell(&t, a, &o, &row);
        CHECK(rc == 0 && !strcmp(row.status, "partial") && strstr(row.detail, "space 250/600 ops") &&
                  strstr(row.detail, "throughput 250/600 ops"),
              "%s, 250-op budget: rc %d, %s \"%s\"", names[i], rc, row.status, row.detail);
        CHECK(row.ops == 600 && row.space_ops == 250 && row.check_ops == 250 &&
                  row.timed_ops == 250 && row.lat_ops == 250,
              "%s: ops %llu, space %llu, check %llu, timed %llu, latency %llu", names[i],
              (unsigned long long)row.ops, (unsigned long long)row.space_ops,
              (unsigned long long)row.check_ops, (unsigned long long)row.timed_ops,
              (unsigned long long)row.lat_ops);
        CHECK(row.reps == 3 && row.kops > 0 && row.replay_s > 0 &&
                  row.kops > 0.999 * 250 / row.replay_s / 1000 &&
                  row.kops < 1.001 * 250 / row.replay_s / 1000,
              "%s: kops %.1f over %.6f s a replay, want the prefix's 250 ops over it", names[i],
              row.kops, row.replay_s);
        CHECK(row.peak_payload == prefix_peak(&t, 250) && row.peak_payload < t.peak_payload,
              "%s: peak payload %llu, want the prefix's %llu", names[i],
              (unsigned long long)row.peak_payload, (unsigned long long)prefix_peak(&t, 250));
        rc = fb_replay_cell(&cut, a, &o, &whole);
        CHECK(rc == 0 && !strcmp(whole.status, "ok") && whole.heap_peak == row.heap_peak &&
                  whole.peak_payload == row.peak_payload && whole.util == row.util &&
                  whole.ext_frag == row.ext_frag,
              "%s: the prefix's figures (heap %llu, util %.4f, %s) differ from the trace cut "
              "there (heap %llu, util %.4f, %s)",
              names[i], (unsigned long long)row.heap_peak, row.util, row.status,
              (unsigned long long)whole.heap_peak, whole.util, whole.status);
    }
    /* No time left at all: each replay covers its first chunk, and the
     * throughput pass times one repetition of it. */
    fb_replay_opts o;
    quick(&o);
    o.budget_end = fb_now() - 1;
    fb_row row;
    memset(&row, 0, sizeof row);
    int rc = fb_replay_cell(&t, fb_allocator_find("first"), &o, &row);
    CHECK(rc == 0 && !strcmp(row.status, "partial") && row.space_ops == 256 &&
              row.check_ops == 256 && row.timed_ops == 256 && row.lat_ops == 256 && row.reps == 1,
          "spent budget: %s \"%s\", space %llu, check %llu, timed %llu, latency %llu, reps %llu",
          row.status, row.detail, (unsigned long long)row.space_ops,
          (unsigned long long)row.check_ops, (unsigned long long)row.timed_ops,
          (unsigned long long)row.lat_ops, (unsigned long long)row.reps);
    CHECK(row.util > 0 && row.util <= 1 && row.kops > 0 && row.peak_payload == prefix_peak(&t, 256),
          "spent budget: util %.4f, kops %.1f, peak %llu", row.util, row.kops,
          (unsigned long long)row.peak_payload);
    /* A budget the trace fits in changes nothing. */
    o.budget_end = fb_now() + 600;
    memset(&row, 0, sizeof row);
    rc = fb_replay_cell(&t, fb_allocator_find("first"), &o, &row);
    CHECK(rc == 0 && !strcmp(row.status, "ok") && row.space_ops == 600 && row.timed_ops == 600 &&
              row.reps == 3,
          "ample budget: %s \"%s\"", row.status, row.detail);
    trace_free(&t);
    free(txt);
}

/* ------------------------------------------------ warm repetitions */

/* A random-bal-like trace: 2400 blocks of 16 B to 8 KiB allocated and
 * freed in random order, about 10 MB live at the peak, every block freed
 * by the end, so a repetition reuses the footprint of the one before. */
static char *make_reuse_trace(size_t *len) {
    enum { IDS = 2400 };
    size_t cap = 1 << 17, n = 0;
    char *s = malloc(cap);
    static uint32_t live[IDS];
    size_t nlive = 0, next = 0;
    uint64_t r = 0x9e3779b97f4a7c15ull;
    n += (size_t)snprintf(s + n, cap - n, "0\n%d\n%d\n1\n", IDS, 2 * IDS);
    while (next < IDS || nlive) {
        r = r * 6364136223846793005ull + 1442695040888963407ull;
        if (next < IDS && (nlive == 0 || (r >> 33) % 3 != 0)) {
            n += (size_t)snprintf(s + n, cap - n, "a %zu %llu\n", next,
                                  16 + (unsigned long long)((r >> 40) % 8177));
            live[nlive++] = (uint32_t)next++;
        } else {
            size_t k = (size_t)(r >> 20) % nlive;
            n += (size_t)snprintf(s + n, cap - n, "f %u\n", live[k]);
            live[k] = live[--nlive];
        }
    }
    *len = n;
    return s;
}

static fa_config nohold_cfg; /* no trim hysteresis: every free page goes */
static void *nohold_create(const fb_alloc_hint *hint) {
    (void)hint;
    return fa_heap_create("tlsf", &nohold_cfg);
}

/* The timed pass must time the allocator alone: on a trace whose footprint
 * each repetition reuses, a warm repetition of any allocator that keeps
 * its memory takes a handful of page faults at most. An allocator that
 * gives its pages back at every free (the core with no hysteresis) shows
 * its own faults in the same column. */
static void warm_faults(void) {
    size_t len;
    char *txt = make_reuse_trace(&len);
    trace t;
    trace_error err;
    CHECK(trace_parse("reuse.rep", txt, len, &t, &err, NULL) == 0, "reuse trace: %s", err.msg);
    CHECK(t.peak_payload > (4u << 20), "reuse trace peak %llu, want several MB",
          (unsigned long long)t.peak_payload);
    fb_replay_opts o;
    fb_replay_defaults(&o);
    o.fixed_reps = 5;
    o.passes = FB_PASS_TIME;
    for (size_t i = 0; i < fb_allocator_count(); i++) {
        const fb_allocator *a = fb_allocator_at(i);
        /* System allocators run preloaded in cells, not here; an allocator
         * with no reset gives all its memory back by design once every
         * block is freed (pagefamily unmaps its empty pages). */
        if (!strcmp(a->group, "system") || !a->reset)
            continue;
        fb_row row;
        memset(&row, 0, sizeof row);
        int rc = fb_replay_cell(&t, a, &o, &row);
        CHECK(rc == 0 && row.reps == 5, "%s: %s %s", a->name, row.status, row.detail);
        /* 2 per 1000 ops: under 10 faults in a 4800-op repetition, against
         * about 2500 pages of footprint. */
        CHECK(row.faults <= 2.0, "%s: %.2f page faults per 1000 ops in warm timed repetitions",
              a->name, row.faults);
    }
    fb_allocator nohold = *fb_allocator_find("tlsf");
    nohold.create = nohold_create;
    fb_row row;
    memset(&row, 0, sizeof row);
    fb_replay_cell(&t, &nohold, &o, &row);
    CHECK(!strcmp(row.status, "ok") && row.faults > 100,
          "tlsf with no trim hysteresis: %.2f faults per 1000 ops, want its own page faults seen",
          row.faults);
    trace_free(&t);
    free(txt);
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "__cell"))
        return fb_cell_main_with(argc - 1, argv + 1, test_find);
    const char *part = argc == 2 ? argv[1] : "";
    if (!strcmp(part, "unit")) {
        one_list();
        known_answers();
        in_process_breakage();
        no_heap();
        budgets();
        warm_faults();
    } else if (!strcmp(part, "cells")) {
        child_breakage();
    } else {
        fprintf(stderr, "usage: harness_unit unit|cells\n");
        return 2;
    }
    return check_finish("harness_unit %s", part);
}
