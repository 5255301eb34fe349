/*
 * meta.c: meta.json, what a results folder needs to be read later and
 * compared: when, on what machine and software, with which settings and
 * which command, and a hash of each trace's contents (what --resume and
 * `fitbench merge` check before they put cells of two runs together).
 */
#include "allocators.h"
#include "cli.h"
#include "diag.h"
#include "fitalloc.h"
#include "user.h"

#include <errno.h>
#include <gnu/libc-version.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

static void json_text(FILE *f, const char *v) {
    fputc('"', f);
    for (const char *s = v; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', f);
        if ((unsigned char)*s >= 0x20)
            fputc(*s, f);
    }
    fputc('"', f);
}

static void json_kv(FILE *f, const char *k, const char *v) {
    fprintf(f, "  \"%s\": ", k);
    json_text(f, v);
    fputs(",\n", f);
}

static void package_version(const char *pkg, char *buf, size_t len) {
    char cmd[256];
    snprintf(cmd, sizeof cmd, "dpkg-query -W -f='${Version}' %s 2>/dev/null", pkg);
    buf[0] = 0;
    FILE *p = popen(cmd, "r");
    if (!p)
        return;
    if (!fgets(buf, (int)len, p))
        buf[0] = 0;
    pclose(p);
}

static void cpu_model(char *cpu, size_t len) {
    char line[512];
    snprintf(cpu, len, "unknown");
    FILE *ci = fopen("/proc/cpuinfo", "r");
    while (ci && fgets(line, sizeof line, ci))
        if (!strncmp(line, "model name", 10)) {
            char *c = strchr(line, ':');
            if (c) {
                snprintf(cpu, len, "%s", c + 2);
                cpu[strcspn(cpu, "\n")] = 0;
            }
            break;
        }
    if (ci)
        fclose(ci);
}

void fb_meta_write(const char *dir, int argc, char **argv, const char *const *tnames,
                   const char *const *thashes, size_t nt) {
    /* Written aside and renamed: a kill leaves the old file or the new. */
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/meta.json", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        fb_warn("%s: cannot write: %s", path, strerror(errno));
        return;
    }
    struct utsname u;
    uname(&u);
    char date[64], cpu[256], kernel[300], cmd[1024] = "";
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    cpu_model(cpu, sizeof cpu);
    for (int i = 0; i < argc; i++) {
        strncat(cmd, argv[i], sizeof cmd - strlen(cmd) - 2);
        strncat(cmd, " ", sizeof cmd - strlen(cmd) - 1);
    }
    snprintf(kernel, sizeof kernel, "%s %s", u.sysname, u.release);
    fprintf(f, "{\n");
    json_kv(f, "date", date);
    json_kv(f, "host", u.nodename);
    json_kv(f, "cpu", cpu);
    json_kv(f, "kernel", kernel);
    json_kv(f, "compiler", "gcc " __VERSION__);
    json_kv(f, "glibc", gnu_get_libc_version());
    json_kv(f, "fitbench", FB_VERSION);
    json_kv(f, "command", cmd);
    /* How the core's heaps give memory back, when the environment changed it. */
    const char *trim = getenv("FITBENCH_TRIM"), *decay = getenv("FITBENCH_TRIM_DECAY");
    char dflt[32];
    snprintf(dflt, sizeof dflt, "%zu", (size_t)FA_DEFAULT_TRIM);
    json_kv(f, "core_trim_threshold", trim && *trim ? trim : dflt);
    snprintf(dflt, sizeof dflt, "%zu", (size_t)FA_DEFAULT_TRIM_DECAY);
    json_kv(f, "core_trim_decay_ops", decay && *decay ? decay : dflt);
    /* The version of every allocator that comes from a Debian package. */
    fprintf(f, "  \"libraries\": {");
    const char *sep = "\n";
    for (size_t i = 0; i < fb_allocator_count(); i++) {
        const fb_allocator *a = fb_allocator_at(i);
        if (!a->package)
            continue;
        char v[128];
        package_version(a->package, v, sizeof v);
        fprintf(f, "%s    \"%s\": ", sep, a->name);
        json_text(f, v[0] ? v : "not installed");
        sep = ",\n";
    }
    fprintf(f, "\n  },\n");
    /* The user's own allocators: what each is and, for an mm.c, the
     * interface it was built as. */
    fprintf(f, "  \"yours\": {");
    sep = "\n";
    for (size_t i = 0; i < fb_user_count(); i++) {
        const fb_user *u = fb_user_at(i);
        fprintf(f, "%s    \"%s\": ", sep, u->name);
        json_text(f, u->summary);
        sep = ",\n";
    }
    /* Each trace's contents by a hash, so that --resume and merge can tell
     * a changed trace of the same name. */
    fprintf(f, "\n  },\n  \"traces\": {");
    sep = "\n";
    for (size_t i = 0; i < nt; i++) {
        fprintf(f, "%s    ", sep);
        json_text(f, tnames[i]);
        fputs(": ", f);
        json_text(f, thashes[i]);
        sep = ",\n";
    }
    fprintf(f, "\n  }\n}\n");
    if ((ferror(f) | fclose(f)) || rename(tmp, path) != 0)
        fb_warn("%s: cannot write: %s", path, strerror(errno));
}

void fb_meta_machine(char *host, size_t hostlen, char *cpu, size_t cpulen) {
    struct utsname u;
    uname(&u);
    snprintf(host, hostlen, "%s", u.nodename);
    cpu_model(cpu, cpulen);
}
