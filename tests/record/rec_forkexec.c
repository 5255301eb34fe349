/*
 * rec_forkexec.c: fork, _exit and execve under the recorder. The parent
 * forks a child that frees a block it inherited (a free the child's trace
 * must drop and count) and leaves through _exit (no destructor runs, so
 * the recorder must flush there); the parent then execs itself as
 * "stage2" (again no destructor). No stdio: every call below is one the
 * expected traces (forkexec.*.rep) list.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void *volatile sink;

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "stage2") == 0) {
        void *p = malloc(2222); /* a 0 2222 */
        free(p);                /* f 0 */
        sink = malloc(3333);    /* a 0 3333, freed at the end */
        return 0;
    }
    void *p = malloc(1111); /* parent: a 0 1111 */
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        free(p);                /* child: unknown block, dropped */
        void *c = malloc(4444); /* a 0 4444 */
        free(c);                /* f 0 */
        sink = malloc(5555);    /* a 0 5555, freed at the end */
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return 1;
    free(p);                /* f 0 */
    sink = malloc(6666);    /* a 0 6666, freed at the end */
    execl(argv[0], argv[0], "stage2", (char *)NULL);
    return 1;
}
