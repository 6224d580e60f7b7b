/* Units (segments, or parts of segments cut to the provider's size) are packed into batches;
 * batches wait in a queue with the time before which they may not go (backoff, Retry-After,
 * pacing); the loop sends what may go into the transport's free slots and handles each answer
 * as it comes. */
#include "dispatch.h"

#include "http.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct unit {
    struct tj_batch_item bi;
    size_t item;     /* index of the item it belongs to */
    size_t part;     /* which part of it (0 for a whole item) */
    size_t chars;    /* code points of its text */
    bool alone_done; /* already tried again alone after an echo or empty answer */
    bool done, failed;
    bool interrupted; /* failed because the run was stopped (tj_dispatch_options.stop) */
    struct tj_result result;
    char *error;
    enum tj_perror error_kind;
};

struct batch {
    struct run *run;
    size_t *units;
    size_t n;
    unsigned attempts;          /* requests sent for this batch */
    unsigned protocol_failures; /* answers that could not be understood */
    double not_before;
    bool queued, in_flight;
    struct tj_batch_item *items; /* the request's view of the units, while in flight */
    struct tj_http_request req;
};

struct run {
    struct tj_provider *p;
    struct tj_provider_limits lim;
    struct tj_dispatch_options o;
    struct tj_http *http;
    struct tj_bucket requests, chars;
    struct tj_breaker breaker;
    uint64_t seed;
    struct tj_dispatch_item *items;
    struct tj_split *splits; /* of each item */
    size_t *first_unit;      /* of each item: its units are units[first_unit, + its parts) */
    struct unit *units;
    size_t nunits;
    struct batch **batches;
    size_t nbatches, abatches;
    size_t in_flight;
    bool answered;             /* the service answered at least once */
    unsigned connect_failures; /* in a row, before any answer */
    enum tj_perror fatal;      /* quota or auth: the provider is done for this run */
    char fatal_message[512];
    bool unreachable;
    struct tj_dispatch_stats st;
};

static struct batch *new_batch(struct run *r, const size_t *units, size_t n)
{
    struct batch *b = tj_xcalloc(1, sizeof *b);
    b->run = r;
    b->units = tj_xmalloc(n * sizeof *b->units);
    memcpy(b->units, units, n * sizeof *units);
    b->n = n;
    b->queued = true;
    if (r->nbatches == r->abatches) {
        r->abatches = r->abatches ? r->abatches * 2 : 16;
        r->batches = tj_xreallocarray(r->batches, r->abatches, sizeof *r->batches);
    }
    r->batches[r->nbatches++] = b;
    return b;
}

static void fail_unit(struct run *r, struct unit *u, enum tj_perror kind, const char *why)
{
    if (u->done || u->failed)
        return;
    u->failed = true;
    u->error_kind = kind;
    u->error = tj_xstrdup(why);
    r->st.failed++;
}

static void fail_batch(struct batch *b, enum tj_perror kind, const char *why)
{
    for (size_t i = 0; i < b->n; i++)
        fail_unit(b->run, &b->run->units[b->units[i]], kind, why);
    b->queued = false;
}

/* Fails b's units because the run was stopped. */
static void interrupt_batch(struct batch *b, const char *why)
{
    for (size_t i = 0; i < b->n; i++) {
        struct unit *u = &b->run->units[b->units[i]];
        if (!u->done && !u->failed)
            u->interrupted = true;
    }
    fail_batch(b, TJ_PERR_RETRYABLE, why);
}

/* Fails everything not yet sent: the provider cannot be used any more in this run. */
static void fail_all_queued(struct run *r, enum tj_perror kind, const char *why)
{
    for (size_t i = 0; i < r->nbatches; i++)
        if (r->batches[i]->queued)
            fail_batch(r->batches[i], kind, why);
}

/* Cuts b in halves, queued for now; a batch of one unit fails instead. */
static void split_or_fail(struct batch *b, enum tj_perror kind, const char *why)
{
    struct run *r = b->run;
    if (b->n < 2) {
        fail_batch(b, kind, why);
        return;
    }
    size_t half = b->n / 2;
    b->queued = false;
    r->st.splits++;
    /* new_batch may move r->batches, never b itself. */
    size_t *units = b->units;
    new_batch(r, units, half);
    new_batch(r, units + half, b->n - half);
}

/* Queues b again after a backoff, or fails it when its attempts are spent. */
static void retry_later(struct batch *b, double retry_after, const char *why)
{
    struct run *r = b->run;
    if (b->attempts >= r->o.retry.attempts) {
        fail_batch(b, TJ_PERR_RETRYABLE, why);
        return;
    }
    if (retry_after > r->o.retry.max_retry_after) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s (the service asked to wait %.0f s)", why, retry_after);
        fail_batch(b, TJ_PERR_RETRYABLE, msg);
        return;
    }
    double wait = tj_backoff(&r->o.retry, b->attempts, &r->seed);
    if (retry_after > wait)
        wait = retry_after;
    b->not_before = tj_now() + wait;
    b->queued = true;
    r->st.retries++;
}

/* The provider's view of b while it is in flight: its units, and the article's text before
 * the first of them as context. */
static struct tj_batch batch_view(const struct batch *b)
{
    const struct run *r = b->run;
    const struct unit *first = &r->units[b->units[0]];
    const struct tj_dispatch_item *it = &r->items[first->item];
    struct tj_batch tb = {b->items, b->n, NULL, 0, r->o.glossary_id, r->o.strategy};
    if (first->part == 0) {
        tb.context = it->context;
        tb.context_len = it->context_len;
    }
    return tb;
}

static void end_flight(struct batch *b)
{
    b->in_flight = false;
    b->run->in_flight--;
    tj_http_request_finish(&b->req);
    free(b->items);
    b->items = NULL;
}

/* Once every unit of item i is done, moves their results into the item (joined when it was cut
 * into parts) and marks it done. Returns true when it has just become done. */
static bool complete_item(struct run *r, size_t i)
{
    struct tj_dispatch_item *it = &r->items[i];
    if (it->done || it->error)
        return false;
    size_t parts = r->splits[i].n;
    struct unit *u = &r->units[r->first_unit[i]];
    for (size_t k = 0; k < parts; k++)
        if (!u[k].done)
            return false;
    if (parts == 1) {
        it->result = u[0].result;
        memset(&u[0].result, 0, sizeof u[0].result);
    } else {
        struct tj_result *res = tj_xcalloc(parts, sizeof *res);
        for (size_t k = 0; k < parts; k++) {
            res[k] = u[k].result;
            memset(&u[k].result, 0, sizeof u[k].result);
        }
        tj_split_join(&r->splits[i], res, &it->result);
        free(res);
    }
    it->done = true;
    return true;
}

/* Completes the items that b's answer finished and hands them to the caller (o.on_done). */
static void report_done(struct batch *b)
{
    struct run *r = b->run;
    size_t *done = tj_xmalloc(b->n * sizeof *done), k = 0;
    for (size_t i = 0; i < b->n; i++) {
        size_t item = r->units[b->units[i]].item;
        if (complete_item(r, item))
            done[k++] = item;
    }
    if (k && r->o.on_done)
        r->o.on_done(r->o.on_done_ud, r->items, done, k);
    free(done);
}

static void take_results(struct batch *b, struct tj_result *results)
{
    struct run *r = b->run;
    for (size_t i = 0; i < b->n; i++) {
        struct unit *u = &r->units[b->units[i]];
        struct tj_result *res = &results[i];
        bool suspect = res->flags & (TJ_RESULT_ECHO | TJ_RESULT_EMPTY);
        if (suspect && !u->alone_done) {
            /* Once more on its own: a batch answer can be misaligned or cut short. */
            u->alone_done = true;
            tj_result_finish(res);
            new_batch(r, &b->units[i], 1);
            continue;
        }
        if (suspect) {
            fail_unit(r, u, TJ_PERR_PROTOCOL,
                      res->flags & TJ_RESULT_ECHO ? "the engine returned the Arabic source"
                                                  : "the engine returned an empty translation");
            tj_result_finish(res);
            continue;
        }
        u->result = *res;
        memset(res, 0, sizeof *res);
        u->done = true;
    }
}

static void on_answer(void *ud, const struct tj_http_response *resp, enum tj_http_fail fail,
                      const char *message)
{
    struct batch *b = ud;
    struct run *r = b->run;
    double now = tj_now();
    if (fail != TJ_HTTP_OK) {
        end_flight(b);
        if (fail == TJ_HTTP_CANCELLED) {
            interrupt_batch(b, "interrupted: the request in flight was abandoned");
            return;
        }
        tj_breaker_failure(&r->breaker, now);
        char why[256];
        snprintf(why, sizeof why, "%s", message ? message : "transfer failed");
        if (fail == TJ_HTTP_CONNECT && !r->answered && ++r->connect_failures >= 2) {
            /* Nothing ever answered: the service is not there. Fail fast. */
            r->unreachable = true;
            snprintf(r->fatal_message, sizeof r->fatal_message, "cannot reach %s: %s",
                     tj_provider_name(r->p), why);
            fail_batch(b, TJ_PERR_RETRYABLE, r->fatal_message);
            fail_all_queued(r, TJ_PERR_RETRYABLE, r->fatal_message);
            return;
        }
        if (fail == TJ_HTTP_TOO_BIG) {
            split_or_fail(b, TJ_PERR_PROTOCOL, why);
            return;
        }
        retry_later(b, 0, why);
        return;
    }
    r->answered = true;
    r->connect_failures = 0;
    struct tj_batch tb = batch_view(b);
    struct tj_result *results = tj_xcalloc(b->n, sizeof *results);
    struct tj_provider_error err = {0};
    enum tj_perror kind = tj_provider_parse_response(r->p, &tb, resp, results, &err);
    double retry_after = err.retry_after;
    if (retry_after <= 0)
        retry_after = tj_http_retry_after(resp, (long long)time(NULL));
    end_flight(b);
    switch (kind) {
    case TJ_PERR_NONE:
        tj_breaker_success(&r->breaker);
        take_results(b, results);
        b->queued = false;
        report_done(b);
        break;
    case TJ_PERR_RETRYABLE:
        tj_breaker_failure(&r->breaker, now);
        retry_later(b, retry_after, err.message);
        break;
    case TJ_PERR_QUOTA:
    case TJ_PERR_AUTH:
        if (r->fatal == TJ_PERR_NONE) {
            r->fatal = kind;
            snprintf(r->fatal_message, sizeof r->fatal_message, "%s", err.message);
        }
        fail_batch(b, kind, err.message);
        fail_all_queued(r, kind, err.message);
        break;
    case TJ_PERR_TOO_LARGE:
    case TJ_PERR_BAD_REQUEST:
        split_or_fail(b, kind, err.message);
        break;
    case TJ_PERR_PROTOCOL:
        if (++b->protocol_failures < 2)
            retry_later(b, 0, err.message);
        else
            split_or_fail(b, kind, err.message);
        break;
    }
    for (size_t i = 0; i < b->n; i++)
        tj_result_finish(&results[i]);
    free(results);
}

static size_t batch_chars(const struct run *r, const struct batch *b)
{
    size_t c = 0;
    for (size_t i = 0; i < b->n; i++)
        c += r->units[b->units[i]].chars;
    return c;
}

/* Builds b's request and sends it (or, in a dry run, counts it). False when b had to be
 * split or failed instead. */
static bool send_batch(struct run *r, struct batch *b, double now)
{
    b->items = tj_xmalloc(b->n * sizeof *b->items);
    for (size_t i = 0; i < b->n; i++)
        b->items[i] = r->units[b->units[i]].bi;
    struct tj_batch tb = batch_view(b);
    struct tj_diag d;
    enum tj_status rc = tj_provider_build_request(r->p, &tb, &b->req, &d);
    if (rc != TJ_OK) {
        free(b->items);
        b->items = NULL;
        if (rc == TJ_ERR_DATA)
            split_or_fail(b, TJ_PERR_TOO_LARGE, d.message);
        else
            fail_batch(b, TJ_PERR_BAD_REQUEST, d.message);
        return false;
    }
    size_t chars = batch_chars(r, b);
    if (r->o.on_send) {
        struct tj_dispatch_sent *sent = tj_xmalloc(b->n * sizeof *sent);
        for (size_t i = 0; i < b->n; i++) {
            const struct unit *u = &r->units[b->units[i]];
            sent[i] = (struct tj_dispatch_sent){u->item, u->chars};
        }
        r->o.on_send(r->o.on_send_ud, sent, b->n);
        free(sent);
    }
    tj_bucket_take(&r->requests, 1, now);
    tj_bucket_take(&r->chars, (double)chars, now);
    r->st.requests++;
    r->st.chars_sent += chars;
    b->attempts++;
    b->queued = false;
    if (r->o.dry_run) {
        tj_http_request_finish(&b->req);
        free(b->items);
        b->items = NULL;
        for (size_t i = 0; i < b->n; i++)
            fail_unit(r, &r->units[b->units[i]], TJ_PERR_NONE, "dry run: not sent");
        return true;
    }
    b->in_flight = true;
    r->in_flight++;
    tj_http_submit(r->http, &b->req, on_answer, b);
    return true;
}

/* Sends what may go now. Returns seconds until the next queued batch may go (or 1 when
 * nothing waits). */
static double send_ready(struct run *r)
{
    double now = tj_now(), next = 1;
    bool stopping = r->o.stop && *r->o.stop;
    for (size_t i = 0; i < r->nbatches; i++) {
        struct batch *b = r->batches[i];
        if (!b->queued)
            continue;
        if (stopping) {
            interrupt_batch(b, "interrupted before it was sent");
            continue;
        }
        if (r->in_flight >= r->o.jobs)
            return 0.05;
        double wait = b->not_before > now ? b->not_before - now : 0;
        double w = tj_breaker_wait(&r->breaker, now);
        wait = w > wait ? w : wait;
        if (wait == 0) {
            w = tj_bucket_wait(&r->requests, 1, now);
            wait = w > wait ? w : wait;
            w = tj_bucket_wait(&r->chars, (double)batch_chars(r, b), now);
            wait = w > wait ? w : wait;
        }
        if (wait > 0) {
            next = wait < next ? wait : next;
            continue;
        }
        send_batch(r, b, now);
    }
    return next;
}

static bool has_queued(const struct run *r)
{
    for (size_t i = 0; i < r->nbatches; i++)
        if (r->batches[i]->queued)
            return true;
    return false;
}

/* Packs units[0..n) into batches within the provider's limits. */
static void pack(struct run *r)
{
    size_t max_n = r->lim.max_segments ? r->lim.max_segments : 50;
    size_t *buf = tj_xmalloc((r->nunits ? r->nunits : 1) * sizeof *buf);
    size_t k = 0, bytes = 0, chars = 0;
    for (size_t i = 0; i < r->nunits; i++) {
        struct unit *u = &r->units[i];
        size_t ub = tj_provider_item_bytes(r->p, &u->bi);
        bool full = k == max_n || (r->lim.max_bytes && bytes + ub > r->lim.max_bytes * 9 / 10) ||
                    (r->lim.max_chars && chars + u->chars > r->lim.max_chars);
        if (k > 0 && full) {
            new_batch(r, buf, k);
            k = bytes = chars = 0;
        }
        buf[k++] = i;
        bytes += ub;
        chars += u->chars;
    }
    if (k > 0)
        new_batch(r, buf, k);
    free(buf);
}

static void sleep_for(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

enum tj_status tj_dispatch_run(struct tj_provider *p, struct tj_dispatch_item *items, size_t n,
                               const struct tj_dispatch_options *opts, struct tj_dispatch_stats *st,
                               struct tj_diag *diag)
{
    struct run r = {0};
    r.p = p;
    r.items = items;
    if (opts)
        r.o = *opts;
    tj_provider_limits(p, &r.lim);
    if (!r.o.jobs)
        r.o.jobs = r.lim.concurrency ? r.lim.concurrency : 4;
    tj_retry_policy_defaults(&r.o.retry);
    double now = tj_now();
    double rps = r.o.requests_per_sec > 0 ? r.o.requests_per_sec : r.lim.requests_per_sec;
    double cpm = r.o.chars_per_min > 0 ? r.o.chars_per_min : r.lim.chars_per_min;
    tj_bucket_init(&r.requests, rps, rps > 1 ? rps : 1, now);
    tj_bucket_init(&r.chars, cpm / 60, cpm, now);
    tj_breaker_init(&r.breaker, r.o.breaker_threshold, r.o.breaker_cooldown);
    r.seed = (uint64_t)(now * 1e6) ^ (uint64_t)(uintptr_t)items;
    struct tj_http_options ho = {.max_in_flight = r.o.jobs, .timeout = r.o.timeout};
    r.http = r.o.dry_run ? NULL : tj_http_create(&ho);

    /* Units: each item, or its parts when it is longer than the provider takes. */
    struct tj_split *splits = tj_xcalloc(n ? n : 1, sizeof *splits);
    r.splits = splits;
    r.first_unit = tj_xcalloc(n ? n : 1, sizeof *r.first_unit);
    size_t aunits = n ? n : 1;
    r.units = tj_xcalloc(aunits, sizeof *r.units);
    for (size_t i = 0; i < n; i++) {
        struct tj_dispatch_item *it = &items[i];
        it->done = false;
        it->interrupted = false;
        it->error = NULL;
        memset(&it->result, 0, sizeof it->result);
        struct tj_batch_item bi = {it->text, it->len, it->pins, it->npins};
        struct tj_diag d;
        if (tj_provider_split_item(p, &bi, &splits[i], &d) != TJ_OK) {
            it->error = tj_xstrdup(d.message);
            it->error_kind = TJ_PERR_TOO_LARGE;
            r.st.failed++;
            continue;
        }
        r.first_unit[i] = r.nunits;
        for (size_t k = 0; k < splits[i].n; k++) {
            if (r.nunits == aunits) {
                aunits *= 2;
                r.units = tj_xreallocarray(r.units, aunits, sizeof *r.units);
            }
            struct unit *u = &r.units[r.nunits++];
            memset(u, 0, sizeof *u);
            u->bi = splits[i].parts[k];
            u->item = i;
            u->part = k;
            u->chars = tj_utf8_count(u->bi.text, u->bi.len);
        }
    }
    pack(&r);

    for (;;) {
        /* A second stop abandons the requests in flight: their answers never come. */
        if (r.o.stop && *r.o.stop >= 2 && r.in_flight > 0)
            tj_http_cancel(r.http);
        double next = send_ready(&r);
        if (r.in_flight == 0 && !has_queued(&r))
            break;
        if (r.in_flight > 0)
            tj_http_step(r.http, next < 0.1 ? next : 0.1);
        else
            sleep_for(next < 0.25 ? next : 0.25);
    }
    tj_http_destroy(r.http);

    /* Items from their units: those answered whole are done already. */
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        struct tj_dispatch_item *it = &items[i];
        if (it->error) {
            failed++;
            continue;
        }
        if (it->done || complete_item(&r, i))
            continue;
        struct unit *u = &r.units[r.first_unit[i]];
        for (size_t k = 0; k < splits[i].n && !it->error; k++)
            if (!u[k].done && u[k].error) {
                it->error = tj_xstrdup(u[k].error);
                it->error_kind = u[k].error_kind;
                it->interrupted = u[k].interrupted;
            }
        if (!it->error)
            it->error = tj_xstrdup("not translated");
        failed++;
    }
    for (size_t i = 0; i < r.nunits; i++) {
        tj_result_finish(&r.units[i].result);
        free(r.units[i].error);
    }
    for (size_t i = 0; i < r.nbatches; i++) {
        free(r.batches[i]->units);
        free(r.batches[i]);
    }
    for (size_t i = 0; i < n; i++)
        tj_split_finish(&splits[i]);
    free(splits);
    free(r.first_unit);
    free(r.batches);
    free(r.units);
    r.st.failed = failed;
    if (st) {
        st->requests += r.st.requests;
        st->chars_sent += r.st.chars_sent;
        st->retries += r.st.retries;
        st->splits += r.st.splits;
        st->failed += r.st.failed;
    }
    if (failed == 0 || r.o.dry_run)
        return TJ_OK;
    if (r.fatal == TJ_PERR_AUTH)
        return tj_diag_set(diag, TJ_ERR_AUTH, "%s: %s", tj_provider_name(p), r.fatal_message);
    if (r.unreachable)
        return tj_diag_set(diag, TJ_ERR_UNAVAILABLE, "%s", r.fatal_message);
    if (r.fatal == TJ_PERR_QUOTA)
        return tj_diag_set(diag, TJ_ERR_PARTIAL, "%s: %s", tj_provider_name(p), r.fatal_message);
    return tj_diag_set(diag, TJ_ERR_PARTIAL, "%s: %zu of %zu segments failed", tj_provider_name(p),
                       failed, n);
}

void tj_dispatch_item_finish(struct tj_dispatch_item *item)
{
    tj_result_finish(&item->result);
    free(item->error);
    item->error = NULL;
    for (size_t i = 0; i < item->nnotes; i++) {
        free(item->notes[i].code);
        free(item->notes[i].message);
    }
    free(item->notes);
    item->notes = NULL;
    item->nnotes = 0;
}
