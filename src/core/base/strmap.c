/* Open-addressing string hash map with linear probing; capacity is a power of two kept at
 * most half full. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

struct slot {
    char *key;
    size_t len;
    uint64_t hash;
    void *value;
};

struct tj_strmap {
    struct slot *slots;
    size_t cap;
    size_t count;
};

struct tj_strmap *tj_strmap_create(void)
{
    struct tj_strmap *m = tj_xcalloc(1, sizeof *m);
    m->cap = 64;
    m->slots = tj_xcalloc(m->cap, sizeof *m->slots);
    return m;
}

void tj_strmap_destroy(struct tj_strmap *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    free(m);
}

static struct slot *find(const struct tj_strmap *m, const char *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (m->cap - 1);
    for (;;) {
        struct slot *s = &m->slots[i];
        if (!s->key || (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
        i = (i + 1) & (m->cap - 1);
    }
}

static void grow(struct tj_strmap *m)
{
    struct slot *old = m->slots;
    size_t oldcap = m->cap;
    m->cap *= 2;
    m->slots = tj_xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].key)
            *find(m, old[i].key, old[i].len, old[i].hash) = old[i];
    free(old);
}

void *tj_strmap_put(struct tj_strmap *m, const char *key, size_t len, void *value)
{
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    uint64_t h = tj_fnv1a(key, len);
    struct slot *s = find(m, key, len, h);
    if (s->key) {
        void *prev = s->value;
        s->value = value;
        return prev;
    }
    s->key = tj_xstrndup(key, len);
    s->len = len;
    s->hash = h;
    s->value = value;
    m->count++;
    return NULL;
}

void *tj_strmap_get(const struct tj_strmap *m, const char *key, size_t len)
{
    struct slot *s = find(m, key, len, tj_fnv1a(key, len));
    return s->key ? s->value : NULL;
}

size_t tj_strmap_count(const struct tj_strmap *m)
{
    return m->count;
}
