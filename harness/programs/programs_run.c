/*
 * programs_run.c: one cell of `fitbench programs` (a program under an
 * allocator): the first run of our own, then hyperfine, then its JSON.
 *
 * Where it sits: cmd_programs.c parses the options and calls
 * pr_cell_run for every (program, allocator) in order; the row it fills
 * goes out through programs_out.c at once. The first run, under wait4,
 * gives the peak RSS (the largest single process of the command's tree:
 * rusage's maxrss covers the children a process has waited for), checks
 * the exit status and that stdout is byte-identical to glibc's (a program
 * that prints something else is failed, not timed), and gives up after
 * --timeout seconds (status timeout). hyperfine then times the same
 * command, with fewer runs when one run is so slow that they would not
 * fit in --budget seconds; its --export-json file is read through jread.h.
 */
#include "jread.h"
#include "programs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------- helpers */

static double pr_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Appends s to the command line b, in single quotes. */
static int pr_quote(char *b, size_t len, const char *s) {
    size_t n = strlen(b);
    if (n + 1 >= len)
        return -1;
    b[n++] = '\'';
    for (; *s; s++) {
        const char *piece = *s == '\'' ? "'\\''" : NULL;
        size_t k = piece ? 4 : 1;
        if (n + k + 2 >= len)
            return -1;
        memcpy(b + n, piece ? piece : s, k);
        n += k;
    }
    b[n++] = '\'';
    b[n] = 0;
    return 0;
}

static int pr_same_file(const char *a, const char *b) {
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = getc(fa), cb = getc(fb);
        if (ca != cb)
            same = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

/* ------------------------------------------------------------- running */

/* The environment a cell's commands see: the allocator's and nothing of
 * ours (no exit reports in timed runs). */
static void pr_child_env(const pr_alloc *a) {
    unsetenv("FITBENCH_STATS");
    unsetenv("FITBENCH_STATS_FILE");
    unsetenv("FITBENCH_POLICY");
    if (a->lib[0])
        setenv("LD_PRELOAD", a->lib, 1);
    else
        unsetenv("LD_PRELOAD");
    if (a->policy)
        setenv("FITBENCH_POLICY", a->policy, 1);
}

/* The command as hyperfine runs it (-N: no shell of its own), with the
 * same environment as pr_child_env. */
static int pr_cmdline(const pr_prog *p, const pr_alloc *a, char *b, size_t len) {
    snprintf(b, len, "env -u FITBENCH_STATS -u FITBENCH_STATS_FILE -u FITBENCH_POLICY ");
    if (a->lib[0]) {
        strncat(b, "LD_PRELOAD=", len - strlen(b) - 1);
        if (pr_quote(b, len, a->lib) != 0)
            return -1;
        strncat(b, " ", len - strlen(b) - 1);
    } else {
        strncat(b, "-u LD_PRELOAD ", len - strlen(b) - 1);
    }
    if (a->policy) {
        strncat(b, "FITBENCH_POLICY=", len - strlen(b) - 1);
        strncat(b, a->policy, len - strlen(b) - 1);
        strncat(b, " ", len - strlen(b) - 1);
    }
    strncat(b, "/bin/sh ", len - strlen(b) - 1);
    if (p->command) {
        strncat(b, "-c ", len - strlen(b) - 1);
        return pr_quote(b, len, p->command);
    }
    return pr_quote(b, len, p->script);
}

/* The first run: exit status, output, peak RSS. Returns the status word. */
static const char *pr_first_run(pr_run *r, const pr_prog *p, const pr_alloc *a, double *secs,
                                long *rss_kb) {
    char out[PR_PATH], err[PR_PATH];
    pr_file(out, r, "%s.%s.out", p->name, a->name);
    pr_file(err, r, "%s.%s.err", p->name, a->name);
    fflush(NULL);
    double t0 = pr_now();
    pid_t pid = fork();
    if (pid < 0) {
        pr_err("fork: %s", strerror(errno));
        return "failed";
    }
    if (pid == 0) {
        setpgid(0, 0);
        int in = open("/dev/null", O_RDONLY);
        int fo = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || fo < 0 || fe < 0 || dup2(in, 0) < 0 || dup2(fo, 1) < 0 || dup2(fe, 2) < 0)
            _exit(126);
        pr_child_env(a);
        if (p->command)
            execl("/bin/sh", "sh", "-c", p->command, (char *)NULL);
        else
            execl("/bin/sh", "sh", p->script, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid); /* both sides, so a kill cannot miss the group */
    struct rusage ru;
    int st = 0, timed_out = 0;
    for (;;) {
        pid_t w = wait4(pid, &st, WNOHANG, &ru);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            pr_err("wait4: %s", strerror(errno));
            return "failed";
        }
        if (!timed_out && pr_now() - t0 > r->o.timeout) {
            kill(-pid, SIGKILL);
            timed_out = 1;
        }
        usleep(2000);
    }
    *secs = pr_now() - t0;
    *rss_kb = ru.ru_maxrss;
    if (timed_out) {
        pr_err("%s under %s: stopped after %.0f s (--timeout)", p->name, a->name, r->o.timeout);
        return "timeout";
    }
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        if (WIFSIGNALED(st))
            pr_err("%s under %s: killed by signal %d (stderr in %s)", p->name, a->name,
                   WTERMSIG(st), err);
        else
            pr_err("%s under %s: exit status %d (stderr in %s)", p->name, a->name, WEXITSTATUS(st),
                   err);
        return "failed";
    }
    if (a != &r->allocs[0]) {
        char ref[PR_PATH];
        pr_file(ref, r, "%s.%s.out", p->name, r->allocs[0].name);
        if (!strcmp(r->cells[p - r->progs][0].status, "ok") && !pr_same_file(ref, out)) {
            pr_err("%s under %s: output differs from glibc's (%s vs %s)", p->name, a->name, out,
                   ref);
            return "failed";
        }
    }
    return "ok";
}

int pr_hyperfine_read(const char *path, pr_cell *c, char *err, size_t errlen) {
    json_object *root = fb_jread_file(path, err, errlen);
    if (!root)
        return -1;
    json_object *res = fb_jread_get(root, "results");
    json_object *first = res && json_object_is_type(res, json_type_array) &&
                                 json_object_array_length(res) > 0
                             ? json_object_array_get_idx(res, 0)
                             : NULL;
    double mean, median;
    int rc = 0;
    if (fb_jread_num(first, "mean", &mean) < 0 || fb_jread_num(first, "median", &median) < 0) {
        snprintf(err, errlen, "%s: no mean and median in hyperfine's JSON", path);
        rc = -1;
    } else {
        c->mean = mean;
        c->median = median;
        /* null after a single run: no spread to tell */
        c->stddev_known = fb_jread_num(first, "stddev", &c->stddev) == 0;
        c->timed = 1;
    }
    json_object_put(root);
    return rc;
}

static int pr_hyperfine(pr_run *r, const pr_prog *p, const pr_alloc *a, int warmup, int runs,
                        pr_cell *c) {
    char cmd[3 * PR_PATH], json[PR_PATH], log[PR_PATH], w[16], n[16];
    if (pr_cmdline(p, a, cmd, sizeof cmd) != 0) {
        pr_err("%s: command line too long", p->name);
        return -1;
    }
    pr_file(json, r, "%s.%s.json", p->name, a->name);
    pr_file(log, r, "hyperfine.log");
    snprintf(w, sizeof w, "%d", warmup);
    snprintf(n, sizeof n, "%d", runs);
    unlink(json);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        pr_err("fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (fd < 0 || in < 0 || dup2(in, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(126);
        /* hyperfine itself runs under glibc, whatever the caller had. */
        unsetenv("LD_PRELOAD");
        execl(r->hyperfine, "hyperfine", "-N", "--style", "basic", "--warmup", w, "--runs", n,
              "--export-json", json, cmd, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        pr_err("%s under %s: hyperfine failed (see %s)", p->name, a->name, log);
        return -1;
    }
    char err[PR_PATH + 256];
    if (pr_hyperfine_read(json, c, err, sizeof err) != 0) {
        pr_err("%s", err);
        return -1;
    }
    return 0;
}

/* ----------------------------------------------------------- one cell */

int pr_cell_run(pr_run *r, FILE *csv, size_t pi, size_t ai) {
    pr_prog *p = &r->progs[pi];
    pr_alloc *a = &r->allocs[ai];
    pr_cell *c = &r->cells[pi][ai];
    memset(c, 0, sizeof *c);
    c->rss_kb = -1;
    if (a->missing) {
        snprintf(c->status, sizeof c->status, "unavailable");
        pr_err("%s: %s", a->name, a->missing);
    } else {
        double secs = 0;
        long rss = -1;
        snprintf(c->status, sizeof c->status, "%s", pr_first_run(r, p, a, &secs, &rss));
        if (!strcmp(c->status, "ok")) {
            c->rss_kb = rss;
            int warmup = r->o.warmup, runs = r->o.runs;
            if (secs * (warmup + runs) > r->o.budget) {
                warmup = 0;
                runs = (int)(r->o.budget / (secs > 0 ? secs : 1));
                if (runs < 2)
                    runs = 2;
                if (runs > r->o.runs)
                    runs = r->o.runs;
                pr_err("%s under %s: one run takes %.1f s; %d runs, no warmup (--budget)", p->name,
                       a->name, secs, runs);
            }
            if (pr_hyperfine(r, p, a, warmup, runs, c) != 0)
                snprintf(c->status, sizeof c->status, "failed");
        }
    }
    pr_write_row(csv, r, pi, ai);
    const pr_cell *b = &r->cells[pi][0];
    if (c->timed && b->timed)
        fprintf(stderr, "fitbench programs: %-7s %-9s %8.3f s (x%.2f)  %7ld KB (x%.2f)\n", p->name,
                a->name, c->mean, c->mean / b->mean, c->rss_kb,
                b->rss_kb > 0 ? (double)c->rss_kb / (double)b->rss_kb : 0.0);
    else
        fprintf(stderr, "fitbench programs: %-7s %-9s %s\n", p->name, a->name, c->status);
    return strcmp(c->status, "ok") == 0 ? 0 : 1;
}
