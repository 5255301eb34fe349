/*
 * cmd_record.c: `fitbench record [-o FILE] [--first-only] -- CMD [ARGS...]`
 *
 * Where it sits: runs CMD with libfbrecord.so preloaded (harness/record/),
 * which leaves one raw event log per process image in a private temporary
 * folder; then reads each log (fbraw.h) through events.c into a trace
 * written by repwrite.c.
 *
 * Naming: the first image of the process we started goes to FILE. Any
 * other image (a child process, or what the first process became after an
 * execve) goes beside it as STEM.<pid>-<exe>.rep, or STEM.<pid>.<n>-<exe>.rep
 * for the n-th execve of that pid, keeping FILE's .gz if it has one. With
 * --first-only, child processes are not recorded at all.
 */
#include "cmds_trace.h"

#include "args.h"
#include "diag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "events.h"
#include "fbraw.h"


static void rec_usage(FILE *out)
{
    fprintf(out,
        "usage: fitbench record [-o FILE] [--first-only] [--lib PATH] [-q]"
        " -- CMD [ARGS...]\n"
        "Runs CMD with the recorder preloaded and writes its allocation\n"
        "calls as a malloc-lab trace (.rep, or .rep.gz by name).\n"
        "  -o FILE       trace of the process started (default: CMD's base"
        " name + .rep)\n"
        "                other processes and exec'd images go beside it as\n"
        "                STEM.<pid>-<exe>.rep (STEM.<pid>.<n>-<exe>.rep for"
        " the\n"
        "                n-th execve of a pid)\n"
        "  --first-only  record the process started only, not its children\n"
        "  --lib PATH    the recorder library (default: $FITBENCH_RECORD_LIB,"
        "\n                then the one built with this program)\n"
        "  -q            print nothing but errors\n"
        "Exit status: 0 ok, 1 CMD failed or a trace could not be written,\n"
        "2 usage error or CMD could not be started.\n");
}

/* ---- one raw log --------------------------------------------------------- */

typedef struct rec_log {
    char *path;
    fbraw_header h;
    int ended;       /* saw FBRAW_END */
    int partial;     /* a torn last record */
    ev_counts counts;
    char *out;       /* trace written, or NULL */
} rec_log;

static int rec_read_header(rec_log *lg, rw_error *err)
{
    int fd = open(lg->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err->msg, sizeof err->msg, "%s: %s", lg->path,
                 strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, &lg->h, sizeof lg->h);
    close(fd);
    if (n != (ssize_t)sizeof lg->h ||
        memcmp(lg->h.magic, FBRAW_MAGIC, sizeof lg->h.magic) != 0 ||
        lg->h.version != FBRAW_VERSION) {
        snprintf(err->msg, sizeof err->msg,
                 "%s: not a raw log of this recorder version", lg->path);
        return -1;
    }
    lg->h.exe[FBRAW_EXE_LEN - 1] = '\0';
    return 0;
}

/* The ev_feed_fn: every event of one log, read 1 MiB at a time. */
static int rec_feed(void *src, ev_state *ev, rw_error *err)
{
    rec_log *lg = src;
    static fbraw_event buf[32768];
    int fd = open(lg->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err->msg, sizeof err->msg, "%s: %s", lg->path,
                 strerror(errno));
        return -1;
    }
    if (lseek(fd, (off_t)sizeof(fbraw_header), SEEK_SET) < 0)
        goto io;
    lg->ended = 0;
    lg->partial = 0;
    size_t have = 0; /* bytes in buf */
    uint64_t index = 0;
    for (;;) {
        ssize_t n = read(fd, (char *)buf + have, sizeof buf - have);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            goto io;
        if (n == 0)
            break;
        have += (size_t)n;
        size_t whole = have / sizeof buf[0];
        for (size_t i = 0; i < whole; i++, index++) {
            const fbraw_event *e = &buf[i];
            int rc;
            switch (e->kind) {
            case FBRAW_MALLOC:
            case FBRAW_CALLOC:
            case FBRAW_MEMALIGN:
            case FBRAW_VALLOC:
            case FBRAW_PVALLOC:
                rc = ev_alloc(ev, e->ptr, e->size);
                break;
            case FBRAW_REALLOC:
                rc = ev_realloc(ev, e->aux, e->ptr, e->size);
                break;
            case FBRAW_FREE:
                rc = ev_free(ev, e->ptr);
                break;
            case FBRAW_END:
                lg->ended = 1;
                rc = 0;
                break;
            default:
                snprintf(err->msg, sizeof err->msg,
                         "%s: event %llu: unknown kind %u (corrupt log)",
                         lg->path, (unsigned long long)index, e->kind);
                close(fd);
                return -1;
            }
            if (rc != 0) {
                if (err->msg[0] == '\0')
                    snprintf(err->msg, sizeof err->msg,
                             "%s: event %llu: out of memory", lg->path,
                             (unsigned long long)index);
                close(fd);
                return -1;
            }
        }
        size_t rest = have - whole * sizeof buf[0];
        memmove(buf, (char *)buf + whole * sizeof buf[0], rest);
        have = rest;
    }
    lg->partial = have != 0;
    close(fd);
    return 0;
io:
    snprintf(err->msg, sizeof err->msg, "%s: %s", lg->path, strerror(errno));
    close(fd);
    return -1;
}

/* ---- naming --------------------------------------------------------------- */

/* STEM.<pid>[.<image>]-<exe><ext>, with ext ".rep" or ".rep.gz" as FILE. */
static char *rec_child_name(const char *file, const fbraw_header *h)
{
    const char *ext = ".rep";
    size_t len = strlen(file);
    size_t stem = len;
    if (len >= 7 && strcmp(file + len - 7, ".rep.gz") == 0) {
        ext = ".rep.gz";
        stem = len - 7;
    } else if (len >= 4 && strcmp(file + len - 4, ".rep") == 0) {
        stem = len - 4;
    } else if (len >= 3 && strcmp(file + len - 3, ".gz") == 0) {
        ext = ".rep.gz";
        stem = len - 3;
    }
    char exe[FBRAW_EXE_LEN];
    size_t k = 0;
    for (const char *p = h->exe; *p && k + 1 < sizeof exe; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' ||
                 c == '-';
        exe[k++] = ok ? c : '_';
    }
    exe[k] = '\0';
    if (k == 0)
        strcpy(exe, "unknown");
    size_t cap = stem + strlen(exe) + 64;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    if (h->image > 0)
        snprintf(out, cap, "%.*s.%u.%u-%s%s", (int)stem, file, h->pid,
                 h->image, exe, ext);
    else
        snprintf(out, cap, "%.*s.%u-%s%s", (int)stem, file, h->pid, exe,
                 ext);
    return out;
}

static int rec_cmp_start(const void *a, const void *b)
{
    const rec_log *x = a, *y = b;
    if (x->h.start_ns != y->h.start_ns)
        return x->h.start_ns < y->h.start_ns ? -1 : 1;
    return x->h.pid < y->h.pid ? -1 : x->h.pid > y->h.pid;
}

/* ---- running the program ---------------------------------------------- */

static const char *rec_find_lib(const char *opt)
{
    static char near[PATH_MAX];
    if (opt)
        return opt;
    const char *env = getenv("FITBENCH_RECORD_LIB");
    if (env && *env)
        return env;
#ifdef FB_RECORD_LIB
    if (access(FB_RECORD_LIB, R_OK) == 0)
        return FB_RECORD_LIB;
#endif
    /* An installed layout: the library beside the program. */
    ssize_t n = readlink("/proc/self/exe", near, sizeof near - 32);
    if (n > 0) {
        near[n] = '\0';
        char *slash = strrchr(near, '/');
        if (slash) {
            strcpy(slash + 1, "libfbrecord.so");
            if (access(near, R_OK) == 0)
                return near;
        }
    }
    return NULL;
}

/* Forks and execs CMD with the recorder preloaded. Returns the child's
 * pid, or -1 (message printed) when it could not be started. */
static pid_t rec_spawn(char **cmd, const char *lib, const char *dir,
                       int first_only)
{
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0) {
        fb_error( "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        fb_error( "fork: %s", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        return -1;
    }
    if (pid == 0) {
        close(pfd[0]);
        const char *old = getenv("LD_PRELOAD");
        size_t cap = strlen(lib) + (old ? strlen(old) : 0) + 2;
        char *pre = malloc(cap);
        int e = ENOMEM;
        if (pre) {
            snprintf(pre, cap, "%s%s%s", lib, old && *old ? ":" : "",
                     old ? old : "");
            char me[32];
            snprintf(me, sizeof me, "%ld", (long)getpid());
            if (setenv("LD_PRELOAD", pre, 1) == 0 &&
                setenv(FBRAW_ENV_DIR, dir, 1) == 0 &&
                (first_only ? setenv(FBRAW_ENV_ONLY, me, 1)
                            : unsetenv(FBRAW_ENV_ONLY)) == 0) {
                execvp(cmd[0], cmd);
            }
            e = errno;
        }
        ssize_t w = write(pfd[1], &e, sizeof e);
        (void)w;
        _exit(127);
    }
    close(pfd[1]);
    int e = 0;
    ssize_t n;
    do {
        n = read(pfd[0], &e, sizeof e);
    } while (n < 0 && errno == EINTR);
    close(pfd[0]);
    if (n == (ssize_t)sizeof e) {
        fb_error( "cannot run %s: %s", cmd[0],
                strerror(e));
        waitpid(pid, NULL, 0);
        return -1;
    }
    return pid;
}

/* Waits for the child as system() does: the terminal's ^C goes to the
 * program, and we live on to write what it recorded. */
static int rec_wait(pid_t pid, int *status)
{
    struct sigaction ign, old_int, old_quit;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    pid_t r;
    do {
        r = waitpid(pid, status, 0);
    } while (r < 0 && errno == EINTR);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    return r == pid ? 0 : -1;
}

/* Lists the raw logs of dir. Returns the count, or -1. */
static long rec_list_logs(const char *dir, rec_log **out)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    rec_log *logs = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "raw.", 4) != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            rec_log *nl = realloc(logs, cap * sizeof *nl);
            if (!nl)
                goto oom;
            logs = nl;
        }
        memset(&logs[n], 0, sizeof logs[n]);
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        logs[n].path = malloc(len);
        if (!logs[n].path)
            goto oom;
        snprintf(logs[n].path, len, "%s/%s", dir, de->d_name);
        n++;
    }
    closedir(d);
    *out = logs;
    return (long)n;
oom:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(logs[i].path);
    free(logs);
    return -1;
}

static void rec_remove_dir(const char *dir, rec_log *logs, long n)
{
    for (long i = 0; i < n; i++)
        unlink(logs[i].path);
    /* Anything else in there (a log that appeared late) goes too. */
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        char path[PATH_MAX];
        while ((de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

static void rec_report(const rec_log *lg, int root)
{
    const ev_counts *c = &lg->counts;
    /* A summary, not a diagnostic: the program's name, then one trace. */
    fprintf(stderr,
            "%s: %s: pid %u%s (%s): %llu ops (a %llu, r %llu, f %llu),"
            " %llu ids, peak %llu bytes\n",
            fb_diag_name(), lg->out, lg->h.pid, root ? ", started" : "",
            lg->h.exe[0] ? lg->h.exe : "?", (unsigned long long)c->num_ops,
            (unsigned long long)c->ops[0], (unsigned long long)c->ops[1],
            (unsigned long long)c->ops[2], (unsigned long long)c->num_ids,
            (unsigned long long)c->peak_payload);
    if (c->free_null || c->free_unknown || c->realloc_unknown || c->failed ||
        c->unseen_free || c->live_at_end)
        fprintf(stderr,
                "    dropped: %llu free(NULL), %llu frees of unknown blocks;"
                " %llu reallocs of unknown blocks became a; %llu failed"
                " calls; %llu unseen frees; %llu blocks live at exit"
                " freed at the end\n",
                (unsigned long long)c->free_null,
                (unsigned long long)c->free_unknown,
                (unsigned long long)c->realloc_unknown,
                (unsigned long long)c->failed,
                (unsigned long long)c->unseen_free,
                (unsigned long long)c->live_at_end);
    if (!lg->ended)
        fprintf(stderr, "    warning: this process did not exit normally"
                        " (killed by a signal?): its last calls may be"
                        " missing\n");
    if (lg->partial)
        fprintf(stderr, "    warning: the raw log ends in a torn record\n");
}

/* Converts every log; returns 0, or 1 if any trace could not be written. */
static int rec_convert_all(rec_log *logs, long n, const char *file,
                           pid_t root, int quiet)
{
    int rc = 0, root_seen = 0;
    long written = 0;
    for (long i = 0; i < n; i++) {
        rec_log *lg = &logs[i];
        rw_error err = {{0}};
        if (rec_read_header(lg, &err) != 0) {
            fb_error( "%s", err.msg);
            rc = 1;
            continue;
        }
    }
    qsort(logs, (size_t)n, sizeof *logs, rec_cmp_start);
    for (long i = 0; i < n; i++) {
        rec_log *lg = &logs[i];
        if (lg->h.version != FBRAW_VERSION)
            continue; /* unreadable, already said */
        int is_root = lg->h.pid == (uint32_t)root && lg->h.image == 0;
        rw_error err = {{0}};
        if (!is_root) {
            /* Cheap look first: a process that never allocated (a shell
             * between fork and exec) gets no file of its own. */
            ev_state *probe = ev_create(NULL, NULL);
            if (!probe || rec_feed(lg, probe, &err) != 0) {
                fb_error( "%s",
                        probe ? err.msg : "out of memory");
                ev_destroy(probe);
                rc = 1;
                continue;
            }
            uint64_t allocs = ev_get_counts(probe)->ops[0];
            ev_destroy(probe);
            if (allocs == 0)
                continue;
        }
        lg->out = is_root ? strdup(file) : rec_child_name(file, &lg->h);
        if (!lg->out) {
            fb_error( "out of memory");
            return 1;
        }
        if (ev_write_trace(lg->out, rec_feed, lg, &lg->counts, &err) != 0) {
            fb_error( "%s", err.msg);
            rc = 1;
            continue;
        }
        root_seen |= is_root;
        written++;
        if (!quiet)
            rec_report(lg, is_root);
    }
    if (!root_seen && rc == 0) {
        if (written == 0) {
            fb_error( "nothing was recorded (is the program"
                            " static or setuid, or did it clear"
                            " LD_PRELOAD?)");
            rc = 1;
        } else if (!quiet) {
            fb_warn("the process started was not recorded (static or setuid?),"
                    " so %s was not written; its children were", file);
        }
    }
    return rc;
}

static char *rec_default_out(const char *cmd)
{
    const char *base = strrchr(cmd, '/');
    base = base ? base + 1 : cmd;
    size_t cap = strlen(base) + 8;
    char *out = malloc(cap);
    if (out)
        snprintf(out, cap, "%s.rep", *base ? base : "record");
    return out;
}

int cmd_record(int argc, char **argv)
{
    const char *out = NULL, *lib_opt = NULL;
    int first_only = 0, quiet = 0, opt;
    enum { REC_LIB = 256, REC_FIRST_ONLY };
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'},
                                         {"lib", required_argument, NULL, REC_LIB},
                                         {"first-only", no_argument, NULL, REC_FIRST_ONLY},
                                         {NULL, 0, NULL, 0}};
    optind = 1;
    opterr = 0;
    /* "+": the options end at the command, whose own options are its. */
    while ((opt = getopt_long(argc, argv, "+:ho:q", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            rec_usage(stdout);
            return 0;
        case 'o':
        case REC_LIB:
            if (!*optarg) {
                fb_error("%s needs a value", opt == 'o' ? "-o" : "--lib");
                return 2;
            }
            *(opt == 'o' ? &out : &lib_opt) = optarg;
            break;
        case REC_FIRST_ONLY:
            first_only = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        default:
            fb_arg_bad(opt, argv);
            return 2;
        }
    }
    int i = optind;
    if (i >= argc) {
        fb_error( "no command to run (see --help)");
        return 2;
    }
    char **cmd = argv + i;
    const char *lib = rec_find_lib(lib_opt);
    if (!lib || access(lib, R_OK) != 0) {
        fb_error(
                "cannot find the recorder library %s (build the"
                         " fbrecord target, or give --lib PATH)",
                lib ? lib : "libfbrecord.so");
        return 2;
    }
    char libabs[PATH_MAX];
    if (!realpath(lib, libabs)) {
        fb_error( "%s: %s", lib, strerror(errno));
        return 2;
    }
    char *outbuf = out ? NULL : rec_default_out(cmd[0]);
    if (!out && !outbuf) {
        fb_error( "out of memory");
        return 1;
    }
    const char *file = out ? out : outbuf;

    const char *tmp = getenv("TMPDIR");
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/fitbench-record.XXXXXX",
             tmp && tmp[0] == '/' ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fb_error( "cannot create a folder for the raw logs"
                        " (%s): %s", dir, strerror(errno));
        free(outbuf);
        return 1;
    }

    fflush(NULL); /* nothing of ours buffered twice in the child */
    pid_t pid = rec_spawn(cmd, libabs, dir, first_only);
    int status = 0, rc = 0;
    if (pid < 0) {
        rc = 2;
    } else if (rec_wait(pid, &status) != 0) {
        fb_error( "waitpid: %s", strerror(errno));
        rc = 1;
    }

    rec_log *logs = NULL;
    long n = rec_list_logs(dir, &logs);
    if (n < 0) {
        fb_error( "cannot read %s", dir);
        rc = rc ? rc : 1;
        n = 0;
    }
    if (rc == 0) {
        rc = rec_convert_all(logs, n, file, pid, quiet);
        if (WIFSIGNALED(status)) {
            fb_error( "%s was killed by signal %d",
                    cmd[0], WTERMSIG(status));
            rc = 1;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
            fb_error( "%s exited with status %d (traces"
                            " written all the same)",
                    cmd[0], WEXITSTATUS(status));
            rc = 1;
        }
    }
    rec_remove_dir(dir, logs, n);
    for (long k = 0; k < n; k++) {
        free(logs[k].path);
        free(logs[k].out);
    }
    free(logs);
    free(outbuf);
    return rc;
}
