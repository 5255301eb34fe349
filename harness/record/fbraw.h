/*
 * fbraw.h: the raw event log that libfbrecord.so writes inside a recorded
 * program, and that `fitbench record` reads back after the program ends.
 *
 * Where it sits: recorded program -> libfbrecord.so -> raw.<pid>[.<n>]
 * files (this layout) -> cmd_record.c -> events.c (pointers to ids) ->
 * repwrite.c (.rep). The preload library does as little as it can inside
 * the program: it copies fixed-size records into a buffer and writes the
 * buffer with write(2). Everything clever happens afterwards, in the tool.
 *
 * One file per process image: raw.<pid> for the image that a fork started
 * (or the first one), raw.<pid>.<n> for the n-th image after execve in the
 * same process. A file is one fbraw_header followed by fbraw_event records
 * in the order the library's mutex serialised the calls. Both structs are
 * written in the machine's own byte order; the tool reads the file on the
 * machine that wrote it.
 */
#ifndef FB_FBRAW_H
#define FB_FBRAW_H

#include <stdint.h>

#define FBRAW_MAGIC "FBRAW01\n"
#define FBRAW_VERSION 1u
#define FBRAW_EXE_LEN 48

/* Environment the tool sets for the recorded program. */
#define FBRAW_ENV_DIR "FITBENCH_RECORD_DIR"   /* where raw files go */
#define FBRAW_ENV_ONLY "FITBENCH_RECORD_ONLY" /* record this pid only */

enum fbraw_kind {
    FBRAW_MALLOC = 1,   /* ptr = result, size = request */
    FBRAW_CALLOC = 2,   /* size = nmemb * size (UINT64_MAX on overflow) */
    FBRAW_REALLOC = 3,  /* ptr = result, aux = old pointer */
    FBRAW_FREE = 4,     /* ptr = pointer passed (NULL included) */
    FBRAW_MEMALIGN = 5, /* posix_memalign, aligned_alloc, memalign:
                           aux = alignment */
    FBRAW_VALLOC = 6,   /* aux = page size */
    FBRAW_PVALLOC = 7,  /* aux = page size, size = the size asked for */
    FBRAW_KIND_COUNT = 8,
    /* Written when the image ends normally (exit, _exit, execve). A log
     * without one was cut short (a signal, or the disk filled). Calls made
     * after it (late destructors, a failed execve) follow it as usual. */
    FBRAW_END = 15
};

/* A failed allocation is logged with ptr 0 so the tool can count it. */
typedef struct fbraw_event {
    uint32_t kind;  /* enum fbraw_kind */
    uint32_t flags; /* 0; reserved */
    uint64_t ptr;
    uint64_t aux;
    uint64_t size;
} fbraw_event;

typedef struct fbraw_header {
    char magic[8];     /* FBRAW_MAGIC */
    uint32_t version;  /* FBRAW_VERSION */
    uint32_t pid;
    uint32_t ppid;
    uint32_t image;    /* 0 for a fresh process, n after the n-th execve */
    uint64_t start_ns; /* CLOCK_MONOTONIC when the file was opened */
    char exe[FBRAW_EXE_LEN]; /* base name of /proc/self/exe, NUL-padded */
} fbraw_header;

_Static_assert(sizeof(fbraw_event) == 32, "raw event is 32 bytes");
_Static_assert(sizeof(fbraw_header) == 80, "raw header is 80 bytes");

#endif
