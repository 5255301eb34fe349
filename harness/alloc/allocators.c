/*
 * allocators.c: the one list of every allocator the harness knows, in the
 * order `fitbench list`, the runs, the report and the tests show them, and
 * the one list of their groups. The core's fit policies come first, from
 * the core's own list (allocator/policies.h); each other allocator is one
 * adapter file (alloc_*.c) defining fb_alloc_<id> and one entry below.
 */
#include "allocators.h"
#include "policies.h"
#include "user.h"

#include <stdio.h>
#include <string.h>

/* Every allocator that is not a fit policy of the core, in list order. */
#define FB_OTHER_ALLOCATORS(X) \
    X(mems)                    \
    X(pagefamily)              \
    X(ostep)                   \
    X(dmm)                     \
    X(libc)                    \
    X(jemalloc)                \
    X(tcmalloc)                \
    X(mimalloc)                \
    X(bump)

#define FB_DECL(id) extern const fb_allocator fb_alloc_##id;
#define FB_FIT_DECL(id, name) FB_DECL(id)
FA_POLICIES(FB_FIT_DECL)
FB_OTHER_ALLOCATORS(FB_DECL)

#define FB_REF(id) &fb_alloc_##id,
#define FB_FIT_REF(id, name) FB_REF(id)
static const fb_allocator *const fb_table[] = {FA_POLICIES(FB_FIT_REF) FB_OTHER_ALLOCATORS(FB_REF)};

size_t fb_allocator_count(void) { return sizeof fb_table / sizeof fb_table[0]; }

const fb_allocator *fb_allocator_at(size_t i) {
    return i < fb_allocator_count() ? fb_table[i] : NULL;
}

const fb_allocator *fb_allocator_find(const char *name) {
    for (size_t i = 0; i < fb_allocator_count(); i++)
        if (strcmp(fb_table[i]->name, name) == 0)
            return fb_table[i];
    return fb_user_find(name);
}

static const struct {
    const char *name, *what;
} fb_groups[] = {
#define FB_GROUP_ENTRY(name, what) {#name, what},
    FB_GROUPS(FB_GROUP_ENTRY)
#undef FB_GROUP_ENTRY
};

const char *fb_group_names(void) {
    static char names[256];
    if (!names[0]) {
        size_t n = 0;
        for (size_t i = 0; i < sizeof fb_groups / sizeof fb_groups[0]; i++)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s, ", fb_groups[i].name);
        snprintf(names + n, sizeof names - n, "all");
    }
    return names;
}

int fb_in_selection(const char *word, const fb_allocator *a) {
    return !strcmp(word, "all") || !strcmp(word, a->group) || !strcmp(word, a->name);
}

int fb_select(const char *list, const fb_allocator **sel, size_t cap, size_t *nsel, char *err,
              size_t errlen) {
    size_t n = fb_allocator_count();
    unsigned char used[n ? n : 1];
    memset(used, 0, sizeof used);
    *nsel = 0;
    if (!*list) {
        snprintf(err, errlen, "no allocator given (names or groups: %s)", fb_group_names());
        return -1;
    }
    const char *w = list;
    for (;;) {
        size_t len = strcspn(w, ",");
        char word[4200];
        if (len == 0 || len >= sizeof word) {
            snprintf(err, errlen, len ? "allocator name too long: '%.40s...'"
                                      : "empty allocator name in '%s' (see `fitbench list`)",
                     len ? w : list);
            return -1;
        }
        memcpy(word, w, len);
        word[len] = 0;
        if (fb_user_is_spec(word)) {
            const fb_allocator *u = fb_user_add(word, err, errlen);
            if (!u)
                return -1;
            if (*nsel == cap) {
                snprintf(err, errlen, "more than %zu allocators selected", cap);
                return -1;
            }
            sel[(*nsel)++] = u;
            if (!w[len])
                break;
            w += len + 1;
            continue;
        }
        int any = 0;
        for (size_t i = 0; i < n; i++)
            if (fb_in_selection(word, fb_table[i]))
                used[i] = 1, any = 1;
        if (!any) {
            snprintf(err, errlen, "unknown allocator or group '%s' (see `fitbench list`; groups: %s)",
                     word, fb_group_names());
            return -1;
        }
        if (!w[len])
            break;
        w += len + 1;
    }
    for (size_t i = 0; i < n; i++)
        if (used[i]) {
            if (*nsel == cap) {
                snprintf(err, errlen, "more than %zu allocators selected", cap);
                return -1;
            }
            sel[(*nsel)++] = fb_table[i];
        }
    return 0;
}
