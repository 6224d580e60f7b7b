/* A map from byte strings to byte strings that holds at most a given number of bytes, dropping
 * the least recently used entries to stay within it.
 *
 * Every byte it allocates is counted: each entry's key, value and bookkeeping, and the hash
 * table; an entry larger than the whole budget is not kept. Keys and values are copied. It is not
 * thread-safe: callers that share one hold a lock around every call. */
#ifndef TJ_LRU_H
#define TJ_LRU_H

#include "tj.h"

#include <stdbool.h>

struct tj_lru;

/* Returns an empty map owned by the caller that holds at most max_bytes. */
struct tj_lru *tj_lru_create(size_t max_bytes);
/* Frees the map and everything in it. Accepts NULL. */
void tj_lru_destroy(struct tj_lru *c);

/* The value stored for key, as the most recently used entry from now on, or NULL. The value
 * (*vlen bytes, NUL-terminated) is borrowed until the next call that changes the map. */
const char *tj_lru_get(struct tj_lru *c, const char *key, size_t klen, size_t *vlen);

/* Stores key → value (replacing any value for key), dropping least recently used entries
 * until the map is within its budget again. Returns false, storing nothing, when the entry
 * alone is over the budget. */
bool tj_lru_put(struct tj_lru *c, const char *key, size_t klen, const char *value, size_t vlen);

/* What the map holds now: entries, and the bytes counted against its budget. */
struct tj_lru_stats {
    size_t entries;
    size_t bytes;
    size_t max_bytes;
    size_t evictions; /* entries dropped for room since the map was created */
};
void tj_lru_stats(const struct tj_lru *c, struct tj_lru_stats *out);

#endif
