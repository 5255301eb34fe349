/*
 * cmds_trace.h: the subcommands of `fitbench` that make traces, called by
 * the main program's dispatcher (main.c).
 *
 *   record  -- run a program with libfbrecord.so preloaded (cmd_record.c)
 *   gen     -- write a synthetic trace of one pattern (cmd_gen.c)
 *   convert -- turn a glibc mtrace log into a trace (cmd_convert.c)
 *
 * argv[0] is the subcommand's name. Each returns 0 when all went well,
 * 1 when the recorded program or the run failed, 2 for a usage or input
 * error; `--help` prints the usage on stdout and returns 0. Messages go to
 * stderr, prefixed "fitbench <cmd>: ".
 */
#ifndef FB_CMDS_TRACE_H
#define FB_CMDS_TRACE_H

int cmd_record(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_convert(int argc, char **argv);

#endif
