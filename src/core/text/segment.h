/* The segmenter: an article → blocks (one per non-blank line) → sentences.
 *
 * Sentence breaks follow SRX 2.0 rules (srx/tarjim.srx is built in; another file can replace
 * it), compiled once with PCRE2 and tried only after the characters that can end a break
 * rule's beforebreak, which a byte scanner finds. Beyond the rules: no break inside a bracket
 * or quotation that closes on the same line; a dateline opening a paragraph and the items of a
 * numbered list written on one line are segments of their own; a sentence longer than the
 * limit is cut at the last clause mark (، ؛ , ;) or space below it. The text between spans is
 * whitespace only, so spans and separators give back the line byte for byte. */
#ifndef TJ_SEGMENT_H
#define TJ_SEGMENT_H

#include "document.h"

#include <stdbool.h>

/* The default longest segment: about 1,000 Arabic letters, well within what every provider
 * takes per text (MyMemory's 500 bytes excepted: its limits cut lower, see translate). */
#define TJ_SEGMENT_DEFAULT_MAX 2000

struct tj_segmenter;
struct tj_srx;

struct tj_segment_options {
    size_t max_bytes;                 /* longest segment; 0 means TJ_SEGMENT_DEFAULT_MAX */
    const struct tj_segmenter *rules; /* NULL: the built-in rules for Arabic */
};

/* Compiles the rules an SRX document gives for language lang ("ar", "en", ...) into a new
 * segmenter owned by the caller. TJ_ERR_CONFIG when a regex does not compile (diag names the
 * rule's line). No languagemap matching lang is no error: see tj_segmenter_warning. */
enum tj_status tj_segmenter_create(const struct tj_srx *srx, const char *lang,
                                   struct tj_segmenter **out, struct tj_diag *diag);
void tj_segmenter_destroy(struct tj_segmenter *sg); /* accepts NULL */

/* A warning for the user about how sg was made, or NULL: "NAME: no languagemap matches
 * language 'zz': ..." when no map of the SRX document matched the language, so that no rule
 * applies. The string belongs to sg. */
const char *tj_segmenter_warning(const struct tj_segmenter *sg);

/* Each match of a rule's regex is bounded (TJ_SRX_MATCH_LIMIT and the other limits in srx.h):
 * a candidate position where a rule could not be decided within them gets no break, and the
 * rules after it are not tried there. Returns how many positions this happened at since sg was
 * created (from any thread); when some and diag is given, diag names the first rule and side
 * that did it, as "NAME:LINE: beforebreak 'PATTERN' exceeded the regex limits ... at N positions".
 */
size_t tj_segmenter_limit_hits(const struct tj_segmenter *sg, struct tj_diag *diag);

/* The built-in rules (srx/tarjim.srx, compiled into the program) for lang: English rules for
 * "en...", Arabic ones otherwise. Compiled once, shared, safe to use from several threads. */
const struct tj_segmenter *tj_segmenter_default(const char *lang);

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

/* Appends to doc the block of one input line (line[0..len), without its '\n'; a final '\r' is
 * dropped) and returns it (valid until the next block is added), or returns NULL, appending
 * nothing, when the line is blank. line_no and blank_before are the block's; offset is where the
 * line starts in the input, for the segments' offsets. The segments are not numbered. Segments
 * cut by the length limit get a segment_cut QA note. */
struct tj_block *tj_segment_block(struct tj_document *doc, const char *line, size_t len,
                                  size_t line_no, size_t blank_before, size_t offset,
                                  const struct tj_segment_options *opt);

/* Appends the blocks and segments of text[0..len) (valid UTF-8; LF or CRLF line ends) to doc
 * and numbers the segments. Each segment records where it stands in text; what lies between
 * segments is whitespace and line ends only. Segments cut by the length limit get a segment_cut QA
 * note. */
void tj_segment_document(const char *text, size_t len, const struct tj_segment_options *opt,
                         struct tj_document *doc);

#endif
