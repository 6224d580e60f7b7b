/* Batching and dispatch. Local engines are called in process; the HTTP path (one libcurl multi
 * loop over build_request/parse_response) serves the remote providers. */
#include "client.h"

#include "dispatch.h"
#include "qa.h"
#include "strmap.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static void apply_result(struct tj_segment *s, struct tj_result *r, enum tj_origin origin)
{
    s->target = r->text;
    s->origin = origin;
    r->text = NULL;
    if (r->qa_code)
        tj_segment_add_qa(s, r->qa_code, "%s", r->qa_message ? r->qa_message : "");
    tj_result_finish(r);
}

static void mark_failed(struct tj_segment *s, const char *why)
{
    tj_segment_set_target(s, s->source, s->source_len, TJ_ORIGIN_FAILED);
    tj_segment_add_qa(s, "failed", "%s", why);
}

/* Sends segs[0..n) to a local engine in batches of the provider's size. */
static enum tj_status run_local(struct tj_provider *p, struct tj_segment **segs, size_t n,
                                struct tj_client_stats *st, struct tj_diag *diag)
{
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    size_t per = lim.max_segments ? lim.max_segments : n;
    struct tj_batch_item *items = tj_xcalloc(per, sizeof *items);
    struct tj_result *results = tj_xcalloc(per, sizeof *results);
    enum tj_status rc = TJ_OK;
    for (size_t at = 0; at < n; at += per) {
        size_t k = n - at < per ? n - at : per;
        for (size_t i = 0; i < k; i++) {
            struct tj_segment *s = segs[at + i];
            items[i] = (struct tj_batch_item){s->source, s->source_len, s->pins, s->npins};
            st->chars_sent += tj_utf8_count(s->source, s->source_len);
        }
        struct tj_batch batch = {.items = items, .n = k};
        memset(results, 0, k * sizeof *results);
        struct tj_diag sub = {"engine failed"}; /* an engine may fail without a message */
        enum tj_status brc = tj_provider_translate_local(p, &batch, results, &sub);
        st->requests++;
        for (size_t i = 0; i < k; i++) {
            if (brc == TJ_OK && results[i].text) {
                apply_result(segs[at + i], &results[i], TJ_ORIGIN_OFFLINE);
                segs[at + i]->engine = tj_provider_name(p);
            } else {
                tj_result_finish(&results[i]);
                mark_failed(segs[at + i], brc == TJ_OK ? "engine returned nothing" : sub.message);
                st->failed++;
            }
        }
        if (brc != TJ_OK && rc == TJ_OK)
            rc = tj_diag_set(diag, brc, "%s", sub.message);
    }
    free(items);
    free(results);
    return rc;
}

/* The segment before s in its block, as context for services that take it, or NULL. */
static const struct tj_segment *previous_in_block(const struct tj_document *doc,
                                                  const struct tj_segment *s)
{
    for (size_t b = 0; b < doc->nblocks; b++) {
        const struct tj_block *bl = &doc->blocks[b];
        if (bl->nsegs && s >= bl->segs && s < bl->segs + bl->nsegs)
            return s > bl->segs ? s - 1 : NULL;
    }
    return NULL;
}

/* Sends segs[0..n) to an HTTP provider through the dispatcher. Identical segments are sent
 * once: the first of each carries the request, the others copy its result. */
static enum tj_status run_remote(struct tj_provider *p, const struct tj_document *doc,
                                 struct tj_segment **segs, size_t n,
                                 const struct tj_client_options *o, struct tj_client_stats *st,
                                 struct tj_diag *diag)
{
    struct tj_dispatch_item *items = tj_xcalloc(n, sizeof *items);
    size_t *item_of = tj_xcalloc(n, sizeof *item_of);
    struct tj_strmap *seen = tj_strmap_create();
    size_t ni = 0;
    for (size_t i = 0; i < n; i++) {
        struct tj_segment *s = segs[i];
        size_t *first = tj_strmap_get(seen, s->source, s->source_len);
        if (first) {
            item_of[i] = *first;
            continue;
        }
        item_of[i] = ni;
        tj_strmap_put(seen, s->source, s->source_len, &item_of[i]);
        struct tj_dispatch_item *it = &items[ni++];
        it->text = s->source;
        it->len = s->source_len;
        it->pins = s->pins;
        it->npins = s->npins;
        const struct tj_segment *prev = previous_in_block(doc, s);
        if (prev) {
            it->context = prev->source;
            it->context_len = prev->source_len;
        }
    }
    struct tj_dispatch_options dop = {0};
    if (o) {
        dop.jobs = o->jobs;
        dop.timeout = o->timeout;
        dop.requests_per_sec = o->requests_per_sec;
        dop.chars_per_min = o->chars_per_min;
        dop.dry_run = o->dry_run;
        dop.stop = o->stop;
    }
    struct tj_dispatch_stats ds = {0};
    enum tj_status rc = tj_dispatch_run(p, items, ni, &dop, &ds, diag);
    st->requests += ds.requests;
    st->chars_sent += ds.chars_sent;
    st->retries += ds.retries;
    for (size_t i = 0; i < n; i++) {
        struct tj_segment *s = segs[i];
        struct tj_dispatch_item *it = &items[item_of[i]];
        if (!it->done) {
            mark_failed(s, it->error ? it->error : "not translated");
            st->failed++;
            continue;
        }
        tj_segment_set_target(s, it->result.text, strlen(it->result.text), TJ_ORIGIN_PROVIDER);
        s->engine = tj_provider_name(p);
        if (it->result.qa_code)
            tj_segment_add_qa(s, it->result.qa_code, "%s",
                              it->result.qa_message ? it->result.qa_message : "");
    }
    for (size_t i = 0; i < ni; i++)
        tj_dispatch_item_finish(&items[i]);
    tj_strmap_destroy(seen);
    free(item_of);
    free(items);
    return rc;
}

enum tj_status tj_client_translate(struct tj_provider *p, struct tj_document *doc,
                                   struct tj_client_stats *stats, struct tj_diag *diag)
{
    return tj_client_translate_chain(&p, 1, doc, NULL, stats, diag);
}

enum tj_status tj_client_translate_with(struct tj_provider *p, struct tj_document *doc,
                                        const struct tj_client_options *opts,
                                        struct tj_client_stats *stats, struct tj_diag *diag)
{
    return tj_client_translate_chain(&p, 1, doc, opts, stats, diag);
}

/* Makes a failed segment untranslated again, for the next engine of the chain. */
static void unfail(struct tj_segment *s)
{
    free(s->target);
    s->target = NULL;
    s->origin = TJ_ORIGIN_NONE;
    s->engine = NULL;
    size_t k = 0;
    for (size_t i = 0; i < s->nqa; i++) {
        if (strcmp(s->qa[i].code, "failed") == 0) {
            free(s->qa[i].code);
            free(s->qa[i].message);
            continue;
        }
        s->qa[k++] = s->qa[i];
    }
    s->nqa = k;
}

enum tj_status tj_client_translate_chain(struct tj_provider *const *chain, size_t nchain,
                                         struct tj_document *doc,
                                         const struct tj_client_options *opts,
                                         struct tj_client_stats *stats, struct tj_diag *diag)
{
    struct tj_client_stats local = {0};
    struct tj_client_stats *st = stats ? stats : &local;
    size_t total = tj_document_count(doc);
    struct tj_segment **todo = tj_xcalloc(total ? total : 1, sizeof *todo);
    size_t n = 0;
    for (size_t b = 0; b < doc->nblocks; b++)
        for (size_t i = 0; i < doc->blocks[b].nsegs; i++) {
            struct tj_segment *s = &doc->blocks[b].segs[i];
            st->segments++;
            if (s->target)
                continue;
            if (!tj_utf8_has_arabic(s->source, s->source_len))
                tj_segment_set_target(s, s->source, s->source_len, TJ_ORIGIN_COPY);
            else
                todo[n++] = s;
        }
    size_t failed_before = st->failed;
    enum tj_status rc = TJ_OK;
    /* Each engine of the chain gets what the ones before it could not translate. */
    for (size_t k = 0; k < nchain && n > 0; k++) {
        struct tj_provider *p = chain[k];
        size_t failed_at_start = st->failed;
        struct tj_diag sub = {""};
        enum tj_status prc = tj_provider_is_local(p) ? run_local(p, todo, n, st, &sub)
                                                     : run_remote(p, doc, todo, n, opts, st, &sub);
        if (prc != TJ_OK && prc != TJ_ERR_PARTIAL && rc == TJ_OK)
            rc = tj_diag_set(diag, prc, "%s", sub.message);
        if (k + 1 == nchain)
            break;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (todo[i]->origin == TJ_ORIGIN_FAILED) {
                unfail(todo[i]);
                todo[m++] = todo[i];
            }
        st->failed = failed_at_start; /* they get another chance */
        st->fallbacks += m;
        n = m;
    }
    free(todo);
    tj_qa_document(doc);
    size_t failed = st->failed - failed_before;
    if (failed == 0)
        return TJ_OK; /* a fallback translated what the first engine refused */
    if (rc == TJ_OK)
        rc = tj_diag_set(diag, TJ_ERR_PARTIAL, "%zu of %zu segments failed", failed, total);
    return rc;
}
