/*
 * test_tracegen.c: unit tests of the generators (harness/tracetools/tracegen.c): the
 * libm-free ln/exp against libm, and for every kind and a few seeds and
 * budgets, that the ops are a valid balanced trace within the budget, the
 * same for the same options, different for another seed, and that the
 * size options bound every request.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "tracegen.h"

static void test_math(void)
{
    double worst_ln = 0, worst_exp = 0;
    for (int i = 1; i <= 20000; i++) {
        double x = i / 20001.0;
        double rel = fabs(tg_ln(x) - log(x)) / fabs(log(x) ? log(x) : 1);
        if (rel > worst_ln)
            worst_ln = rel;
        double y = -40 + 80.0 * i / 20000.0;
        double re = fabs(tg_exp(y) - exp(y)) / exp(y);
        if (re > worst_exp)
            worst_exp = re;
    }
    CHECK(worst_ln < 1e-13, "ln relative error %g", worst_ln);
    CHECK(worst_exp < 1e-13, "exp relative error %g", worst_exp);
    CHECK(tg_ln(1.0) == 0.0, "ln(1) = %g", tg_ln(1.0));
    CHECK(tg_exp(0.0) == 1.0, "exp(0) = %g", tg_exp(0.0));
}

/* Field by field: the struct's padding bytes carry no meaning. */
static int same_ops(const rw_op *a, size_t na, const rw_op *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (a[i].kind != b[i].kind || a[i].id != b[i].id ||
            a[i].size != b[i].size)
            return 0;
    return 1;
}

static void test_kinds(void)
{
    size_t nk;
    const tg_kind *kinds = tg_kinds(&nk);
    CHECK(nk >= 6, "%zu kinds", nk);
    for (size_t k = 0; k < nk; k++) {
        const size_t budgets[] = {1, 3, 10, 999, 30000};
        for (size_t b = 0; b < sizeof budgets / sizeof budgets[0]; b++) {
            tg_opts o;
            memset(&o, 0, sizeof o);
            o.ops = budgets[b];
            o.seed = 11;
            rw_op *a = NULL, *c = NULL;
            size_t na = 0, nc = 0;
            rw_error err;
            CHECK(tg_generate(&kinds[k], &o, &a, &na, &err) == 0, "%s: %s",
                  kinds[k].name, err.msg);
            CHECK(na <= o.ops, "%s: %zu ops over budget %zu", kinds[k].name,
                  na, o.ops);
            if (o.ops >= 999)
                CHECK(na >= o.ops * 9 / 10, "%s: %zu ops of %zu",
                      kinds[k].name, na, o.ops);
            rw_summary s;
            CHECK(rw_summarize(a, na, &s, &err) == 0, "%s: %s",
                  kinds[k].name, err.msg);
            CHECK(s.count[0] == s.count[2], "%s: unbalanced", kinds[k].name);
            CHECK(tg_generate(&kinds[k], &o, &c, &nc, &err) == 0, "again");
            CHECK(same_ops(a, na, c, nc), "%s: not deterministic",
                  kinds[k].name);
            free(c);
            c = NULL;
            o.seed = 12;
            CHECK(tg_generate(&kinds[k], &o, &c, &nc, &err) == 0, "seed 12");
            if (o.ops >= 999)
                CHECK(!same_ops(a, na, c, nc), "%s: seed ignored",
                      kinds[k].name);
            free(a);
            free(c);
        }
    }
}

static void test_size_bounds(void)
{
    const enum tg_dist dists[] = {TG_UNIFORM, TG_EXP, TG_POWER};
    const char *names[] = {"random", "coalesce", "lifetime", "phases"};
    for (size_t d = 0; d < 3; d++) {
        for (size_t k = 0; k < 4; k++) {
            tg_opts o;
            memset(&o, 0, sizeof o);
            o.ops = 20000;
            o.min = 300;
            o.max = 900;
            o.dist = dists[d];
            o.dist_set = 1;
            rw_op *a = NULL;
            size_t n = 0;
            rw_error err;
            CHECK(tg_generate(tg_find(names[k]), &o, &a, &n, &err) == 0,
                  "%s", err.msg);
            uint64_t lo = UINT64_MAX, hi = 0;
            for (size_t i = 0; i < n; i++)
                if (a[i].kind == 'a') {
                    lo = a[i].size < lo ? a[i].size : lo;
                    hi = a[i].size > hi ? a[i].size : hi;
                }
            /* coalesce asks for the merged group: up to 4 x max */
            uint64_t cap = strcmp(names[k], "coalesce") == 0 ? 4 * 900 : 900;
            CHECK(lo >= 300 && hi <= cap, "%s dist %zu: sizes %llu..%llu",
                  names[k], d, (unsigned long long)lo,
                  (unsigned long long)hi);
            free(a);
        }
    }
}

static void test_bad_options(void)
{
    tg_opts o;
    rw_op *a = NULL;
    size_t n;
    rw_error err;
    memset(&o, 0, sizeof o);
    o.min = 10;
    o.max = 5;
    CHECK(tg_generate(tg_find("random"), &o, &a, &n, &err) == -1, "min>max");
    memset(&o, 0, sizeof o);
    o.dist = TG_EXP;
    o.dist_set = 1;
    o.min = 100;
    o.max = 200;
    o.mean = 50;
    CHECK(tg_generate(tg_find("random"), &o, &a, &n, &err) == -1, "mean");
    CHECK(strstr(err.msg, "--mean") != NULL, "%s", err.msg);
    CHECK(tg_find("nosuch") == NULL, "unknown kind found");
}

int main(void)
{
    test_math();
    test_kinds();
    test_size_bounds();
    test_bad_options();
    return check_finish("test_tracegen");
}
