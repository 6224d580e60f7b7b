/* The provider client: sends a document's segments to a provider and fills their targets.
 *
 * Segments without Arabic letters are copied (origin copy), the rest are packed into batches
 * within the provider's limits. A segment the provider could not translate keeps its Arabic
 * source as target with origin failed. QA is the next stage (qa.h), run by the pipeline. */
#ifndef TJ_CLIENT_H
#define TJ_CLIENT_H

#include "document.h"
#include "provider.h"

#include <signal.h>
#include <stdbool.h>

struct tj_tm;

/* What the client tells as a translation moves on (tj_client_options.progress): the counts
 * since the previous report, for the caller to add up. A segment is done once: translated (by
 * any engine of the chain), copied, served from the memory, or failed after the whole chain. */
struct tj_client_progress {
    const char *engine; /* the remote engine requests and chars_sent went to (static), or NULL */
    size_t requests;    /* requests sent to it (retries included): what the service counts */
    size_t chars_sent;  /* characters (code points) of segment text they carried: what it bills */
    size_t done;        /* segments finished */
    size_t tm_hits;     /* of done: served from the translation memory */
    size_t failed;      /* of done: failed */
};

/* Called from the thread that translates, between requests; it must not call the client. */
typedef void (*tj_client_progress_fn)(void *ud, const struct tj_client_progress *pr);

/* How remote providers are driven; zero fields take the defaults (dispatch.h). */
struct tj_client_options {
    unsigned jobs;           /* requests in flight */
    double timeout;          /* seconds per request */
    double requests_per_sec; /* pacing; 0: the provider's default */
    double chars_per_min;
    bool dry_run; /* count what would be sent, send nothing */
    /* May be NULL. Once it is non-zero, nothing more is sent (the requests in flight are waited
     * for) nor handed to a local engine or a fallback, and the segments not translated fail
     * with the QA code `interrupted` instead of `failed`; at 2 or more the requests in flight
     * are abandoned too (dispatch.h). The memory keeps every answer that came. */
    const volatile sig_atomic_t *stop;
    tj_client_progress_fn progress; /* may be NULL */
    void *progress_ud;
    /* The translation memory (tm.h; may be NULL): a segment it holds for the pair, matching
     * form and pinned entries, approved or by an engine of the chain, is not sent (origin tm);
     * each answer of a remote engine is stored as it comes. With tm_candidates, the segments it
     * does not hold get the similar ones it does (tj_segment's candidates). */
    struct tj_tm *tm;
    bool tm_candidates;
};

/* Translates every segment of doc with provider p. Returns TJ_OK when all segments were
 * translated, TJ_ERR_PARTIAL when some failed (diag says how many), or the provider's error
 * when nothing could be sent. Stats are added to *stats (which may be NULL). */
enum tj_status tj_client_translate(struct tj_provider *p, struct tj_document *doc,
                                   struct tj_client_stats *stats, struct tj_diag *diag);
/* Translates the documents docs[0..ndocs) together: their segments share batches and requests
 * in flight, and identical segments are sent once. stats (may be NULL) is an array of ndocs,
 * each document's counts added to its entry: a request counts for every document it carried
 * segments of, with the characters it sent of each; retries are counted on the first. Returns
 * as tj_client_translate_chain. */
enum tj_status tj_client_translate_docs(struct tj_provider *const *chain, size_t nchain,
                                        struct tj_document *const *docs, size_t ndocs,
                                        const struct tj_client_options *opts,
                                        struct tj_client_stats *stats, struct tj_diag *diag);
/* Failover: the segments chain[0] could not translate go to chain[1], and so on; the last
 * engine's failures stay failed. Returns TJ_OK when every segment ended translated (by any
 * engine); else the first engine error worse than partial (refused credentials,
 * unreachable), or TJ_ERR_PARTIAL. */
enum tj_status tj_client_translate_chain(struct tj_provider *const *chain, size_t nchain,
                                         struct tj_document *doc,
                                         const struct tj_client_options *opts,
                                         struct tj_client_stats *stats, struct tj_diag *diag);

#endif
