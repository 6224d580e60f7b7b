/* Writers: a translated document as text or JSON (PRODUCT.md's contract).
 *
 * Text keeps the input's layout: one output line per input line, blank lines where the input
 * has them, the segments of a line joined by a space; a failed segment keeps its Arabic and
 * is marked "[untranslated]". JSON is the document object of the contract; JSON Lines is one
 * segment object per line with "file" and "block" added.
 *
 * A writer (struct tj_writer) writes a document block by block, as its blocks are done, so that
 * memory holds a block at a time however long the document; tj_write_text/json/jsonl write a
 * whole document through one. */
#ifndef TJ_WRITER_H
#define TJ_WRITER_H

#include "buf.h"
#include "document.h"

struct tj_write_meta {
    const char *provider;                /* "offline", ... */
    const struct tj_client_stats *stats; /* may be NULL (segment output) */
    const char *file;                    /* input name (JSON Lines, XML formats), may be NULL */
};

enum tj_format {
    TJ_FORMAT_TEXT,
    TJ_FORMAT_JSON,
    TJ_FORMAT_JSONL,
    TJ_FORMAT_HTML,
    TJ_FORMAT_XLIFF,
    TJ_FORMAT_TMX,
};

struct tj_writer;

/* Starts a document in format fmt, to be appended to out; for JSON and the XML formats its
 * opening is appended now.
 * meta (may be NULL) is read now, its strings borrowed for the writer's life (its stats are
 * not used: see tj_writer_end). out is borrowed; the caller may take from it and reset it
 * between calls. out must have no cap: appending to it then cannot fail (allocation aborts on
 * out-of-memory), which is why the writers do not check each append; memory is bounded by the
 * caller taking from out as it grows. Returns a writer owned by the caller. */
struct tj_writer *tj_writer_create(enum tj_format fmt, const struct tj_write_meta *meta,
                                   struct tj_buf *out);
/* Appends block b, whose segments are numbered and done, after the blocks given before. */
void tj_writer_block(struct tj_writer *w, const struct tj_block *b);
/* Appends the end of the document: the blank lines after the last block (text), stats (JSON
 * and HTML, when not NULL) and the closing. */
void tj_writer_end(struct tj_writer *w, size_t blank_after, const struct tj_client_stats *stats);
void tj_writer_destroy(struct tj_writer *w); /* accepts NULL */

/* Appends the segment object of the JSON document for s (compact, on one line, no newline) to
 * out (uncapped): what the JSON document and JSON Lines carry for it. */
void tj_writer_segment_json(const struct tj_segment *s, struct tj_buf *out);

/* Appends the English text of doc to out. */
void tj_write_text(const struct tj_document *doc, struct tj_buf *out);
/* Appends the JSON document (pretty-printed, UTF-8, final newline). */
void tj_write_json(const struct tj_document *doc, const struct tj_write_meta *meta,
                   struct tj_buf *out);
/* Appends one JSON object per segment, one per line. */
void tj_write_jsonl(const struct tj_document *doc, const struct tj_write_meta *meta,
                    struct tj_buf *out);
/* Appends doc in format fmt (meta may be NULL; its stats, when set, end the document). */
void tj_write_document(enum tj_format fmt, const struct tj_document *doc,
                       const struct tj_write_meta *meta, struct tj_buf *out);

#endif
