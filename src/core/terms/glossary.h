/* The glossary: Arabic terms pinned to their English, loaded from TSV files.
 *
 * Row format: arabic<TAB>english[<TAB>type[<TAB>note]], '#' starts a comment line, several
 * Arabic spellings separated by '|', and several English spellings too: the first is the
 * canonical one (what a pin writes), the others are aliases that count when an engine's output
 * is checked (Putin|Vladimir Putin|President Putin). Terms are keyed by the matching form of each
 * spelling with words joined by single spaces, so spelling noise (diacritics, alef and yaa forms,
 * tatweel) never prevents a match. A later row or file overrides an earlier spelling. */
#ifndef TJ_GLOSSARY_H
#define TJ_GLOSSARY_H

#include "tj.h"

#include <stdbool.h>

enum tj_term_type { TJ_TERM_TERM, TJ_TERM_PERSON, TJ_TERM_PLACE, TJ_TERM_ORG };

struct tj_term {
    char *arabic;    /* the row's first spelling, as written */
    char *english;   /* the canonical English */
    char **aliases;  /* other English spellings that count as the term, naliases of them */
    size_t naliases; /* (the spellings after the first in the row's English column) */
    enum tj_term_type type;
    char *note; /* may be NULL */
    char *file; /* where the row came from */
    size_t line;
};

struct tj_glossary;

/* Returns an empty glossary owned by the caller. */
struct tj_glossary *tj_glossary_create(void);
/* Frees the glossary and its terms. Accepts NULL. */
void tj_glossary_destroy(struct tj_glossary *g);

/* Adds the rows of a TSV file. Returns TJ_ERR_NOINPUT when it cannot be read, TJ_ERR_CONFIG
 * with "file:line: what" in diag for a malformed row (rows before it stay loaded). */
enum tj_status tj_glossary_load_file(struct tj_glossary *g, const char *path, struct tj_diag *diag);
/* Adds the rows of data[0..len); name stands for the file in messages. */
enum tj_status tj_glossary_load_mem(struct tj_glossary *g, const char *name, const char *data,
                                    size_t len, struct tj_diag *diag);
/* Adds one term; arabic may hold several '|'-separated spellings, english several too (the
 * first canonical, the others aliases). Returns TJ_ERR_CONFIG when a spelling is empty or an
 * Arabic one has no letters. */
enum tj_status tj_glossary_add(struct tj_glossary *g, const char *arabic, const char *english,
                               enum tj_term_type type, const char *note, struct tj_diag *diag);

/* Looks up a key: matching-form words joined by single spaces. NULL when absent. */
const struct tj_term *tj_glossary_lookup(const struct tj_glossary *g, const char *key, size_t len);
/* A spelling given a different English by a later row (the later row wins). */
struct tj_glossary_override {
    const struct tj_term *earlier;
    const struct tj_term *later;
    char *spelling; /* as the later row writes it */
};

/* The overrides seen while loading, in order; valid while the glossary lives. */
size_t tj_glossary_overrides(const struct tj_glossary *g);
const struct tj_glossary_override *tj_glossary_override(const struct tj_glossary *g, size_t i);

/* True when key (as for tj_glossary_lookup) is a key or the first words of one. */
bool tj_glossary_has_prefix(const struct tj_glossary *g, const char *key, size_t len);
/* The largest number of words in any key. */
size_t tj_glossary_max_words(const struct tj_glossary *g);
/* Number of distinct spellings, and of terms. */
size_t tj_glossary_spellings(const struct tj_glossary *g);
size_t tj_glossary_terms(const struct tj_glossary *g);
/* The i-th term in load order (0 <= i < tj_glossary_terms). */
const struct tj_term *tj_glossary_term(const struct tj_glossary *g, size_t i);

const char *tj_term_type_name(enum tj_term_type t);

struct tj_word {
    size_t start; /* byte offsets */
    size_t end;
};

/* Splits matching-form text into words: runs of letters and digits, with hyphens inside a
 * word kept (كيم ايل-سونغ) and a '+' after a word kept (اوبك+). Returns the count and a new array
 * owned by the caller in *out. */
size_t tj_glossary_split(const char *mf, size_t len, struct tj_word **out);

/* Returns the lookup key of text[0..len) (display form) as a new NUL-terminated string owned by
 * the caller: its matching form split into words at whitespace and punctuation (letters,
 * digits and inner hyphens make words), joined by single spaces. Its length goes to *key_len,
 * its word count to *words. The key may be longer than text (ligatures expand). */
char *tj_glossary_key(const char *text, size_t len, size_t *key_len, size_t *words);

#endif
