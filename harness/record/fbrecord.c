/*
 * fbrecord.c: libfbrecord.so, the library that `fitbench record` preloads
 * into a real program to capture its allocation calls.
 *
 * Where it sits: recorded program -> (this file) -> raw.<pid> event log
 * (format in fbraw.h) -> cmd_record.c turns the log into a .rep trace.
 *
 * What it must survive, and how:
 * - dlsym itself may allocate while we look up the real functions. Those
 *   requests are served from a static bootstrap pool; pool memory is
 *   recognised by address everywhere and never reaches the real free or
 *   realloc.
 * - Our own code must not recurse into itself: a thread-local flag sends a
 *   nested call straight to the real function, unlogged.
 * - Threads: one mutex is held around the real call AND the append, so the
 *   log order is an order in which the calls really happened (a block freed
 *   by one thread and handed out again to another appears freed first).
 * - fork: the prepare handler takes the mutex and flushes, so the child
 *   starts with an empty buffer; the child drops the parent's descriptor
 *   and opens its own log at its first call.
 * - execve and _exit skip the destructor, so they are wrapped to flush
 *   first (except in a vfork child, whose memory is its parent's). A
 *   process killed by a signal loses its last unflushed events; the tool
 *   notices (no end record) and says so.
 * - No stdio and no malloc inside: raw events go through a static buffer
 *   and write(2).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fbraw.h"
#include "fbrecord_impl.h"

/* ---- the real functions (looked up at the first call) ------------------ */

fbr_table fbr_real;

enum { FBR_UNINIT = 0, FBR_RESOLVING = 1, FBR_READY = 2 };
static int fbr_state = FBR_UNINIT;

/* ---- bootstrap pool ----------------------------------------------------
 * A bump allocator over static memory for the calls made before the real
 * functions are known. Each block is preceded by 16 bytes that hold its
 * size (for realloc and malloc_usable_size). Nothing is ever given back:
 * only a handful of small blocks are served here.
 */
#define FBR_POOL_BYTES (256u * 1024u)
static _Alignas(4096) unsigned char fbr_pool[FBR_POOL_BYTES];
static size_t fbr_pool_used;

static int fbr_in_pool(const void *p)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)fbr_pool;
    return a >= lo && a < lo + FBR_POOL_BYTES;
}

static void *fbr_pool_alloc(size_t n, size_t align)
{
    if (align < 16)
        align = 16;
    if (n > FBR_POOL_BYTES || align > 4096)
        goto full;
    size_t old = __atomic_load_n(&fbr_pool_used, __ATOMIC_RELAXED);
    for (;;) {
        size_t start = (old + 16 + align - 1) & ~(align - 1);
        size_t end = (start + n + 15) & ~(size_t)15;
        if (end > FBR_POOL_BYTES)
            goto full;
        if (__atomic_compare_exchange_n(&fbr_pool_used, &old, end, 0,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
            memcpy(fbr_pool + start - 16, &n, sizeof n);
            return fbr_pool + start; /* static memory: already zero */
        }
    }
full:
    errno = ENOMEM;
    return NULL;
}

static size_t fbr_pool_size(const void *p)
{
    size_t n;
    memcpy(&n, (const unsigned char *)p - 16, sizeof n);
    return n;
}

/* ---- the log writer ---------------------------------------------------- */

#define FBR_BUF_EVENTS 32768u /* 1 MiB per write(2) */

static fbraw_event fbr_buf[FBR_BUF_EVENTS];
static size_t fbr_buf_n;
static int fbr_fd = -1;
static pid_t fbr_fd_pid; /* the process that opened fbr_fd */
static int fbr_enabled;  /* the tool asked for a recording, for this pid */
static int fbr_exiting;  /* after the destructor: write every event at once */
static char fbr_dir[PATH_MAX];
static long fbr_only_pid; /* 0: every process records */
static pthread_mutex_t fbr_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int fbr_busy __attribute__((tls_model("initial-exec")));

static void fbr_write_all(const void *data, size_t len)
{
    const char *p = data;
    while (len > 0 && fbr_fd >= 0) {
        ssize_t w = write(fbr_fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            /* Disk full or similar: stop recording rather than stall the
             * program; the log is then cut short with no end record. */
            close(fbr_fd);
            fbr_fd = -1;
            fbr_enabled = 0;
            return;
        }
        p += w;
        len -= (size_t)w;
    }
}

static void fbr_flush(void)
{
    if (fbr_buf_n > 0 && fbr_fd >= 0)
        fbr_write_all(fbr_buf, fbr_buf_n * sizeof fbr_buf[0]);
    fbr_buf_n = 0;
}

/* Decimal digits of v into out (no NUL); returns how many. */
static size_t fbr_utoa(char *out, unsigned long v)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

static void fbr_exe_name(char *out, size_t cap)
{
    char path[PATH_MAX];
    memset(out, 0, cap);
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0)
        return;
    path[n] = '\0';
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t len = strlen(base);
    if (len >= cap)
        len = cap - 1;
    memcpy(out, base, len);
}

/* Opens raw.<pid>, or raw.<pid>.<n> when an earlier image of this process
 * (before an execve) already holds the plain name. */
static void fbr_open_log(void)
{
    char path[PATH_MAX + 64];
    size_t dl = strlen(fbr_dir);
    unsigned long pid = (unsigned long)getpid();
    if (dl + 48 > sizeof path) {
        fbr_enabled = 0;
        return;
    }
    memcpy(path, fbr_dir, dl);
    memcpy(path + dl, "/raw.", 5);
    size_t base = dl + 5 + fbr_utoa(path + dl + 5, pid);
    for (unsigned image = 0; image < 10000; image++) {
        size_t end = base;
        if (image > 0) {
            path[end++] = '.';
            end += fbr_utoa(path + end, image);
        }
        path[end] = '\0';
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            break;
        fbraw_header h;
        memset(&h, 0, sizeof h);
        memcpy(h.magic, FBRAW_MAGIC, sizeof h.magic);
        h.version = FBRAW_VERSION;
        h.pid = (uint32_t)pid;
        h.ppid = (uint32_t)getppid();
        h.image = image;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        h.start_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        fbr_exe_name(h.exe, sizeof h.exe);
        fbr_fd = fd;
        fbr_fd_pid = (pid_t)pid;
        fbr_write_all(&h, sizeof h);
        return;
    }
    fbr_enabled = 0;
}

/* Called with fbr_lock held. */
static void fbr_log(uint32_t kind, const void *ptr, uint64_t aux, uint64_t size)
{
    if (fbr_fd < 0) {
        fbr_open_log();
        if (fbr_fd < 0)
            return;
    }
    fbraw_event *e = &fbr_buf[fbr_buf_n++];
    e->kind = kind;
    e->flags = 0;
    e->ptr = (uint64_t)(uintptr_t)ptr;
    e->aux = aux;
    e->size = size;
    if (fbr_buf_n == FBR_BUF_EVENTS || fbr_exiting)
        fbr_flush();
}

static void fbr_log_end_and_flush(void)
{
    if (fbr_fd >= 0 || fbr_buf_n > 0)
        fbr_log(FBRAW_END, NULL, 0, 0);
    fbr_flush();
}

/* ---- fork -------------------------------------------------------------- */

static void fbr_fork_prepare(void)
{
    pthread_mutex_lock(&fbr_lock);
    fbr_flush();
}

static void fbr_fork_parent(void)
{
    pthread_mutex_unlock(&fbr_lock);
}

static void fbr_fork_child(void)
{
    /* The parent's descriptor stays the parent's: the child writes its own
     * file, opened at its first call. The lock was held by the forking
     * thread, the only one left, so a fresh mutex is the safe state. */
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    fbr_lock = fresh;
    if (fbr_fd >= 0)
        close(fbr_fd);
    fbr_fd = -1;
    fbr_buf_n = 0;
    if (fbr_only_pid != 0 && fbr_only_pid != (long)getpid())
        fbr_enabled = 0;
}

/* ---- set-up ------------------------------------------------------------- */

static void fbr_die(const char *what)
{
    static const char msg[] = "libfbrecord: cannot find the real ";
    ssize_t r = write(2, msg, sizeof msg - 1);
    r = write(2, what, strlen(what));
    r = write(2, "\n", 1);
    (void)r;
    abort();
}

#define FBR_RESOLVE(field, name)                                             \
    do {                                                                     \
        *(void **)&fbr_real.field = dlsym(RTLD_NEXT, name);                  \
    } while (0)

static void fbr_resolve(void)
{
    FBR_RESOLVE(malloc, "malloc");
    FBR_RESOLVE(calloc, "calloc");
    FBR_RESOLVE(realloc, "realloc");
    FBR_RESOLVE(free, "free");
    FBR_RESOLVE(posix_memalign, "posix_memalign");
    FBR_RESOLVE(aligned_alloc, "aligned_alloc");
    FBR_RESOLVE(memalign, "memalign");
    FBR_RESOLVE(valloc, "valloc");
    FBR_RESOLVE(pvalloc, "pvalloc");
    FBR_RESOLVE(usable_size, "malloc_usable_size");
    FBR_RESOLVE(execve, "execve");
    FBR_RESOLVE(execvp, "execvp");
    FBR_RESOLVE(execvpe, "execvpe");
    FBR_RESOLVE(fexecve, "fexecve");
    FBR_RESOLVE(exit_now, "_exit");
    if (!fbr_real.malloc || !fbr_real.free || !fbr_real.calloc ||
        !fbr_real.realloc)
        fbr_die("malloc/free/calloc/realloc");
    if (!fbr_real.posix_memalign || !fbr_real.memalign ||
        !fbr_real.aligned_alloc || !fbr_real.valloc || !fbr_real.pvalloc)
        fbr_die("aligned allocation functions");
    if (!fbr_real.execve || !fbr_real.execvp || !fbr_real.execvpe ||
        !fbr_real.fexecve || !fbr_real.exit_now)
        fbr_die("exec functions");
}

static void fbr_read_env(void)
{
    const char *dir = getenv(FBRAW_ENV_DIR);
    if (!dir || !*dir || strlen(dir) >= sizeof fbr_dir)
        return;
    memcpy(fbr_dir, dir, strlen(dir) + 1);
    const char *only = getenv(FBRAW_ENV_ONLY);
    if (only && *only) {
        fbr_only_pid = strtol(only, NULL, 10);
        if (fbr_only_pid != (long)getpid())
            return;
    }
    fbr_enabled = 1;
}

/* Returns nonzero when the caller must serve itself from the pool: we are
 * inside dlsym (or another thread is). */
int fbr_need_pool(void)
{
    int st = __atomic_load_n(&fbr_state, __ATOMIC_ACQUIRE);
    if (st == FBR_READY)
        return 0;
    int expected = FBR_UNINIT;
    if (!__atomic_compare_exchange_n(&fbr_state, &expected, FBR_RESOLVING, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return __atomic_load_n(&fbr_state, __ATOMIC_ACQUIRE) != FBR_READY;
    fbr_resolve();
    fbr_read_env();
    /* Registered while still resolving, so what it allocates comes from
     * the pool and is not mistaken for the program's own allocation. */
    pthread_atfork(fbr_fork_prepare, fbr_fork_parent, fbr_fork_child);
    __atomic_store_n(&fbr_state, FBR_READY, __ATOMIC_RELEASE);
    return 0;
}

__attribute__((constructor)) static void fbr_init(void)
{
    (void)fbr_need_pool();
}

__attribute__((destructor)) static void fbr_fini(void)
{
    if (!fbr_enabled)
        return;
    pthread_mutex_lock(&fbr_lock);
    fbr_log_end_and_flush();
    fbr_exiting = 1;
    pthread_mutex_unlock(&fbr_lock);
}

/* Enter/leave a logged call. Enter returns 0 when the call must not be
 * logged (recording off here, or we are already inside our own code). */
static int fbr_enter(void)
{
    if (!fbr_enabled || fbr_busy)
        return 0;
    fbr_busy = 1;
    pthread_mutex_lock(&fbr_lock);
    return 1;
}

static void fbr_leave(int saved_errno)
{
    pthread_mutex_unlock(&fbr_lock);
    fbr_busy = 0;
    errno = saved_errno;
}

/* ---- the allocation entry points ---------------------------------------- */

FBR_API void *malloc(size_t n)
{
    if (fbr_need_pool())
        return fbr_pool_alloc(n, 16);
    if (!fbr_enter())
        return fbr_real.malloc(n);
    void *p = fbr_real.malloc(n);
    int e = errno;
    fbr_log(FBRAW_MALLOC, p, 0, n);
    fbr_leave(e);
    return p;
}

FBR_API void *calloc(size_t nmemb, size_t size)
{
    if (fbr_need_pool()) {
        if (size != 0 && nmemb > SIZE_MAX / size) {
            errno = ENOMEM;
            return NULL;
        }
        return fbr_pool_alloc(nmemb * size, 16);
    }
    if (!fbr_enter())
        return fbr_real.calloc(nmemb, size);
    void *p = fbr_real.calloc(nmemb, size);
    int e = errno;
    uint64_t total = (size != 0 && nmemb > SIZE_MAX / size)
                         ? UINT64_MAX
                         : (uint64_t)nmemb * size;
    fbr_log(FBRAW_CALLOC, p, 0, total);
    fbr_leave(e);
    return p;
}

FBR_API void free(void *p)
{
    if (fbr_in_pool(p))
        return;
    if (fbr_need_pool())
        return; /* cannot happen for memory we handed out; leak, never crash */
    if (!fbr_enter()) {
        fbr_real.free(p);
        return;
    }
    int e = errno;
    fbr_real.free(p);
    fbr_log(FBRAW_FREE, p, 0, 0);
    fbr_leave(e);
}

FBR_API void *realloc(void *p, size_t n)
{
    if (fbr_in_pool(p)) {
        /* Move the block out of the pool; it becomes a fresh allocation as
         * far as the trace is concerned. */
        if (n == 0)
            return NULL;
        size_t old = fbr_pool_size(p);
        void *q = malloc(n);
        if (q)
            memcpy(q, p, old < n ? old : n);
        return q;
    }
    if (fbr_need_pool()) {
        if (p == NULL)
            return fbr_pool_alloc(n, 16);
        errno = ENOMEM;
        return NULL;
    }
    if (!fbr_enter())
        return fbr_real.realloc(p, n);
    void *q = fbr_real.realloc(p, n);
    int e = errno;
    fbr_log(FBRAW_REALLOC, q, (uint64_t)(uintptr_t)p, n);
    fbr_leave(e);
    return q;
}

FBR_API int posix_memalign(void **out, size_t align, size_t n)
{
    if (fbr_need_pool()) {
        void *p = fbr_pool_alloc(n, align);
        if (!p)
            return ENOMEM;
        *out = p;
        return 0;
    }
    if (!fbr_enter())
        return fbr_real.posix_memalign(out, align, n);
    int e = errno;
    int rc = fbr_real.posix_memalign(out, align, n);
    fbr_log(FBRAW_MEMALIGN, rc == 0 ? *out : NULL, align, n);
    fbr_leave(e);
    return rc;
}

/* aligned_alloc, memalign, valloc and pvalloc differ only in the real
 * function called and in what is logged. */
static void *fbr_aligned(void *(*fn2)(size_t, size_t), void *(*fn1)(size_t),
                         uint32_t kind, size_t align, size_t n)
{
    if (!fbr_enter())
        return fn2 ? fn2(align, n) : fn1(n);
    void *p = fn2 ? fn2(align, n) : fn1(n);
    int e = errno;
    fbr_log(kind, p, align, n);
    fbr_leave(e);
    return p;
}

FBR_API void *aligned_alloc(size_t align, size_t n)
{
    if (fbr_need_pool())
        return fbr_pool_alloc(n, align);
    return fbr_aligned(fbr_real.aligned_alloc, NULL, FBRAW_MEMALIGN, align, n);
}

FBR_API void *memalign(size_t align, size_t n)
{
    if (fbr_need_pool())
        return fbr_pool_alloc(n, align);
    return fbr_aligned(fbr_real.memalign, NULL, FBRAW_MEMALIGN, align, n);
}

FBR_API void *valloc(size_t n)
{
    if (fbr_need_pool())
        return fbr_pool_alloc(n, 4096);
    return fbr_aligned(NULL, fbr_real.valloc, FBRAW_VALLOC,
                       (size_t)sysconf(_SC_PAGESIZE), n);
}

FBR_API void *pvalloc(size_t n)
{
    if (fbr_need_pool())
        return fbr_pool_alloc((n + 4095) & ~(size_t)4095, 4096);
    return fbr_aligned(NULL, fbr_real.pvalloc, FBRAW_PVALLOC,
                       (size_t)sysconf(_SC_PAGESIZE), n);
}

FBR_API size_t malloc_usable_size(void *p)
{
    if (p == NULL)
        return 0;
    if (fbr_in_pool(p))
        return fbr_pool_size(p);
    if (fbr_need_pool() || !fbr_real.usable_size)
        return 0;
    return fbr_real.usable_size(p);
}
/* ---- exec and _exit: flush first, since no destructor runs ------------- */

void fbr_flush_before_exec(void)
{
    if (!fbr_enabled || fbr_busy)
        return;
    /* A vfork child shares its parent's memory and descriptor: the log
     * and the buffer are the parent's, who goes on writing them. */
    if (fbr_fd >= 0 && fbr_fd_pid != getpid())
        return;
    pthread_mutex_lock(&fbr_lock);
    fbr_log_end_and_flush();
    pthread_mutex_unlock(&fbr_lock);
}
