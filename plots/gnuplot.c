/*
 * gnuplot.c: runs the chart scripts of plots/ through gnuplot.
 *
 * Where it sits: between the chart families (charts_*.c, run by draw.c),
 * which prepare each chart's .dat file and variables, and the SVG/PNG
 * files report.c links. Each output file is one gnuplot process
 * (`gnuplot -d -e VARS SCRIPT`: -d so that a user's ~/.gnuplot cannot
 * change the charts), several at once. A chart counts as
 * drawn only when gnuplot exited 0 and the file it wrote is a complete SVG
 * or PNG; gnuplot's own messages go to a log beside the .dat files and are
 * repeated on stderr, so nothing it says is lost.
 */
#include "plots_gp.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FB_PLOTS_DIR
#define FB_PLOTS_DIR "plots"
#endif

/* --- variables passed with -e ---------------------------------------- */

static void vars_put(plots_vars *v, const char *s, size_t n)
{
    if (v->oom)
        return;
    if (v->n + n + 1 > v->cap) {
        size_t nc = v->cap ? v->cap : 256;
        while (nc < v->n + n + 1)
            nc *= 2;
        char *nb = realloc(v->b, nc);
        if (!nb) {
            v->oom = 1;
            return;
        }
        v->b = nb;
        v->cap = nc;
    }
    memcpy(v->b + v->n, s, n);
    v->n += n;
    v->b[v->n] = '\0';
}

/* A gnuplot single-quoted string: nothing is special but the quote itself,
 * which doubles. Line breaks would end the -e command, so they become
 * spaces. */
static void vars_quoted(plots_vars *v, const char *s)
{
    vars_put(v, "'", 1);
    for (; *s; s++) {
        if (*s == '\'')
            vars_put(v, "''", 2);
        else if (*s == '\n' || *s == '\r')
            vars_put(v, " ", 1);
        else
            vars_put(v, s, 1);
    }
    vars_put(v, "'", 1);
}

void plots_var_str(plots_vars *v, const char *name, const char *value)
{
    vars_put(v, name, strlen(name));
    vars_put(v, "=", 1);
    vars_quoted(v, value);
    vars_put(v, "; ", 2);
}

void plots_var_num(plots_vars *v, const char *name, double value)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%s=%.10g; ", name, value);
    /* gnuplot divides integers as integers: keep every number a float
     * unless it is used as a count (plots_var_int). */
    if (!strpbrk(buf + strlen(name) + 1, ".eEn"))
        n = snprintf(buf, sizeof buf, "%s=%.10g.0; ", name, value);
    vars_put(v, buf, (size_t)n);
}

void plots_var_int(plots_vars *v, const char *name, long value)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%s=%ld; ", name, value);
    vars_put(v, buf, (size_t)n);
}

void plots_words_add(plots_vars *w, const char *word)
{
    /* word() splits on blanks unless a word is double-quoted; a double
     * quote inside a name cannot be escaped there, so it is shown as '. */
    if (w->n)
        vars_put(w, " ", 1);
    vars_put(w, "\"", 1);
    for (; *word; word++) {
        char c = *word == '"' ? '\'' : (*word == '\n' || *word == '\t') ? ' ' : *word;
        vars_put(w, &c, 1);
    }
    vars_put(w, "\"", 1);
}

void plots_vars_free(plots_vars *v)
{
    free(v->b);
    memset(v, 0, sizeof *v);
}

/* --- finding gnuplot and the scripts ---------------------------------- */

static char *find_in_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return NULL;
    const char *p = path;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char *cand = len ? plots_strf("%.*s/%s", (int)len, p, prog) : plots_strf("./%s", prog);
        struct stat st;
        if (cand && stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
            return cand;
        free(cand);
        if (!colon)
            break;
        p = colon + 1;
    }
    return NULL;
}

int plots_gnuplot_setup(plots_set *s, plots_gp *g)
{
    memset(g, 0, sizeof *g);
    /* The scripts first: a wrong FITBENCH_PLOTS_DIR is a mistake to
     * report whether or not gnuplot is installed. */
    const char *env = getenv("FITBENCH_PLOTS_DIR");
    const char *dir = env && *env ? env : FB_PLOTS_DIR;
    char *probe = plots_strf("%s/common.gp", dir);
    if (!probe || access(probe, R_OK) != 0) {
        plots_error(s, "the gnuplot scripts are not in %s (no readable common.gp); set "
                       "FITBENCH_PLOTS_DIR to fitbench's plots/ folder", dir);
        free(probe);
        return 1;
    }
    free(probe);
    g->gnuplot = find_in_path("gnuplot");
    if (!g->gnuplot) {
        plots_error(s, "gnuplot not found in PATH; the charts need it. On Debian: "
                       "apt-get install gnuplot-nox (`make deps` does it)");
        return 1;
    }
    g->scripts = strdup(dir);
    if (!g->scripts) {
        free(g->gnuplot);
        g->gnuplot = NULL;
        plots_error(s, "out of memory");
        return 1;
    }
    return 0;
}

void plots_gnuplot_done(plots_gp *g)
{
    free(g->gnuplot);
    free(g->scripts);
    memset(g, 0, sizeof *g);
}

/* --- checking what gnuplot wrote ------------------------------------- */

/* 1 when PATH is a whole SVG document: it begins as XML or SVG and ends
 * with the closing tag (a gnuplot killed half-way leaves it open). */
int plots_file_is_svg(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char head[64] = "", tail[64] = "";
    size_t n = fread(head, 1, sizeof head - 1, f);
    head[n] = '\0';
    int ok = 0;
    if (fseek(f, -(long)(sizeof tail - 1), SEEK_END) != 0)
        rewind(f);
    n = fread(tail, 1, sizeof tail - 1, f);
    tail[n] = '\0';
    fclose(f);
    const char *h = head + strspn(head, " \t\r\n");
    if (strncmp(h, "<?xml", 5) == 0 || strncmp(h, "<svg", 4) == 0) {
        size_t t = strlen(tail);
        while (t && strchr(" \t\r\n", tail[t - 1]))
            tail[--t] = '\0';
        ok = t >= 6 && strcmp(tail + t - 6, "</svg>") == 0;
    }
    return ok;
}

int plots_file_is_png(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char m[8];
    size_t n = fread(m, 1, 8, f);
    /* The IEND chunk closes every complete PNG. */
    unsigned char end[8] = {0};
    int have_end = fseek(f, -8, SEEK_END) == 0 && fread(end, 1, 8, f) == 8;
    fclose(f);
    return n == 8 && memcmp(m, "\x89PNG\r\n\x1a\n", 8) == 0 && have_end &&
           memcmp(end, "IEND", 4) == 0;
}

/* --- running ---------------------------------------------------------- */

typedef struct gp_run {
    size_t job;
    int png;
    char *out;  /* output file */
    char *log;  /* gnuplot's stderr */
    char *vars; /* the whole -e text */
    pid_t pid;
} gp_run;

static pid_t gp_spawn(const plots_gp *g, const char *script, gp_run *r)
{
    char *spath = plots_strf("%s/%s", g->scripts, script);
    if (!spath)
        return -1;
    int logfd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (logfd < 0) {
        free(spath);
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int nul = open("/dev/null", O_RDWR);
        if (nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
        }
        dup2(logfd, 2);
        char *argv[] = {"gnuplot", "-d", "-e", r->vars, spath, NULL};
        execv(g->gnuplot, argv);
        /* Only async-signal-safe calls between fork and exec. */
        static const char msg[] = "cannot run gnuplot\n";
        if (write(2, msg, sizeof msg - 1) < 0)
            _exit(127);
        _exit(127);
    }
    close(logfd);
    free(spath);
    return pid;
}

/* Repeats gnuplot's messages on stderr; returns its first line (malloc'd)
 * for the chart's note, or NULL when it said nothing. */
static char *gp_relay_log(plots_set *s, const gp_run *r)
{
    FILE *f = fopen(r->log, "r");
    if (!f)
        return NULL;
    char line[512], *first = NULL;
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[strspn(line, " \t^")] == '\0')
            continue; /* gnuplot's caret lines point into the command */
        if (!first)
            first = strdup(line);
        if (++lines <= 6)
            fprintf(stderr, "%s: gnuplot (%s): %s\n", s->prog, r->out, line);
    }
    fclose(f);
    if (lines > 6)
        fprintf(stderr, "%s: gnuplot (%s): ... %d more lines in %s\n", s->prog, r->out,
                lines - 6, r->log);
    if (!first)
        unlink(r->log);
    return first;
}

/* Reaps R and records what became of its chart. */
static void gp_finish(plots_set *s, const plots_job *jobs, gp_run *r, int *failed)
{
    int st = 0;
    while (waitpid(r->pid, &st, 0) < 0 && errno == EINTR)
        ;
    plots_chart *c = &s->charts[jobs[r->job].chart];
    char *said = gp_relay_log(s, r);
    int good = r->png ? plots_file_is_png(r->out) : plots_file_is_svg(r->out);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !good) {
        char *why;
        if (WIFSIGNALED(st))
            why = plots_strf("gnuplot died of signal %d on %s", WTERMSIG(st), r->out);
        else if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
            why = plots_strf("gnuplot could not be started for %s", r->out);
        else if (!good && WIFEXITED(st) && WEXITSTATUS(st) == 0)
            why = plots_strf("gnuplot wrote no complete %s to %s", r->png ? "PNG" : "SVG",
                             r->out);
        else
            why = plots_strf("gnuplot failed on %s: %s", r->out, said ? said : "(no message)");
        plots_error(s, "%s", why ? why : "gnuplot failed");
        if (!c->note)
            c->note = why;
        else
            free(why);
        c->drawn = 0;
        (*failed)++;
    } else if (said) {
        plots_warn(s, "gnuplot on %s: %s", r->out, said);
    }
    free(said);
}

int plots_gnuplot_run(plots_set *s, const plots_gp *g, const plots_job *jobs, size_t njobs,
                      const plots_opts *o)
{
    size_t nruns = 0;
    for (size_t j = 0; j < njobs; j++)
        nruns += s->charts[jobs[j].chart].png ? 2 : 1;
    gp_run *runs = calloc(nruns ? nruns : 1, sizeof *runs);
    if (!runs) {
        plots_error(s, "out of memory");
        return 1;
    }
    size_t k = 0;
    int failed = 0;
    for (size_t j = 0; j < njobs; j++) {
        plots_chart *c = &s->charts[jobs[j].chart];
        c->drawn = 1;
        for (int png = 0; png <= c->png; png++) {
            gp_run *r = &runs[k++];
            const char *ext = png ? "png" : "svg";
            r->job = j;
            r->png = png;
            r->out = plots_strf("%s/plots/%s.%s", s->dir, c->stem, ext);
            r->log = plots_strf("%s/plots/data/%s.%s.log", s->dir, c->stem, ext);
            plots_vars v = {0};
            plots_var_str(&v, "term", ext);
            plots_var_str(&v, "out", r->out ? r->out : "");
            plots_var_str(&v, "plotsdir", g->scripts);
            vars_put(&v, jobs[j].vars ? jobs[j].vars : "", jobs[j].vars ? strlen(jobs[j].vars) : 0);
            r->vars = v.oom ? NULL : v.b;
            if (v.oom)
                free(v.b);
            r->pid = -1;
        }
    }

    /* At most o->jobs at once; the oldest is waited for first, which is
     * fair enough since every chart takes about as long. */
    size_t next = 0, oldest = 0, done = 0;
    int jobs_max = o->jobs > 0 ? o->jobs : 1;
    while (done < nruns) {
        while (next < nruns && (int)(next - oldest) < jobs_max) {
            gp_run *r = &runs[next++];
            const plots_job *jb = &jobs[r->job];
            if (r->out && r->log && r->vars) {
                unlink(r->out); /* a stale file must not pass for a new one */
                r->pid = gp_spawn(g, jb->script, r);
            }
            if (r->pid < 0) {
                plots_chart *c = &s->charts[jb->chart];
                plots_error(s, "cannot start gnuplot for %s: %s", c->stem, strerror(errno));
                c->drawn = 0;
                failed++;
            }
        }
        gp_run *r = &runs[oldest++];
        if (r->pid > 0)
            gp_finish(s, jobs, r, &failed);
        done++;
        if (o->progress)
            fprintf(stderr, "%s: [%*zu/%zu] %s\n", s->prog, nruns >= 100 ? 3 : 2, done, nruns,
                    r->out ? r->out : "?");
    }
    for (size_t i = 0; i < nruns; i++) {
        free(runs[i].out);
        free(runs[i].log);
        free(runs[i].vars);
    }
    free(runs);
    return failed ? 1 : 0;
}
