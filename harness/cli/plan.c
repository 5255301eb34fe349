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
            put_opt("-a", sel[k]->name);
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
