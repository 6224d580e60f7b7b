/* Text, JSON and JSON Lines writers. */
#include "writer.h"

#include "glossary.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void put_blank_lines(struct tj_buf *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tj_buf_putc(out, '\n');
}

void tj_write_text(const struct tj_document *doc, struct tj_buf *out)
{
    for (size_t b = 0; b < doc->nblocks; b++) {
        const struct tj_block *bl = &doc->blocks[b];
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
    put_blank_lines(out, doc->blank_after);
}

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
    return o;
}

static void dump(json_t *j, size_t flags, struct tj_buf *out)
{
    char *s = json_dumps(j, flags);
    if (s) {
        tj_buf_puts(out, s);
        tj_buf_putc(out, '\n');
        free(s);
    }
}

void tj_write_json(const struct tj_document *doc, const struct tj_write_meta *meta,
                   struct tj_buf *out)
{
    json_t *root = json_object();
    json_object_set_new(root, "source_lang", json_string("ar"));
    json_object_set_new(root, "target_lang", json_string("en"));
    if (meta && meta->provider)
        json_object_set_new(root, "provider", json_string(meta->provider));
    json_t *blocks = json_array();
    for (size_t b = 0; b < doc->nblocks; b++) {
        const struct tj_block *bl = &doc->blocks[b];
        json_t *bj = json_object();
        json_object_set_new(bj, "kind", json_string(tj_block_kind_name(bl->kind)));
        json_object_set_new(bj, "line", json_integer((json_int_t)bl->line));
        json_t *segs = json_array();
        for (size_t i = 0; i < bl->nsegs; i++)
            json_array_append_new(segs, segment_json(&bl->segs[i]));
        json_object_set_new(bj, "segments", segs);
        json_array_append_new(blocks, bj);
    }
    json_object_set_new(root, "blocks", blocks);
    if (meta && meta->stats) {
        const struct tj_client_stats *st = meta->stats;
        json_t *sj = json_object();
        json_object_set_new(sj, "segments", json_integer((json_int_t)st->segments));
        json_object_set_new(sj, "requests", json_integer((json_int_t)st->requests));
        json_object_set_new(sj, "chars_sent", json_integer((json_int_t)st->chars_sent));
        json_object_set_new(sj, "tm_hits", json_integer((json_int_t)st->tm_hits));
        json_object_set_new(sj, "failed", json_integer((json_int_t)st->failed));
        json_object_set_new(root, "stats", sj);
    }
    dump(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER, out);
    json_decref(root);
}

void tj_write_jsonl(const struct tj_document *doc, const struct tj_write_meta *meta,
                    struct tj_buf *out)
{
    for (size_t b = 0; b < doc->nblocks; b++)
        for (size_t i = 0; i < doc->blocks[b].nsegs; i++) {
            json_t *o = segment_json(&doc->blocks[b].segs[i]);
            if (meta && meta->file)
                json_object_set_new(o, "file", json_string(meta->file));
            json_object_set_new(o, "block", json_integer((json_int_t)b + 1));
            dump(o, JSON_COMPACT | JSON_PRESERVE_ORDER, out);
            json_decref(o);
        }
}
