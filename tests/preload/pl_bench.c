/*
 * pl_bench.c: a multithreaded malloc/free benchmark for the heap-per-thread
 * experiment of libfitmalloc (FITBENCH_HEAPS=one or thread). Not a test:
 * it prints a rate, which machines make noisy.
 *
 * Each thread keeps a working set of small blocks and replaces a random
 * one per step (free, then malloc of a random size up to 512 bytes,
 * touching the first byte); with --remote P, P percent of the frees are of
 * blocks another thread made (passed through a per-thread ring), the case
 * where a heap-per-thread design pays for the owner lookup and the owner's
 * lock.
 *
 * Usage: pl_bench [--threads N] [--ops N] [--remote P]
 * Output: one line, "threads N ops N remote P: S s, R Mops/s".
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORKING 1024
#define RING 256

typedef struct ring {
    _Atomic(void *) slot[RING];
} ring;

typedef struct bench_thread {
    pthread_t tid;
    int id, nthreads;
    long ops;
    int remote;
    ring *rings;
} bench_thread;

static uint64_t rnd(uint64_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void *run(void *arg) {
    bench_thread *t = arg;
    uint64_t s = 0x9e3779b97f4a7c15u * (uint64_t)(t->id + 1);
    char **set = calloc(WORKING, sizeof *set);
    if (!set)
        return NULL;
    ring *next = &t->rings[(t->id + 1) % t->nthreads];
    ring *mine = &t->rings[t->id];
    for (long i = 0; i < t->ops; i++) {
        size_t k = rnd(&s) % WORKING;
        if (set[k]) {
            if (t->nthreads > 1 && (long)(rnd(&s) % 100) < t->remote) {
                /* Give it to the next thread; free whatever was there. */
                void *old = atomic_exchange(&next->slot[rnd(&s) % RING], set[k]);
                free(old);
            } else {
                free(set[k]);
            }
        }
        /* Blocks the previous thread left for us. */
        void *got = atomic_exchange(&mine->slot[rnd(&s) % RING], NULL);
        free(got);
        size_t n = 1 + rnd(&s) % 512;
        set[k] = malloc(n);
        if (set[k])
            set[k][0] = (char)i;
    }
    for (size_t k = 0; k < WORKING; k++)
        free(set[k]);
    free(set);
    return NULL;
}

int main(int argc, char **argv) {
    int nthreads = 2, remote = 0;
    long ops = 2000000;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--threads"))
            nthreads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--ops"))
            ops = atol(argv[i + 1]);
        else if (!strcmp(argv[i], "--remote"))
            remote = atoi(argv[i + 1]);
        else
            break;
    }
    if (argc % 2 == 0 || nthreads < 1 || nthreads > 64 || ops < 1 || remote < 0 || remote > 100) {
        fprintf(stderr, "usage: pl_bench [--threads 1..64] [--ops N] [--remote 0..100]\n");
        return 2;
    }
    ring *rings = calloc((size_t)nthreads, sizeof *rings);
    bench_thread *t = calloc((size_t)nthreads, sizeof *t);
    if (!rings || !t) {
        fprintf(stderr, "pl_bench: out of memory\n");
        return 1;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < nthreads; i++) {
        t[i] = (bench_thread){
            .id = i, .nthreads = nthreads, .ops = ops, .remote = remote, .rings = rings};
        if (pthread_create(&t[i].tid, NULL, run, &t[i]) != 0) {
            fprintf(stderr, "pl_bench: pthread_create failed\n");
            return 1;
        }
    }
    for (int i = 0; i < nthreads; i++)
        pthread_join(t[i].tid, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    for (int i = 0; i < nthreads; i++)
        for (size_t k = 0; k < RING; k++)
            free(atomic_load(&rings[i].slot[k]));
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
    printf("threads %d ops %ld remote %d: %.3f s, %.2f Mops/s\n", nthreads, ops, remote, secs,
           (double)nthreads * (double)ops / secs / 1e6);
    free(t);
    free(rings);
    return 0;
}
