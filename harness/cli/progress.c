/*
 * progress.c: `fitbench run`'s progress on stderr (contract in run.h):
 * cells done of all, the cells running, the time elapsed and an estimate
 * of what is left (the elapsed time per finished cell, which counts the
 * cells run side by side, times the cells left). On a terminal it is one line rewritten
 * in place, cut to the terminal's width; in a log, one line per finished
 * cell; with -q, nothing.
 */
#include "clock.h"
#include "run.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

void fb_progress_init(fb_progress *p, int quiet, size_t total) {
    p->mode = quiet ? 0 : isatty(2) ? 1 : 2;
    p->total = total;
    p->done = 0;
    p->start = fb_now();
}

static void hms(char *buf, size_t len, double s) {
    unsigned long t = s > 0 ? (unsigned long)(s + 0.5) : 0;
    if (t >= 3600)
        snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

/* "[D/N] 1:23 elapsed, ETA 4:56" into buf. */
static void head(const fb_progress *p, char *buf, size_t len) {
    double el = fb_now() - p->start;
    char e[32], left[32] = "?";
    hms(e, sizeof e, el);
    if (p->done)
        hms(left, sizeof left, el / (double)p->done * (double)(p->total - p->done));
    snprintf(buf, len, "[%zu/%zu] %s elapsed, ETA %s", p->done, p->total, e, left);
}

void fb_progress_running(fb_progress *p, const char *const *names, size_t n) {
    if (p->mode != 1)
        return;
    char line[1024];
    head(p, line, sizeof line);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(line);
        snprintf(line + l, sizeof line - l, "%s%s", i ? ", " : " | ", names[i]);
    }
    struct winsize ws;
    size_t width = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 ? ws.ws_col - 1u : 79u;
    if (strlen(line) > width)
        line[width] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
}

void fb_progress_cell(fb_progress *p, const fb_row *row, double secs) {
    p->done++;
    if (p->mode != 2)
        return;
    char h[256];
    head(p, h, sizeof h);
    fprintf(stderr, "%s | %s x %s: %s (%.1f s)\n", h, row->trace, row->allocator, row->status,
            secs);
    fflush(stderr);
}

void fb_progress_end(fb_progress *p) {
    if (p->mode == 1)
        fprintf(stderr, "\r\033[K");
}
