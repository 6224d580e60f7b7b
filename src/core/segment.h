/* The segmenter: an article → blocks (one per non-blank line) → sentences.
 *
 * Sentences end at . ! ? ؟ ۔ … (and runs of them, closing quotes or brackets after them) when
 * whitespace or the end of the line follows; never after a known abbreviation, inside a
 * bracket or quotation that closes on the same line, or before a lowercase Latin word. A
 * sentence longer than the limit is cut at the last clause boundary (، ؛ , ;) or space below
 * it. Every span is trimmed of surrounding whitespace. */
#ifndef TJ_SEGMENT_H
#define TJ_SEGMENT_H

#include "document.h"

#include <stdbool.h>

#define TJ_SEGMENT_DEFAULT_MAX 2000

struct tj_segment_options {
    size_t max_bytes; /* longest segment; 0 means TJ_SEGMENT_DEFAULT_MAX */
};

struct tj_span {
    size_t start; /* byte offsets into the line */
    size_t end;
    bool cut; /* ended by the length limit, not by punctuation */
};

/* Splits one line (no newline in it) into sentence spans. Returns their count and a new array
 * owned by the caller in *out (NULL when the line is blank). */
size_t tj_segment_line(const char *line, size_t len, const struct tj_segment_options *opt,
                       struct tj_span **out);

/* Classifies a non-blank line as heading (short, no final punctuation), list item or
 * paragraph. */
enum tj_block_kind tj_segment_classify(const char *line, size_t len);

/* Appends the blocks and segments of text[0..len) (valid UTF-8; LF or CRLF line ends) to doc
 * and numbers the segments. Segments cut by the length limit get a segment_cut QA note. */
void tj_segment_document(const char *text, size_t len, const struct tj_segment_options *opt,
                         struct tj_document *doc);

#endif
