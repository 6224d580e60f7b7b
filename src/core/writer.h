/* Writers: a translated document as text or JSON (PRODUCT.md's contract).
 *
 * Text keeps the input's layout: one output line per input line, blank lines where the input
 * has them, the segments of a line joined by a space; a failed segment keeps its Arabic and
 * is marked "[untranslated]". JSON is the document object of the contract; JSON Lines is one
 * segment object per line with "file" and "block" added. */
#ifndef TJ_WRITER_H
#define TJ_WRITER_H

#include "buf.h"
#include "client.h"
#include "document.h"

struct tj_write_meta {
    const char *provider;                /* "offline", ... */
    const struct tj_client_stats *stats; /* may be NULL (segment output) */
    const char *file;                    /* input name for JSON Lines, may be NULL */
};

/* Appends the English text of doc to out. */
void tj_write_text(const struct tj_document *doc, struct tj_buf *out);
/* Appends the JSON document (pretty-printed, UTF-8, final newline). */
void tj_write_json(const struct tj_document *doc, const struct tj_write_meta *meta,
                   struct tj_buf *out);
/* Appends one JSON object per segment, one per line. */
void tj_write_jsonl(const struct tj_document *doc, const struct tj_write_meta *meta,
                    struct tj_buf *out);

#endif
