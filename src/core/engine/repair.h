/* Pin repair: whether each pinned term came out of the engine right in a segment's English,
 * and mending what did not.
 *
 * A pin is right when its English (or an alias) stands in the English as whole words with the
 * glossary's case (a capital at a sentence's start allowed), as many times as the source has
 * the term, and, when source and English have the same number of sentences, in its own
 * sentence. What is not right is mended where the engine's rendering can be found: a protected
 * span that came back changed (restored by protect.c and noted here), a rendering of the name
 * (Poutine, bwtyn, the Arabic left as it was), a copy repeated beside the first. Otherwise the
 * segment goes to the engine again with the provider's next protection strategy (markup, then
 * placeholders, then the English written in place), once per strategy, the segments of a round
 * batched together; a retry is kept only when it has fewer pins wrong. Every mend is noted
 * (qa code pin_repaired, naming the strategy); what stays wrong is left to QA (qa.h), which
 * flags it. */
#ifndef TJ_REPAIR_H
#define TJ_REPAIR_H

#include "dispatch.h"
#include "document.h"
#include "protect.h"

#include <stddef.h>

enum tj_pin_verdict {
    TJ_PIN_RIGHT,
    TJ_PIN_MISSING, /* its English is not there (as often as the source has the term) */
    TJ_PIN_DOUBLED, /* its English is there more often than the source has the term */
    TJ_PIN_MOVED,   /* its English is there, but in another sentence than the source's */
};

/* Judges pins[0..npins) of source[0..len) against text (the engine's English): verdict[i] for
 * pin i (npins entries; may be NULL). Returns how many pins are not right. */
size_t tj_repair_check(const char *source, size_t len, const struct tj_pin *pins, size_t npins,
                       const char *text, enum tj_pin_verdict *verdict);

/* A mend, for the segment's qa. */
struct tj_repair_note {
    size_t pin;
    char strategy[24]; /* markup, placeholder, transliteration, spelling, arabic, deduplication,
                          retry-placeholder, retry-inline, ... */
    char detail[160];
};

struct tj_repair_notes {
    struct tj_repair_note *v;
    size_t n;
};

void tj_repair_notes_finish(struct tj_repair_notes *notes);

/* Mends text, what the engine returned for the segment with its pins protected with kind
 * (report: restore's account of each pin, npins entries, may be NULL): doubled copies side by
 * side are made one, missing names are found as the engine rendered them and written as the
 * glossary says. Returns a new string owned by the caller; verdict[i] (may be NULL) is each
 * pin's verdict after; the mends that made a pin right are appended to notes (may be NULL). */
char *tj_repair_mend(const char *source, size_t len, const struct tj_pin *pins, size_t npins,
                     const char *text, enum tj_protect_kind kind,
                     const struct tj_pin_report *report, enum tj_pin_verdict *verdict,
                     struct tj_repair_notes *notes);

/* The qa message for a note, e.g. "'بوتين' → 'Putin' repaired by transliteration: the engine
 * wrote 'bwtyn'". New string owned by the caller. */
char *tj_repair_message(const char *source, const struct tj_pin *pins,
                        const struct tj_repair_note *note);

/* Repairs the items that tj_dispatch_run translated with provider p under opts: each done item
 * is mended, and the items with pins still wrong are sent again with each of the provider's
 * further strategies in turn (tj_dispatch_run, opts with the strategy set; requests are
 * reported through opts->on_send with the items' own indices). An item's mends are added to
 * its notes (qa code pin_repaired). Stats of the extra requests are added to *st (may be
 * NULL). Never fails an item that was done. */
void tj_repair_run(struct tj_provider *p, struct tj_dispatch_item *items, size_t n,
                   const struct tj_dispatch_options *opts, struct tj_dispatch_stats *st);

#endif
