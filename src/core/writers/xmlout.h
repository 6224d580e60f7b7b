/* XML output for the writers of HTML, XLIFF and TMX: libxml2's text writer over an output
 * buffer that appends to the caller's tj_buf. What a block writes reaches that buffer when the
 * block ends (tj_xmlout_flush), so memory holds one block at a time however long the document.
 *
 * All text and attribute values go through here, so the output is well-formed XML 1.0 whatever
 * the text holds: libxml2 escapes the markup characters (< & > and quotes), and what XML 1.0
 * cannot carry at all (C0 controls other than tab and line ends, U+FFFE, U+FFFF) becomes U+FFFD,
 * or, in XLIFF, the <cp hex=".."/> element XLIFF has for it; bytes that are not UTF-8 become
 * U+FFFD. libxml2's writer fails only when it cannot allocate, and that aborts, as the tj_x
 * allocation wrappers do. */
#ifndef TJ_XMLOUT_H
#define TJ_XMLOUT_H

#include "writer.h"

#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <time.h>

struct tj_xmlout {
    xmlTextWriterPtr w;
    struct tj_buf *out;   /* borrowed, uncapped */
    struct tj_buf piece;  /* text on its way to libxml2, which takes NUL-terminated strings */
    const char *provider; /* borrowed from the meta, may be NULL */
    const char *file;     /* borrowed from the meta, may be NULL */
    time_t date;          /* when the document was begun: TMX dates, the HTML heading */
    size_t nblocks;       /* blocks written so far */
    bool cp;              /* characters XML cannot carry as XLIFF's <cp/> rather than U+FFFD */
    bool html;            /* elements always end with an end tag, but for tj_xmlout_end_void */
};

/* Starts a writer appending to out (borrowed, uncapped); meta (may be NULL) gives the provider
 * and file. With xml_decl, the XML declaration is written first (not for HTML). */
void tj_xmlout_init(struct tj_xmlout *xo, struct tj_buf *out, const struct tj_write_meta *meta,
                    bool xml_decl);
/* Closes the elements still open, flushes and releases the writer. */
void tj_xmlout_finish(struct tj_xmlout *xo);
/* Releases the writer of a document left unfinished, appending nothing more. No-op after
 * tj_xmlout_finish. */
void tj_xmlout_discard(struct tj_xmlout *xo);
/* Appends what has been written so far to the output buffer. */
void tj_xmlout_flush(struct tj_xmlout *xo);

void tj_xmlout_start(struct tj_xmlout *xo, const char *name);
/* Ends the open element: <x/> when it is empty, but in HTML always with an end tag. */
void tj_xmlout_end(struct tj_xmlout *xo);
/* Ends an element that never has content (HTML's <meta/>). */
void tj_xmlout_end_void(struct tj_xmlout *xo);
/* Ends the open element with an end tag even when it is empty (<td></td>, as HTML needs). */
void tj_xmlout_end_full(struct tj_xmlout *xo);
/* An attribute of the element just started; value is a C string, made safe for XML. */
void tj_xmlout_attr(struct tj_xmlout *xo, const char *name, const char *value);
void tj_xmlout_attrf(struct tj_xmlout *xo, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Text s[0..len), escaped and made safe for XML. */
void tj_xmlout_text(struct tj_xmlout *xo, const char *s, size_t len);
/* <name>text</name> for a C string. */
void tj_xmlout_element(struct tj_xmlout *xo, const char *name, const char *text);
/* A line end and 2 * depth spaces between elements (never inside text: see tj_xmlout_marked). */
void tj_xmlout_indent(struct tj_xmlout *xo, int depth);
/* s as it is, unescaped: for trusted constants (a style sheet, a DOCTYPE). */
void tj_xmlout_raw(struct tj_xmlout *xo, const char *s);

/* A marked stretch of a segment's text: bytes [start, end) standing for pin number `pin` of the
 * segment (an index into its pins). */
struct tj_span {
    size_t start, end;
    size_t pin;
};

/* The spans of the segment's source that its pins cover, in order, overlapping ones and ones
 * out of range left out; spans has room for s->npins. Returns how many. */
size_t tj_source_spans(const struct tj_segment *s, struct tj_span *spans);
/* Where the pins' English stands in the segment's target: for each pin, the first occurrence,
 * as a whole word, of the glossary's English (else of one of its aliases) not already taken by
 * an earlier pin, compared exactly. Spans in order of start; spans has room for s->npins.
 * Returns how many (0 without a target). */
size_t tj_target_spans(const struct tj_segment *s, struct tj_span *spans);

/* Writes text[0..len) with each span (in order, within the text) wrapped in an element that
 * open() starts and gives its attributes, and that is ended after the span's text. */
void tj_xmlout_marked(struct tj_xmlout *xo, const char *text, size_t len,
                      const struct tj_span *spans, size_t nspans,
                      void (*open)(struct tj_xmlout *xo, const struct tj_span *span, void *ud),
                      void *ud);
/* The same, the text between spans written by put (NULL: tj_xmlout_text). */
void tj_xmlout_marked_with(struct tj_xmlout *xo, const char *text, size_t len,
                           const struct tj_span *spans, size_t nspans,
                           void (*open)(struct tj_xmlout *xo, const struct tj_span *span, void *ud),
                           void *ud, void (*put)(struct tj_xmlout *xo, const char *s, size_t len));

/* The three formats, driven by writer.c: the opening (after tj_xmlout_init), one block, and
 * the closing (before tj_xmlout_finish). stats may be NULL. */
void tj_html_begin(struct tj_xmlout *xo);
void tj_html_block(struct tj_xmlout *xo, const struct tj_block *b);
void tj_html_end(struct tj_xmlout *xo, const struct tj_client_stats *stats);
void tj_xliff_begin(struct tj_xmlout *xo);
void tj_xliff_block(struct tj_xmlout *xo, const struct tj_block *b);
void tj_xliff_end(struct tj_xmlout *xo);
void tj_tmx_begin(struct tj_xmlout *xo);
void tj_tmx_block(struct tj_xmlout *xo, const struct tj_block *b);
void tj_tmx_end(struct tj_xmlout *xo);

#endif
