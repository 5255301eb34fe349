/*
 * user_build.c: the parent's side of the user's allocators (user.h).
 * Before any cell runs, each mm: entry is compiled with the system's C
 * compiler into a shared object, and each so: library is checked:
 *
 *   1. the .c files (PATH, or every .c of the folder PATH but the
 *      handout's driver files) are copied into a build folder, each behind
 *      a #line naming the original, so the compiler's messages name the
 *      user's file and line while "mm.h" and "memlib.h" are fitbench's
 *      (include/<interface>/) and the user's other headers are found in
 *      their own folder;
 *   2. the interface, unless --mm-interface names it: the first of 2016,
 *      2002, 2010 whose headers the files compile against, then the
 *      symbols the objects define (nm) decide: malloc defined under its
 *      own name is 2010-2015, a `team` is 2002;
 *   3. objcopy renames, in the objects, what must not clash with the
 *      harness: 2010's malloc/free/realloc/calloc become mm_*, and the
 *      2002 and 2010 mem_sbrk(int) becomes mem_sbrk_int;
 *   4. the entry points are checked (a missing one is named), the objects
 *      linked with -shared, and the result loaded once in a throwaway
 *      child process (undefined symbols show there, not in every cell).
 *
 * A file that does not compile: the compiler's output as it printed it,
 * and -1 (exit 2). The build folder is removed when the run ends.
 */
#include "user.h"

#include "args.h"
#include "diag.h"
#include "mm_iface.h"
#include "user_probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FB_USER_INCLUDE
#define FB_USER_INCLUDE "harness/user/include"
#endif

#define MAX_SRC 64
#define MAX_ARGS 256

static char build_root[256];

/* The handout's own files, which a folder may hold beside mm.c: never
 * compiled (fitbench is the driver and has its own memlib). */
static const char *const driver_files[] = {"mdriver.c", "memlib.c", "fsecs.c", "fcyc.c",
                                           "clock.c",   "ftimer.c", NULL};

typedef struct srcs {
    char path[MAX_SRC][2048];
    size_t n;
    char dir[2048]; /* the folder they are in, for the user's headers */
} srcs;

static int is_driver_file(const char *name) {
    for (size_t i = 0; driver_files[i]; i++)
        if (!strcmp(name, driver_files[i]))
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(a, b); }

/* The sources of entry u; 0, or -1 with the message given. */
static int find_sources(const fb_user *u, srcs *s) {
    struct stat st;
    s->n = 0;
    if (stat(u->path, &st) != 0) {
        fb_error("%s: %s", u->path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(s->path[0], sizeof s->path[0], "%s", u->path);
        s->n = 1;
        snprintf(s->dir, sizeof s->dir, "%s", u->path);
        char *slash = strrchr(s->dir, '/');
        if (slash)
            *slash = 0;
        else
            snprintf(s->dir, sizeof s->dir, ".");
        return 0;
    }
    snprintf(s->dir, sizeof s->dir, "%s", u->path);
    DIR *d = opendir(u->path);
    if (!d) {
        fb_error("%s: %s", u->path, strerror(errno));
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) && s->n < MAX_SRC) {
        size_t len = strlen(e->d_name);
        if (len > 2 && !strcmp(e->d_name + len - 2, ".c") && !is_driver_file(e->d_name) &&
            snprintf(s->path[s->n], sizeof s->path[0], "%s/%s", u->path, e->d_name) <
                (int)sizeof s->path[0])
            s->n++;
    }
    closedir(d);
    qsort(s->path, s->n, sizeof s->path[0], cmp_str);
    if (!s->n) {
        fb_error("%s: no .c file in this folder (mm:PATH wants an mm.c or a folder of them)",
                 u->path);
        return -1;
    }
    return 0;
}

/* Runs argv with stdout and stderr appended to log; its exit status, or
 * -1 when it could not be run. */
static int run_cmd(char *const argv[], const char *log) {
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(127);
        execvp(argv[0], argv);
        dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Copies the file at src to dst behind a #line naming src. 0 or -1. */
static int copy_with_line(const char *src, const char *dst) {
    FILE *in = fopen(src, "r");
    if (!in)
        return -1;
    FILE *out = fopen(dst, "w");
    if (!out) {
        fclose(in);
        return -1;
    }
    char abs[4096];
    const char *name = realpath(src, abs) ? abs : src;
    fprintf(out, "#line 1 \"");
    for (const char *p = name; *p; p++)
        fprintf(out, *p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
    fprintf(out, "\"\n");
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    int bad = ferror(in);
    fclose(in);
    return fclose(out) != 0 || bad ? -1 : 0;
}

static const char *compiler(void) {
    const char *cc = getenv("CC");
    return cc && *cc ? cc : "cc";
}

/* Splits flags at spaces into argv from *n on. */
static void add_flags(char **argv, size_t *n, char *flags) {
    char *save = NULL;
    for (char *t = flags ? strtok_r(flags, " \t", &save) : NULL; t && *n < MAX_ARGS - 8;
         t = strtok_r(NULL, " \t", &save))
        argv[(*n)++] = t;
}

/* Compiles every source against interface k's headers into dir/k/;
 * 0 or -1; the compiler's output is in dir/k/cc.log. */
static int compile_as(const srcs *s, int k, const char *dir, const char *cflags) {
    char sub[4200], log[4300], inc[4300], userinc[2100];
    snprintf(sub, sizeof sub, "%s/%s", dir, fb_mm_ifaces[k].name);
    mkdir(sub, 0755);
    snprintf(log, sizeof log, "%s/cc.log", sub);
    unlink(log);
    snprintf(inc, sizeof inc, "-I%s/%s", FB_USER_INCLUDE, fb_mm_ifaces[k].name);
    snprintf(userinc, sizeof userinc, "-I%s", s->dir);
    for (size_t i = 0; i < s->n; i++) {
        char copy[4400], obj[4400];
        snprintf(copy, sizeof copy, "%s/%zu.c", sub, i);
        snprintf(obj, sizeof obj, "%s/%zu.o", sub, i);
        if (copy_with_line(s->path[i], copy) != 0) {
            fb_error("%s: cannot copy into %s: %s", s->path[i], sub, strerror(errno));
            return -1;
        }
        char *flags = cflags ? strdup(cflags) : NULL;
        char *argv[MAX_ARGS];
        size_t n = 0;
        argv[n++] = (char *)compiler();
        argv[n++] = "-O2";
        argv[n++] = "-fPIC";
        argv[n++] = "-DDRIVER";
        if (k == FB_MM_2010) {
            /* The file's own calloc may be malloc + memset, which gcc
             * would otherwise turn back into a call of calloc. */
            argv[n++] = "-fno-builtin-malloc";
            argv[n++] = "-fno-builtin-calloc";
            argv[n++] = "-fno-builtin-free";
            argv[n++] = "-fno-builtin-realloc";
        }
        argv[n++] = inc;
        argv[n++] = userinc;
        add_flags(argv, &n, flags);
        argv[n++] = "-c";
        argv[n++] = copy;
        argv[n++] = "-o";
        argv[n++] = obj;
        argv[n] = NULL;
        int rc = run_cmd(argv, log);
        free(flags);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* The number of "error" lines in interface k's compiler log. */
static size_t log_errors(const char *dir, int k) {
    char log[4300], line[4096];
    snprintf(log, sizeof log, "%s/%s/cc.log", dir, fb_mm_ifaces[k].name);
    FILE *f = fopen(log, "r");
    size_t n = 0;
    while (f && fgets(line, sizeof line, f))
        n += strstr(line, "error") != NULL;
    if (f)
        fclose(f);
    return f ? n : (size_t)-1;
}

/* The compiler's output for interface k, as it printed it. */
static void show_log(const char *dir, int k, const char *file) {
    char log[4300];
    snprintf(log, sizeof log, "%s/%s/%s", dir, fb_mm_ifaces[k].name, file);
    FILE *f = fopen(log, "r");
    char buf[4096];
    size_t n;
    fflush(stdout);
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, n, stderr);
    if (f)
        fclose(f);
}

/* Symbol names defined (global) in the objects or library of dir/k;
 * newline-separated into buf. 0 or -1. */
static int defined_symbols(const char *dir, int k, const srcs *s, const char *lib, char *buf,
                           size_t len) {
    char sub[4200], out[4300];
    snprintf(sub, sizeof sub, "%s/%s", dir, fb_mm_ifaces[k].name);
    snprintf(out, sizeof out, "%s/nm.txt", sub);
    unlink(out);
    char *argv[MAX_SRC + 8];
    char objs[MAX_SRC][4400];
    size_t n = 0;
    argv[n++] = "nm";
    argv[n++] = "-g";
    argv[n++] = "--defined-only";
    argv[n++] = "-j"; /* names only */
    if (lib)
        argv[n++] = (char *)lib;
    for (size_t i = 0; !lib && i < s->n; i++) {
        snprintf(objs[i], sizeof objs[i], "%s/%zu.o", sub, i);
        argv[n++] = objs[i];
    }
    argv[n] = NULL;
    if (run_cmd(argv, out) != 0)
        return -1;
    FILE *f = fopen(out, "r");
    size_t got = f ? fread(buf + 1, 1, len - 3, f) : 0;
    if (f)
        fclose(f);
    buf[0] = '\n'; /* every name between newlines */
    buf[got + 1] = '\n';
    buf[got + 2] = 0;
    return f ? 0 : -1;
}

static int has_symbol(const char *syms, const char *name) {
    char pat[128];
    snprintf(pat, sizeof pat, "\n%s\n", name);
    return strstr(syms, pat) != NULL;
}

/* objcopy --redefine-sym on every object of dir/k for interface k. */
static int rename_symbols(const char *dir, int k, const srcs *s) {
    const fb_mm_iface *f = &fb_mm_ifaces[k];
    char pairs[5][64];
    size_t np = 0;
    if (strcmp(f->def_malloc, "mm_malloc")) {
        snprintf(pairs[np++], 64, "%s=mm_malloc", f->def_malloc);
        snprintf(pairs[np++], 64, "%s=mm_free", f->def_free);
        snprintf(pairs[np++], 64, "%s=mm_realloc", f->def_realloc);
        snprintf(pairs[np++], 64, "%s=mm_calloc", f->def_calloc);
    }
    if (f->sbrk_int)
        snprintf(pairs[np++], 64, "mem_sbrk=mem_sbrk_int");
    for (size_t i = 0; np && i < s->n; i++) {
        char obj[4400], log[4300];
        snprintf(obj, sizeof obj, "%s/%s/%zu.o", dir, f->name, i);
        snprintf(log, sizeof log, "%s/%s/objcopy.log", dir, f->name);
        char *argv[16];
        size_t n = 0;
        argv[n++] = "objcopy";
        for (size_t p = 0; p < np; p++) {
            argv[n++] = "--redefine-sym";
            argv[n++] = pairs[p];
        }
        argv[n++] = obj;
        argv[n] = NULL;
        if (run_cmd(argv, log) != 0) {
            show_log(dir, k, "objcopy.log");
            fb_error("objcopy could not rename the symbols of %s", s->path[i]);
            return -1;
        }
    }
    return 0;
}

static int build_mm(fb_user *u, const fb_user_opts *o, size_t idx) {
    srcs *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    int rc = -1;
    if (find_sources(u, s) != 0)
        goto out;
    char dir[512];
    snprintf(dir, sizeof dir, "%s/%zu-%s", build_root, idx, u->name);
    if (mkdir(dir, 0755) != 0) {
        fb_error("%s: %s", dir, strerror(errno));
        goto out;
    }
    static const int order[] = {FB_MM_2016, FB_MM_2002, FB_MM_2010};
    int k = -1;
    if (o->iface >= 0)
        k = compile_as(s, o->iface, dir, o->cflags) == 0 ? o->iface : -1;
    for (size_t i = 0; o->iface < 0 && k < 0 && i < 3; i++)
        if (compile_as(s, order[i], dir, o->cflags) == 0)
            k = order[i];
    if (k < 0) {
        /* Show the attempt the file came closest to. */
        int best = o->iface >= 0 ? o->iface : order[0];
        for (size_t i = 0; o->iface < 0 && i < 3; i++)
            if (log_errors(dir, order[i]) < log_errors(dir, best))
                best = order[i];
        show_log(dir, best, "cc.log");
        fb_error("%s: does not compile (as the %s; the compiler's messages are above)",
                 u->path, fb_mm_ifaces[best].summary);
        goto out;
    }
    static char syms[1 << 20];
    if (defined_symbols(dir, k, s, NULL, syms, sizeof syms) != 0) {
        fb_error("%s: nm could not read the compiled objects", u->path);
        goto out;
    }
    if (o->iface < 0) {
        int want = has_symbol(syms, "malloc") && !has_symbol(syms, "mm_malloc") ? FB_MM_2010
                   : has_symbol(syms, "team")                                   ? FB_MM_2002
                                                                                : k;
        if (want != k) {
            if (compile_as(s, want, dir, o->cflags) != 0) {
                show_log(dir, want, "cc.log");
                fb_error("%s: does not compile as the %s, which its symbols name", u->path,
                         fb_mm_ifaces[want].summary);
                goto out;
            }
            k = want;
            defined_symbols(dir, k, s, NULL, syms, sizeof syms);
        }
    }
    const fb_mm_iface *f = &fb_mm_ifaces[k];
    const char *need[] = {"mm_init", f->def_malloc, f->def_free, f->def_realloc};
    for (size_t i = 0; i < 4; i++)
        if (!has_symbol(syms, need[i])) {
            fb_error("%s: no %s defined: the %s needs mm_init, %s, %s and %s", u->path,
                     need[i], f->summary, f->def_malloc, f->def_free, f->def_realloc);
            goto out;
        }
    u->iface = k;
    u->has_check = f->check != FB_MM_CHECK_NONE && has_symbol(syms, "mm_checkheap");
    if (rename_symbols(dir, k, s) != 0)
        goto out;
    snprintf(u->file, sizeof u->file, "%s/lib%s.so", dir, u->name);
    char log[4300];
    snprintf(log, sizeof log, "%s/%s/ld.log", dir, f->name);
    {
        char *flags = o->cflags ? strdup(o->cflags) : NULL;
        char *argv[MAX_ARGS], objs[MAX_SRC][4400];
        size_t n = 0;
        argv[n++] = (char *)compiler();
        argv[n++] = "-shared";
        argv[n++] = "-o";
        argv[n++] = u->file;
        for (size_t i = 0; i < s->n; i++) {
            snprintf(objs[i], sizeof objs[i], "%s/%s/%zu.o", dir, f->name, i);
            argv[n++] = objs[i];
        }
        add_flags(argv, &n, flags);
        argv[n++] = "-lm";
        argv[n] = NULL;
        int lrc = run_cmd(argv, log);
        free(flags);
        if (lrc != 0) {
            show_log(dir, k, "ld.log");
            fb_error("%s: does not link (the linker's messages are above)", u->path);
            goto out;
        }
    }
    const char *entry[] = {"mm_init", "mm_malloc", "mm_free", "mm_realloc", NULL};
    char why[1024];
    if (fb_user_probe_dlopen(u->file, entry, why, sizeof why) != 0) {
        fb_error("%s: built, but its shared object %s", u->path, why);
        goto out;
    }
    u->align = o->align ? o->align : f->align;
    u->max_heap = o->max_heap ? o->max_heap : f->max_heap_mib << 20;
    if (o->verbose)
        printf("%s: %s built as the %s; alignment %zu, maximum heap %zu MiB\n",
               u->name, u->path, f->summary, u->align, u->max_heap >> 20);
    rc = 0;
out:
    free(s);
    return rc;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void fb_user_cleanup(void) {
    if (build_root[0] && !getenv("FITBENCH_KEEP_BUILD"))
        nftw(build_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    build_root[0] = 0;
}

int fb_user_prepare(const fb_user_opts *o) {
    size_t n = fb_user_count();
    if (!n)
        return 0;
    int any_mm = 0;
    for (size_t i = 0; i < n; i++)
        any_mm |= fb_user_at(i)->kind == FB_USER_MM;
    if (any_mm && !build_root[0]) {
        atexit(fb_user_cleanup);
        const char *tmp = getenv("TMPDIR");
        snprintf(build_root, sizeof build_root, "%s/fitbench-mm-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(build_root)) {
            fb_error("cannot make a build folder %s: %s", build_root, strerror(errno));
            build_root[0] = 0;
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        fb_user *u = fb_user_at(i);
        if ((u->kind == FB_USER_MM ? build_mm(u, o, i) : fb_user_check_so(u)) != 0)
            return -1;
    }
    for (size_t i = 0; i < n; i++)
        fb_user_at(i); /* the adapters take what the build found */
    return fb_user_export();
}

void fb_user_opts_init(fb_user_opts *o) {
    memset(o, 0, sizeof *o);
    o->iface = -1;
}

int fb_user_option(int c, const char *arg, fb_user_opts *o) {
    uint64_t v;
    switch (c) {
    case FB_OPT_CFLAGS: o->cflags = arg; return 1;
    case FB_OPT_MM_IFACE:
        o->iface = fb_mm_iface_find(arg);
        if (o->iface < 0) {
            fb_error("--mm-interface wants 2002, 2010 or 2016, not '%s'", arg);
            return -1;
        }
        return 1;
    case FB_OPT_MM_ALIGN:
        if (fb_arg_count("--mm-align", arg, "a power of two", 1, 4096, &v))
            return -1;
        if (v & (v - 1)) {
            fb_error("--mm-align wants a power of two, not '%s'", arg);
            return -1;
        }
        o->align = (size_t)v;
        return 1;
    case FB_OPT_MM_MAX_HEAP:
        if (fb_arg_count("--mm-max-heap", arg, "MiB", 1, 1 << 20, &v))
            return -1;
        o->max_heap = (size_t)v << 20;
        return 1;
    default: return 0;
    }
}
