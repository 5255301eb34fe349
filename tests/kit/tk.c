/*
 * tk.c: the test kit's failure counter, messages and stdout capture
 * (see tk.h).
 */
#include "tk.h"

#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

long tk_failures;

void tk_fail(const char *file, int line, const char *fmt, ...) {
    tk_failures++;
    fprintf(stderr, "%s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

char *tk_capture(void (*fn)(void *), void *arg) {
    fflush(stdout);
    FILE *tmp = tmpfile();
    if (!tmp)
        return NULL;
    int saved = dup(STDOUT_FILENO);
    if (saved < 0 || dup2(fileno(tmp), STDOUT_FILENO) < 0) {
        if (saved >= 0)
            close(saved);
        fclose(tmp);
        return NULL;
    }
    fn(arg);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    /* Written through the descriptor, so ask it, not the FILE, how much. */
    off_t len = lseek(fileno(tmp), 0, SEEK_END);
    if (len < 0) {
        fclose(tmp);
        return NULL;
    }
    char *buf = malloc((size_t)len + 1);
    rewind(tmp);
    if (!buf || fread(buf, 1, (size_t)len, tmp) != (size_t)len) {
        free(buf);
        fclose(tmp);
        return NULL;
    }
    buf[len] = '\0';
    fclose(tmp);
    return buf;
}

int tk_finish(const char *name) {
    if (tk_failures) {
        fprintf(stderr, "%s: %ld check(s) failed\n", name, tk_failures);
        return 1;
    }
    fprintf(stderr, "%s: all checks passed\n", name);
    return 0;
}
