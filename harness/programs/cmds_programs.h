/*
 * cmds_programs.h: `fitbench programs`, called by the main program's
 * dispatcher (main.c): real programs (the workloads of
 * harness/programs/workloads.h and any --cmd) timed with hyperfine under
 * glibc, under every policy of the core through libfitmalloc.so, and under
 * each installed system allocator, with peak RSS from a separate run.
 *
 * Writes DIR/programs.csv (program,allocator,mean_s,stddev_s,median_s,
 * rss_kb,time_rel_libc,rss_rel_libc,status), DIR/programs.dat and, when
 * gnuplot is installed, DIR/programs.svg (plots/programs.gp), and keeps
 * hyperfine's JSON and each run's output under DIR/programs/.
 *
 * argv[0] is the subcommand's name. Returns 0 when every cell ran ok, 1
 * when some cell failed (recorded in its row: a failure is a result, the
 * run goes on) or a tool is missing, 2 for a usage error; `--help` prints
 * the usage on stdout and returns 0. Messages go to stderr, prefixed
 * "fitbench programs: ".
 */
#ifndef FB_CMDS_PROGRAMS_H
#define FB_CMDS_PROGRAMS_H

int cmd_programs(int argc, char **argv);

#endif
