/*
 * cell.c: running one cell in a child process (see cell.h): the parent's
 * side (fork, exec, the limits it enforces, the row it makes of what
 * happened) and the child's (its own limits, the replay, the rows it
 * sends).
 */
#include "cell.h"

#include "clock.h"
#include "diag.h"
#include "fdio.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile int fb_interrupted;

/* What the memfd holds: this header, then num_ops trace_op at ops_offset. */
typedef struct {
    char magic[8];
    char name[64];
    uint64_t num_ids, num_ops, peak_payload, max_request, ops_offset;
} trace_blob;

#define BLOB_MAGIC "fbtrace1"
#define CELL_TRACE_FD 4
/* A page the parent and the child share: the child's allocator counts its
 * calls there (fb_alloc_calls), so that the parent can say at which op a
 * crash or a hang happened. */
#define CELL_CALLS_FD 5

/* A shared counter for one cell: its fd (-1 when none could be made) and
 * the parent's mapping of it. */
static int calls_open(volatile uint64_t **calls) {
    *calls = NULL;
    int fd = memfd_create("fitbench-calls", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    void *m = ftruncate(fd, 4096) == 0
                  ? mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                  : MAP_FAILED;
    if (m == MAP_FAILED) {
        close(fd);
        return -1;
    }
    *calls = m;
    return fd;
}

/* How a child that hit one of its own limits (the backstops, below) exits,
 * so that the parent names the limit. */
#define CELL_EXIT_TIMEOUT 124
#define CELL_EXIT_OOM 125

int fb_trace_share(const trace *t) {
    int fd = memfd_create("fitbench-trace", MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    trace_blob b;
    memset(&b, 0, sizeof b);
    memcpy(b.magic, BLOB_MAGIC, 8);
    snprintf(b.name, sizeof b.name, "%s", t->name);
    b.num_ids = t->num_ids;
    b.num_ops = t->num_ops;
    b.peak_payload = t->peak_payload;
    b.max_request = t->max_request;
    b.ops_offset = (sizeof b + 63) / 64 * 64;
    char pad[64] = {0};
    if (fb_write_all(fd, &b, sizeof b) || fb_write_all(fd, pad, b.ops_offset - sizeof b) ||
        fb_write_all(fd, t->ops, t->num_ops * sizeof(trace_op))) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* Maps the parent's trace; 0 or -1 with a reason in row. */
static int trace_attach(trace *t, fb_row *row) {
    struct stat st;
    memset(t, 0, sizeof *t);
    if (fstat(CELL_TRACE_FD, &st) != 0 || (size_t)st.st_size < sizeof(trace_blob)) {
        snprintf(row->detail, sizeof row->detail, "no trace handed to the cell");
        return -1;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, CELL_TRACE_FD, 0);
    if (m == MAP_FAILED) {
        snprintf(row->detail, sizeof row->detail, "cannot map the trace: %s", strerror(errno));
        return -1;
    }
    const trace_blob *b = m;
    if (memcmp(b->magic, BLOB_MAGIC, 8) != 0 || b->ops_offset < sizeof *b ||
        b->num_ops > ((size_t)st.st_size - b->ops_offset) / sizeof(trace_op)) {
        snprintf(row->detail, sizeof row->detail, "the trace handed to the cell is damaged");
        return -1;
    }
    static char name[64];
    memcpy(name, b->name, sizeof name);
    name[sizeof name - 1] = 0;
    t->name = t->path = name;
    t->num_ids = b->num_ids;
    t->num_ops = b->num_ops;
    t->peak_payload = b->peak_payload;
    t->max_request = b->max_request;
    t->ops = (trace_op *)((char *)m + b->ops_offset);
    return 0;
}


static void row_init(fb_row *row, const fb_cell_spec *s) {
    fb_row_clear(row);
    snprintf(row->trace, sizeof row->trace, "%s", s->trace_name);
    snprintf(row->allocator, sizeof row->allocator, "%s", s->alloc->name);
}

static void row_status(fb_row *row, const char *status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void row_status(fb_row *row, const char *status, const char *fmt, ...) {
    snprintf(row->status, sizeof row->status, "%s", status);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row->detail, sizeof row->detail, fmt, ap);
    va_end(ap);
}


static char fb_argv0[4096];

void fb_cell_set_argv0(const char *argv0) {
    /* A name without a slash was found on PATH, not in this folder. */
    if (!argv0 || !strchr(argv0, '/') || !realpath(argv0, fb_argv0))
        fb_argv0[0] = 0;
}

/* The binary each cell runs: this very one. /proc/self/exe reaches it even
 * when the file was rebuilt or removed during a long run (its link then
 * ends in " (deleted)"); otherwise the path it was started by is used,
 * which also works under valgrind, where /proc/self/exe is valgrind's. */
static void fb_self_path(char *buf, size_t len) {
    char link[4096];
    ssize_t n = readlink("/proc/self/exe", link, sizeof link - 1);
    link[n > 0 ? n : 0] = 0;
    int replaced = n > 10 && strcmp(link + n - 10, " (deleted)") == 0;
    if (!replaced && fb_argv0[0] && access(fb_argv0, X_OK) == 0)
        snprintf(buf, len, "%s", fb_argv0);
    else
        snprintf(buf, len, "/proc/self/exe");
}

/* Resident memory of PID in KiB (from /proc), or 0 when it cannot be
 * read. */
static uint64_t child_rss_kb(pid_t pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    unsigned long long size, resident;
    if (sscanf(buf, "%llu %llu", &size, &resident) != 2)
        return 0;
    long page = sysconf(_SC_PAGESIZE);
    return (uint64_t)resident * (uint64_t)(page > 0 ? page : 4096) / 1024;
}

int fb_cell_run(const fb_cell_spec *s, fb_row *row) {
    row_init(row, s);
    const fb_allocator *a = s->alloc;
    char lib[512] = "";
    if (!a->available()) {
        row_status(row, "unavailable", "%s is not installed", a->preload ? a->preload : a->name);
        return 1;
    }
    if (a->preload && !fb_system_library_path(a->preload, lib, sizeof lib)) {
        row_status(row, "unavailable", "%s not found", a->preload);
        return 1;
    }
    char self[4096];
    fb_self_path(self, sizeof self);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        row_status(row, "error", "pipe: %s", strerror(errno));
        return 1;
    }
    volatile uint64_t *calls;
    int calls_fd = calls_open(&calls);
    const fb_replay_opts *o = s->opts;
    char fdarg[16], mt[32], xt[32], reps[16], every[32], passes[16], tmo[32], rss[32], ppid[24];
    snprintf(fdarg, sizeof fdarg, "%d", 3);
    snprintf(tmo, sizeof tmo, "%g", s->timeout_s > 0 ? s->timeout_s : 0);
    snprintf(rss, sizeof rss, "%llu", (unsigned long long)s->max_rss_kb);
    pid_t parent = getpid();
    snprintf(ppid, sizeof ppid, "%d", (int)parent);
    snprintf(mt, sizeof mt, "%g", o->min_time);
    snprintf(xt, sizeof xt, "%g", o->max_time);
    snprintf(reps, sizeof reps, "%u", o->fixed_reps);
    snprintf(every, sizeof every, "%zu", o->check_every);
    snprintf(passes, sizeof passes, "%u", o->passes);
    char *argv[] = {self, "__cell", "-", (char *)a->name,
                    (char *)(o->outdir ? o->outdir : ""), mt, xt, reps, every, passes,
                    tmo, rss, ppid, NULL};
    pid_t pid = fork();
    if (pid < 0) {
        row_status(row, "error", "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        if (calls_fd >= 0) {
            munmap((void *)calls, 4096);
            close(calls_fd);
        }
        return 1;
    }
    if (pid == 0) {
        /* The cell dies with the run: the signal survives the exec, and a
         * parent already gone before it was set is caught by the check. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(126);
        /* The row pipe goes to fd 3 and the trace to fd 4 (CELL_TRACE_FD).
         * Either may already sit on the other's number (a parent started
         * with 3 or 4 closed), so both move above them first; dup2 then
         * gives copies without close-on-exec. */
        int row_fd = fcntl(fds[1], F_DUPFD_CLOEXEC, 10);
        int trace_fd = fcntl(s->trace_fd, F_DUPFD_CLOEXEC, 10);
        int cnt_fd = calls_fd >= 0 ? fcntl(calls_fd, F_DUPFD_CLOEXEC, 10) : -1;
        if (row_fd < 0 || trace_fd < 0 || dup2(row_fd, 3) < 0 || dup2(trace_fd, CELL_TRACE_FD) < 0)
            _exit(126);
        if (cnt_fd >= 0 && dup2(cnt_fd, CELL_CALLS_FD) < 0)
            _exit(126);
        if (lib[0])
            setenv("LD_PRELOAD", lib, 1);
        execv(self, argv);
        _exit(127);
    }
    close(fds[1]);

    /* The child sends its row after every pass (status "running") and once
     * at the end: keep the last complete one, so a cell cut short keeps
     * the figures of the passes it finished. */
    fb_row got, last;
    size_t have = 0;
    int have_last = 0;
    double deadline = fb_now() + (s->timeout_s > 0 ? s->timeout_s : 1e9);
    int timed_out = 0, interrupted = 0, too_big = 0;
    /* With a memory limit the child is looked at ten times a second: a
     * runaway allocator can map a few hundred MB in that time, no more. */
    double tick = s->max_rss_kb ? 0.1 : 1.0;
    for (;;) {
        if (have == sizeof got) {
            last = got;
            have_last = 1;
            have = 0;
        }
        double left = deadline - fb_now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pf = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&pf, 1, (int)((left > tick ? tick : left) * 1000) + 1);
        if (fb_interrupted) {
            interrupted = 1;
            break;
        }
        if (s->max_rss_kb && child_rss_kb(pid) > s->max_rss_kb) {
            too_big = 1;
            break;
        }
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        ssize_t r = read(fds[0], (char *)&got + have, sizeof got - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    close(fds[0]);
    if (timed_out || interrupted || too_big)
        kill(pid, SIGKILL);
    int st = 0;
    struct rusage ru = {0};
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
        ;
    if (have == sizeof got) {
        last = got;
        have_last = 1;
    }
    /* The op the allocator was at, for a crash or a hang: calls it had
     * begun in the replay it was running (0: none, or it does not count). */
    uint64_t at_call = calls ? *calls : 0;
    if (calls_fd >= 0) {
        munmap((void *)calls, 4096);
        close(calls_fd);
    }
    char at_op[48] = "";
    if (at_call)
        snprintf(at_op, sizeof at_op, " at op %llu", (unsigned long long)(at_call - 1));
    if (have_last && strcmp(last.status, "running") != 0) {
        *row = last;
        if (!row->trace[0])
            snprintf(row->trace, sizeof row->trace, "%s", s->trace_name);
        row->rss_peak_kb = (uint64_t)ru.ru_maxrss;
        return strcmp(row->status, "ok") == 0 ? 0 : 1;
    }
    char done[64] = "";
    if (have_last) {
        /* Keep what the finished passes measured; say where it stopped. */
        snprintf(done, sizeof done, "%.60s", last.detail);
        *row = last;
    }
    row->rss_peak_kb = (uint64_t)ru.ru_maxrss;
    if (interrupted) {
        row_status(row, "interrupted", "the run was interrupted during this cell");
        return -1;
    }
    const char *kept = done[0] ? " (figures of the passes before it are kept)" : "";
    const char *after = done[0] ? done : "";
    if (too_big)
        row_status(row, "oom", "resident memory passed the %llu MiB limit (--max-rss)%s%s%s",
                   (unsigned long long)(s->max_rss_kb / 1024), done[0] ? ", after the " : "",
                   after, done[0] ? " pass" : "");
    else if (timed_out)
        row_status(row, "timeout", "no result within %.0f s%s%s%s%s", s->timeout_s, at_op,
                   done[0] ? ", after the " : "", after, done[0] ? " pass" : "");
    else if ((WIFEXITED(st) && WEXITSTATUS(st) == CELL_EXIT_TIMEOUT) ||
             (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU))
        row_status(row, "timeout", "the cell's own time limit stopped it (%.0f s)%s%s%s",
                   s->timeout_s, done[0] ? ", after the " : "", after, done[0] ? " pass" : "");
    else if (WIFEXITED(st) && WEXITSTATUS(st) == CELL_EXIT_OOM)
        row_status(row, "oom", "the cell's own memory limit stopped it (%llu MiB)%s%s%s",
                   (unsigned long long)(s->max_rss_kb / 1024), done[0] ? ", after the " : "",
                   after, done[0] ? " pass" : "");
    else if (WIFSIGNALED(st))
        row_status(row, "crash", "killed by signal %d (%s)%s%s%s%s", WTERMSIG(st),
                   strsignal(WTERMSIG(st)), at_op, done[0] ? " after the " : "", after,
                   done[0] ? " pass" : "");
    else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        row_status(row, "error", "cannot run %s", self);
    else
        row_status(row, "crash", "exited with status %d%s before reporting%s",
                   WIFEXITED(st) ? WEXITSTATUS(st) : -1, at_op, kept);
    return 1;
}

/* ---------------------------------------------------------- child side */

static int send_row(const fb_row *row) {
    const char *p = (const char *)row;
    size_t left = sizeof *row;
    while (left) {
        ssize_t w = write(3, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return 1;
        p += w;
        left -= (size_t)w;
    }
    return 0;
}

static void send_progress(const fb_row *row, void *ctx) {
    (void)ctx;
    send_row(row);
}

/* The child's own limits, a backstop for the parent's: a cell must not
 * outlive its run (SIGKILL'd, its terminal lost, picked by the OOM killer)
 * nor, should the parent be stuck, run on past its limits. Besides the
 * death signal set before the exec, a timer looks every half second at
 * the parent (gone: stop at once), the clock (past --timeout and a margin)
 * and the resident memory (past --max-rss and a margin: the parent, which
 * looks ten times a second, normally stops it first and names the limit);
 * RLIMIT_CPU ends even a cell whose timer cannot fire. A cell that stops
 * itself writes nothing more: _exit, no stdio flushed. */
static struct {
    pid_t parent;
    double until;     /* fb_now() past which the cell stops; 0: never */
    uint64_t rss_kb;  /* resident KiB past which it stops; 0: never */
    uint64_t page_kb;
} guard;

/* Resident KiB of this process from /proc/self/statm, with nothing but
 * async-signal-safe calls; 0 when it cannot be read. */
static uint64_t guard_rss_kb(void) {
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    char buf[128];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    const char *p = buf;
    while (*p && *p != ' ')
        p++;
    uint64_t pages = 0;
    for (p++; *p >= '0' && *p <= '9'; p++)
        pages = pages * 10 + (uint64_t)(*p - '0');
    return pages * guard.page_kb;
}

static void guard_tick(int sig) {
    (void)sig;
    int e = errno;
    if (getppid() != guard.parent)
        _exit(1); /* nobody is left to read a row */
    if (guard.until > 0 && fb_now() > guard.until)
        _exit(CELL_EXIT_TIMEOUT);
    if (guard.rss_kb && guard_rss_kb() > guard.rss_kb)
        _exit(CELL_EXIT_OOM);
    errno = e;
}

/* Sets the death signal and checks the parent is still the one that
 * started the cell; -1 when it is gone. Then the backstops for timeout_s
 * (0: none) and max_rss_kb (0: none). */
static int guard_start(pid_t parent, double timeout_s, uint64_t max_rss_kb) {
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        return -1;
    long page = sysconf(_SC_PAGESIZE);
    guard.parent = parent;
    guard.page_kb = (uint64_t)(page > 0 ? page : 4096) / 1024;
    double margin = timeout_s * 0.1 > 1 ? timeout_s * 0.1 : 1;
    guard.until = timeout_s > 0 ? fb_now() + timeout_s + margin : 0;
    guard.rss_kb = max_rss_kb ? max_rss_kb + max_rss_kb / 4 + 256 * 1024 : 0;
    if (timeout_s > 0) {
        struct rlimit rl;
        rlim_t want = (rlim_t)(timeout_s + margin) + 2;
        /* SIGXCPU at the soft limit, SIGKILL a second later; a stricter
         * limit already set stays. */
        if (getrlimit(RLIMIT_CPU, &rl) == 0 &&
            (rl.rlim_max == RLIM_INFINITY || want + 1 <= rl.rlim_max)) {
            rl.rlim_cur = want;
            rl.rlim_max = want + 1;
            setrlimit(RLIMIT_CPU, &rl);
        }
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = guard_tick;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval it = {.it_interval = {0, 500000}, .it_value = {0, 500000}};
    setitimer(ITIMER_REAL, &it, NULL);
    return 0;
}

int fb_cell_main(int argc, char **argv) { return fb_cell_main_with(argc, argv, fb_allocator_find); }

int fb_cell_main_with(int argc, char **argv, const fb_allocator *(*find)(const char *)) {
    if (argc != 12) {
        fb_error("internal command, not for direct use");
        return 2;
    }
    double started = fb_now();
    double timeout_s = atof(argv[9]);
    if (guard_start((pid_t)atol(argv[11]), timeout_s, strtoull(argv[10], NULL, 10)) != 0)
        return 1; /* the run is gone: measure nothing, write nothing */
    fb_row row;
    fb_row_clear(&row);
    const fb_allocator *a = find(argv[2]);
    fb_replay_opts o;
    fb_replay_defaults(&o);
    o.outdir = argv[3][0] ? argv[3] : NULL;
    o.min_time = atof(argv[4]);
    o.max_time = atof(argv[5]);
    o.fixed_reps = (unsigned)strtoul(argv[6], NULL, 10);
    o.check_every = (size_t)strtoull(argv[7], NULL, 10);
    o.passes = (unsigned)strtoul(argv[8], NULL, 10);
    o.budget_end = timeout_s > 0 ? started + fb_budget_cell_share * timeout_s : 0;
    /* Set by `fitbench run` (cli/run_sched.c): the timed passes' lock. */
    const char *lock = getenv("FITBENCH_TIMING_LOCK");
    o.timing_lock = lock && *lock ? lock : NULL;
    snprintf(row.allocator, sizeof row.allocator, "%s", argv[2]);
    /* For tests: a budget in ops, which cuts every pass at the same op on
     * any machine (README, "Budgets"). */
    const char *cap = getenv("FITBENCH_BUDGET_OPS");
    char *end = NULL;
    if (cap && *cap) {
        errno = 0;
        unsigned long long n = strtoull(cap, &end, 10);
        if (errno || *end || n == 0 || *cap == '-') {
            snprintf(row.status, sizeof row.status, "error");
            snprintf(row.detail, sizeof row.detail,
                     "FITBENCH_BUDGET_OPS=%.40s is not a count of ops (1 or more)", cap);
            return send_row(&row);
        }
        o.budget_ops = (size_t)n;
    }
    trace t;
    if (!a) {
        snprintf(row.status, sizeof row.status, "error");
        snprintf(row.detail, sizeof row.detail, "unknown allocator %s", argv[2]);
        return send_row(&row);
    }
    if (trace_attach(&t, &row) != 0) {
        snprintf(row.status, sizeof row.status, "error");
        return send_row(&row);
    }
    struct stat cst;
    if (fstat(CELL_CALLS_FD, &cst) == 0 && cst.st_size >= (off_t)sizeof(uint64_t)) {
        void *m = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, CELL_CALLS_FD, 0);
        if (m != MAP_FAILED)
            fb_alloc_calls = m;
    }
    o.progress = send_progress;
    fb_replay_cell(&t, a, &o, &row);
    return send_row(&row);
}
