/* Normalize, segment, pin; the streaming pipeline's windows. */
#include "pipeline.h"

#include "normalize.h"
#include "pin.h"
#include "qa.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* The display form and the pins of each segment of block b. */
static void prepare_block(const struct tj_glossary *g, struct tj_block *b)
{
    for (size_t i = 0; i < b->nsegs; i++) {
        struct tj_segment *s = &b->segs[i];
        size_t nlen;
        char *norm = tj_normalize_display(s->source, s->source_len, &nlen);
        free(s->source);
        s->source = norm;
        s->source_len = nlen;
        if (g) {
            free(s->pins);
            s->npins = tj_pin_find(g, s->source, s->source_len, &s->pins);
        }
    }
}

void tj_pipeline_prepare(const char *data, size_t len, const struct tj_glossary *g,
                         const struct tj_segment_options *opt, struct tj_document *doc)
{
    tj_segment_document(data, len, opt, doc);
    for (size_t b = 0; b < doc->nblocks; b++)
        prepare_block(g, &doc->blocks[b]);
}

struct tj_pipeline {
    struct tj_pipeline_config cfg;
    struct tj_client_stats local; /* cfg.stats when the caller gave none */
    struct tj_document window;
    size_t window_segments, window_bytes;
    size_t window_todo; /* segments the engine will get: those with Arabic letters */
    size_t window_cap;  /* segments that fill the window now */
    size_t batch;       /* a local engine's batch size, else 0 */
    size_t line_no;
    size_t blanks;  /* blank lines since the last block */
    unsigned id;    /* of the last segment numbered */
    size_t total;   /* segments so far */
    size_t bytes;   /* of input, to the end of the last line */
    size_t failed0; /* stats->failed at the start */
    enum tj_status rc;
    struct tj_diag diag;         /* the first engine error, or "" */
    struct tj_consistency *cons; /* cfg.consistency, or own */
    struct tj_consistency *own;
    unsigned doc; /* this input's number in cons */
};

/* A window waiting in a group; a closed pipeline's last one carries `last`. */
struct waiting {
    struct tj_pipeline *pl;
    struct tj_document doc;
    bool last;
};

struct tj_pipeline_group {
    struct tj_provider *const *chain;
    size_t nchain;
    const struct tj_client_options *client;
    struct waiting *v;
    size_t n, alloc;
    size_t segments, bytes, closed;
    bool flushing;
};

/* Inputs whose ends may wait in a group at once (each holds an output file open). */
#define GROUP_MAX_CLOSED 256

struct tj_pipeline *tj_pipeline_create(const struct tj_pipeline_config *cfg)
{
    struct tj_pipeline *pl = tj_xcalloc(1, sizeof *pl);
    pl->cfg = *cfg;
    if (!pl->cfg.stats)
        pl->cfg.stats = &pl->local;
    pl->failed0 = pl->cfg.stats->failed;
    if (cfg->nchain > 0 && tj_provider_is_local(cfg->chain[0])) {
        struct tj_provider_limits lim;
        tj_provider_limits(cfg->chain[0], &lim);
        pl->batch = lim.max_segments;
    }
    tj_document_init(&pl->window);
    pl->window_cap = cfg->window_segments && cfg->window_segments < TJ_PIPELINE_WINDOW_SEGMENTS
                         ? cfg->window_segments
                         : TJ_PIPELINE_WINDOW_SEGMENTS;
    pl->cons = cfg->consistency;
    if (!pl->cons)
        pl->cons = pl->own = tj_consistency_create(TJ_CONSISTENCY_BYTES);
    pl->doc = tj_consistency_begin(pl->cons);
    return pl;
}

static void group_push(struct tj_pipeline *pl, bool last);

/* Translates the window's blocks, writes them and frees them (with a group: hands them to it). */
static void run_window(struct tj_pipeline *pl)
{
    if (pl->cfg.group) {
        group_push(pl, false);
        return;
    }
    struct tj_document *w = &pl->window;
    if (pl->cfg.nchain > 0 && w->nblocks > 0) {
        struct tj_diag sub = {""};
        enum tj_status rc = tj_client_translate_chain(pl->cfg.chain, pl->cfg.nchain, w,
                                                      pl->cfg.client, pl->cfg.stats, &sub);
        /* Partial results are summed up at the end; an engine error is kept, the first. The
         * message of a success names what a fallback made up for. */
        if (rc != TJ_OK && rc != TJ_ERR_PARTIAL && pl->rc == TJ_OK)
            pl->rc = rc;
        if (rc != TJ_ERR_PARTIAL && sub.message[0] && !pl->diag.message[0])
            memcpy(pl->diag.message, sub.message, sizeof sub.message);
        tj_qa_document(w);
        tj_consistency_window(pl->cons, pl->doc, pl->cfg.name, w);
    }
    if (pl->cfg.on_window && w->nblocks > 0)
        pl->cfg.on_window(pl->cfg.on_window_ud, w);
    if (pl->cfg.writer)
        for (size_t b = 0; b < w->nblocks; b++)
            tj_writer_block(pl->cfg.writer, &w->blocks[b]);
    tj_document_finish(w);
    tj_document_init(w);
    pl->window_segments = pl->window_bytes = pl->window_todo = 0;
    pl->window_cap = pl->window_cap < TJ_PIPELINE_WINDOW_SEGMENTS / 2 ? 2 * pl->window_cap
                                                                      : TJ_PIPELINE_WINDOW_SEGMENTS;
}

void tj_pipeline_line(struct tj_pipeline *pl, const char *line, size_t len, size_t offset)
{
    pl->line_no++;
    pl->bytes = offset + len + 1;
    struct tj_block *b =
        tj_segment_block(&pl->window, line, len, pl->line_no, pl->blanks, offset, pl->cfg.seg);
    if (!b) {
        pl->blanks++;
        return;
    }
    pl->blanks = 0;
    prepare_block(pl->cfg.glossary, b);
    for (size_t i = 0; i < b->nsegs; i++) {
        struct tj_segment *s = &b->segs[i];
        s->id = ++pl->id;
        pl->window_bytes += s->source_len;
        pl->window_todo += pl->batch && tj_utf8_has_arabic(s->source, s->source_len);
    }
    pl->window_segments += b->nsegs;
    pl->total += b->nsegs;
    /* A local engine's window ends, where it can, after a whole number of its batches: then it
     * gets the batches it would get for the whole document, and the stats count the same. */
    bool full =
        pl->window_segments >= pl->window_cap || pl->window_bytes >= TJ_PIPELINE_WINDOW_BYTES;
    bool aligned = !pl->batch || pl->window_todo % pl->batch == 0;
    bool overfull = pl->window_segments >= 4 * pl->window_cap ||
                    pl->window_bytes >= 4 * TJ_PIPELINE_WINDOW_BYTES;
    if ((full && aligned) || overfull)
        run_window(pl);
}

void tj_pipeline_text(struct tj_pipeline *pl, const char *text, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        tj_pipeline_line(pl, text + pos, end - pos, pos);
        pos = nl ? end + 1 : len;
    }
}

void tj_pipeline_taken(const struct tj_pipeline *pl, size_t *segments, size_t *bytes)
{
    if (segments)
        *segments = pl->total;
    if (bytes)
        *bytes = pl->bytes;
}

enum tj_status tj_pipeline_finish(struct tj_pipeline *pl, struct tj_diag *diag)
{
    run_window(pl);
    bool engine = pl->cfg.nchain > 0;
    if (pl->cfg.writer)
        tj_writer_end(pl->cfg.writer, pl->blanks, engine ? pl->cfg.stats : NULL);
    if (diag)
        memcpy(diag->message, pl->diag.message, sizeof diag->message);
    size_t failed = pl->cfg.stats->failed - pl->failed0;
    if (!engine || failed == 0)
        return TJ_OK;
    if (pl->rc != TJ_OK)
        return pl->rc;
    return tj_diag_set(diag, TJ_ERR_PARTIAL, "%zu of %zu segments failed", failed, pl->total);
}

void tj_pipeline_destroy(struct tj_pipeline *pl)
{
    if (!pl)
        return;
    tj_document_finish(&pl->window);
    tj_consistency_destroy(pl->own);
    free(pl);
}

/* Adds the engine's counts for one document to a pipeline's. */
static void add_stats(struct tj_client_stats *to, const struct tj_client_stats *from)
{
    to->segments += from->segments;
    to->requests += from->requests;
    to->chars_sent += from->chars_sent;
    to->tm_hits += from->tm_hits;
    to->failed += from->failed;
    to->retries += from->retries;
    to->fallbacks += from->fallbacks;
}

/* Writes a closed pipeline's end and tells its owner. */
static void finish_closed(struct tj_pipeline *pl)
{
    struct tj_diag diag = {""};
    enum tj_status rc = tj_pipeline_finish(pl, &diag);
    if (pl->cfg.done)
        pl->cfg.done(pl->cfg.done_ud, pl, rc, &diag);
}

void tj_pipeline_group_flush(struct tj_pipeline_group *g)
{
    if (g->flushing || g->n == 0)
        return;
    g->flushing = true;
    size_t n = g->n;
    struct tj_document **docs = tj_xcalloc(n, sizeof *docs);
    struct tj_client_stats *st = tj_xcalloc(n, sizeof *st);
    for (size_t i = 0; i < n; i++)
        docs[i] = &g->v[i].doc;
    struct tj_diag sub = {""};
    enum tj_status rc = TJ_OK;
    if (g->nchain > 0)
        rc = tj_client_translate_docs(g->chain, g->nchain, docs, n, g->client, st, &sub);
    for (size_t i = 0; i < n; i++) {
        struct waiting *w = &g->v[i];
        struct tj_pipeline *pl = w->pl;
        add_stats(pl->cfg.stats, &st[i]);
        /* An engine error concerns the inputs that have failed segments; the message of a
         * success names what a fallback made up for. */
        if (rc != TJ_OK && rc != TJ_ERR_PARTIAL && st[i].failed && pl->rc == TJ_OK)
            pl->rc = rc;
        if (rc != TJ_ERR_PARTIAL && sub.message[0] && !pl->diag.message[0] &&
            (st[i].failed || st[i].fallbacks))
            memcpy(pl->diag.message, sub.message, sizeof sub.message);
        if (g->nchain > 0) {
            tj_qa_document(&w->doc);
            tj_consistency_window(pl->cons, pl->doc, pl->cfg.name, &w->doc);
        }
        if (pl->cfg.on_window && w->doc.nblocks > 0)
            pl->cfg.on_window(pl->cfg.on_window_ud, &w->doc);
        if (pl->cfg.writer)
            for (size_t b = 0; b < w->doc.nblocks; b++)
                tj_writer_block(pl->cfg.writer, &w->doc.blocks[b]);
        tj_document_finish(&w->doc);
        if (w->last) {
            pl->cfg.group = NULL; /* its end goes the single-pipeline way: nothing left */
            pl->cfg.chain = g->chain;
            pl->cfg.nchain = g->nchain;
            finish_closed(pl);
        }
    }
    free(docs);
    free(st);
    g->n = 0;
    g->segments = g->bytes = g->closed = 0;
    g->flushing = false;
}

static void group_push(struct tj_pipeline *pl, bool last)
{
    struct tj_pipeline_group *g = pl->cfg.group;
    if (g->n == g->alloc) {
        g->alloc = g->alloc ? g->alloc * 2 : 16;
        g->v = tj_xreallocarray(g->v, g->alloc, sizeof *g->v);
    }
    struct waiting *w = &g->v[g->n++];
    w->pl = pl;
    w->doc = pl->window; /* the group takes the window's blocks */
    w->last = last;
    g->segments += pl->window_segments;
    g->bytes += pl->window_bytes;
    g->closed += last;
    tj_document_init(&pl->window);
    pl->window_segments = pl->window_bytes = pl->window_todo = 0;
    if (g->segments >= TJ_PIPELINE_WINDOW_SEGMENTS || g->bytes >= TJ_PIPELINE_WINDOW_BYTES ||
        g->closed >= GROUP_MAX_CLOSED)
        tj_pipeline_group_flush(g);
}

struct tj_pipeline_group *tj_pipeline_group_create(struct tj_provider *const *chain, size_t nchain,
                                                   const struct tj_client_options *client)
{
    struct tj_pipeline_group *g = tj_xcalloc(1, sizeof *g);
    g->chain = chain;
    g->nchain = nchain;
    g->client = client;
    return g;
}

void tj_pipeline_group_destroy(struct tj_pipeline_group *g)
{
    if (!g)
        return;
    tj_pipeline_group_flush(g);
    free(g->v);
    free(g);
}

void tj_pipeline_close(struct tj_pipeline *pl)
{
    group_push(pl, true);
}
