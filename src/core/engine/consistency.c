/* Consistency of names across windows and documents, and name suggestions. */
#include "consistency.h"

#include "buf.h"
#include "glossary.h"
#include "lru.h"
#include "qa.h"
#include "suggest.h"
#include "translit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records in the map, fields apart by US (0x1F):
 *   "f" US name-key  → rendering, Arabic as written, segment, document, document name
 *   "r" US rendering → name-key, Arabic as written, glossary (0/1), segment, document, name
 *   "s" US document US name-key → "" (suggested in that document)
 * A name key is "t:" and the term's address for a glossary term (the run shares one
 * glossary), "n:" and the matching form for another name. */
#define US "\x1f"

struct tj_consistency {
    struct tj_lru *lru;
    unsigned docs;
    struct tj_translit *tr; /* made when a suggestion first needs it */
    bool tr_failed;
    struct tj_buf scratch; /* the key known() looks up */
};

struct tj_consistency *tj_consistency_create(size_t max_bytes)
{
    struct tj_consistency *c = tj_xcalloc(1, sizeof *c);
    c->lru = tj_lru_create(max_bytes);
    tj_buf_init(&c->scratch, 0);
    return c;
}

void tj_consistency_destroy(struct tj_consistency *c)
{
    if (!c)
        return;
    tj_lru_destroy(c->lru);
    tj_translit_destroy(c->tr);
    tj_buf_finish(&c->scratch);
    free(c);
}

unsigned tj_consistency_begin(struct tj_consistency *c)
{
    return ++c->docs;
}

/* Appends s to b with the field separator made a space, so a field never splits. */
static void put_field(struct tj_buf *b, const char *s)
{
    for (;;) {
        const char *us = strchr(s, 0x1f);
        tj_buf_append(b, s, us ? (size_t)(us - s) : strlen(s));
        if (!us)
            return;
        tj_buf_putc(b, ' ');
        s = us + 1;
    }
}

/* Appends US, then v in decimal. */
static void put_number(struct tj_buf *b, unsigned v)
{
    char d[16];
    size_t n = sizeof d;
    do {
        d[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    tj_buf_putc(b, 0x1f);
    tj_buf_append(b, d + n, sizeof d - n);
}

/* Splits a record (a copy, modified) into at most n fields; returns how many. */
static size_t split(char *rec, char **f, size_t n)
{
    size_t k = 0;
    f[k++] = rec;
    for (char *p = rec; *p && k < n; p++)
        if (*p == 0x1f) {
            *p = '\0';
            f[k++] = p + 1;
        }
    return k;
}

/* A copy of the record stored under key, or NULL. */
static char *get(struct tj_consistency *c, const struct tj_buf *key)
{
    size_t vlen;
    const char *v = tj_lru_get(c->lru, key->data, key->len, &vlen);
    return v ? tj_xstrndup(v, vlen) : NULL;
}

static void put(struct tj_consistency *c, const struct tj_buf *key, const struct tj_buf *value)
{
    tj_lru_put(c->lru, key->data, key->len, value->data, value->len);
}

/* Adds a finding unless the segment has the same one already. */
static void add_once(struct tj_segment *s, const char *code, const char *msg)
{
    for (size_t i = 0; i < s->nqa; i++)
        if (strcmp(s->qa[i].code, code) == 0 && strcmp(s->qa[i].message, msg) == 0)
            return;
    tj_segment_add_qa(s, code, "%s", msg);
}

/* " of NAME" when the earlier segment is in another document. */
static char *where(unsigned doc, const char *doc0, const char *name0)
{
    if ((unsigned)strtoul(doc0, NULL, 10) == doc)
        return tj_xstrdup("");
    return name0[0] ? tj_xasprintf(" of %s", name0) : tj_xstrdup(" of another input");
}

/* Two renderings of one name agree when equal but for the case of their first letter (a
 * sentence may start with al-Ghais), or when one holds the other as whole words (Vladimir
 * Putin, Putin). */
static bool agree(const char *a, const char *b)
{
    if (a[0] && b[0] && (a[0] | 0x20) == (b[0] | 0x20) && strcmp(a + 1, b + 1) == 0)
        return true;
    return strcmp(a, b) == 0 || tj_qa_has_term(a, b) || tj_qa_has_term(b, a);
}

struct seen {
    struct tj_segment *s;
    unsigned doc;
    const char *name; /* of the document, "" when none */
};

/* Flags at's segment "inconsistent" with msg (freed here) and, when the other segment is in
 * another input, which one (doc0, name0: the fields stored with it). */
static void inconsistent(const struct seen *at, const char *doc0, const char *name0, char *msg)
{
    char *w = where(at->doc, doc0, name0);
    char *full = tj_xasprintf("%s%s", msg, w);
    add_once(at->s, "inconsistent", full);
    free(full);
    free(w);
    free(msg);
}

/* Ends the record v with at's segment, document and document name, and stores it under k. */
static void put_at(struct tj_consistency *c, const struct tj_buf *k, struct tj_buf *v,
                   const struct seen *at)
{
    put_number(v, at->s->id);
    put_number(v, at->doc);
    tj_buf_puts(v, US);
    put_field(v, at->name);
    put(c, k, v);
}

/* Checks one name's rendering against the first one recorded, then records it if it is the
 * first; the same for the rendering against the name it stood for first. */
static void check(struct tj_consistency *c, const struct seen *at, const char *key,
                  const char *arabic, const char *rendering, bool glossary)
{
    struct tj_buf k, v;
    tj_buf_init(&k, 0);
    tj_buf_init(&v, 0);

    tj_buf_puts(&k, "f" US);
    put_field(&k, key);
    char *rec = get(c, &k);
    char *f[5];
    if (rec && split(rec, f, 5) == 5 && f[0][0]) {
        if (!agree(f[0], rendering))
            inconsistent(at, f[3], f[4],
                         tj_xasprintf("'%s' is '%s' in segment %u but '%s' in segment %s", arabic,
                                      rendering, at->s->id, f[0], f[2]));
    } else {
        put_field(&v, rendering);
        tj_buf_puts(&v, US);
        put_field(&v, arabic);
        put_at(c, &k, &v, at);
    }
    free(rec);

    /* A rendering that is the Arabic itself stands for that Arabic only. */
    bool latin = true;
    for (const char *p = rendering; *p && latin; p++)
        latin = (unsigned char)*p < 0xD8 || (unsigned char)*p > 0xDB;
    if (latin) {
        tj_buf_reset(&k);
        tj_buf_reset(&v);
        tj_buf_puts(&k, "r" US);
        put_field(&k, rendering);
        rec = get(c, &k);
        char *r[6];
        if (rec && split(rec, r, 6) == 6) {
            bool both_glossary = glossary && r[2][0] == '1';
            if (strcmp(r[0], key) != 0 && !both_glossary)
                inconsistent(
                    at, r[4], r[5],
                    tj_xasprintf("'%s' stands for '%s' in segment %u but for '%s' in segment %s",
                                 rendering, arabic, at->s->id, r[1], r[3]));
        } else {
            put_field(&v, key);
            tj_buf_puts(&v, US);
            put_field(&v, arabic);
            put_number(&v, glossary);
            put_at(c, &k, &v, at);
        }
        free(rec);
    }
    tj_buf_finish(&k);
    tj_buf_finish(&v);
}

/* The first spelling of the term (canonical, then aliases) that the target holds, or NULL. */
static const char *pin_rendering(const char *target, const struct tj_term *t)
{
    if (tj_qa_has_term(target, t->english))
        return t->english;
    for (size_t i = 0; i < t->naliases; i++)
        if (tj_qa_has_term(target, t->aliases[i]))
            return t->aliases[i];
    return NULL;
}

static bool known(void *ud, const char *key, size_t len)
{
    struct tj_consistency *c = ud;
    struct tj_buf *k = &c->scratch;
    tj_buf_reset(k);
    tj_buf_puts(k, "f" US "n:");
    tj_buf_append(k, key, len);
    size_t vlen;
    return tj_lru_get(c->lru, k->data, k->len, &vlen) != NULL;
}

/* Notes a name not in the glossary on its first segment in the document. */
static void suggest(struct tj_consistency *c, const struct seen *at, const struct tj_name *n)
{
    struct tj_buf k;
    tj_buf_init(&k, 0);
    tj_buf_printf(&k, "s" US "%u" US, at->doc);
    put_field(&k, n->key);
    size_t vlen;
    if (tj_lru_get(c->lru, k.data, k.len, &vlen)) {
        tj_buf_finish(&k);
        return;
    }
    tj_lru_put(c->lru, k.data, k.len, "", 0);
    tj_buf_finish(&k);
    if (!c->tr && !c->tr_failed)
        c->tr_failed = tj_translit_create(&c->tr, NULL) != TJ_OK;
    const char *arabic = at->s->source + n->start;
    int alen = (int)(n->end - n->start);
    char *latin = c->tr ? tj_translit_name(c->tr, arabic, n->end - n->start) : NULL;
    struct tj_buf m;
    tj_buf_init(&m, 0);
    tj_buf_printf(&m, "'%.*s'", alen, arabic);
    if (latin)
        tj_buf_printf(&m, " → '%s'", latin);
    tj_buf_printf(&m, " (%s): a name not in the glossary", tj_term_type_name(n->type));
    if (n->why[0])
        tj_buf_printf(&m, ", %s", n->why);
    if (n->rendering && n->cue != TJ_CUE_TRANSLITERATED && n->cue != TJ_CUE_LEFT_ARABIC &&
        strcmp(n->rendering, "") != 0)
        tj_buf_printf(&m, "; the engine wrote '%s'", n->rendering);
    add_once(at->s, "suggest_pin", m.data);
    tj_buf_finish(&m);
    free(latin);
}

static void check_segment(struct tj_consistency *c, const struct seen *at)
{
    struct tj_segment *s = at->s;
    bool translated = s->target && s->origin != TJ_ORIGIN_FAILED && s->origin != TJ_ORIGIN_COPY &&
                      s->origin != TJ_ORIGIN_NONE;
    if (translated)
        for (size_t i = 0; i < s->npins; i++) {
            const struct tj_pin *p = &s->pins[i];
            const char *r = pin_rendering(s->target, p->term);
            if (!r)
                continue; /* pin_missing says so */
            char key[64];
            snprintf(key, sizeof key, "t:%p", (const void *)p->term);
            char *arabic = tj_xstrndup(s->source + p->start, p->end - p->start);
            check(c, at, key, arabic, r, true);
            free(arabic);
        }
    struct tj_name *v;
    size_t count = tj_names_find(s, known, c, &v);
    for (size_t i = 0; i < count; i++) {
        char *key = tj_xasprintf("n:%s", v[i].key);
        char *arabic = tj_xstrndup(s->source + v[i].start, v[i].end - v[i].start);
        if (translated && v[i].rendering) {
            check(c, at, key, arabic, v[i].rendering, false);
        } else if (!known(c, v[i].key, strlen(v[i].key))) {
            /* Remember the name, so that later segments look for it. */
            struct tj_buf k, val;
            tj_buf_init(&k, 0);
            tj_buf_init(&val, 0);
            tj_buf_puts(&k, "f" US);
            put_field(&k, key);
            tj_buf_puts(&val, US);
            put_field(&val, arabic);
            put_at(c, &k, &val, at);
            tj_buf_finish(&k);
            tj_buf_finish(&val);
        }
        suggest(c, at, &v[i]);
        free(arabic);
        free(key);
    }
    tj_names_free(v, count);
}

void tj_consistency_window(struct tj_consistency *c, unsigned doc, const char *name,
                           struct tj_document *window)
{
    for (size_t b = 0; b < window->nblocks; b++)
        for (size_t i = 0; i < window->blocks[b].nsegs; i++) {
            struct seen at = {&window->blocks[b].segs[i], doc, name ? name : ""};
            check_segment(c, &at);
        }
}
