/*
 * rec_threads.c: a multithreaded program for the recorder's thread test.
 * Threads allocate, grow and free blocks and hand half of them to a shared
 * stack from which any thread frees them, so an address freed by one
 * thread is soon handed out again to another: exactly where a recorder
 * that logged outside its lock would write the new allocation before the
 * free. Sizes of the program's own calls fall in known ranges (malloc:
 * 20000..23999, realloc: 30000..33999) so the test can count them apart
 * from libc's own allocations.
 *
 * usage: rec_threads THREADS ITERATIONS
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RING 16

static pthread_mutex_t stack_lock = PTHREAD_MUTEX_INITIALIZER;
static void **stack;
static size_t stack_n, stack_cap;
static long iterations;

static void push(void *p)
{
    pthread_mutex_lock(&stack_lock);
    if (stack_n < stack_cap)
        stack[stack_n++] = p;
    else
        free(p);
    pthread_mutex_unlock(&stack_lock);
}

static void *pop(void)
{
    void *p = NULL;
    pthread_mutex_lock(&stack_lock);
    if (stack_n > 0)
        p = stack[--stack_n];
    pthread_mutex_unlock(&stack_lock);
    return p;
}

static void *worker(void *arg)
{
    long t = (long)arg;
    void *ring[RING] = {0};
    for (long i = 0; i < iterations; i++) {
        int j = (int)(i % RING);
        if (ring[j]) {
            if ((i + t) % 2)
                push(ring[j]);
            else
                free(ring[j]);
        }
        char *p = malloc(20000 + (size_t)((i * 7 + t) % 4000));
        if (!p)
            abort();
        p[0] = (char)i;
        char *q = realloc(p, 30000 + (size_t)((i * 13 + t) % 4000));
        if (!q)
            abort();
        ring[j] = q;
        free(pop());
    }
    for (int j = 0; j < RING; j++)
        free(ring[j]);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long threads = strtol(argv[1], NULL, 10);
    iterations = strtol(argv[2], NULL, 10);
    if (threads < 1 || threads > 64 || iterations < 1)
        return 2;
    stack_cap = 4096;
    stack = calloc(stack_cap, sizeof *stack);
    pthread_t tid[64];
    for (long t = 0; t < threads; t++)
        if (pthread_create(&tid[t], NULL, worker, (void *)t) != 0)
            return 1;
    for (long t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    void *p;
    while ((p = pop()) != NULL)
        free(p);
    free(stack);
    return 0;
}
