/*
 * run_sched.c: the cells of `fitbench run`, -j at a time (contract in
 * run.h).
 *
 * Each cell is run by a slot: a forked copy of this process that calls
 * fb_cell_run (which starts the cell's own child, cell/) and sends the row
 * back through a pipe; this process starts slots, writes the rows in the
 * order they finish and draws the progress. A slot sits in a process group
 * of its own, so a terminal's Ctrl-C reaches only this process, which then
 * stops every slot with SIGTERM: each kills its cell and reports it
 * `interrupted`. A slot dies with SIGTERM too when this process dies
 * (PR_SET_PDEATHSIG), even of SIGKILL, so no cell outlives the run.
 *
 * Cells side by side must not disturb what is timed: every cell takes the
 * timing lock (FITBENCH_TIMING_LOCK, an flock on DIR/.timing.lock or
 * --timing-lock) around its throughput and latency passes (replay.c), so
 * those run one at a time while the space and correctness passes of the
 * others go on.
 */
#include "cell.h"
#include "clock.h"
#include "diag.h"
#include "fdio.h"
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
    pid_t pid; /* 0: free */
    int fd;
    size_t cell;
    double start;
    char name[160];
} slot;

typedef struct {
    int rc;
    fb_row row;
} slot_msg;

/* The slot's side: one cell, its row to fd. Never returns. */
static void slot_main(const run_opts *o, const run_trace *t, const run_cell *c, int fd,
                      pid_t parent) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(1);
    setpgid(0, 0);
    uint64_t rss_mib = o->max_rss_mib ? o->max_rss_mib
                                      : run_default_max_rss_mib(t->num_ops, t->peak_payload);
    fb_cell_spec spec = {t->fd, t->name, c->alloc, &o->replay, o->timeout, rss_mib * 1024};
    slot_msg m;
    memset(&m, 0, sizeof m);
    m.rc = fb_cell_run(&spec, &m.row);
    _exit(fb_write_all(fd, &m, sizeof m) ? 1 : 0);
}

static int slot_start(slot *s, const run_opts *o, const run_trace *t, const run_cell *cells,
                      size_t ci) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        slot_main(o, &t[cells[ci].ti], &cells[ci], fds[1], parent);
    }
    close(fds[1]);
    setpgid(pid, pid); /* as the slot does: whichever runs first */
    s->pid = pid;
    s->fd = fds[0];
    s->cell = ci;
    s->start = fb_now();
    snprintf(s->name, sizeof s->name, "%s x %s", t[cells[ci].ti].name, cells[ci].alloc->name);
    return 0;
}

/* Reads the slot's row and reaps it; the row says what happened even when
 * the slot died without sending one. */
static void slot_finish(slot *s, const run_trace *t, const run_cell *cells, slot_msg *m) {
    size_t have = 0;
    while (have < sizeof *m) {
        ssize_t r = read(s->fd, (char *)m + have, sizeof *m - have);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        have += (size_t)r;
    }
    close(s->fd);
    int st;
    while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (have < sizeof *m) {
        memset(m, 0, sizeof *m);
        const run_cell *c = &cells[s->cell];
        snprintf(m->row.trace, sizeof m->row.trace, "%s", t[c->ti].name);
        snprintf(m->row.allocator, sizeof m->row.allocator, "%s", c->alloc->name);
        snprintf(m->row.status, sizeof m->row.status, "%s", fb_interrupted ? "interrupted" : "error");
        snprintf(m->row.detail, sizeof m->row.detail, "the process running the cell ended first");
        m->rc = fb_interrupted ? -1 : 1;
    }
    s->pid = 0;
}

int run_cells(const run_opts *o, const run_trace *t, const run_cell *cells, size_t n,
              fb_results *res, size_t *done, size_t *bad) {
    char lock[4200];
    if (o->lock)
        snprintf(lock, sizeof lock, "%s", o->lock);
    else
        snprintf(lock, sizeof lock, "%s/.timing.lock", o->outdir);
    setenv("FITBENCH_TIMING_LOCK", lock, 1);
    unsigned jobs = o->jobs ? o->jobs : 1;
    slot *slots = calloc(jobs, sizeof *slots);
    if (!slots) {
        fb_error("out of memory");
        return 1;
    }
    fb_progress pg;
    fb_progress_init(&pg, o->quiet, n);
    size_t next = 0, running = 0;
    int stop = 0, stopped_slots = 0;
    while (next < n || running) {
        if (fb_interrupted)
            stop = 1;
        for (unsigned i = 0; i < jobs && !stop && next < n; i++)
            if (!slots[i].pid) {
                if (slot_start(&slots[i], o, t, cells, next) != 0) {
                    fb_error("cannot start a cell: %s", strerror(errno));
                    stop = 1;
                    break;
                }
                next++;
                running++;
            }
        if (stop && !stopped_slots) {
            for (unsigned i = 0; i < jobs; i++)
                if (slots[i].pid)
                    kill(slots[i].pid, SIGTERM);
            stopped_slots = 1;
        }
        if (!running)
            break;
        const char *names[jobs];
        struct pollfd pf[jobs];
        unsigned np = 0, at[jobs];
        for (unsigned i = 0; i < jobs; i++)
            if (slots[i].pid) {
                names[np] = slots[i].name;
                pf[np] = (struct pollfd){.fd = slots[i].fd, .events = POLLIN};
                at[np++] = i;
            }
        fb_progress_running(&pg, names, np);
        int pr = poll(pf, np, 1000);
        if (pr <= 0)
            continue; /* a signal (checked above) or the progress tick */
        for (unsigned k = 0; k < np; k++) {
            if (!(pf[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            slot *s = &slots[at[k]];
            double secs = fb_now() - s->start;
            slot_msg m;
            slot_finish(s, t, cells, &m);
            running--;
            if (m.rc < 0)
                stop = 1;
            if (strcmp(m.row.status, "ok") != 0)
                (*bad)++;
            if (fb_results_add(res, &m.row) != 0) {
                fb_progress_end(&pg);
                fb_error("cannot write results in %s: %s", o->outdir, strerror(errno));
                stop = 1;
            }
            (*done)++;
            fb_progress_cell(&pg, &m.row, secs);
        }
    }
    fb_progress_end(&pg);
    free(slots);
    return stop;
}
