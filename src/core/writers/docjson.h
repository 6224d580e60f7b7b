/* Reading the JSON document back (PRODUCT.md's contract: what `translate -f json` and
 * POST /api/translate write, perhaps edited by a person) into a struct tj_document, so that the
 * writers can render it in another format.
 *
 * Strict, as it reads what a client sends: every field read has its type; a pin is a byte
 * range of its segment's source that starts and ends on character boundaries, pins come in
 * order without overlapping; segment ids increase; strings, arrays and the document are capped
 * in size. An error names the JSON path of what is wrong and why, e.g.
 * "blocks[2].segments[0].pins[1].end: 7 is inside a character of source". Fields the reader
 * does not know are ignored (the contract may add fields). A segment with a target and no
 * origin counts as an engine's (provider); "approved": true marks a person's approval. */
#ifndef TJ_DOCJSON_H
#define TJ_DOCJSON_H

#include "document.h"
#include "tj.h"

#include <stdbool.h>

/* The limits of what is read. */
#define TJ_DOCJSON_SEGMENTS_MAX 100000u
#define TJ_DOCJSON_TEXT_MAX ((size_t)1 << 20) /* a source or target, in bytes */
#define TJ_DOCJSON_FIELD_MAX 4096u            /* a pin's English, a QA message, an engine... */
#define TJ_DOCJSON_PINS_MAX 1000u             /* per segment */
#define TJ_DOCJSON_QA_MAX 100u                /* per segment */
#define TJ_DOCJSON_CANDIDATES_MAX 20u         /* per segment */

struct tj_docjson_store;

struct tj_docjson {
    struct tj_document doc;
    const char *provider;           /* the document's "provider", or NULL */
    bool has_stats;                 /* "stats" was there */
    struct tj_client_stats stats;   /* its counts (0 for those missing) */
    struct tj_docjson_store *store; /* the engines and pinned terms the segments point into */
};

/* Reads the JSON document data[0..len) into *out (caller storage). Returns TJ_OK, or
 * TJ_ERR_DATA with the path and the reason in diag (*out then holds nothing). */
enum tj_status tj_docjson_read(const char *data, size_t len, struct tj_docjson *out,
                               struct tj_diag *diag);
/* Releases what a successful read holds. Accepts a zeroed one. */
void tj_docjson_finish(struct tj_docjson *d);

#endif
