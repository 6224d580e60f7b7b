/* Text, JSON and JSON Lines writers, and the dispatch to the XML ones (xmlout.h). Blocks are
 * written as they come: jansson builds and encodes one segment object at a time, and the JSON
 * document around the segments (its opening, each block's fields, the stats, the closing) is
 * written here in the layout jansson gives a whole document with JSON_INDENT(2), so that the
 * output is the same as encoding it at once. */
#include "writer.h"

#include "xmlout.h"

#include "glossary.h"

#include <assert.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *segment_json(const struct tj_segment *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "source", json_stringn(s->source, s->source_len));
    if (s->target) {
        json_object_set_new(o, "target", json_string(s->target));
        json_object_set_new(o, "origin", json_string(tj_origin_name(s->origin)));
        if (s->engine)
            json_object_set_new(o, "engine", json_string(s->engine));
    }
    json_t *pins = json_array();
    for (size_t i = 0; i < s->npins; i++) {
        const struct tj_pin *p = &s->pins[i];
        json_t *pj = json_object();
        json_object_set_new(pj, "source", json_stringn(s->source + p->start, p->end - p->start));
        json_object_set_new(pj, "target", json_string(p->term->english));
        json_object_set_new(pj, "start", json_integer((json_int_t)p->start));
        json_object_set_new(pj, "end", json_integer((json_int_t)p->end));
        json_object_set_new(pj, "type", json_string(tj_term_type_name(p->term->type)));
        json_array_append_new(pins, pj);
    }
    json_object_set_new(o, "pins", pins);
    json_t *qa = json_array();
    for (size_t i = 0; i < s->nqa; i++) {
        json_t *q = json_object();
        json_object_set_new(q, "code", json_string(s->qa[i].code));
        json_object_set_new(q, "message", json_string(s->qa[i].message));
        json_array_append_new(qa, q);
    }
    json_object_set_new(o, "qa", qa);
    if (s->ncands) {
        /* What the translation memory holds for similar segments: offered, never used. */
        json_t *cands = json_array();
        for (size_t i = 0; i < s->ncands; i++) {
            const struct tj_candidate *c = &s->cands[i];
            bool human = strcmp(c->engine, "human") == 0;
            json_t *cj = json_object();
            json_object_set_new(cj, "source", json_string(c->source));
            json_object_set_new(cj, "target", json_string(c->target));
            json_object_set_new(cj, "similarity", json_integer(c->similarity));
            json_object_set_new(cj, "origin", json_string(human ? "human" : "provider"));
            if (!human)
                json_object_set_new(cj, "engine", json_string(c->engine));
            json_array_append_new(cands, cj);
        }
        json_object_set_new(o, "candidates", cands);
    }
    if (tj_segment_approved(s))
        json_object_set_new(o, "approved", json_true());
    return o;
}

struct tj_writer {
    enum tj_format fmt;
    const char *provider; /* borrowed */
    const char *file;     /* borrowed */
    struct tj_buf *out;   /* borrowed */
    size_t nblocks;       /* written so far */
    struct tj_xmlout xml; /* HTML, XLIFF, TMX */
};

static bool is_xml(enum tj_format fmt)
{
    return fmt == TJ_FORMAT_HTML || fmt == TJ_FORMAT_XLIFF || fmt == TJ_FORMAT_TMX;
}

static void put_blank_lines(struct tj_buf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tj_buf_putc(out, '\n');
}

/* Appends what jansson encodes, with `indent` spaces after each line end: a value encoded on its
 * own then sits at that depth of the document. JSON strings never hold a raw line end, so each
 * one is jansson's. */
struct indented {
    struct tj_buf *out;
    size_t indent;
};

static int put_indented(const char *buf, size_t size, void *data)
{
    struct indented *ind = data;
    static const char spaces[] = "                                ";
    const char *end = buf + size;
    while (buf < end) {
        const char *nl = memchr(buf, '\n', (size_t)(end - buf));
        size_t n = nl ? (size_t)(nl - buf) + 1 : (size_t)(end - buf);
        tj_buf_append(ind->out, buf, n);
        if (nl)
            tj_buf_append(ind->out, spaces, ind->indent);
        buf += n;
    }
    return 0;
}

/* Appends v encoded as jansson does inside a document pretty-printed with JSON_INDENT(2),
 * `depth` levels down (compact when depth is 0 and compact is set). */
static void put_json(struct tj_buf *out, const json_t *v, size_t depth, bool compact)
{
    struct indented ind = {out, 2 * depth};
    size_t flags =
        JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | (compact ? JSON_COMPACT : JSON_INDENT(2));
    json_dump_callback(v, put_indented, &ind, flags);
}

/* A JSON string literal for s. */
static void put_string(struct tj_buf *out, const char *s)
{
    json_t *j = json_string(s);
    put_json(out, j, 0, false);
    json_decref(j);
}

struct tj_writer *tj_writer_create(enum tj_format fmt, const struct tj_write_meta *meta,
                                   struct tj_buf *out)
{
    assert(out->cap == 0); /* an uncapped buffer: no append can fail (see writer.h) */
    struct tj_writer *w = tj_xcalloc(1, sizeof *w);
    w->fmt = fmt;
    w->provider = meta ? meta->provider : NULL;
    w->file = meta ? meta->file : NULL;
    w->out = out;
    if (is_xml(fmt)) {
        tj_xmlout_init(&w->xml, out, meta, fmt != TJ_FORMAT_HTML);
        if (fmt == TJ_FORMAT_HTML)
            tj_html_begin(&w->xml);
        else if (fmt == TJ_FORMAT_XLIFF)
            tj_xliff_begin(&w->xml);
        else
            tj_tmx_begin(&w->xml);
        tj_xmlout_flush(&w->xml);
    }
    if (fmt == TJ_FORMAT_JSON) {
        tj_buf_puts(out, "{\n  \"source_lang\": \"ar\",\n  \"target_lang\": \"en\",\n");
        if (w->provider) {
            tj_buf_puts(out, "  \"provider\": ");
            put_string(out, w->provider);
            tj_buf_puts(out, ",\n");
        }
        tj_buf_puts(out, "  \"blocks\": [");
    }
    return w;
}

static void text_block(struct tj_buf *out, const struct tj_block *bl)
{
    put_blank_lines(out, bl->blank_before);
    for (size_t i = 0; i < bl->nsegs; i++) {
        const struct tj_segment *s = &bl->segs[i];
        if (i)
            tj_buf_putc(out, ' ');
        if (s->origin == TJ_ORIGIN_FAILED || !s->target) {
            tj_buf_puts(out, "[untranslated] ");
            tj_buf_append(out, s->source, s->source_len);
        } else {
            tj_buf_puts(out, s->target);
        }
    }
    tj_buf_putc(out, '\n');
}

/* The block as an element of the document's "blocks" array (depth 2). */
static void json_block(struct tj_buf *out, const struct tj_block *bl, bool first)
{
    tj_buf_puts(out, first ? "\n    {\n      \"kind\": " : ",\n    {\n      \"kind\": ");
    put_string(out, tj_block_kind_name(bl->kind));
    tj_buf_printf(out, ",\n      \"line\": %zu,\n      \"segments\": [", bl->line);
    for (size_t i = 0; i < bl->nsegs; i++) {
        tj_buf_puts(out, i ? ",\n        " : "\n        ");
        json_t *o = segment_json(&bl->segs[i]);
        put_json(out, o, 4, false);
        json_decref(o);
    }
    tj_buf_puts(out, bl->nsegs ? "\n      ]\n    }" : "]\n    }");
}

static void jsonl_block(const struct tj_writer *w, const struct tj_block *bl, size_t number)
{
    for (size_t i = 0; i < bl->nsegs; i++) {
        json_t *o = segment_json(&bl->segs[i]);
        if (w->file)
            json_object_set_new(o, "file", json_string(w->file));
        json_object_set_new(o, "block", json_integer((json_int_t)number));
        put_json(w->out, o, 0, true);
        tj_buf_putc(w->out, '\n');
        json_decref(o);
    }
}

void tj_writer_segment_json(const struct tj_segment *s, struct tj_buf *out)
{
    json_t *o = segment_json(s);
    put_json(out, o, 0, true);
    json_decref(o);
}

void tj_writer_block(struct tj_writer *w, const struct tj_block *b)
{
    switch (w->fmt) {
    case TJ_FORMAT_TEXT:
        text_block(w->out, b);
        break;
    case TJ_FORMAT_JSON:
        json_block(w->out, b, w->nblocks == 0);
        break;
    case TJ_FORMAT_JSONL:
        jsonl_block(w, b, w->nblocks + 1);
        break;
    case TJ_FORMAT_HTML:
        tj_html_block(&w->xml, b);
        break;
    case TJ_FORMAT_XLIFF:
        tj_xliff_block(&w->xml, b);
        break;
    case TJ_FORMAT_TMX:
        tj_tmx_block(&w->xml, b);
        break;
    }
    if (is_xml(w->fmt)) {
        w->xml.nblocks++;
        tj_xmlout_flush(&w->xml);
    }
    w->nblocks++;
}

void tj_writer_end(struct tj_writer *w, size_t blank_after, const struct tj_client_stats *stats)
{
    if (w->fmt == TJ_FORMAT_TEXT) {
        put_blank_lines(w->out, blank_after);
        return;
    }
    if (is_xml(w->fmt)) {
        if (w->fmt == TJ_FORMAT_HTML)
            tj_html_end(&w->xml, stats);
        else if (w->fmt == TJ_FORMAT_XLIFF)
            tj_xliff_end(&w->xml);
        else
            tj_tmx_end(&w->xml);
        tj_xmlout_finish(&w->xml);
        return;
    }
    if (w->fmt != TJ_FORMAT_JSON)
        return;
    tj_buf_puts(w->out, w->nblocks ? "\n  ]" : "]");
    if (stats) {
        json_t *sj = json_object();
        json_object_set_new(sj, "segments", json_integer((json_int_t)stats->segments));
        json_object_set_new(sj, "requests", json_integer((json_int_t)stats->requests));
        json_object_set_new(sj, "chars_sent", json_integer((json_int_t)stats->chars_sent));
        json_object_set_new(sj, "tm_hits", json_integer((json_int_t)stats->tm_hits));
        json_object_set_new(sj, "failed", json_integer((json_int_t)stats->failed));
        tj_buf_puts(w->out, ",\n  \"stats\": ");
        put_json(w->out, sj, 1, false);
        json_decref(sj);
    }
    tj_buf_puts(w->out, "\n}\n");
}

void tj_writer_destroy(struct tj_writer *w)
{
    if (w && is_xml(w->fmt))
        tj_xmlout_discard(&w->xml);
    free(w);
}

void tj_write_document(enum tj_format fmt, const struct tj_document *doc,
                       const struct tj_write_meta *meta, struct tj_buf *out)
{
    struct tj_writer *w = tj_writer_create(fmt, meta, out);
    for (size_t b = 0; b < doc->nblocks; b++)
        tj_writer_block(w, &doc->blocks[b]);
    tj_writer_end(w, doc->blank_after, meta ? meta->stats : NULL);
    tj_writer_destroy(w);
}

void tj_write_text(const struct tj_document *doc, struct tj_buf *out)
{
    tj_write_document(TJ_FORMAT_TEXT, doc, NULL, out);
}

void tj_write_json(const struct tj_document *doc, const struct tj_write_meta *meta,
                   struct tj_buf *out)
{
    tj_write_document(TJ_FORMAT_JSON, doc, meta, out);
}

void tj_write_jsonl(const struct tj_document *doc, const struct tj_write_meta *meta,
                    struct tj_buf *out)
{
    tj_write_document(TJ_FORMAT_JSONL, doc, meta, out);
}
