/* TMX reading with expat: a state machine over <tu>, <tuv>, <seg> and <prop>. */
#include "tmx.h"

#include "buf.h"

#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* Sides of a <tuv>. */
enum side { SIDE_NONE, SIDE_SOURCE, SIDE_TARGET, SIDE_OTHER };

struct reader {
    XML_Parser parser;
    const char *name; /* the file, for messages */
    const char *src_lang, *tgt_lang;
    tj_tmx_unit_fn fn;
    void *ud;
    struct tj_tmx_counts counts;
    struct tj_diag *diag;
    enum tj_status rc;
    bool root_seen;
    bool in_tu, in_seg;
    struct tj_buf *prop; /* the property being read, or NULL */
    unsigned skip;       /* depth inside native-code elements of a seg */
    enum side side;
    int64_t changed;
    struct tj_buf seg, source, target, engine, origin;
    bool have_source, have_target, have_engine, have_origin;
};

/* Stops the parse with rc and a message at the parser's position. */
static void fail(struct reader *r, enum tj_status rc, const char *what)
{
    if (r->rc != TJ_OK)
        return;
    r->rc = tj_diag_set(r->diag, rc, "%s:%lu:%lu: %s", r->name,
                        (unsigned long)XML_GetCurrentLineNumber(r->parser),
                        (unsigned long)XML_GetCurrentColumnNumber(r->parser) + 1, what);
    XML_StopParser(r->parser, XML_FALSE);
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

/* True when a language tag's primary subtag is want ("ar-SA" for "ar"). */
static bool lang_is(const char *tag, const char *want)
{
    if (!tag)
        return false;
    size_t n = strcspn(tag, "-_");
    return n == strlen(want) && strncasecmp(tag, want, n) == 0;
}

/* The number written by the n digits at s. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int64_t tj_tmx_parse_date(const char *s)
{
    if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return 0;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return 0;
    struct tm t = {
        .tm_year = digits(s, 4) - 1900,
        .tm_mon = digits(s + 4, 2) - 1,
        .tm_mday = digits(s + 6, 2),
        .tm_hour = digits(s + 9, 2),
        .tm_min = digits(s + 11, 2),
        .tm_sec = digits(s + 13, 2),
    };
    if (t.tm_mon < 0 || t.tm_mon > 11 || t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour > 23 ||
        t.tm_min > 59 || t.tm_sec > 60)
        return 0;
    time_t v = timegm(&t);
    return v < 0 ? 0 : (int64_t)v;
}

static bool is_native_code(const char *name)
{
    return strcmp(name, "bpt") == 0 || strcmp(name, "ept") == 0 || strcmp(name, "it") == 0 ||
           strcmp(name, "ph") == 0 || strcmp(name, "ut") == 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct reader *r = ud;
    if (!r->root_seen) {
        r->root_seen = true;
        if (strcmp(name, "tmx") != 0) {
            char what[160];
            snprintf(what, sizeof what, "not a TMX file (its root element is <%.60s>, not <tmx>)",
                     name);
            fail(r, TJ_ERR_DATA, what);
        }
        return;
    }
    if (r->in_seg) {
        if (r->skip || is_native_code(name))
            r->skip++;
        return;
    }
    if (strcmp(name, "tu") == 0) {
        r->in_tu = true;
        r->have_source = r->have_target = r->have_engine = r->have_origin = false;
        tj_buf_reset(&r->source);
        tj_buf_reset(&r->target);
        tj_buf_reset(&r->engine);
        tj_buf_reset(&r->origin);
        const char *d = attr(atts, "changedate");
        r->changed = tj_tmx_parse_date(d ? d : attr(atts, "creationdate"));
    } else if (!r->in_tu) {
        return;
    } else if (strcmp(name, "prop") == 0) {
        const char *type = attr(atts, "type");
        r->prop = NULL;
        if (type && strcmp(type, TJ_TMX_ENGINE_PROP) == 0 && !r->have_engine)
            r->prop = &r->engine;
        else if (type && strcmp(type, TJ_TMX_ORIGIN_PROP) == 0 && !r->have_origin)
            r->prop = &r->origin;
        if (r->prop)
            tj_buf_reset(r->prop);
    } else if (strcmp(name, "tuv") == 0) {
        const char *lang = attr(atts, "xml:lang");
        if (!lang)
            lang = attr(atts, "lang"); /* TMX 1.1 */
        r->side = lang_is(lang, r->src_lang)   ? SIDE_SOURCE
                  : lang_is(lang, r->tgt_lang) ? SIDE_TARGET
                                               : SIDE_OTHER;
    } else if (strcmp(name, "seg") == 0 && r->side != SIDE_NONE) {
        r->in_seg = true;
        r->skip = 0;
        tj_buf_reset(&r->seg);
    }
}

/* Cuts white space off both ends of b. */
static void trim(struct tj_buf *b)
{
    if (!b->data)
        return;
    size_t s = 0, e = b->len;
    while (s < e && strchr(" \t\r\n", b->data[s]))
        s++;
    while (e > s && strchr(" \t\r\n", b->data[e - 1]))
        e--;
    memmove(b->data, b->data + s, e - s);
    b->len = e - s;
    b->data[b->len] = '\0';
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct reader *r = ud;
    if (r->in_seg) {
        if (r->skip) {
            r->skip--;
            return;
        }
        if (strcmp(name, "seg") != 0)
            return; /* the end of a <hi> */
        r->in_seg = false;
        struct tj_buf *to = NULL;
        if (r->side == SIDE_SOURCE && !r->have_source) {
            to = &r->source;
            r->have_source = true;
        } else if (r->side == SIDE_TARGET && !r->have_target) {
            to = &r->target;
            r->have_target = true;
        }
        if (to) {
            tj_buf_reset(to);
            tj_buf_append(to, r->seg.data, r->seg.len);
            trim(to);
        }
        return;
    }
    if (!r->in_tu)
        return;
    if (strcmp(name, "prop") == 0) {
        if (r->prop) {
            trim(r->prop);
            if (r->prop == &r->engine)
                r->have_engine = r->engine.len > 0;
            else
                r->have_origin = r->origin.len > 0;
        }
        r->prop = NULL;
    } else if (strcmp(name, "tuv") == 0) {
        r->side = SIDE_NONE;
    } else if (strcmp(name, "tu") == 0) {
        r->in_tu = false;
        r->counts.units++;
        if (!r->have_source || !r->have_target || !r->source.len || !r->target.len) {
            r->counts.skipped++;
            return;
        }
        struct tj_tmx_unit u = {r->source.data,
                                r->source.len,
                                r->target.data,
                                r->target.len,
                                r->have_engine ? r->engine.data : NULL,
                                r->have_origin ? r->origin.data : NULL,
                                r->changed};
        r->counts.given++;
        enum tj_status rc = r->fn(r->ud, &u, r->diag);
        if (rc != TJ_OK && r->rc == TJ_OK) {
            r->rc = rc;
            XML_StopParser(r->parser, XML_FALSE);
        }
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct reader *r = ud;
    struct tj_buf *to = NULL;
    if (r->in_seg && !r->skip)
        to = &r->seg;
    else if (r->prop)
        to = r->prop;
    if (!to)
        return;
    if (to->len + (size_t)len > TJ_TMX_MAX_SEG) {
        char what[96];
        snprintf(what, sizeof what, "a segment longer than %zu bytes", TJ_TMX_MAX_SEG);
        fail(r, TJ_ERR_DATA, what);
        return;
    }
    tj_buf_append(to, s, (size_t)len);
}

/* Entities declared in a DTD could expand without bound: a TMX file has no use for them. */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *system_id,
                              const XML_Char *public_id, const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)system_id;
    (void)public_id, (void)notation;
    fail(ud, TJ_ERR_DATA, "the file declares entities, which a TMX file does not need");
}

enum tj_status tj_tmx_read(const char *path, const char *src_lang, const char *tgt_lang,
                           tj_tmx_unit_fn fn, void *ud, struct tj_tmx_counts *counts,
                           struct tj_diag *diag)
{
    bool std = strcmp(path, "-") == 0;
    const char *name = std ? "<stdin>" : path;
    FILE *f = std ? stdin : fopen(path, "rb");
    if (!f)
        return tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: cannot read: %s", name, strerror(errno));
    struct reader r = {
        .name = name, .src_lang = src_lang, .tgt_lang = tgt_lang, .fn = fn, .ud = ud, .diag = diag};
    r.parser = XML_ParserCreate("UTF-8");
    if (!r.parser) {
        if (!std)
            fclose(f);
        return tj_diag_set(diag, TJ_ERR_DATA, "%s: cannot start the XML parser", name);
    }
    tj_buf_init(&r.seg, 0);
    tj_buf_init(&r.source, 0);
    tj_buf_init(&r.target, 0);
    tj_buf_init(&r.engine, 0);
    tj_buf_init(&r.origin, 0);
    XML_SetUserData(r.parser, &r);
    XML_SetElementHandler(r.parser, on_start, on_end);
    XML_SetCharacterDataHandler(r.parser, on_text);
    XML_SetEntityDeclHandler(r.parser, on_entity);
    char buf[1 << 16];
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        if (n == 0 && ferror(f)) {
            r.rc = tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: read error: %s", name, strerror(errno));
            break;
        }
        bool last = n < sizeof buf && (feof(f) || ferror(f));
        if (XML_Parse(r.parser, buf, (int)n, last) == XML_STATUS_ERROR) {
            if (r.rc == TJ_OK)
                r.rc = tj_diag_set(diag, TJ_ERR_DATA, "%s:%lu:%lu: %s", name,
                                   (unsigned long)XML_GetCurrentLineNumber(r.parser),
                                   (unsigned long)XML_GetCurrentColumnNumber(r.parser) + 1,
                                   XML_ErrorString(XML_GetErrorCode(r.parser)));
            break;
        }
        if (r.rc != TJ_OK || last)
            break;
    }
    if (r.rc == TJ_OK && !r.root_seen)
        r.rc = tj_diag_set(diag, TJ_ERR_DATA, "%s: not a TMX file (it is empty)", name);
    XML_ParserFree(r.parser);
    tj_buf_finish(&r.seg);
    tj_buf_finish(&r.source);
    tj_buf_finish(&r.target);
    tj_buf_finish(&r.engine);
    tj_buf_finish(&r.origin);
    if (!std)
        fclose(f);
    if (counts) {
        counts->units += r.counts.units;
        counts->given += r.counts.given;
        counts->skipped += r.counts.skipped;
    }
    return r.rc;
}
