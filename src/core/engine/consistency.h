/* Names across a document, and across the documents of a run: the same Arabic name rendered
 * two ways, one English rendering standing for two Arabic names (both `inconsistent`), and the
 * names the glossary does not pin (`suggest_pin`, once per document).
 *
 * Windows are written as soon as they are checked, so a finding always goes on the later
 * segment: the state remembers, for each name seen so far, its first rendering and where it
 * was (segment, document), and for each rendering the name it stood for. A name is a pinned
 * glossary term (its rendering: the first of its English spellings found in the target; a
 * fuller alias containing it, "Vladimir Putin" for "Putin", is the same rendering) or a name
 * that suggest.h's cues find (its rendering: the Arabic left in the target or the Latin words
 * that sound like it); once found, a name is also looked for in later segments without a cue.
 * Two glossary terms with the same English are not flagged: the desk wrote them so.
 *
 * Memory is bounded: everything lives in one LRU map capped in bytes (tj_lru), so a run of any
 * length keeps the names it saw most recently; a name dropped for room is checked again from
 * its next occurrence. A state is used by one thread at a time. */
#ifndef TJ_CONSISTENCY_H
#define TJ_CONSISTENCY_H

#include "document.h"

/* What a state holds at most: about 3,000 names, each with its rendering, the name its rendering
 * stands for and its suggestion. */
#define TJ_CONSISTENCY_BYTES ((size_t)1 << 20)

struct tj_consistency;

/* Returns an empty state owned by the caller that holds at most max_bytes of names. */
struct tj_consistency *tj_consistency_create(size_t max_bytes);
/* Frees it. Accepts NULL. */
void tj_consistency_destroy(struct tj_consistency *c);

/* Starts a document: returns the number that tells it apart in tj_consistency_window. */
unsigned tj_consistency_begin(struct tj_consistency *c);

/* Checks the translated segments of window, the next part of document doc (from
 * tj_consistency_begin) named name in messages (may be NULL; borrowed, copied as needed),
 * against everything seen before, in order, and adds the findings to its segments. */
void tj_consistency_window(struct tj_consistency *c, unsigned doc, const char *name,
                           struct tj_document *window);

#endif
