/* The JSON document read back with jansson, checked field by field. */
#include "docjson.h"

#include "glossary.h"
#include "utf8.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the segments point into: engine names (each once) and the terms of their pins. */
struct tj_docjson_store {
    char **engines;
    size_t nengines;
    struct tj_term **terms;
    size_t nterms, aterms;
    char *provider;
};

/* Where the reader is, for messages: "blocks[2].segments[0]". */
struct where {
    char path[128];
    struct tj_diag *diag;
};

static enum tj_status bad(const struct where *w, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum tj_status bad(const struct where *w, const char *field, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    const char *sep = w->path[0] && field && field[0] != '[' ? "." : "";
    return tj_diag_set(w->diag, TJ_ERR_DATA, "%s%s%s: %s", w->path, sep, field ? field : "", what);
}

static void enter(struct where *inner, const struct where *outer, const char *field, size_t index)
{
    inner->diag = outer->diag;
    int n = snprintf(inner->path, sizeof inner->path, "%s%s%s[%zu]", outer->path,
                     outer->path[0] ? "." : "", field, index);
    if (n < 0 || (size_t)n >= sizeof inner->path) /* cannot happen: paths are 3 levels deep */
        inner->path[0] = '\0';
}

/* A string member (NULL when absent or null, with need false); its length within max, no NUL. */
static enum tj_status string_member(const struct where *w, json_t *o, const char *name, size_t max,
                                    bool need, const char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    json_t *v = json_object_get(o, name);
    if (!v || json_is_null(v)) {
        if (need)
            return bad(w, name, "missing (a string is required)");
        return TJ_OK;
    }
    if (!json_is_string(v))
        return bad(w, name, "must be a string");
    size_t n = json_string_length(v);
    if (n > max)
        return bad(w, name, "is over %zu bytes", max);
    *out = json_string_value(v);
    *len = n;
    return TJ_OK;
}

/* A non-negative integer member within max; *out untouched when it is absent. */
static enum tj_status count_member(const struct where *w, json_t *o, const char *name,
                                   json_int_t max, bool need, json_int_t *out)
{
    json_t *v = json_object_get(o, name);
    if (!v) {
        if (need)
            return bad(w, name, "missing (an integer is required)");
        return TJ_OK;
    }
    if (!json_is_integer(v))
        return bad(w, name, "must be an integer");
    json_int_t n = json_integer_value(v);
    if (n < 0 || n > max)
        return bad(w, name, "%lld is out of range (0 to %lld)", (long long)n, (long long)max);
    *out = n;
    return TJ_OK;
}

/* An array member (NULL when absent or null) of at most max elements. */
static enum tj_status array_member(const struct where *w, json_t *o, const char *name, size_t max,
                                   bool need, json_t **out)
{
    json_t *v = json_object_get(o, name);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (need)
            return bad(w, name, "missing (an array is required)");
        return TJ_OK;
    }
    if (!json_is_array(v))
        return bad(w, name, "must be an array");
    if (json_array_size(v) > max)
        return bad(w, name, "has over %zu elements", max);
    *out = v;
    return TJ_OK;
}

/* The store's copy of an engine name, each name kept once. */
static const char *intern(struct tj_docjson_store *st, const char *name, size_t len)
{
    for (size_t i = 0; i < st->nengines; i++)
        if (strlen(st->engines[i]) == len && memcmp(st->engines[i], name, len) == 0)
            return st->engines[i];
    st->engines = tj_xreallocarray(st->engines, st->nengines + 1, sizeof *st->engines);
    st->engines[st->nengines] = tj_xstrndup(name, len);
    return st->engines[st->nengines++];
}

static struct tj_term *new_term(struct tj_docjson_store *st)
{
    if (st->nterms == st->aterms) {
        st->aterms = st->aterms ? 2 * st->aterms : 16;
        st->terms = tj_xreallocarray(st->terms, st->aterms, sizeof *st->terms);
    }
    struct tj_term *t = tj_xcalloc(1, sizeof *t);
    st->terms[st->nterms++] = t;
    return t;
}

static bool is_continuation(const char *s, size_t len, size_t at)
{
    return at < len && ((unsigned char)s[at] & 0xC0) == 0x80;
}

static enum tj_status read_pins(const struct where *w, json_t *pins, struct tj_segment *s,
                                struct tj_docjson_store *st)
{
    size_t n = json_array_size(pins);
    if (n == 0)
        return TJ_OK;
    s->pins = tj_xcalloc(n, sizeof *s->pins);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        struct where pw;
        enter(&pw, w, "pins", i);
        json_t *p = json_array_get(pins, i);
        if (!json_is_object(p))
            return bad(&pw, NULL, "must be an object");
        json_int_t start = -1, end = -1;
        enum tj_status rc = count_member(&pw, p, "start", (json_int_t)s->source_len, true, &start);
        if (rc == TJ_OK)
            rc = count_member(&pw, p, "end", (json_int_t)s->source_len, true, &end);
        if (rc != TJ_OK)
            return rc;
        if (end <= start)
            return bad(&pw, "end", "%lld is not after start (%lld)", (long long)end,
                       (long long)start);
        if ((size_t)start < at)
            return bad(&pw, "start", "%lld overlaps the pin before (pins come in order, apart)",
                       (long long)start);
        if (is_continuation(s->source, s->source_len, (size_t)start))
            return bad(&pw, "start", "%lld is inside a character of source", (long long)start);
        if (is_continuation(s->source, s->source_len, (size_t)end))
            return bad(&pw, "end", "%lld is inside a character of source", (long long)end);
        const char *english, *source, *type;
        size_t elen, slen, tlen;
        rc = string_member(&pw, p, "target", TJ_DOCJSON_FIELD_MAX, true, &english, &elen);
        if (rc == TJ_OK)
            rc = string_member(&pw, p, "source", TJ_DOCJSON_FIELD_MAX, false, &source, &slen);
        if (rc == TJ_OK)
            rc = string_member(&pw, p, "type", 16, false, &type, &tlen);
        if (rc != TJ_OK)
            return rc;
        if (elen == 0 || memchr(english, '\0', elen))
            return bad(&pw, "target", "must be English text, not empty");
        if (source && (slen != (size_t)(end - start) || memcmp(source, s->source + start, slen)))
            return bad(&pw, "source", "is not source[start:end]");
        enum tj_term_type tt = TJ_TERM_TERM;
        if (type && (memchr(type, '\0', tlen) || !tj_term_type_parse(type, &tt)))
            return bad(&pw, "type", "must be person, place, org or term");
        struct tj_term *t = new_term(st);
        t->arabic = tj_xstrndup(s->source + start, (size_t)(end - start));
        t->english = tj_xstrndup(english, elen);
        t->type = tt;
        t->spellings = tj_xmalloc(sizeof *t->spellings);
        t->spellings[0] = t->arabic;
        t->nspellings = 1;
        s->pins[s->npins++] = (struct tj_pin){(size_t)start, (size_t)end, t};
        at = (size_t)end;
    }
    return TJ_OK;
}

static enum tj_status read_qa(const struct where *w, json_t *qa, struct tj_segment *s)
{
    size_t n = json_array_size(qa);
    if (n == 0)
        return TJ_OK;
    s->qa = tj_xcalloc(n, sizeof *s->qa);
    for (size_t i = 0; i < n; i++) {
        struct where qw;
        enter(&qw, w, "qa", i);
        json_t *q = json_array_get(qa, i);
        if (!json_is_object(q))
            return bad(&qw, NULL, "must be an object");
        const char *code, *message;
        size_t clen, mlen;
        enum tj_status rc = string_member(&qw, q, "code", 64, true, &code, &clen);
        if (rc == TJ_OK)
            rc = string_member(&qw, q, "message", TJ_DOCJSON_FIELD_MAX, false, &message, &mlen);
        if (rc != TJ_OK)
            return rc;
        s->qa[s->nqa].code = tj_xstrndup(code, clen);
        s->qa[s->nqa].message = tj_xstrndup(message ? message : "", mlen);
        s->nqa++;
    }
    return TJ_OK;
}

static enum tj_status read_candidates(const struct where *w, json_t *cands, struct tj_segment *s)
{
    size_t n = json_array_size(cands);
    if (n == 0)
        return TJ_OK;
    s->cands = tj_xcalloc(n, sizeof *s->cands);
    for (size_t i = 0; i < n; i++) {
        struct where cw;
        enter(&cw, w, "candidates", i);
        json_t *c = json_array_get(cands, i);
        if (!json_is_object(c))
            return bad(&cw, NULL, "must be an object");
        const char *source, *target, *origin, *engine;
        size_t slen, tlen, olen, elen;
        json_int_t sim = 0;
        enum tj_status rc =
            string_member(&cw, c, "source", TJ_DOCJSON_TEXT_MAX, true, &source, &slen);
        if (rc == TJ_OK)
            rc = string_member(&cw, c, "target", TJ_DOCJSON_TEXT_MAX, true, &target, &tlen);
        if (rc == TJ_OK)
            rc = string_member(&cw, c, "origin", 16, false, &origin, &olen);
        if (rc == TJ_OK)
            rc = string_member(&cw, c, "engine", 64, false, &engine, &elen);
        if (rc == TJ_OK)
            rc = count_member(&cw, c, "similarity", 100, false, &sim);
        if (rc != TJ_OK)
            return rc;
        bool human = origin && olen == 5 && memcmp(origin, "human", 5) == 0;
        if (origin && !human && !(olen == 8 && memcmp(origin, "provider", 8) == 0))
            return bad(&cw, "origin", "must be human or provider");
        struct tj_candidate *k = &s->cands[s->ncands++];
        k->source = tj_xstrndup(source, slen);
        k->target = tj_xstrndup(target, tlen);
        k->similarity = (unsigned)sim;
        k->engine = human ? tj_xstrdup("human") : tj_xstrndup(engine ? engine : "", elen);
    }
    return TJ_OK;
}

static bool origin_parse(const char *s, size_t len, enum tj_origin *out)
{
    for (enum tj_origin o = TJ_ORIGIN_PROVIDER; o <= TJ_ORIGIN_FAILED; o++) {
        const char *name = tj_origin_name(o);
        if (strlen(name) == len && memcmp(name, s, len) == 0) {
            *out = o;
            return true;
        }
    }
    return false;
}

static enum tj_status read_segment(const struct where *w, json_t *o, struct tj_block *b,
                                   unsigned *last_id, struct tj_docjson_store *st)
{
    if (!json_is_object(o))
        return bad(w, NULL, "must be an object");
    json_int_t id = 0;
    enum tj_status rc = count_member(w, o, "id", 0xFFFFFFFF, true, &id);
    if (rc != TJ_OK)
        return rc;
    if (id == 0 || (unsigned)id <= *last_id)
        return bad(w, "id", "%lld: ids are positive and increase", (long long)id);
    *last_id = (unsigned)id;
    const char *source, *target, *origin, *engine;
    size_t slen, tlen, olen, elen;
    rc = string_member(w, o, "source", TJ_DOCJSON_TEXT_MAX, true, &source, &slen);
    if (rc == TJ_OK)
        rc = string_member(w, o, "target", TJ_DOCJSON_TEXT_MAX, false, &target, &tlen);
    if (rc == TJ_OK)
        rc = string_member(w, o, "origin", 16, false, &origin, &olen);
    if (rc == TJ_OK)
        rc = string_member(w, o, "engine", 64, false, &engine, &elen);
    if (rc != TJ_OK)
        return rc;
    if (memchr(source, '\0', slen))
        return bad(w, "source", "holds a NUL character");
    if (target && memchr(target, '\0', tlen))
        return bad(w, "target", "holds a NUL character");
    enum tj_origin og = TJ_ORIGIN_PROVIDER;
    if (origin && !origin_parse(origin, olen, &og))
        return bad(w, "origin", "must be provider, tm, offline, copy or failed");
    json_t *approved = json_object_get(o, "approved");
    if (approved && !json_is_boolean(approved) && !json_is_null(approved))
        return bad(w, "approved", "must be true or false");
    json_t *pins, *qa, *cands;
    rc = array_member(w, o, "pins", TJ_DOCJSON_PINS_MAX, false, &pins);
    if (rc == TJ_OK)
        rc = array_member(w, o, "qa", TJ_DOCJSON_QA_MAX, false, &qa);
    if (rc == TJ_OK)
        rc = array_member(w, o, "candidates", TJ_DOCJSON_CANDIDATES_MAX, false, &cands);
    if (rc != TJ_OK)
        return rc;
    struct tj_segment *s = tj_block_add_segment(b, source, slen);
    s->id = (unsigned)id;
    if (target) {
        tj_segment_set_target(s, target, tlen, og);
        s->engine = engine && elen ? intern(st, engine, elen) : NULL;
        s->approved = json_is_true(approved);
    }
    rc = read_pins(w, pins, s, st);
    if (rc == TJ_OK)
        rc = read_qa(w, qa, s);
    if (rc == TJ_OK)
        rc = read_candidates(w, cands, s);
    return rc;
}

static bool kind_parse(const char *s, size_t len, enum tj_block_kind *out)
{
    for (enum tj_block_kind k = TJ_BLOCK_PARAGRAPH; k <= TJ_BLOCK_LIST_ITEM; k++) {
        const char *name = tj_block_kind_name(k);
        if (strlen(name) == len && memcmp(name, s, len) == 0) {
            *out = k;
            return true;
        }
    }
    return false;
}

static enum tj_status read_stats(const struct where *w, json_t *o, struct tj_docjson *d)
{
    json_t *st = json_object_get(o, "stats");
    if (!st || json_is_null(st))
        return TJ_OK;
    struct where sw = {"stats", w->diag};
    if (!json_is_object(st))
        return bad(w, "stats", "must be an object");
    static const char *const names[] = {"segments", "requests", "chars_sent", "tm_hits", "failed"};
    size_t *fields[] = {&d->stats.segments, &d->stats.requests, &d->stats.chars_sent,
                        &d->stats.tm_hits, &d->stats.failed};
    for (size_t i = 0; i < TJ_ARRAY_LEN(names); i++) {
        json_int_t n = 0;
        enum tj_status rc = count_member(&sw, st, names[i], (json_int_t)1 << 52, false, &n);
        if (rc != TJ_OK)
            return rc;
        *fields[i] = (size_t)n;
    }
    d->has_stats = true;
    return TJ_OK;
}

static enum tj_status read_document(json_t *root, struct tj_docjson *d, struct tj_diag *diag)
{
    struct where top = {"", diag};
    if (!json_is_object(root))
        return tj_diag_set(diag, TJ_ERR_DATA, "the document must be a JSON object");
    const char *provider;
    size_t plen;
    enum tj_status rc = string_member(&top, root, "provider", 64, false, &provider, &plen);
    if (rc != TJ_OK)
        return rc;
    if (provider && memchr(provider, '\0', plen))
        return bad(&top, "provider", "holds a NUL character");
    if (provider)
        d->provider = d->store->provider = tj_xstrndup(provider, plen);
    rc = read_stats(&top, root, d);
    if (rc != TJ_OK)
        return rc;
    json_t *blocks;
    rc = array_member(&top, root, "blocks", TJ_DOCJSON_SEGMENTS_MAX, true, &blocks);
    if (rc != TJ_OK)
        return rc;
    size_t nsegs = 0, prev_line = 0;
    unsigned last_id = 0;
    for (size_t b = 0; b < json_array_size(blocks); b++) {
        struct where bw;
        enter(&bw, &top, "blocks", b);
        json_t *bo = json_array_get(blocks, b);
        if (!json_is_object(bo))
            return bad(&bw, NULL, "must be an object");
        const char *kind;
        size_t klen;
        enum tj_block_kind k = TJ_BLOCK_PARAGRAPH;
        rc = string_member(&bw, bo, "kind", 16, false, &kind, &klen);
        if (rc != TJ_OK)
            return rc;
        if (kind && !kind_parse(kind, klen, &k))
            return bad(&bw, "kind", "must be paragraph, heading or list_item");
        json_int_t line = (json_int_t)prev_line + 1;
        rc = count_member(&bw, bo, "line", 1000000000, false, &line);
        if (rc != TJ_OK)
            return rc;
        /* Blank lines between blocks, for text output, from their line numbers. */
        size_t blank = (size_t)line > prev_line + 1 ? (size_t)line - prev_line - 1 : 0;
        prev_line = (size_t)line > prev_line ? (size_t)line : prev_line + 1;
        json_t *segs;
        rc = array_member(&bw, bo, "segments", TJ_DOCJSON_SEGMENTS_MAX, true, &segs);
        if (rc != TJ_OK)
            return rc;
        nsegs += json_array_size(segs);
        if (nsegs > TJ_DOCJSON_SEGMENTS_MAX)
            return bad(&bw, "segments", "the document has over %u segments",
                       TJ_DOCJSON_SEGMENTS_MAX);
        struct tj_block *bl = tj_document_add_block(&d->doc, k, prev_line, blank);
        for (size_t i = 0; i < json_array_size(segs); i++) {
            struct where sw;
            enter(&sw, &bw, "segments", i);
            rc = read_segment(&sw, json_array_get(segs, i), bl, &last_id, d->store);
            if (rc != TJ_OK)
                return rc;
        }
    }
    return TJ_OK;
}

enum tj_status tj_docjson_read(const char *data, size_t len, struct tj_docjson *out,
                               struct tj_diag *diag)
{
    memset(out, 0, sizeof *out);
    tj_document_init(&out->doc);
    json_error_t jerr;
    json_t *root = json_loadb(len ? data : "", len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return tj_diag_set(diag, TJ_ERR_DATA, "not JSON: line %d, column %d: %s", jerr.line,
                           jerr.column, jerr.text);
    out->store = tj_xcalloc(1, sizeof *out->store);
    enum tj_status rc = read_document(root, out, diag);
    json_decref(root);
    if (rc != TJ_OK)
        tj_docjson_finish(out);
    return rc;
}

void tj_docjson_finish(struct tj_docjson *d)
{
    tj_document_finish(&d->doc);
    struct tj_docjson_store *st = d->store;
    if (st) {
        for (size_t i = 0; i < st->nengines; i++)
            free(st->engines[i]);
        free(st->engines);
        for (size_t i = 0; i < st->nterms; i++) {
            free(st->terms[i]->arabic);
            free(st->terms[i]->english);
            free(st->terms[i]->spellings);
            free(st->terms[i]);
        }
        free(st->terms);
        free(st->provider);
        free(st);
    }
    memset(d, 0, sizeof *d);
    tj_document_init(&d->doc);
}
