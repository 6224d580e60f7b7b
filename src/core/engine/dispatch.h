/* The remote dispatcher: gets a list of segments through one HTTP provider, as fast as the
 * service allows, losing none.
 *
 * Segments longer than the provider takes are cut into parts (and the parts' English joined
 * again); segments are packed into batches within the provider's limits; at most `jobs`
 * requests are in flight over one libcurl multi loop (http.h), paced by token buckets
 * (requests/s, characters/min) and a circuit breaker (rate.h). A failed request is retried
 * with backoff (honouring Retry-After); a batch the service finds too large, or whose answer
 * cannot be understood twice, is split in halves; a segment echoed back untranslated or empty
 * is tried once more alone. Refused credentials and an exhausted quota stop the provider at
 * once: every segment not yet translated fails with that reason (for the caller's fallback).
 * Every item ends done or failed, with the reason. */
#ifndef TJ_DISPATCH_H
#define TJ_DISPATCH_H

#include "provider.h"
#include "rate.h"

#include <signal.h>

/* One item carried by a request: its index in the items given to tj_dispatch_run and the
 * characters of it that the request sent (a part of it when it was cut). */
struct tj_dispatch_sent {
    size_t item;
    size_t chars;
};

struct tj_dispatch_item;

struct tj_dispatch_options {
    unsigned jobs;           /* requests in flight; 0 means the provider's suggestion, else 4 */
    double timeout;          /* seconds per request; 0 means 30 */
    double requests_per_sec; /* 0: the provider's default pacing */
    double chars_per_min;    /* 0: the provider's default pacing */
    struct tj_retry_policy retry; /* zero fields take the defaults of rate.h */
    unsigned breaker_threshold;   /* 0 means 5 */
    double breaker_cooldown;      /* 0 means 10 s */
    bool dry_run;                 /* build the requests and count them, send nothing */
    /* When it becomes non-zero (a first Ctrl+C): nothing more is sent, the requests in flight
     * are let finish, and the items not yet sent fail with `interrupted` set; 2 or more (a
     * second one): the requests in flight are abandoned too (their items fail the same way).
     * May be NULL. */
    const volatile sig_atomic_t *stop;
    /* Called for each request sent (or counted, in a dry run) with the items it carries;
     * may be NULL. */
    void (*on_send)(void *ud, const struct tj_dispatch_sent *sent, size_t n);
    void *on_send_ud;
    /* Called after each answer with the indexes of the items it finished (done, their result
     * set), so that the caller may keep them at once; may be NULL. */
    void (*on_done)(void *ud, const struct tj_dispatch_item *items, const size_t *done, size_t n);
    void *on_done_ud;
    const char *glossary_id; /* the run's native glossary (native.h), carried by every batch;
                                NULL: none */
    size_t strategy; /* how pins travel in every batch (tj_batch.strategy); 0: the provider's
                        own way */
};

/* One segment to translate. The caller fills text, len, pins, npins and (optionally) context;
 * the dispatcher fills the rest. */
struct tj_dispatch_item {
    const char *text;
    size_t len;
    const struct tj_pin *pins;
    size_t npins;
    const char *context; /* the article's text before the segment, sent untranslated where the
                            provider takes context; may be NULL */
    size_t context_len;

    bool done;               /* translated: result holds the English */
    struct tj_result result; /* owned by the item's holder: tj_result_finish */
    char *error;             /* when not done: why, for the segment's QA (owned, free()) */
    enum tj_perror error_kind;
    bool interrupted;    /* when not done: because the run was stopped, not for the service */
    struct tj_qa *notes; /* findings for the segment's qa beyond the result's (repair.h):
                            owned, nnotes of them */
    size_t nnotes;
};

struct tj_dispatch_stats {
    size_t requests;   /* HTTP requests sent, retries included */
    size_t chars_sent; /* characters (code points) of segment text sent: what is billed */
    size_t retries;
    size_t splits; /* batches cut in halves */
    size_t failed; /* items not done */
};

/* Translates items[0..n) with provider p (an HTTP provider). Returns TJ_OK when every item is
 * done; otherwise the failed items say why and the status is TJ_ERR_AUTH when the service
 * refused the credentials, TJ_ERR_UNAVAILABLE when it could not be reached at all,
 * TJ_ERR_PARTIAL else, with a summary in diag. Stats are added to *st (may be NULL). */
enum tj_status tj_dispatch_run(struct tj_provider *p, struct tj_dispatch_item *items, size_t n,
                               const struct tj_dispatch_options *opts, struct tj_dispatch_stats *st,
                               struct tj_diag *diag);

/* Releases what the dispatcher and the repair left in an item (result, error, notes). */
void tj_dispatch_item_finish(struct tj_dispatch_item *item);

#endif
