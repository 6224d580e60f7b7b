/* Batching and dispatch over one or many documents. Local engines are called in process; remote
 * providers go through the dispatcher (one libcurl multi loop). The segments of every document
 * given in one call travel together, so that requests stay in flight across documents. */
#include "client.h"

#include "dispatch.h"
#include "native.h"
#include "repair.h"
#include "strmap.h"
#include "tm.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A segment to translate, the document it belongs to, and the one before it in its block
 * (context for services that take it). */
struct todo {
    struct tj_segment *s;
    size_t doc;
    const struct tj_segment *prev;
};

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

/* A segment left untranslated because the run was stopped: failed, with its own code. */
static void mark_interrupted(struct tj_segment *s, const char *why)
{
    tj_segment_set_target(s, s->source, s->source_len, TJ_ORIGIN_FAILED);
    tj_segment_add_qa(s, "interrupted", "%s", why);
}

static bool stopped(const struct tj_client_options *o)
{
    return o && o->stop && *o->stop;
}

/* Tells the caller's progress callback, when there is one. */
static void report(const struct tj_client_options *o, const struct tj_client_progress *pr)
{
    if (o && o->progress)
        o->progress(o->progress_ud, pr);
}

/* Counts one request for each distinct document among todo[idx[0..n)], with the characters
 * each of them sent. seen is scratch of ndocs entries, left zeroed. */
static void count_request(struct tj_client_stats *st, const struct todo *todo, const size_t *idx,
                          const size_t *chars, size_t n, unsigned char *seen)
{
    for (size_t i = 0; i < n; i++) {
        const struct todo *t = &todo[idx[i]];
        st[t->doc].chars_sent += chars[i];
        if (!seen[t->doc]) {
            seen[t->doc] = 1;
            st[t->doc].requests++;
        }
    }
    for (size_t i = 0; i < n; i++)
        seen[todo[idx[i]].doc] = 0;
}

/* Sends todo[0..n) to a local engine in batches of the provider's size; once the run is
 * stopped, what is left fails as interrupted. */
static enum tj_status run_local(struct tj_provider *p, struct todo *todo, size_t n,
                                const struct tj_client_options *o, struct tj_client_stats *st,
                                unsigned char *seen, struct tj_diag *diag)
{
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    size_t per = lim.max_segments ? lim.max_segments : n;
    struct tj_batch_item *items = tj_xcalloc(per, sizeof *items);
    struct tj_result *results = tj_xcalloc(per, sizeof *results);
    size_t *idx = tj_xcalloc(per, sizeof *idx), *chars = tj_xcalloc(per, sizeof *chars);
    enum tj_status rc = TJ_OK;
    for (size_t at = 0; at < n; at += per) {
        if (stopped(o)) {
            for (size_t i = at; i < n; i++) {
                mark_interrupted(todo[i].s, "interrupted before it was translated");
                st[todo[i].doc].failed++;
            }
            break;
        }
        size_t k = n - at < per ? n - at : per;
        for (size_t i = 0; i < k; i++) {
            struct tj_segment *s = todo[at + i].s;
            items[i] = (struct tj_batch_item){s->source, s->source_len, s->pins, s->npins};
            idx[i] = at + i;
            chars[i] = tj_utf8_count(s->source, s->source_len);
        }
        struct tj_batch batch = {.items = items, .n = k};
        memset(results, 0, k * sizeof *results);
        struct tj_diag sub = {"engine failed"}; /* an engine may fail without a message */
        enum tj_status brc = tj_provider_translate_local(p, &batch, results, &sub);
        count_request(st, todo, idx, chars, k, seen);
        struct tj_client_progress pr = {0};
        for (size_t i = 0; i < k; i++) {
            struct todo *t = &todo[at + i];
            if (brc == TJ_OK && results[i].text) {
                apply_result(t->s, &results[i], TJ_ORIGIN_OFFLINE);
                t->s->engine = tj_provider_name(p);
                pr.done++;
            } else {
                tj_result_finish(&results[i]);
                mark_failed(t->s, brc == TJ_OK ? "engine returned nothing" : sub.message);
                st[t->doc].failed++;
            }
        }
        report(o, &pr);
        if (brc != TJ_OK && rc == TJ_OK)
            rc = tj_diag_set(diag, brc, "%s", sub.message);
    }
    free(idx);
    free(chars);
    free(items);
    free(results);
    return rc;
}

struct send_count {
    struct tj_client_stats *st;
    const struct todo *todo;
    const size_t *first; /* item -> index in todo of the segment that carries it */
    unsigned char *seen;
    const struct tj_client_options *o; /* for its progress callback; may be NULL */
    const char *engine;
};

/* The dispatcher's report of one request: which items (and how many of their characters) it
 * carried. Identical segments of other documents ride with their item for free. */
static void on_send(void *ud, const struct tj_dispatch_sent *sent, size_t n)
{
    struct send_count *sc = ud;
    size_t *idx = tj_xcalloc(n ? n : 1, sizeof *idx), *chars = tj_xcalloc(n ? n : 1, sizeof *chars);
    for (size_t i = 0; i < n; i++) {
        idx[i] = sc->first[sent[i].item];
        chars[i] = sent[i].chars;
    }
    count_request(sc->st, sc->todo, idx, chars, n, sc->seen);
    struct tj_client_progress pr = {.engine = sc->engine, .requests = 1};
    for (size_t i = 0; i < n; i++)
        pr.chars_sent += chars[i];
    report(sc->o, &pr);
    free(idx);
    free(chars);
}

/* Makes the native glossary of items[0..n) ready on the service (native.h): its id in *id, or
 * why it could not be in failed (TJ_DIAG_MAX bytes, "" when it was). */
static void prepare_native(struct tj_provider *p, const struct tj_dispatch_item *items, size_t n,
                           const struct tj_client_options *o, char **id, char *failed)
{
    struct tj_batch_item *bi = tj_xcalloc(n ? n : 1, sizeof *bi);
    for (size_t i = 0; i < n; i++)
        bi[i] = (struct tj_batch_item){items[i].text, items[i].len, items[i].pins, items[i].npins};
    struct tj_native_entry *entries;
    size_t ne = tj_native_entries(bi, n, &entries);
    struct tj_native_options no = {.timeout = o ? o->timeout : 0};
    struct tj_diag d;
    if (tj_native_prepare(p, entries, ne, &no, id, NULL, &d) != TJ_OK)
        snprintf(failed, TJ_DIAG_MAX, "%s", d.message);
    tj_native_entries_free(entries, ne);
    free(bi);
}

/* Where a remote engine's answers go: into the translation memory (when there is one) and the
 * progress callback's counts (when there is one). */
struct tm_store {
    struct tj_tm *tm;
    const char *engine;
    const struct todo *todo;
    const size_t *first;                  /* item -> index in todo of the segment that carries it */
    const struct tj_dispatch_item *items; /* the items given to the dispatcher */
    const struct tj_client_options *o;
    const size_t *weight; /* item -> how many segments it stands for (identical ones ride along) */
    bool *counted;        /* item -> reported done already */
};

/* Reports the items of done[0..n) not reported yet as done, with the segments riding on them. */
static void count_done(const struct tm_store *ts, const size_t *done, size_t n)
{
    if (!ts->o || !ts->o->progress)
        return;
    struct tj_client_progress pr = {0};
    for (size_t i = 0; i < n; i++)
        if (ts->items[done[i]].done && !ts->counted[done[i]]) {
            ts->counted[done[i]] = true;
            pr.done += ts->weight[done[i]];
        }
    if (pr.done)
        report(ts->o, &pr);
}

/* Stores the translations of items[done[0..n)] in one transaction. A failed write is kept in
 * the memory's error (tm.h) for the caller to report. */
static void store(const struct tm_store *ts, const struct tj_dispatch_item *items,
                  const size_t *done, size_t n)
{
    struct tj_tm_key *keys = tj_xcalloc(n ? n : 1, sizeof *keys);
    struct tj_tm_entry *entries = tj_xcalloc(n ? n : 1, sizeof *entries);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const struct tj_dispatch_item *it = &items[done[i]];
        if (!it->done || !it->result.text || it->result.qa_code) /* flagged by the engine */
            continue;
        const struct tj_segment *s = ts->todo[ts->first[done[i]]].s;
        tj_tm_key_init(&keys[k], s->source, s->source_len, s->pins, s->npins);
        entries[k] = (struct tj_tm_entry){.key = &keys[k],
                                          .source = s->source,
                                          .source_len = s->source_len,
                                          .engine = ts->engine,
                                          .target = it->result.text};
        k++;
    }
    tj_tm_put(ts->tm, entries, k, NULL);
    for (size_t i = 0; i < k; i++)
        tj_tm_key_finish(&keys[i]);
    free(keys);
    free(entries);
}

/* The dispatcher's report of one answer: its translations stored at once, so that a run killed
 * after it does not send them again. (Answers to requests of other item arrays, which the
 * client did not give the dispatcher, are not these items'.) */
static void on_done(void *ud, const struct tj_dispatch_item *items, const size_t *done, size_t n)
{
    const struct tm_store *ts = ud;
    if (items != ts->items)
        return;
    if (ts->tm)
        store(ts, items, done, n);
    count_done(ts, done, n);
}

/* Sends todo[0..n) to an HTTP provider through the dispatcher. Identical segments (in any of
 * the documents) are sent once: the first of each carries the request, the others copy its
 * result. */
static enum tj_status run_remote(struct tj_provider *p, struct todo *todo, size_t n,
                                 const struct tj_client_options *o, struct tj_client_stats *st,
                                 unsigned char *seen, struct tj_diag *diag)
{
    struct tj_dispatch_item *items = tj_xcalloc(n ? n : 1, sizeof *items);
    size_t *item_of = tj_xcalloc(n ? n : 1, sizeof *item_of);
    size_t *first = tj_xcalloc(n ? n : 1, sizeof *first);
    struct tj_strmap *known = tj_strmap_create();
    size_t ni = 0;
    for (size_t i = 0; i < n; i++) {
        struct tj_segment *s = todo[i].s;
        size_t *same = tj_strmap_get(known, s->source, s->source_len);
        if (same) {
            item_of[i] = *same;
            continue;
        }
        item_of[i] = ni;
        tj_strmap_put(known, s->source, s->source_len, &item_of[i]);
        first[ni] = i;
        struct tj_dispatch_item *it = &items[ni++];
        it->text = s->source;
        it->len = s->source_len;
        it->pins = s->pins;
        it->npins = s->npins;
        if (todo[i].prev) {
            it->context = todo[i].prev->source;
            it->context_len = todo[i].prev->source_len;
        }
    }
    size_t *weight = tj_xcalloc(ni ? ni : 1, sizeof *weight);
    bool *counted = tj_xcalloc(ni ? ni : 1, sizeof *counted);
    for (size_t i = 0; i < n; i++)
        weight[item_of[i]]++;
    struct send_count sc = {st, todo, first, seen, o, tj_provider_name(p)};
    struct tj_dispatch_options dop = {.on_send = on_send, .on_send_ud = &sc};
    if (o) {
        dop.jobs = o->jobs;
        dop.timeout = o->timeout;
        dop.requests_per_sec = o->requests_per_sec;
        dop.chars_per_min = o->chars_per_min;
        dop.dry_run = o->dry_run;
        dop.stop = o->stop;
    }
    struct tm_store ts = {o ? o->tm : NULL, tj_provider_name(p), todo, first, items, o, weight,
                          counted};
    if ((ts.tm || (o && o->progress)) && !dop.dry_run) {
        dop.on_done = on_done;
        dop.on_done_ud = &ts;
    }
    /* A native glossary the service must hold before the batches name it is made (or found)
     * first; one that cannot be leaves the pins to the provider's markup, and says so. */
    char *glossary_id = NULL;
    char native_failed[TJ_DIAG_MAX] = "";
    if (tj_provider_native_resource(p) && !dop.dry_run && !stopped(o))
        prepare_native(p, items, ni, o, &glossary_id, native_failed);
    dop.glossary_id = glossary_id;
    struct tj_dispatch_stats ds = {0};
    enum tj_status rc = tj_dispatch_run(p, items, ni, &dop, &ds, diag);
    /* Pins that came back wrong are mended, or sent again with the next strategy; the memory
     * then keeps the mended English. */
    tj_repair_run(p, items, ni, &dop, &ds);
    if (dop.on_done) {
        size_t *mended = tj_xcalloc(ni ? ni : 1, sizeof *mended), m = 0;
        for (size_t i = 0; i < ni; i++)
            if (items[i].done && items[i].nnotes)
                mended[m++] = i;
        if (m)
            dop.on_done(dop.on_done_ud, items, mended, m);
        free(mended);
    }
    for (size_t i = 0; i < n; i++) {
        struct tj_segment *s = todo[i].s;
        struct tj_dispatch_item *it = &items[item_of[i]];
        if (!it->done) {
            if (it->interrupted)
                mark_interrupted(s, it->error ? it->error : "interrupted");
            else
                mark_failed(s, it->error ? it->error : "not translated");
            st[todo[i].doc].failed++;
            continue;
        }
        tj_segment_set_target(s, it->result.text, strlen(it->result.text), TJ_ORIGIN_PROVIDER);
        s->engine = tj_provider_name(p);
        if (it->result.qa_code)
            tj_segment_add_qa(s, it->result.qa_code, "%s",
                              it->result.qa_message ? it->result.qa_message : "");
        if (native_failed[0] && s->npins)
            tj_segment_add_qa(s, "native_glossary", "%s; the pins travelled as markup",
                              native_failed);
        for (size_t k = 0; k < it->nnotes; k++)
            tj_segment_add_qa(s, it->notes[k].code, "%s", it->notes[k].message);
    }
    free(glossary_id);
    if (!dop.dry_run) {
        size_t *all = tj_xcalloc(ni ? ni : 1, sizeof *all);
        for (size_t i = 0; i < ni; i++)
            all[i] = i;
        /* Each answer was stored as it came; what was done to the English since (mends, later
         * requests) replaces it, so the memory keeps what the segment finally got. */
        if (ts.tm)
            store(&ts, items, all, ni);
        count_done(&ts, all, ni); /* answers the dispatcher did not hand over one by one */
        free(all);
    }
    free(weight);
    free(counted);
    st[0].retries += ds.retries; /* retries are per request: counted on the first document */
    for (size_t i = 0; i < ni; i++)
        tj_dispatch_item_finish(&items[i]);
    tj_strmap_destroy(known);
    free(first);
    free(item_of);
    free(items);
    return rc;
}

enum tj_status tj_client_translate(struct tj_provider *p, struct tj_document *doc,
                                   struct tj_client_stats *stats, struct tj_diag *diag)
{
    return tj_client_translate_docs(&p, 1, &doc, 1, NULL, stats, diag);
}

enum tj_status tj_client_translate_chain(struct tj_provider *const *chain, size_t nchain,
                                         struct tj_document *doc,
                                         const struct tj_client_options *opts,
                                         struct tj_client_stats *stats, struct tj_diag *diag)
{
    return tj_client_translate_docs(chain, nchain, &doc, 1, opts, stats, diag);
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

/* Serves todo[0..n) from the translation memory where it holds them: an approval, else the
 * translation of the first engine of the chain that has one (origin tm). With tm_candidates,
 * the others get the similar segments it holds. Returns how many are left, moved to the front
 * of todo. A failed lookup leaves them all to the engines and is kept in the memory's error. */
static size_t from_memory(struct tj_provider *const *chain, size_t nchain, struct todo *todo,
                          size_t n, const struct tj_client_options *o, struct tj_client_stats *st)
{
    const char **engines = tj_xcalloc(nchain ? nchain : 1, sizeof *engines);
    for (size_t k = 0; k < nchain; k++)
        engines[k] = tj_provider_name(chain[k]);
    struct tj_tm_key *keys = tj_xcalloc(n, sizeof *keys);
    struct tj_tm_hit *hits = tj_xcalloc(n, sizeof *hits);
    for (size_t i = 0; i < n; i++)
        tj_tm_key_init(&keys[i], todo[i].s->source, todo[i].s->source_len, todo[i].s->pins,
                       todo[i].s->npins);
    struct tj_diag d;
    if (tj_tm_get(o->tm, keys, n, engines, nchain, hits, &d) != TJ_OK)
        tj_tm_note_error(o->tm, d.message, 0);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        struct tj_segment *s = todo[i].s;
        if (hits[i].target) {
            s->target = hits[i].target; /* the segment takes it */
            s->origin = TJ_ORIGIN_TM;
            s->engine = hits[i].engine; /* static: a provider's name, or "human" */
            st[todo[i].doc].tm_hits++;
            continue;
        }
        if (o->tm_candidates)
            s->ncands = tj_tm_fuzzy(o->tm, &keys[i], TJ_TM_FUZZY_MIN, 3, &s->cands);
        todo[m++] = todo[i];
    }
    for (size_t i = 0; i < n; i++)
        tj_tm_key_finish(&keys[i]);
    free(keys);
    free(hits);
    free(engines);
    return m;
}

static size_t sum_failed(const struct tj_client_stats *st, size_t n)
{
    size_t f = 0;
    for (size_t i = 0; i < n; i++)
        f += st[i].failed;
    return f;
}

enum tj_status tj_client_translate_docs(struct tj_provider *const *chain, size_t nchain,
                                        struct tj_document *const *docs, size_t ndocs,
                                        const struct tj_client_options *opts,
                                        struct tj_client_stats *stats, struct tj_diag *diag)
{
    struct tj_client_stats *local = stats ? NULL : tj_xcalloc(ndocs ? ndocs : 1, sizeof *local);
    struct tj_client_stats *st = stats ? stats : local;
    size_t total = 0;
    for (size_t d = 0; d < ndocs; d++)
        total += tj_document_count(docs[d]);
    struct todo *todo = tj_xcalloc(total ? total : 1, sizeof *todo);
    unsigned char *seen = tj_xcalloc(ndocs ? ndocs : 1, 1);
    size_t n = 0;
    for (size_t d = 0; d < ndocs; d++)
        for (size_t b = 0; b < docs[d]->nblocks; b++) {
            struct tj_block *bl = &docs[d]->blocks[b];
            for (size_t i = 0; i < bl->nsegs; i++) {
                struct tj_segment *s = &bl->segs[i];
                st[d].segments++;
                if (s->target)
                    continue;
                if (!tj_utf8_has_arabic(s->source, s->source_len))
                    tj_segment_set_target(s, s->source, s->source_len, TJ_ORIGIN_COPY);
                else
                    todo[n++] = (struct todo){s, d, i ? &bl->segs[i - 1] : NULL};
            }
        }
    /* Copied (or given a target before) and served from the memory: done now. */
    struct tj_client_progress pr = {.done = total - n};
    if (opts && opts->tm && n > 0) {
        size_t before = n;
        n = from_memory(chain, nchain, todo, n, opts, st);
        pr.done += before - n;
        pr.tm_hits = before - n;
    }
    if (pr.done)
        report(opts, &pr);
    size_t failed_before = sum_failed(st, ndocs);
    size_t *failed_at_start = tj_xcalloc(ndocs ? ndocs : 1, sizeof *failed_at_start);
    enum tj_status rc = TJ_OK;
    /* Each engine of the chain gets what the ones before it could not translate. */
    for (size_t k = 0; k < nchain && n > 0; k++) {
        struct tj_provider *p = chain[k];
        for (size_t d = 0; d < ndocs; d++)
            failed_at_start[d] = st[d].failed;
        struct tj_diag sub = {""};
        enum tj_status prc = tj_provider_is_local(p) ? run_local(p, todo, n, opts, st, seen, &sub)
                                                     : run_remote(p, todo, n, opts, st, seen, &sub);
        if (prc != TJ_OK && prc != TJ_ERR_PARTIAL && rc == TJ_OK)
            rc = tj_diag_set(diag, prc, "%s", sub.message);
        if (k + 1 == nchain || stopped(opts))
            break; /* a stopped run hands nothing to the fallbacks */
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (todo[i].s->origin == TJ_ORIGIN_FAILED) {
                unfail(todo[i].s);
                st[todo[i].doc].fallbacks++;
                todo[m++] = todo[i];
            }
        for (size_t d = 0; d < ndocs; d++)
            st[d].failed = failed_at_start[d]; /* they get another chance */
        n = m;
    }
    free(failed_at_start);
    free(todo);
    free(seen);
    size_t failed = sum_failed(st, ndocs) - failed_before;
    free(local);
    if (failed)
        report(opts, &(struct tj_client_progress){.done = failed, .failed = failed});
    if (failed == 0)
        return TJ_OK; /* a fallback translated what the first engine refused */
    if (rc == TJ_OK)
        rc = tj_diag_set(diag, TJ_ERR_PARTIAL, "%zu of %zu segments failed", failed, total);
    return rc;
}
