/*
 * pl_programs.c: the preload tests' driver for `fitbench programs`, until
 * main.c dispatches to it, and the writer of the workloads' inputs for the
 * real-program tests.
 *
 *   pl_programs prepare DIR test|bench   write the workloads (workloads.h)
 *   pl_programs programs [ARGS]          cmd_programs, as `fitbench programs`
 */
#include "cmds_programs.h"
#include "workloads.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "prepare") &&
        (!strcmp(argv[3], "test") || !strcmp(argv[3], "bench"))) {
        char err[512];
        if (fbw_prepare(argv[2], !strcmp(argv[3], "bench") ? FBW_BENCH : FBW_TEST, err,
                        sizeof err) != 0) {
            fprintf(stderr, "pl_programs: %s\n", err);
            return 1;
        }
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "programs"))
        return cmd_programs(argc - 1, argv + 1);
    fprintf(stderr, "usage: pl_programs prepare DIR test|bench\n"
                    "       pl_programs programs [fitbench programs arguments]\n");
    return 2;
}
