/* Arabic names in Latin letters, two ways.
 *
 * tj_translit_name spells a name in news style (ICU's Arabic-Latin transform behind rules of
 * tarjim's own: no diacritics, "al-" for the article, common name words as the wires write
 * them): محمد → Mohammed, عبد الله → Abdullah, أبو ظبي → Abu Dhabi, الرئيس → al-Rais. It is a
 * suggestion for an editor, not a reading: Arabic does not write its short vowels.
 *
 * A sound skeleton (consonant classes, vowels dropped) tells whether Latin words sound like an
 * Arabic name, so that the way an engine spelt a name can be found in its English:
 * ميدينسكي ~ Medinsky ~ Medinskiy. Skeletons need no ICU and are cheap. */
#ifndef TJ_TRANSLIT_H
#define TJ_TRANSLIT_H

#include "tj.h"

#include <stdbool.h>

struct tj_translit;

/* Compiles the transliterator. On success *out is a new one owned by the caller; TJ_ERR_CONFIG
 * with ICU's reason in diag when ICU cannot build it (its data missing). A transliterator is
 * used by one thread at a time. */
enum tj_status tj_translit_create(struct tj_translit **out, struct tj_diag *diag);
/* Frees it. Accepts NULL. */
void tj_translit_destroy(struct tj_translit *t);

/* Returns the news-style Latin spelling of the Arabic name arabic[0..len) (valid UTF-8; words
 * apart by spaces; anything not Arabic is kept as written) as a new string owned by the caller.
 */
char *tj_translit_name(struct tj_translit *t, const char *arabic, size_t len);

#define TJ_SKELETON_MAX 64

/* A sound skeleton: consonant classes (B F T K S H L M N R), some optional (the article's L,
 * a final ه) so that a rendering with or without them matches. */
struct tj_skeleton {
    char c[TJ_SKELETON_MAX];
    bool opt[TJ_SKELETON_MAX];
    size_t n;
};

/* The skeleton of Arabic text s[0..len) (valid UTF-8; its words may carry diacritics). */
void tj_skeleton_arabic(const char *s, size_t len, struct tj_skeleton *out);
/* The skeleton of Latin text s[0..len) (valid UTF-8; accented letters read as their base). */
void tj_skeleton_latin(const char *s, size_t len, struct tj_skeleton *out);
/* How far apart two skeletons are (edits of classes; leaving out an optional class is free). */
unsigned tj_skeleton_distance(const struct tj_skeleton *ar, const struct tj_skeleton *la);
/* True when la sounds like ar: at least two classes each, and within a distance that grows with
 * ar's length (exact up to three classes, one edit up to six, two up to nine, then three; with
 * strict, exact up to four, one edit up to eight, then two). */
bool tj_skeleton_close(const struct tj_skeleton *ar, const struct tj_skeleton *la, bool strict);

/* Finds in text[0..len) (valid UTF-8, e.g. an engine's English) the run of Latin words that
 * sounds most like the Arabic name arabic[0..alen) (tj_skeleton_close): one to (words of the
 * name + 1) words apart by spaces (a word may hold hyphens: al-Ghais). With caps_only, only runs
 * whose first letter is a capital (or follows "al-"), judged strictly: for telling whether a
 * word is a name at all. On success sets [*start, *end) (bytes of text) and *dist (may be NULL)
 * to the skeletons' distance, and returns true. */
bool tj_translit_find(const char *text, size_t len, const char *arabic, size_t alen, bool caps_only,
                      size_t *start, size_t *end, unsigned *dist);

/* The Latin words of a text with their skeletons, made once for many tj_latin_find calls. */
struct tj_latin;

/* Returns the words of text[0..len) (valid UTF-8; borrowed: it must outlive the result) as a
 * new struct owned by the caller. */
struct tj_latin *tj_latin_create(const char *text, size_t len);
/* Frees it. Accepts NULL. */
void tj_latin_destroy(struct tj_latin *l);
/* tj_translit_find on the text l was made from. */
bool tj_latin_find(const struct tj_latin *l, const char *arabic, size_t alen, bool caps_only,
                   size_t *start, size_t *end, unsigned *dist);

#endif
