/*
 * programs_out.c: the outputs of `fitbench programs` (cmd_programs.c):
 * the rows of programs.csv as each cell ends, then programs.dat, the
 * chart (plots/programs.gp through gnuplot) and the summary table.
 *
 * Where it sits: last step of the programs command; a cell that did not
 * run ok has empty numbers in the CSV and '?' in the chart's data (no
 * bar), never a zero.
 */
#include "programs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FB_PROGRAMS_PLOTS_DIR
#define FB_PROGRAMS_PLOTS_DIR "plots"
#endif

void pr_err(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("fitbench programs: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* An executable NAME on PATH into buf, or NULL. */
const char *pr_which(const char *name, char *buf, size_t len) {
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t n = end ? (size_t)(end - path) : strlen(path);
        int w = snprintf(buf, len, "%.*s/%s", (int)n, path, name);
        if (n > 0 && w > 0 && (size_t)w < len && access(buf, X_OK) == 0)
            return buf;
        path += n + (end != NULL);
    }
    return NULL;
}

/* DIR/programs/ followed by fmt into buf (PR_PATH bytes). The results
 * folder's length is checked at start, so the names made here fit. */
void pr_file(char *buf, const pr_run *r, const char *fmt, ...) {
    size_t n = strlen(r->dir);
    memcpy(buf, r->dir, n);
    buf[n++] = '/';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, PR_PATH - n, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ writing */

void pr_write_row(FILE *csv, const pr_run *r, size_t pi, size_t ai) {
    const pr_cell *c = &r->cells[pi][ai], *base = &r->cells[pi][0];
    fprintf(csv, "%s,%s,", r->progs[pi].name, r->allocs[ai].name);
    if (c->timed)
        fprintf(csv, "%.6f,", c->mean);
    else
        fputs(",", csv);
    if (c->timed && c->stddev_known)
        fprintf(csv, "%.6f,", c->stddev);
    else
        fputs(",", csv);
    if (c->timed)
        fprintf(csv, "%.6f,", c->median);
    else
        fputs(",", csv);
    if (c->rss_kb >= 0)
        fprintf(csv, "%ld,", c->rss_kb);
    else
        fputs(",", csv);
    if (c->timed && base->timed && base->mean > 0)
        fprintf(csv, "%.4f,", c->mean / base->mean);
    else
        fputs(",", csv);
    if (c->rss_kb > 0 && base->rss_kb > 0 && !strcmp(c->status, "ok") &&
        !strcmp(base->status, "ok"))
        fprintf(csv, "%.4f,", (double)c->rss_kb / (double)base->rss_kb);
    else
        fputs(",", csv);
    fprintf(csv, "%s\n", c->status);
    fflush(csv);
}

/* Blocks of programs.dat: 0 time relative to glibc, 1 peak RSS relative
 * to glibc; a header row of allocator names, then a row per program, '?'
 * where the cell did not run ok. */
int pr_write_dat(const pr_run *r, const char *path) {
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "# fitbench programs: block 0 time / glibc's, block 1 peak RSS / glibc's\n");
    for (int block = 0; block < 2; block++) {
        if (block)
            fputs("\n\n", f);
        fputs("program", f);
        for (size_t a = 0; a < r->nallocs; a++)
            fprintf(f, " %s", r->allocs[a].name);
        fputc('\n', f);
        for (size_t p = 0; p < r->nprogs; p++) {
            fputs(r->progs[p].name, f);
            const pr_cell *b = &r->cells[p][0];
            for (size_t a = 0; a < r->nallocs; a++) {
                const pr_cell *c = &r->cells[p][a];
                int ok = !strcmp(c->status, "ok") && !strcmp(b->status, "ok");
                if (block == 0 && ok && c->timed && b->timed && b->mean > 0)
                    fprintf(f, " %.4f", c->mean / b->mean);
                else if (block == 1 && ok && c->rss_kb > 0 && b->rss_kb > 0)
                    fprintf(f, " %.4f", (double)c->rss_kb / (double)b->rss_kb);
                else
                    fputs(" ?", f);
            }
            fputc('\n', f);
        }
    }
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* Colours in allocator order: glibc grey, then distinct hues. */
static const char *const pr_colors[] = {"#7f7f7f", "#1f5fbf", "#e06c00", "#2a8f3c", "#c8283d",
                                        "#7a4cc2", "#8a5a2b", "#d13fa4", "#9aa500", "#0097a7",
                                        "#0b2f7a", "#e0a100", "#63b04a", "#ff7f8e"};

int pr_plot(const pr_run *r, const char *dat, const char *svg) {
    char gp[PR_PATH], script[PR_PATH];
    if (!pr_which("gnuplot", gp, sizeof gp)) {
        pr_err("gnuplot not found (Debian package gnuplot-nox): no chart");
        return -1;
    }
    const char *dir = getenv("FITBENCH_PLOTS_DIR");
    if (!dir || !*dir)
        dir = FB_PROGRAMS_PLOTS_DIR;
    snprintf(script, sizeof script, "%s/programs.gp", dir);
    if (access(script, R_OK) != 0) {
        pr_err("%s: %s: no chart", script, strerror(errno));
        return -1;
    }
    char vars[4 * PR_PATH], colors[512] = "";
    for (size_t a = 0; a < r->nallocs; a++) {
        size_t n = strlen(colors);
        snprintf(colors + n, sizeof colors - n, "%s%s", a ? " " : "",
                 pr_colors[a % (sizeof pr_colors / sizeof pr_colors[0])]);
    }
    snprintf(vars, sizeof vars,
             "term='svg'; out='%s'; plotsdir='%s'; data='%s'; colors='%s'; "
             "title='Real programs under each allocator, relative to glibc'",
             svg, dir, dat, colors);
    char log[PR_PATH];
    pr_file(log, r, "gnuplot.log");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(126);
        execl(gp, "gnuplot", "-d", "-e", vars, script, (char *)NULL);
        _exit(127);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        pr_err("gnuplot failed on %s (see %s)", script, log);
        return -1;
    }
    return 0;
}

/* The README table: time and RSS relative to glibc, per program. */
void pr_print_table(const pr_run *r) {
    for (int block = 0; block < 2; block++) {
        printf("%s%-10s", block ? "\n" : "", block ? "rss/libc" : "time/libc");
        for (size_t a = 0; a < r->nallocs; a++)
            printf(" %9s", r->allocs[a].name);
        putchar('\n');
        for (size_t p = 0; p < r->nprogs; p++) {
            printf("%-10s", r->progs[p].name);
            const pr_cell *b = &r->cells[p][0];
            for (size_t a = 0; a < r->nallocs; a++) {
                const pr_cell *c = &r->cells[p][a];
                if (strcmp(c->status, "ok") != 0 || strcmp(b->status, "ok") != 0)
                    printf(" %9s", c->status);
                else if (block == 0 && c->timed && b->timed)
                    printf(" %9.2f", c->mean / b->mean);
                else if (block == 1 && c->rss_kb > 0 && b->rss_kb > 0)
                    printf(" %9.2f", (double)c->rss_kb / (double)b->rss_kb);
                else
                    printf(" %9s", "?");
            }
            putchar('\n');
        }
    }
}
