/*
 * user_probe.c: trying what the user's allocators load as, before any cell
 * runs (user_probe.h): an mm: shared object is dlopen'd in a throwaway
 * child; a so: library is preloaded into this very binary started again
 * (`fitbench __probe LIB`), as the cells will run it.
 */
#include "user_probe.h"

#include "diag.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Loads file in a throwaway child (its constructors run there, not here)
 * and checks that it defines each of syms itself. 0, or -1 with the
 * reason in why. */
int fb_user_probe_dlopen(const char *file, const char *const *syms, char *why, size_t len) {
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(why, len, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, len, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        char msg[1024] = "";
        void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
        if (!h)
            snprintf(msg, sizeof msg, "does not load: %s", dlerror());
        struct link_map *lm = NULL;
        if (h && dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0)
            lm = NULL;
        for (size_t i = 0; h && !msg[0] && syms[i]; i++) {
            void *p = dlsym(h, syms[i]);
            Dl_info di;
            if (!p || !dladdr(p, &di) || !lm || !di.dli_fname || strcmp(di.dli_fname, lm->l_name))
                snprintf(msg, sizeof msg, "does not define %s", syms[i]);
        }
        if (write(fds[1], msg, strlen(msg)) < 0)
            _exit(2);
        _exit(msg[0] ? 1 : 0);
    }
    close(fds[1]);
    ssize_t n = read(fds[0], why, len - 1);
    close(fds[0]);
    why[n > 0 ? n : 0] = 0;
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (!why[0])
        snprintf(why, len, "crashed while loading (%s)",
                 WIFSIGNALED(st) ? strsignal(WTERMSIG(st)) : "no reason given");
    return -1;
}

/* The defining object of sym, by the loader's lookup, compared with lib. */
static int serves(const char *lib, const char *sym) {
    void *p = dlsym(RTLD_DEFAULT, sym);
    Dl_info di;
    char a[4096], b[4096];
    return p && dladdr(p, &di) && di.dli_fname && realpath(di.dli_fname, a) && realpath(lib, b) &&
           !strcmp(a, b);
}

/* `fitbench __probe LIB`, run with LIB preloaded: 0 when LIB serves
 * malloc, free, realloc and calloc; else 1 and the first it lacks. */
int fb_user_probe_main(int argc, char **argv) {
    if (argc != 2)
        return 2;
    static const char *const need[] = {"malloc", "free", "realloc", "calloc"};
    for (size_t i = 0; i < 4; i++)
        if (!serves(argv[1], need[i])) {
            printf("does not define %s\n", need[i]);
            return 1;
        }
    return 0;
}

/* A library can be preloaded where dlopen would refuse it (static TLS),
 * so it is tried the way the cells will run it: this binary started again
 * with it in LD_PRELOAD. */
int fb_user_check_so(fb_user *u) {
    if (access(u->path, R_OK) != 0) {
        fb_error("%s: %s", u->path, strerror(errno));
        return -1;
    }
    char abs[4096];
    if (!realpath(u->path, abs) ||
        snprintf(u->file, sizeof u->file, "%s", abs) >= (int)sizeof u->file) {
        fb_error("%s: %s", u->path, errno ? strerror(errno) : "path too long");
        return -1;
    }
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        setenv("LD_PRELOAD", u->file, 1);
        execl("/proc/self/exe", "fitbench", "__probe", u->file, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char why[2048];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof why - 1 && (n = read(fds[0], why + got, sizeof why - 1 - got)) > 0)
        got += (size_t)n;
    close(fds[0]);
    why[got] = 0;
    int st = 0;
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    /* The loader says why it could not preload the library. */
    char *ld = strstr(why, "cannot be preloaded");
    char *nl = strchr(ld ? ld : why, '\n');
    if (nl)
        *nl = 0;
    char *ign = ld ? strstr(ld, ": ignored") : NULL;
    if (ign)
        *ign = 0;
    fb_error("%s: %s%s (so:PATH wants a shared library that defines malloc, free, realloc and "
             "calloc)",
             u->path, ld ? "does not load: " : "", ld ? ld : why[0] ? why : "cannot be tried");
    return -1;
}

