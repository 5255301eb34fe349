/*
 * fbrecord_impl.h: what the recorder library's two files share. fbrecord.c
 * holds the allocation entry points, the log and the set-up; fbrecord_exec.c
 * wraps exec and _exit so that the log is flushed before the process image
 * goes away. Everything here has hidden visibility (the library is built
 * with hidden as its default), so none of it is seen by the program.
 */
#ifndef FBRECORD_IMPL_H
#define FBRECORD_IMPL_H

#include <stddef.h>

#define FBR_API __attribute__((visibility("default")))

extern char **environ;

typedef struct fbr_table {
    void *(*malloc)(size_t);
    void *(*calloc)(size_t, size_t);
    void *(*realloc)(void *, size_t);
    void (*free)(void *);
    int (*posix_memalign)(void **, size_t, size_t);
    void *(*aligned_alloc)(size_t, size_t);
    void *(*memalign)(size_t, size_t);
    void *(*valloc)(size_t);
    void *(*pvalloc)(size_t);
    size_t (*usable_size)(void *);
    int (*execve)(const char *, char *const[], char *const[]);
    int (*execvp)(const char *, char *const[]);
    int (*execvpe)(const char *, char *const[], char *const[]);
    int (*fexecve)(int, char *const[], char *const[]);
    void (*exit_now)(int);
} fbr_table;

/* The real functions behind ours, resolved by dlsym(RTLD_NEXT). */
extern fbr_table fbr_real;

/* Nonzero while the real functions are not known yet (our calls must then
 * be served from the bootstrap pool, or fail). */
int fbr_need_pool(void);

/* Write out what the log buffer holds, and the end record, unless this is
 * a vfork child or the recorder is off. */
void fbr_flush_before_exec(void);

#endif
