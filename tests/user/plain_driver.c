/*
 * plain_driver.c: the reference for tests/user/user.sh: a plain
 * malloc-lab driver, as the handouts' mdriver measured utilization, with
 * nothing of fitbench in it. Linked with one mm.c and plain_memlib.c, it
 * replays each classic trace given once and prints "TRACE UTIL", UTIL the
 * peak live payload (a realloc counts its new size in place of the old)
 * over mem_heapsize at the end, in six decimals.
 *
 * Built with -DINIT_BOOL for the 2016+ interface (bool mm_init); the 2010
 * mm.c is compiled with its libc names defined to mm_*.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef INIT_BOOL
bool mm_init(void);
#else
int mm_init(void);
#endif
void *mm_malloc(size_t size);
void mm_free(void *ptr);
void *mm_realloc(void *ptr, size_t size);
void mem_reset_brk(void);
size_t mem_heapsize(void);

static int replay(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 1;
    }
    long heap, ids, ops, weight;
    if (fscanf(f, "%ld %ld %ld %ld", &heap, &ids, &ops, &weight) != 4) {
        fprintf(stderr, "%s: bad header\n", path);
        return 1;
    }
    void **p = calloc((size_t)ids + 1, sizeof *p);
    size_t *sz = calloc((size_t)ids + 1, sizeof *sz);
    mem_reset_brk();
#ifdef INIT_BOOL
    if (!mm_init())
#else
    if (mm_init() < 0)
#endif
    {
        fprintf(stderr, "mm_init failed\n");
        return 1;
    }
    size_t live = 0, peak = 0;
    char op[4];
    long id, size;
    for (long i = 0; i < ops && fscanf(f, "%3s %ld", op, &id) == 2; i++) {
        if (op[0] == 'f') {
            mm_free(p[id]);
            live -= sz[id];
            p[id] = NULL;
            sz[id] = 0;
            continue;
        }
        if (fscanf(f, "%ld", &size) != 1)
            return 1;
        p[id] = op[0] == 'a' ? mm_malloc((size_t)size) : mm_realloc(p[id], (size_t)size);
        if (!p[id] && size) {
            fprintf(stderr, "%s: op %ld: NULL\n", path, i);
            return 1;
        }
        live = live - sz[id] + (size_t)size;
        sz[id] = (size_t)size;
        if (live > peak)
            peak = live;
    }
    fclose(f);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    printf("%.*s %.6f\n", (int)(strcspn(base, ".")), base, (double)peak / (double)mem_heapsize());
    free(p);
    free(sz);
    return 0;
}

int main(int argc, char **argv) {
    int bad = 0;
    for (int i = 1; i < argc; i++)
        bad |= replay(argv[i]);
    return bad;
}
