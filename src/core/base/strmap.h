/* A hash map from byte strings to pointers (open addressing, FNV-1a).
 *
 * Keys are copied; values are borrowed. Used for glossary keys and dictionary headwords, so
 * lookups take a (pointer, length) pair and never need a NUL-terminated copy. */
#ifndef TJ_STRMAP_H
#define TJ_STRMAP_H

#include "tj.h"

#include <stdbool.h>

struct tj_strmap;

/* Returns an empty map owned by the caller (free with tj_strmap_destroy). */
struct tj_strmap *tj_strmap_create(void);
/* Frees the map and its key copies, not the values. Accepts NULL. */
void tj_strmap_destroy(struct tj_strmap *m);
/* Sets key → value; returns the previous value or NULL. */
void *tj_strmap_put(struct tj_strmap *m, const char *key, size_t len, void *value);
/* Returns the value for key, or NULL. */
void *tj_strmap_get(const struct tj_strmap *m, const char *key, size_t len);
size_t tj_strmap_count(const struct tj_strmap *m);

#endif
