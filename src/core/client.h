/* The provider client: sends a document's segments to a provider and fills their targets.
 *
 * Segments without Arabic letters are copied (origin copy), the rest are packed into batches
 * within the provider's limits. A segment the provider could not translate keeps its Arabic
 * source as target with origin failed. QA runs on every translated segment. */
#ifndef TJ_CLIENT_H
#define TJ_CLIENT_H

#include "document.h"
#include "provider.h"

struct tj_client_stats {
    size_t segments;
    size_t requests; /* batches sent to the engine */
    size_t chars_sent;
    size_t tm_hits;
    size_t failed;
};

/* Translates every segment of doc with provider p. Returns TJ_OK when all segments were
 * translated, TJ_ERR_PARTIAL when some failed (diag says how many), or the provider's error
 * when nothing could be sent. Stats are added to *stats (which may be NULL). */
enum tj_status tj_client_translate(struct tj_provider *p, struct tj_document *doc,
                                   struct tj_client_stats *stats, struct tj_diag *diag);

#endif
