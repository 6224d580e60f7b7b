/* Document model storage. */
#include "document.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tj_document_init(struct tj_document *doc)
{
    memset(doc, 0, sizeof *doc);
}

static void segment_finish(struct tj_segment *s)
{
    free(s->source);
    free(s->target);
    free(s->pins);
    for (size_t i = 0; i < s->nqa; i++) {
        free(s->qa[i].code);
        free(s->qa[i].message);
    }
    free(s->qa);
    for (size_t i = 0; i < s->ncands; i++) {
        free(s->cands[i].source);
        free(s->cands[i].target);
        free(s->cands[i].engine);
    }
    free(s->cands);
}

void tj_document_finish(struct tj_document *doc)
{
    for (size_t b = 0; b < doc->nblocks; b++) {
        for (size_t s = 0; s < doc->blocks[b].nsegs; s++)
            segment_finish(&doc->blocks[b].segs[s]);
        free(doc->blocks[b].segs);
    }
    free(doc->blocks);
    tj_document_init(doc);
}

struct tj_block *tj_document_add_block(struct tj_document *doc, enum tj_block_kind kind,
                                       size_t line, size_t blank_before)
{
    /* Capacity grows by doubling: it is the next power of two at or above nblocks. */
    if ((doc->nblocks & (doc->nblocks - 1)) == 0)
        doc->blocks =
            tj_xreallocarray(doc->blocks, doc->nblocks ? doc->nblocks * 2 : 1, sizeof *doc->blocks);
    struct tj_block *b = &doc->blocks[doc->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->line = line;
    b->blank_before = blank_before;
    return b;
}

struct tj_segment *tj_block_add_segment(struct tj_block *b, const char *source, size_t len)
{
    if ((b->nsegs & (b->nsegs - 1)) == 0)
        b->segs = tj_xreallocarray(b->segs, b->nsegs ? b->nsegs * 2 : 1, sizeof *b->segs);
    struct tj_segment *s = &b->segs[b->nsegs++];
    memset(s, 0, sizeof *s);
    s->source = tj_xstrndup(source, len);
    s->source_len = len;
    return s;
}

size_t tj_document_count(const struct tj_document *doc)
{
    size_t n = 0;
    for (size_t b = 0; b < doc->nblocks; b++)
        n += doc->blocks[b].nsegs;
    return n;
}

void tj_document_number(struct tj_document *doc)
{
    unsigned id = 1;
    for (size_t b = 0; b < doc->nblocks; b++)
        for (size_t s = 0; s < doc->blocks[b].nsegs; s++)
            doc->blocks[b].segs[s].id = id++;
}

void tj_segment_add_qa(struct tj_segment *s, const char *code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->qa = tj_xreallocarray(s->qa, s->nqa + 1, sizeof *s->qa);
    s->qa[s->nqa].code = tj_xstrdup(code);
    s->qa[s->nqa].message = tj_xstrdup(msg);
    s->nqa++;
}

bool tj_segment_has_qa(const struct tj_segment *s, const char *code)
{
    for (size_t i = 0; i < s->nqa; i++)
        if (strcmp(s->qa[i].code, code) == 0)
            return true;
    return false;
}

void tj_segment_set_target(struct tj_segment *s, const char *text, size_t len,
                           enum tj_origin origin)
{
    free(s->target);
    s->target = tj_xstrndup(text, len);
    s->origin = origin;
}

const char *tj_origin_name(enum tj_origin o)
{
    static const char *const names[] = {"none", "provider", "tm", "offline", "copy", "failed"};
    return names[o];
}

const char *tj_block_kind_name(enum tj_block_kind k)
{
    static const char *const names[] = {"paragraph", "heading", "list_item"};
    return names[k];
}

bool tj_segment_approved(const struct tj_segment *s)
{
    if (!s->target || s->origin == TJ_ORIGIN_FAILED || s->origin == TJ_ORIGIN_NONE)
        return false;
    return s->approved ||
           (s->origin == TJ_ORIGIN_TM && s->engine && strcmp(s->engine, "human") == 0);
}
