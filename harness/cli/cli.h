/*
 * cli.h: the subcommands of the fitbench command that live in cli/ (run,
 * list, check, stats) and what they share. main.c dispatches to them and
 * to the other products' commands (cmds_trace.h, cmds_programs.h,
 * plots.h).
 *
 * Exit status everywhere: 0 all went well (every cell ok), 1 some cell or
 * program failed, 2 usage or input error, 130 interrupted.
 */
#ifndef FB_CLI_H
#define FB_CLI_H

#include <stddef.h>

#define FB_VERSION "0.1"

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* The folder `run` replays when given no trace: $FITBENCH_TRACES, else
 * the bundled suite. */
const char *fb_default_traces(void);

/* Writes DIR/meta.json: date, machine, kernel, compiler, library
 * versions, the core's trim settings, the command line and, under
 * "traces", each of the NT traces' names and content hashes. */
void fb_meta_write(const char *dir, int argc, char **argv, const char *const *tnames,
                   const char *const *thashes, size_t nt);
/* The machine meta.json names: host and cpu model. */
void fb_meta_machine(char *host, size_t hostlen, char *cpu, size_t cpulen);

#endif
