/* Chained hash table whose entries are also on a doubly linked list in order of use: a hit
 * moves its entry to the front, eviction takes from the back. One allocation per entry holds
 * the entry, its key and its value. */
#include "lru.h"

#include <stdlib.h>
#include <string.h>

struct entry {
    struct entry *next_in_bucket;
    struct entry *newer, *older; /* the use list */
    uint64_t hash;
    size_t klen, vlen;
    char data[]; /* key, NUL, value, NUL */
};

struct tj_lru {
    struct entry **buckets;
    size_t nbuckets; /* a power of two */
    struct entry *newest, *oldest;
    size_t entries;
    size_t bytes; /* entries' allocations (with the allocator's overhead) + bucket array */
    size_t max_bytes;
    size_t evictions;
};

/* What the allocator spends on a block beyond what was asked (glibc: a size word, 16-byte
 * alignment); counted so that the budget holds for memory actually used. */
#define MALLOC_OVERHEAD 16

static size_t entry_bytes(size_t klen, size_t vlen)
{
    return sizeof(struct entry) + klen + vlen + 2 + MALLOC_OVERHEAD;
}

struct tj_lru *tj_lru_create(size_t max_bytes)
{
    struct tj_lru *c = tj_xcalloc(1, sizeof *c);
    c->nbuckets = 64;
    c->buckets = tj_xcalloc(c->nbuckets, sizeof *c->buckets);
    c->bytes = c->nbuckets * sizeof *c->buckets;
    c->max_bytes = max_bytes;
    return c;
}

void tj_lru_destroy(struct tj_lru *c)
{
    if (!c)
        return;
    for (struct entry *e = c->newest, *next; e; e = next) {
        next = e->older;
        free(e);
    }
    free(c->buckets);
    free(c);
}

static struct entry **slot_of(struct tj_lru *c, const char *key, size_t klen, uint64_t h)
{
    struct entry **p = &c->buckets[h & (c->nbuckets - 1)];
    while (*p && !((*p)->hash == h && (*p)->klen == klen && memcmp((*p)->data, key, klen) == 0))
        p = &(*p)->next_in_bucket;
    return p;
}

static void unlink_use(struct tj_lru *c, struct entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
}

static void push_newest(struct tj_lru *c, struct entry *e)
{
    e->newer = NULL;
    e->older = c->newest;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

/* Removes e from the table and the use list and frees it. */
static void drop(struct tj_lru *c, struct entry *e)
{
    struct entry **p = slot_of(c, e->data, e->klen, e->hash);
    *p = e->next_in_bucket;
    unlink_use(c, e);
    c->bytes -= entry_bytes(e->klen, e->vlen);
    c->entries--;
    free(e);
}

/* Doubles the bucket array when the table is fuller than one entry per bucket, unless the
 * budget has no room for it (chains then grow a little longer). */
static void maybe_grow(struct tj_lru *c)
{
    size_t n = c->nbuckets * 2;
    if (c->entries < c->nbuckets ||
        c->bytes + (n - c->nbuckets) * sizeof *c->buckets > c->max_bytes)
        return;
    struct entry **b = tj_xcalloc(n, sizeof *b);
    for (size_t i = 0; i < c->nbuckets; i++)
        for (struct entry *e = c->buckets[i], *next; e; e = next) {
            next = e->next_in_bucket;
            e->next_in_bucket = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(c->buckets);
    c->bytes += (n - c->nbuckets) * sizeof *b;
    c->buckets = b;
    c->nbuckets = n;
}

const char *tj_lru_get(struct tj_lru *c, const char *key, size_t klen, size_t *vlen)
{
    struct entry *e = *slot_of(c, key, klen, tj_fnv1a(key, klen));
    if (!e)
        return NULL;
    if (c->newest != e) {
        unlink_use(c, e);
        push_newest(c, e);
    }
    if (vlen)
        *vlen = e->vlen;
    return e->data + e->klen + 1;
}

bool tj_lru_put(struct tj_lru *c, const char *key, size_t klen, const char *value, size_t vlen)
{
    size_t need = entry_bytes(klen, vlen);
    size_t table = c->nbuckets * sizeof *c->buckets;
    if (need > c->max_bytes || table > c->max_bytes - need)
        return false;
    uint64_t h = tj_fnv1a(key, klen);
    struct entry *old = *slot_of(c, key, klen, h);
    if (old)
        drop(c, old);
    struct entry *e = tj_xmalloc(sizeof *e + klen + vlen + 2);
    e->hash = h;
    e->klen = klen;
    e->vlen = vlen;
    memcpy(e->data, key, klen);
    e->data[klen] = '\0';
    if (vlen)
        memcpy(e->data + klen + 1, value, vlen);
    e->data[klen + 1 + vlen] = '\0';
    struct entry **p = &c->buckets[h & (c->nbuckets - 1)];
    e->next_in_bucket = *p;
    *p = e;
    push_newest(c, e);
    c->entries++;
    c->bytes += need;
    maybe_grow(c);
    while (c->bytes > c->max_bytes && c->oldest) {
        drop(c, c->oldest);
        c->evictions++;
    }
    return true;
}

void tj_lru_stats(const struct tj_lru *c, struct tj_lru_stats *out)
{
    out->entries = c->entries;
    out->bytes = c->bytes;
    out->max_bytes = c->max_bytes;
    out->evictions = c->evictions;
}
