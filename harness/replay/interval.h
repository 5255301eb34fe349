/*
 * interval.h: the set of live payload ranges, for the correctness pass's
 * overlap check. A treap keyed by start address, one node per trace id
 * (node storage is an array indexed by id, so no allocation per op).
 */
#ifndef FB_INTERVAL_H
#define FB_INTERVAL_H

#include <stddef.h>
#include <stdint.h>

typedef struct iv_set iv_set;

iv_set *iv_create(size_t num_ids); /* NULL when memory runs out */
void iv_destroy(iv_set *s);
/* Id of a live range overlapping [start, end), or UINT32_MAX. */
uint32_t iv_overlap(const iv_set *s, uintptr_t start, uintptr_t end);
/* Adds id's range (which must overlap nothing) / removes it. */
void iv_insert(iv_set *s, uint32_t id, uintptr_t start, uintptr_t end);
void iv_remove(iv_set *s, uint32_t id);

#endif
