/* The document model: an article as blocks (one per non-blank input line) of segments.
 *
 * Blank input lines are kept as counts so that output keeps the input's layout: one output
 * line per input line. A segment's pins are byte ranges of its source; its target, origin and
 * QA findings are filled by the later pipeline stages. The document owns everything in it. */
#ifndef TJ_DOCUMENT_H
#define TJ_DOCUMENT_H

#include "tj.h"

#include <stdbool.h>

struct tj_term;

enum tj_block_kind { TJ_BLOCK_PARAGRAPH, TJ_BLOCK_HEADING, TJ_BLOCK_LIST_ITEM };

enum tj_origin {
    TJ_ORIGIN_NONE,
    TJ_ORIGIN_PROVIDER,
    TJ_ORIGIN_TM,
    TJ_ORIGIN_OFFLINE,
    TJ_ORIGIN_COPY,
    TJ_ORIGIN_FAILED,
};

struct tj_pin {
    size_t start; /* byte offsets into the segment's source */
    size_t end;
    const struct tj_term *term; /* borrowed from the glossary, which must outlive the pin */
};

struct tj_qa {
    char *code; /* pin_missing, number_missing, arabic_left, untranslated, segment_cut, ... */
    char *message;
};

/* A translation the memory holds for a similar segment: offered to the editor, never used. */
struct tj_candidate {
    char *source; /* the stored segment (display form) */
    char *target;
    unsigned similarity; /* percent, of the matching forms */
    char *engine;        /* "human" for an approved translation, else the engine that made it */
};

struct tj_segment {
    unsigned id;  /* 1-based, in document order */
    char *source; /* display form of the text, see normalize.h */
    size_t source_len;
    size_t offset;    /* where the segment stands in the input, as written */
    size_t input_len; /* its length there: input[offset, offset + input_len) */
    char *target;     /* NULL until translated */
    enum tj_origin origin;
    const char *engine; /* the provider that produced a provider target (static), or NULL */
    struct tj_pin *pins;
    size_t npins;
    struct tj_qa *qa;
    size_t nqa;
    struct tj_candidate *cands; /* from the translation memory, best first */
    size_t ncands;
    bool approved; /* a person approved the target (an edited document read back); see
                      tj_segment_approved */
};

struct tj_block {
    enum tj_block_kind kind;
    size_t line;         /* 1-based input line */
    size_t blank_before; /* blank lines between the previous block (or the start) and this one */
    struct tj_segment *segs;
    size_t nsegs;
};

struct tj_document {
    struct tj_block *blocks;
    size_t nblocks;
    size_t blank_after; /* blank lines after the last block */
};

/* What translating a document cost and gave, counted by the client (engine/client.h) and written
 * by the writers at the document's end. */
struct tj_client_stats {
    size_t segments;
    size_t requests; /* batches sent to the engine */
    size_t chars_sent;
    size_t tm_hits;
    size_t failed;
    size_t retries;   /* requests sent again */
    size_t fallbacks; /* segments handed to the next engine of a chain */
};

void tj_document_init(struct tj_document *doc);
/* Frees all blocks and segments; the document can be reused after tj_document_init. */
void tj_document_finish(struct tj_document *doc);
/* Appends an empty block and returns it (valid until the next append). */
struct tj_block *tj_document_add_block(struct tj_document *doc, enum tj_block_kind kind,
                                       size_t line, size_t blank_before);
/* Appends a segment with a copy of source[0..len) to the block. */
struct tj_segment *tj_block_add_segment(struct tj_block *b, const char *source, size_t len);
/* Total number of segments. */
size_t tj_document_count(const struct tj_document *doc);
/* Numbers the segments 1..n in document order. */
void tj_document_number(struct tj_document *doc);

/* Adds a QA finding to the segment (copies code and message). */
void tj_segment_add_qa(struct tj_segment *s, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* True when the segment already has a finding with this code. */
bool tj_segment_has_qa(const struct tj_segment *s, const char *code);
/* Replaces the segment's target with a copy of text[0..len). */
void tj_segment_set_target(struct tj_segment *s, const char *text, size_t len,
                           enum tj_origin origin);

/* True when a person approved the segment's target: marked so, or served from the translation
 * memory as an approval (origin tm, engine "human"). */
bool tj_segment_approved(const struct tj_segment *s);

/* The JSON name of an origin or block kind ("provider", "heading", ...). */
const char *tj_origin_name(enum tj_origin o);
const char *tj_block_kind_name(enum tj_block_kind k);

#endif
