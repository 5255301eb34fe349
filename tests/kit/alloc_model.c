/*
 * alloc_model.c: the model-based random test (tk_model.h) of one allocator
 * of the harness table, by name; ctest runs it as model.<name> for every
 * allocator of groups fit and seed.
 *   alloc_model NAME [SEED]        run the model (SEED: default 1)
 *   alloc_model --covers NAME...   check that NAME... are exactly the fit
 *                                  and seed allocators of the table, so
 *                                  that a new one cannot go untested
 * Exit 0: passed; 1: a check failed; 2: bad usage or unknown name;
 * 77: the allocator is not available here.
 */
#include "allocators.h"
#include "check.h"
#include "tk_model.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int usage(void) {
    fprintf(stderr, "usage: alloc_model NAME [SEED]\n"
                    "       alloc_model --covers NAME...\n");
    return 2;
}

static int modelled_group(const fb_allocator *a) {
    return strcmp(a->group, "fit") == 0 || strcmp(a->group, "seed") == 0;
}

static int covers(int argc, char **argv) {
    for (size_t i = 0; i < fb_allocator_count(); i++) {
        const fb_allocator *a = fb_allocator_at(i);
        if (!modelled_group(a))
            continue;
        int listed = 0;
        for (int k = 0; k < argc; k++)
            listed |= strcmp(argv[k], a->name) == 0;
        CHECK(listed, "allocator '%s' (group %s) has no model test", a->name, a->group);
    }
    for (int k = 0; k < argc; k++) {
        const fb_allocator *a = fb_allocator_find(argv[k]);
        int modelled = a && modelled_group(a);
        CHECK(modelled, "'%s' is no fit or seed allocator of the table", argv[k]);
        if (modelled)
            CHECK(tk_profile_find(a) != NULL, "'%s' has no model profile (tk_profile.c)",
                  argv[k]);
    }
    printf("alloc_model: %d allocators listed\n", argc);
    return check_finish("alloc_model --covers");
}

static int parse_seed(const char *s, unsigned *seed) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > UINT_MAX)
        return -1;
    *seed = (unsigned)v;
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "--covers") == 0)
        return argc > 2 ? covers(argc - 2, argv + 2) : usage();
    if (argc < 2 || argc > 3)
        return usage();
    const fb_allocator *a = fb_allocator_find(argv[1]);
    if (!a) {
        fprintf(stderr, "alloc_model: unknown allocator '%s' (`fitbench list` names them)\n",
                argv[1]);
        return 2;
    }
    unsigned seed = 1;
    if (argc == 3 && parse_seed(argv[2], &seed) != 0) {
        fprintf(stderr, "alloc_model: seed '%s' is not a number from 0 to %u\n", argv[2],
                UINT_MAX);
        return 2;
    }
    const tk_profile *prof = tk_profile_find(a);
    if (!prof) {
        fprintf(stderr, "alloc_model: no model profile for '%s' (group %s); the model "
                        "covers groups fit and seed\n", a->name, a->group);
        return 2;
    }
    if (!a->available || !a->available())
        check_skip("alloc_model: %s is not available here", a->name);
    CHECK(a->align >= 16 && (a->align & (a->align - 1)) == 0,
          "%s: align %zu, the harness wants a power of two of at least 16", a->name,
          a->align);
    CHECK(a->check && a->free_stats && a->walk && a->range,
          "%s: a fit or seed allocator without check/free_stats/walk/range", a->name);
    if (check_failures())
        return check_finish("alloc_model %s", a->name);

    tk_model_cfg cfg = tk_model_defaults(seed);
    tk_model_result res = tk_model_run(a, prof, &cfg);
    tk_model_lifecycle(a);
    printf("%s: seed %u, %zu ops, %zu NULL answers of a full region, peak footprint %zu "
           "bytes%s\n", a->name, seed, res.ops, res.null_answers, res.peak_footprint,
           a->reset ? ", reset tested" : "");
    return check_finish("alloc_model %s", a->name);
}
