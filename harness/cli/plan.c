/*
 * plan.c: `fitbench run --plan`: the run's cells as shell commands, one a
 * line on stdout, for GNU parallel (`parallel -j N`, `--sshlogin` across
 * hosts) or a Slurm array job (README). Each command is `fitbench run`
 * on one trace and one allocator with the run's options, writing its own
 * folder DIR/TRACE__ALLOC (absolute paths: it may run from anywhere), with
 * --resume, so a plan run again skips the cells already done. All share
 * one timing lock, DIR/.timing.lock (or --timing-lock), so on one machine
 * their timed passes still run one at a time. `fitbench merge` combines
 * the folders. Nothing runs here; only DIR is made.
 */
#include "diag.h"
#include "mm_iface.h"
#include "run.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* S as one shell word. */
static void put_word(const char *s) {
    if (*s && !s[strcspn(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~=%")]) {
        fputs(s, stdout);
        return;
    }
    putchar('\'');
    for (; *s; s++)
        if (*s == '\'')
            fputs("'\\''", stdout);
        else
            putchar(*s);
    putchar('\'');
}

static void put_opt(const char *opt, const char *val) {
    putchar(' ');
    fputs(opt, stdout);
    putchar(' ');
    put_word(val);
}

/* "-a NAME" for the allocators built in; for your own, the spec with an
 * absolute path and the options they were built with, so that every
 * command builds and names them as this run would. */
static void put_allocator(const run_opts *o, const fb_allocator *a) {
    const fb_user *u = NULL;
    for (size_t i = 0; fb_user_is(a) && i < fb_user_count(); i++)
        if (&fb_user_at(i)->a == a)
            u = fb_user_at(i);
    if (!u) {
        put_opt("-a", a->name);
        return;
    }
    char spec[64 + 4 + PATH_MAX], *abs = realpath(u->path, NULL);
    snprintf(spec, sizeof spec, "%s=%s:%s", u->name, u->kind == FB_USER_MM ? "mm" : "so",
             abs ? abs : u->path);
    free(abs);
    put_opt("-a", spec);
    if (u->kind == FB_USER_MM)
        fputs(" --no-reference", stdout); /* libc's cell is a command of its own */
    if (o->user.cflags)
        put_opt("--cflags", o->user.cflags);
    if (o->user.iface >= 0 && o->user.iface < FB_MM_COUNT)
        put_opt("--mm-interface", fb_mm_ifaces[o->user.iface].name);
    char num[32];
    if (o->user.align) {
        snprintf(num, sizeof num, "%zu", o->user.align);
        put_opt("--mm-align", num);
    }
    if (o->user.max_heap) {
        snprintf(num, sizeof num, "%zu", o->user.max_heap >> 20);
        put_opt("--mm-max-heap", num);
    }
}

int run_plan(const run_opts *o, const run_trace *t, size_t nt, const fb_allocator *const *sel,
             size_t nsel) {
    char self[PATH_MAX], out[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        fb_error("cannot find this program's path: %s", strerror(errno));
        return 2;
    }
    self[n] = '\0';
    if (mkdir(o->outdir, 0777) != 0 && errno != EEXIST) {
        fb_error("%s: cannot create folder: %s", o->outdir, strerror(errno));
        return 2;
    }
    if (!realpath(o->outdir, out)) {
        fb_error("%s: %s", o->outdir, strerror(errno));
        return 2;
    }
    char **paths = calloc(nt + 1, sizeof *paths);
    int bad = !paths;
    for (size_t i = 0; !bad && i < nt; i++) {
        struct stat st;
        /* A pipe is read once, here: a command cannot read it again. */
        if (stat(t[i].path, &st) != 0 || !S_ISREG(st.st_mode) ||
            !(paths[i] = realpath(t[i].path, NULL))) {
            fb_error("%s: a plan needs trace files its commands can read again", t[i].path);
            bad = 1;
        }
    }
    char lock[PATH_MAX + 32], num[64];
    snprintf(lock, sizeof lock, "%s/.timing.lock", out);
    for (size_t i = 0; !bad && i < nt; i++)
        for (size_t k = 0; k < nsel; k++) {
            char dir[PATH_MAX + 256];
            snprintf(dir, sizeof dir, "%s/%s__%s", out, t[i].name, sel[k]->name);
            put_word(self);
            fputs(" run -q --resume", stdout);
            put_allocator(o, sel[k]);
            put_opt("-o", dir);
            put_opt("--timing-lock", o->lock ? o->lock : lock);
            snprintf(num, sizeof num, "%g", o->timeout);
            put_opt("--timeout", num);
            if (o->reps_given) {
                snprintf(num, sizeof num, "%u", o->replay.fixed_reps);
                put_opt("-r", num);
            }
            if (o->min_time_given) {
                snprintf(num, sizeof num, "%g", o->replay.min_time);
                put_opt("--min-time", num);
            }
            if (o->max_rss_mib) {
                snprintf(num, sizeof num, "%llu", (unsigned long long)o->max_rss_mib);
                put_opt("--max-rss", num);
            }
            if (o->replay.check_every) {
                snprintf(num, sizeof num, "%zu", o->replay.check_every);
                put_opt("--check-every", num);
            }
            putchar(' ');
            put_word(paths[i]);
            putchar('\n');
        }
    for (size_t i = 0; paths && i < nt; i++)
        free(paths[i]);
    free(paths);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fb_error("cannot write the plan: %s", strerror(errno));
        return 2;
    }
    return bad ? 2 : 0;
}
