/*
 * fbrecord_exec.c: the recorder's wrappers of the exec family and of _exit.
 * Neither runs the library's destructor, so each flushes the event log
 * first; then the real function runs. The execl forms gather their
 * variadic arguments into an array on the stack and go through execve or
 * execvp.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fbrecord_impl.h"

FBR_API int execve(const char *path, char *const argv[], char *const envp[])
{
    if (fbr_need_pool()) {
        errno = EAGAIN;
        return -1;
    }
    fbr_flush_before_exec();
    return fbr_real.execve(path, argv, envp);
}

FBR_API int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

FBR_API int execvp(const char *file, char *const argv[])
{
    if (fbr_need_pool()) {
        errno = EAGAIN;
        return -1;
    }
    fbr_flush_before_exec();
    return fbr_real.execvp(file, argv);
}

FBR_API int execvpe(const char *file, char *const argv[], char *const envp[])
{
    if (fbr_need_pool()) {
        errno = EAGAIN;
        return -1;
    }
    fbr_flush_before_exec();
    return fbr_real.execvpe(file, argv, envp);
}

FBR_API int fexecve(int fd, char *const argv[], char *const envp[])
{
    if (fbr_need_pool()) {
        errno = EAGAIN;
        return -1;
    }
    fbr_flush_before_exec();
    return fbr_real.fexecve(fd, argv, envp);
}

/* The execl family: collect the variadic arguments into an array on the
 * stack (as libc itself does) and go through the wrappers above. */
#define FBR_MAX_ARGS 65536

static size_t fbr_count_args(const char *first, va_list ap)
{
    size_t n = 1;
    if (first == NULL)
        return 0;
    while (va_arg(ap, const char *) != NULL && n < FBR_MAX_ARGS)
        n++;
    return n;
}

#define FBR_COLLECT(arg0, argv_name, envp_out)                               \
    va_list ap;                                                              \
    va_start(ap, arg0);                                                      \
    size_t argc = fbr_count_args(arg0, ap);                                  \
    va_end(ap);                                                              \
    if (argc >= FBR_MAX_ARGS) {                                              \
        errno = E2BIG;                                                       \
        return -1;                                                           \
    }                                                                        \
    char *argv_name[argc + 1];                                               \
    va_start(ap, arg0);                                                      \
    argv_name[0] = (char *)(arg0);                                           \
    for (size_t i = 1; i < argc; i++)                                        \
        argv_name[i] = va_arg(ap, char *);                                   \
    if (argc > 0)                                                            \
        (void)va_arg(ap, char *);                                            \
    argv_name[argc] = NULL;                                                  \
    envp_out;                                                                \
    va_end(ap)

FBR_API int execl(const char *path, const char *arg, ...)
{
    FBR_COLLECT(arg, args, (void)0);
    return execve(path, args, environ);
}

FBR_API int execlp(const char *file, const char *arg, ...)
{
    FBR_COLLECT(arg, args, (void)0);
    return execvp(file, args);
}

FBR_API int execle(const char *path, const char *arg, ...)
{
    char **envp;
    FBR_COLLECT(arg, args, envp = va_arg(ap, char **));
    return execve(path, args, envp);
}

FBR_API void _exit(int status)
{
    if (!fbr_need_pool())
        fbr_flush_before_exec();
    if (fbr_real.exit_now)
        fbr_real.exit_now(status);
    for (;;)
        syscall(SYS_exit_group, status);
}

FBR_API void _Exit(int status)
{
    _exit(status);
}
