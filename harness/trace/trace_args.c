/*
 * trace_args.c: trace files and folders from the command line (see
 * trace_args.h).
 */
#include "trace_args.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int trace_is_file_name(const char *n) {
    size_t len = strlen(n);
    return (len > 4 && strcmp(n + len - 4, ".rep") == 0) ||
           (len > 7 && strcmp(n + len - 7, ".rep.gz") == 0);
}

static int paths_push(trace_paths *l, const char *p) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 32;
        char **np = realloc(l->paths, cap * sizeof *np);
        if (!np)
            return -1;
        l->paths = np;
        l->cap = cap;
    }
    if (!(l->paths[l->n] = strdup(p)))
        return -1;
    l->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int trace_paths_add(trace_paths *l, const char *arg, char *err, size_t errlen) {
    struct stat st;
    if (stat(arg, &st) != 0) {
        snprintf(err, errlen, "%s: %s", arg, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (paths_push(l, arg) == 0)
            return 0;
        snprintf(err, errlen, "%s: out of memory", arg);
        return -1;
    }
    DIR *d = opendir(arg);
    if (!d) {
        snprintf(err, errlen, "%s: %s", arg, strerror(errno));
        return -1;
    }
    size_t first = l->n;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!trace_is_file_name(e->d_name))
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", arg, e->d_name);
        if (paths_push(l, p) != 0) {
            snprintf(err, errlen, "%s: out of memory", arg);
            rc = -1;
        }
    }
    closedir(d);
    if (rc == 0 && l->n == first) {
        snprintf(err, errlen, "%s: no .rep or .rep.gz files in this folder", arg);
        rc = -1;
    }
    if (rc == 0)
        qsort(l->paths + first, l->n - first, sizeof(char *), cmp_str);
    return rc;
}

void trace_paths_free(trace_paths *l) {
    for (size_t i = 0; i < l->n; i++)
        free(l->paths[i]);
    free(l->paths);
    memset(l, 0, sizeof *l);
}
