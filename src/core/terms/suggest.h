/* Likely proper names that the glossary does not pin, for an editor to add.
 *
 * A name is found by a cue: the words after a title (الرئيس، الوزير، المتحدث، السفير … and the
 * words that qualify the title: الرئيس التركي، وزير الخارجية), a short phrase in «», or — once
 * a segment is translated — Arabic words that the engine left in Arabic or wrote in Latin letters
 * that sound like them. Pinned words are never part of a name. A struct tj_suggest gathers the
 * names of many documents and counts them, for `tarjim glossary suggest`. */
#ifndef TJ_SUGGEST_H
#define TJ_SUGGEST_H

#include "buf.h"
#include "document.h"
#include "glossary.h"
#include "translit.h"

#include <stdbool.h>

enum tj_name_cue {
    TJ_CUE_TITLE,          /* after a title */
    TJ_CUE_QUOTES,         /* in «» */
    TJ_CUE_LEFT_ARABIC,    /* the engine left it in Arabic (not the offline engine: it leaves
                              every word it does not know) */
    TJ_CUE_TRANSLITERATED, /* the engine wrote capitalised Latin words that sound like it */
    TJ_CUE_KNOWN,          /* a name the caller already knows (tj_names_known) */
};

struct tj_name {
    size_t start, end;      /* the name in the segment's source (bytes), clitics left out */
    char *key;              /* its matching form, words joined by single spaces */
    enum tj_term_type type; /* from the title before it; TJ_TERM_TERM when there is none */
    enum tj_name_cue cue;
    char *why; /* the cue in words ("after الرئيس التركي", "in «»", ...); "" for KNOWN */
    char *rendering; /* how the segment's target writes it, or NULL (no target, not found) */
};

/* Callback of tj_names_find and tj_names_known: true when key[0..len) (as tj_name.key) is a
 * name. */
typedef bool (*tj_names_known_fn)(void *ud, const char *key, size_t len);

/* Finds the names of segment s (display form, pins found; its target and origin, when set,
 * give the output cues and each name's rendering), and with known (may be NULL) the runs of
 * words known() says are names among the rest (as tj_names_known). Names do not overlap and
 * come in source order. Returns their count and a new array owned by the caller in *out (free
 * with tj_names_free; NULL when none). */
size_t tj_names_find(const struct tj_segment *s, tj_names_known_fn known, void *ud,
                     struct tj_name **out);

/* Finds in s only the word runs (up to four words, the first with or without its clitics, none
 * pinned) that known() says are names, longest first, with their renderings in the target.
 * Same ownership as tj_names_find. */
size_t tj_names_known(const struct tj_segment *s, tj_names_known_fn known, void *ud,
                      struct tj_name **out);

/* Frees n names and the array. Accepts NULL. */
void tj_names_free(struct tj_name *v, size_t n);

struct tj_suggest;

/* Returns an empty collection owned by the caller. */
struct tj_suggest *tj_suggest_create(void);
/* Frees it. Accepts NULL. */
void tj_suggest_destroy(struct tj_suggest *sg);
/* Adds the names that doc's cues give (doc prepared: display forms and pins). */
void tj_suggest_add(struct tj_suggest *sg, const struct tj_document *doc);
/* Counts every occurrence in doc of the names added so far, cue or not. Call it for each
 * document once all have been added, so that counts do not depend on their order. */
void tj_suggest_count(struct tj_suggest *sg, const struct tj_document *doc);
/* Appends the names as glossary rows, most frequent first (then in order found):
 * arabic<TAB>english<TAB>type<TAB>note, the English spelt by tr (may be NULL: the row then
 * repeats the Arabic, for the editor to fill), the note the count and the cue. */
void tj_suggest_write(const struct tj_suggest *sg, struct tj_translit *tr, struct tj_buf *out);
/* Number of names gathered. */
size_t tj_suggest_count_names(const struct tj_suggest *sg);

#endif
