/*
 * pl_stress.c: the stress program of the preload tests. It runs as a
 * plain program, under glibc or with libfitmalloc.so preloaded (the
 * driver, preload_tests.sh, does both), and checks what any correct
 * malloc family must do, through the public calls only:
 *
 *  1. edge cases and errno, single-threaded: overflowing calloc and
 *     reallocarray, impossible sizes, posix_memalign's EINVAL and ENOMEM,
 *     aligned_alloc/memalign with odd and huge alignments, realloc(p, 0),
 *     free keeping errno, pvalloc/valloc rounding;
 *  2. threads doing every call at random on blocks they fill with a
 *     pattern and check before each free or realloc, writing up to
 *     malloc_usable_size; blocks also pass between threads through a
 *     mailbox, so frees and reallocs land on other threads' blocks;
 *  3. a fork while the threads run: the child allocates, frees a block
 *     its parent made before the fork, and exits through exit() (so the
 *     library's exit report runs in the child too);
 *  4. with --hostile (fitmalloc only: glibc aborts on these by design):
 *     an interior free, a double free, a free and a realloc of a pointer
 *     the allocator never handed out; the heap must stay usable.
 *
 * The checks are check.h's, which print with one write(2) and no malloc,
 * so a failure can be reported from any thread, in the forked child, and
 * while the library under test is the program's malloc.
 *
 * Usage: pl_stress [--threads N] [--iters N] [--seed S] [--hostile]
 * Prints what it ran and the checks' summary; exit 0 when every check
 * passed.
 */
#include "check.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Sizes and alignments through volatile, so the compiler cannot fold an
 * impossible request at build time. */
static volatile size_t v_max = SIZE_MAX;
static size_t page;

static uint64_t rnd(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* ------------------------------------------------------------ blocks */

typedef struct block {
    unsigned char *p;
    size_t n;
    uint32_t seed;
    size_t align; /* what the block was promised, 16 for plain calls */
} block;

static unsigned char pat(uint32_t seed, size_t i) {
    return (unsigned char)(seed + i * 131u + (i >> 8));
}

static void fill(block *b) {
    for (size_t i = 0; i < b->n; i++)
        b->p[i] = pat(b->seed, i);
}

/* Checks the first `upto` bytes of b (upto <= n). */
static int intact(const block *b, size_t upto) {
    for (size_t i = 0; i < upto; i++)
        if (b->p[i] != pat(b->seed, i)) {
            CHECK(0, "block %p (%zu bytes) corrupt at byte %zu", (void *)b->p, b->n, i);
            return 0;
        }
    return 1;
}

static void check_new(const block *b, const char *call) {
    CHECK(b->p != NULL, "%s(%zu) returned NULL", call, b->n);
    if (!b->p)
        return;
    size_t want = b->align < 16 ? 16 : b->align;
    CHECK((uintptr_t)b->p % want == 0, "%s: %p not aligned to %zu", call, (void *)b->p, want);
    size_t u = malloc_usable_size(b->p);
    CHECK(u >= b->n, "%s: usable size %zu below the %zu asked", call, u, b->n);
    /* Every usable byte is the program's: write them all. The neighbours'
     * own checks then catch a usable size that overstates. */
    if (u > b->n)
        memset(b->p + b->n, 0xa5, u - b->n);
}

static size_t pick_size(uint64_t *s) {
    uint64_t r = rnd(s) % 1000;
    if (r < 700)
        return (size_t)(rnd(s) % 200);
    if (r < 960)
        return (size_t)(rnd(s) % 8192);
    if (r < 995)
        return (size_t)(rnd(s) % 200000);
    return (size_t)(rnd(s) % 2000000);
}

static size_t pick_align(uint64_t *s) {
    uint64_t r = rnd(s) % 100;
    if (r < 90)
        return (size_t)8 << (rnd(s) % 7); /* 8 .. 512 */
    return (size_t)1024 << (rnd(s) % 7);  /* 1 KiB .. 64 KiB */
}

/* One allocation by a call chosen at random. */
static void alloc_one(block *b, uint64_t *s) {
    b->n = pick_size(s);
    b->seed = (uint32_t)rnd(s);
    b->align = 16;
    const char *call = "?";
    switch (rnd(s) % 9) {
    case 0:
    case 1:
    case 2:
        call = "malloc";
        b->p = malloc(b->n);
        break;
    case 3: {
        call = "calloc";
        size_t k = 1 + (size_t)(rnd(s) % 8);
        b->n = (b->n / k + 1) * k;
        b->p = calloc(b->n / k, k);
        for (size_t i = 0; b->p && i < b->n; i++)
            if (b->p[i]) {
                CHECK(0, "calloc(%zu, %zu): byte %zu is %d", b->n / k, k, i, b->p[i]);
                break;
            }
        break;
    }
    case 4: {
        call = "posix_memalign";
        b->align = pick_align(s);
        void *p = NULL;
        int rc = posix_memalign(&p, b->align, b->n);
        CHECK(rc == 0, "posix_memalign(%zu, %zu) = %d", b->align, b->n, rc);
        b->p = p;
        break;
    }
    case 5:
        call = "aligned_alloc";
        b->align = pick_align(s);
        b->p = aligned_alloc(b->align, b->n);
        break;
    case 6:
        call = "memalign";
        b->align = pick_align(s);
        b->p = memalign(b->align, b->n);
        break;
    case 7:
        call = "valloc";
        b->align = page;
        b->n %= 3 * page;
        b->p = valloc(b->n);
        break;
    default:
        call = "pvalloc";
        b->align = page;
        b->n %= 3 * page;
        b->p = pvalloc(b->n);
        if (b->p) {
            size_t u = malloc_usable_size(b->p);
            size_t whole = (b->n + page - 1) / page * page;
            CHECK(u >= whole, "pvalloc(%zu): usable %zu, below %zu", b->n, u, whole);
        }
        break;
    }
    check_new(b, call);
    if (b->p)
        fill(b);
}

/* realloc or reallocarray to a new size; the common prefix must survive. */
static void resize_one(block *b, uint64_t *s) {
    intact(b, b->n);
    size_t n = pick_size(s) + 1; /* realloc(p, 0) would free: edges() checks that */
    unsigned char *q;
    if (rnd(s) % 3 == 0) {
        size_t k = 1 + (size_t)(rnd(s) % 4);
        n = (n / k + 1) * k;
        q = reallocarray(b->p, n / k, k);
    } else {
        q = realloc(b->p, n);
    }
    CHECK(q != NULL, "realloc(%p, %zu) returned NULL", (void *)b->p, n);
    if (!q)
        return;
    block nb = {.p = q, .n = n, .seed = b->seed, .align = 16};
    intact(&nb, n < b->n ? n : b->n);
    check_new(&nb, "realloc");
    nb.seed = b->seed + 1;
    fill(&nb);
    *b = nb;
}

static void free_one(block *b) {
    intact(b, b->n);
    free(b->p);
    b->p = NULL;
}

/* ----------------------------------------------------------- threads */

#define SLOTS 96
#define MAILBOX 64

static struct {
    pthread_mutex_t lock;
    block box[MAILBOX];
    size_t n;
} mail = {.lock = PTHREAD_MUTEX_INITIALIZER};

static atomic_long progress;

typedef struct worker {
    pthread_t tid;
    uint64_t seed;
    long iters;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    uint64_t s = w->seed;
    block slots[SLOTS] = {{0}};
    for (long it = 0; it < w->iters; it++) {
        block *b = &slots[rnd(&s) % SLOTS];
        uint64_t r = rnd(&s) % 100;
        if (!b->p) {
            alloc_one(b, &s);
        } else if (r < 45) {
            free_one(b);
        } else if (r < 75) {
            resize_one(b, &s);
        } else if (r < 90) {
            /* Hand the block to whichever thread looks next. */
            pthread_mutex_lock(&mail.lock);
            if (mail.n < MAILBOX) {
                mail.box[mail.n++] = *b;
                b->p = NULL;
            }
            pthread_mutex_unlock(&mail.lock);
        } else {
            block got = {0};
            pthread_mutex_lock(&mail.lock);
            if (mail.n > 0)
                got = mail.box[--mail.n];
            pthread_mutex_unlock(&mail.lock);
            if (got.p) {
                if (rnd(&s) % 2)
                    resize_one(&got, &s);
                free_one(&got);
            }
        }
        atomic_fetch_add_explicit(&progress, 1, memory_order_relaxed);
    }
    for (size_t i = 0; i < SLOTS; i++)
        if (slots[i].p)
            free_one(&slots[i]);
    return NULL;
}

/* ----------------------------------------------------------- the fork */

/* The child of the fork: it must find every lock free and the heap whole. */
static int child_work(block *inherited) {
    uint64_t s = 0x1234567;
    block b[200] = {{0}};
    for (int round = 0; round < 20; round++)
        for (size_t i = 0; i < 200; i++) {
            if (b[i].p && rnd(&s) % 2)
                free_one(&b[i]);
            else if (b[i].p)
                resize_one(&b[i], &s);
            else
                alloc_one(&b[i], &s);
        }
    for (size_t i = 0; i < 200; i++)
        if (b[i].p)
            free_one(&b[i]);
    free_one(inherited);
    return check_failures() ? 3 : 0;
}

static void fork_in_the_middle(long target) {
    while (atomic_load_explicit(&progress, memory_order_relaxed) < target)
        usleep(1000);
    block inherited = {.n = 5000, .seed = 77, .align = 16};
    inherited.p = malloc(inherited.n);
    check_new(&inherited, "malloc");
    if (!inherited.p)
        return;
    fill(&inherited);
    fflush(NULL);
    pid_t pid = fork();
    CHECK(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0)
        exit(child_work(&inherited));
    if (pid > 0) {
        int st = 0;
        CHECK(waitpid(pid, &st, 0) == pid, "waitpid: %s", strerror(errno));
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "the forked child failed (status 0x%x): see its messages above", st);
    }
    free_one(&inherited);
}

/* ---------------------------------------------------- edges and errno */

static void expect_null(void *p, int want_errno, const char *what) {
    int e = errno;
    CHECK(p == NULL, "%s: expected NULL, got %p", what, p);
    CHECK(e == want_errno, "%s: errno %d (%s), expected %d", what, e, strerror(e), want_errno);
    free(p);
}

static void edges(void) {
    errno = 0;
    expect_null(calloc(v_max / 2, 3), ENOMEM, "calloc overflow");
    errno = 0;
    expect_null(malloc(v_max), ENOMEM, "malloc(SIZE_MAX)");
    errno = 0;
    expect_null(malloc(v_max / 2 + 1), ENOMEM, "malloc(PTRDIFF_MAX + 1)");
    errno = 0;
    expect_null(reallocarray(NULL, v_max / 2, 3), ENOMEM, "reallocarray overflow");
    errno = 0;
    expect_null(memalign(v_max / 2 + 2, 16), EINVAL, "memalign(alignment > SIZE_MAX/2+1)");
    errno = 0;
    expect_null(aligned_alloc(v_max / 2 + 2, 16), EINVAL, "aligned_alloc(huge alignment)");
    errno = 0;
    expect_null(memalign(64, v_max), ENOMEM, "memalign(64, SIZE_MAX)");
    errno = 0;
    expect_null(pvalloc(v_max - page), ENOMEM, "pvalloc(near SIZE_MAX)");
    errno = 0;
    expect_null(valloc(v_max), ENOMEM, "valloc(SIZE_MAX)");

    /* posix_memalign: EINVAL leaves errno and *out alone. */
    static const size_t bad_align[] = {0, 1, 4, 24, 3, 48};
    for (size_t i = 0; i < sizeof bad_align / sizeof bad_align[0]; i++) {
        void *p = &page;
        errno = 1234;
        int rc = posix_memalign(&p, bad_align[i], 10);
        CHECK(rc == EINVAL, "posix_memalign(align %zu) = %d, expected EINVAL", bad_align[i], rc);
        CHECK(errno == 1234, "posix_memalign(align %zu) changed errno", bad_align[i]);
        CHECK(p == &page, "posix_memalign(align %zu) wrote *out", bad_align[i]);
    }
    void *p = &page;
    int rc = posix_memalign(&p, 64, v_max);
    CHECK(rc == ENOMEM, "posix_memalign(64, SIZE_MAX) = %d, expected ENOMEM", rc);
    CHECK(p == &page, "posix_memalign failure wrote *out");

    /* Alignments that are not powers of two are rounded up (glibc). */
    static const size_t odd_align[] = {24, 48, 100, 3000};
    for (size_t i = 0; i < sizeof odd_align / sizeof odd_align[0]; i++) {
        size_t a = odd_align[i], pow2 = 1;
        while (pow2 < a)
            pow2 <<= 1;
        void *q = memalign(a, 40);
        CHECK(q && (uintptr_t)q % pow2 == 0, "memalign(%zu): %p not aligned to %zu", a, q, pow2);
        free(q);
        q = aligned_alloc(a, 40);
        CHECK(q && (uintptr_t)q % pow2 == 0, "aligned_alloc(%zu): %p", a, q);
        free(q);
    }
    /* Every power of two up to 1 MiB, for every call that takes one. */
    for (size_t a = 1; a <= ((size_t)1 << 20); a <<= 1) {
        void *q = memalign(a, 100);
        CHECK(q && (uintptr_t)q % a == 0, "memalign(%zu, 100): %p", a, q);
        free(q);
        q = aligned_alloc(a, a);
        CHECK(q && (uintptr_t)q % a == 0, "aligned_alloc(%zu): %p", a, q);
        free(q);
        if (a >= sizeof(void *)) {
            q = NULL;
            CHECK(posix_memalign(&q, a, 3) == 0 && q && (uintptr_t)q % a == 0,
                  "posix_memalign(%zu, 3): %p", a, q);
            free(q);
        }
    }

    /* malloc(0) and calloc(0, n): distinct, freeable pointers. */
    void *z1 = malloc(0), *z2 = malloc(0), *z3 = calloc(0, 5);
    CHECK(z1 && z2 && z1 != z2 && z3 && z3 != z1 && z3 != z2, "malloc(0)/calloc(0,n) pointers");
    free(z1);
    free(z2);
    free(z3);

    /* realloc(NULL, n) is malloc; realloc(p, 0) frees and gives NULL. */
    block b = {.n = 100, .seed = 5, .align = 16};
    b.p = realloc(NULL, b.n);
    check_new(&b, "realloc(NULL)");
    if (b.p) {
        fill(&b);
        /* A failed realloc leaves the block as it was, which is what is
         * checked here: the compiler's use-after-realloc warning does not
         * apply. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuse-after-free"
        errno = 0;
        expect_null(realloc(b.p, v_max), ENOMEM, "realloc(p, SIZE_MAX)");
        errno = 0;
        expect_null(reallocarray(b.p, v_max, 2), ENOMEM, "reallocarray(p, overflow)");
        intact(&b, b.n);
        CHECK(realloc(b.p, 0) == NULL, "realloc(p, 0) must free and give NULL");
#pragma GCC diagnostic pop
    }

    /* free keeps errno; free(NULL) does nothing. */
    void *q = malloc(64);
    errno = 4321;
    free(q);
    free(NULL);
    CHECK(errno == 4321, "free changed errno to %d", errno);
    CHECK(malloc_usable_size(NULL) == 0, "malloc_usable_size(NULL)");

    /* valloc and pvalloc: page aligned; pvalloc rounds the size up. */
    q = valloc(1);
    CHECK(q && (uintptr_t)q % page == 0, "valloc(1): %p", q);
    free(q);
    q = pvalloc(1);
    CHECK(q && (uintptr_t)q % page == 0 && malloc_usable_size(q) >= page, "pvalloc(1): %p", q);
    free(q);
    q = pvalloc(0);
    CHECK(q && (uintptr_t)q % page == 0, "pvalloc(0): %p", q);
    free(q);
}

/* ------------------------------------------------------------ hostile */

static void hostile(void) {
    block b = {.n = 256, .seed = 9, .align = 16};
    b.p = malloc(b.n);
    check_new(&b, "malloc");
    block c = {.n = 256, .seed = 10, .align = 16};
    c.p = malloc(c.n);
    check_new(&c, "malloc");
    if (!b.p || !c.p)
        return;
    fill(&b);
    fill(&c);
    free(b.p + 16);  /* interior: ignored */
    intact(&b, b.n); /* ... and nothing changed */
    free(c.p);
    free(c.p); /* double: ignored */
    long on_stack = 1;
    free(&on_stack); /* foreign: ignored */
    errno = 0;
    expect_null(realloc(&on_stack, 64), EINVAL, "realloc of a foreign pointer");
    CHECK(malloc_usable_size(&on_stack) == 0, "malloc_usable_size of a foreign pointer");
    /* The heap still serves and keeps what it holds. */
    block d = {.n = 256, .seed = 11, .align = 16};
    d.p = malloc(d.n);
    check_new(&d, "malloc after bad frees");
    if (d.p) {
        fill(&d);
        free_one(&d);
    }
    free_one(&b);
}

/* --------------------------------------------------------------- main */

int main(int argc, char **argv) {
    long nthreads = 4, iters = 40000;
    uint64_t seed = 1;
    int do_hostile = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            nthreads = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
            iters = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--hostile"))
            do_hostile = 1;
        else {
            fprintf(stderr, "usage: pl_stress [--threads N] [--iters N] [--seed S] [--hostile]\n");
            return 2;
        }
    }
    if (nthreads < 1 || nthreads > 64 || iters < 1) {
        fprintf(stderr, "pl_stress: --threads 1..64 and --iters >= 1\n");
        return 2;
    }
    page = (size_t)sysconf(_SC_PAGESIZE);

    edges();
    worker w[64];
    for (long i = 0; i < nthreads; i++) {
        w[i].seed = seed * 0x9e3779b97f4a7c15u + (uint64_t)i + 1;
        w[i].iters = iters;
        int rc = pthread_create(&w[i].tid, NULL, work, &w[i]);
        CHECK(rc == 0, "pthread_create: %s", strerror(rc));
        if (rc)
            nthreads = i;
    }
    fork_in_the_middle(nthreads * iters / 2);
    for (long i = 0; i < nthreads; i++)
        pthread_join(w[i].tid, NULL);
    while (mail.n > 0)
        free_one(&mail.box[--mail.n]);
    if (do_hostile)
        hostile();

    printf("pl_stress: %ld threads x %ld ops, fork, %s\n", nthreads, iters,
           do_hostile ? "hostile pointers" : "no hostile pointers");
    return check_finish("pl_stress");
}
