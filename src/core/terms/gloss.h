/* The offline word glosser: one Arabic word in, a rough English rendering out, e.g. وأضاف ->
 * "and added", القمة -> "the summit", رسالته -> "his message".
 *
 * A word is split into prefix clitics (و ف ب ك ل س and the article ال), a stem and suffixes
 * (pronouns, plural, dual and feminine endings); the longest stem found in a built-in table of
 * common function words or in the FreeDict dictionary wins, and the clitics are rendered in
 * English around its gloss. Lookups use the matching form, so diacritics and hamza spellings
 * do not matter. The result is a draft aid, not a translation. */
#ifndef TJ_GLOSS_H
#define TJ_GLOSS_H

#include "freedict.h"

#include <stdbool.h>
#include <stddef.h>

struct tj_gloss_word {
    char *english; /* English rendering of the whole word; owned by the caller, free() it */
    bool found;    /* false when no stem was found: english is then NULL */
};

/* True when word[0..len) is valid UTF-8 holding at least one Arabic letter. Tokens for which
 * this is false (numbers, Latin words, punctuation) are for the caller to pass through
 * unchanged; tj_gloss_word reports them as not found. */
bool tj_gloss_is_arabic(const char *word, size_t len);

/* Glosses one Arabic word given in display form (no spaces) into *out. d may be NULL: only the
 * built-in table of function words is used then. A word that is not valid UTF-8 or has no
 * Arabic letter is not found. */
void tj_gloss_word(struct tj_freedict *d, const char *word, size_t len, struct tj_gloss_word *out);

/* English for a word made only of prefix clitics (و ف, then ب ك ل س, then the article ال or
 * لل), as left beside a pinned name or written apart with a tatweel: وال → "and the", لل →
 * "to the", بـ → "in". Returns a new string owned by the caller, or NULL when the word is
 * something else. */
char *tj_gloss_clitics(const char *word, size_t len);

#endif
