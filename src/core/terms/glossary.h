/* The glossary: Arabic terms pinned to their English, loaded from TSV, CSV or TBX files.
 *
 * Row format: arabic<TAB>english[<TAB>type[<TAB>note[<TAB>key=value]...]], '#' starts a comment
 * line, several Arabic spellings separated by '|', and several English spellings too: the first
 * is the canonical one (what a pin writes), the others are aliases that count when an engine's
 * output is checked (Putin|Vladimir Putin|President Putin). The key=value fields after the note
 * are valid_from and valid_to (YYYY-MM-DD, both days included) and status (approved or
 * proposed). Terms are keyed by the matching form of each spelling with words joined by single
 * spaces, so spelling noise (diacritics, alef and yaa forms, tatweel) never prevents a match.
 * Every row that gives a key is kept; a lookup answers with the last of them in force on the
 * day asked (dates, and status: proposed rows only when the glossary is told to pin them). */
#ifndef TJ_GLOSSARY_H
#define TJ_GLOSSARY_H

#include "buf.h"
#include "tj.h"

#include <stdbool.h>
#include <stdint.h>

enum tj_term_type { TJ_TERM_TERM, TJ_TERM_PERSON, TJ_TERM_PLACE, TJ_TERM_ORG };
enum tj_term_status { TJ_TERM_APPROVED, TJ_TERM_PROPOSED };

struct tj_term {
    char *arabic;    /* the row's first spelling, as written (spellings[0]) */
    char *english;   /* the canonical English */
    char **aliases;  /* other English spellings that count as the term, naliases of them */
    size_t naliases; /* (the spellings after the first in the row's English column) */
    enum tj_term_type type;
    char *note;       /* may be NULL */
    const char *file; /* where the row came from (NULL when added by tj_glossary_add) */
    size_t line;
    char **spellings; /* every Arabic spelling as written, nspellings of them */
    size_t nspellings;
    uint32_t valid_from; /* first day in force as YYYYMMDD (20240705); 0: always was */
    uint32_t valid_to;   /* last day in force as YYYYMMDD; 0: no end */
    enum tj_term_status status;
};

/* One row as a loader reads it; the strings are borrowed. */
struct tj_glossary_row {
    const char *arabic;  /* '|'-separated spellings */
    const char *english; /* '|'-separated, the first canonical */
    enum tj_term_type type;
    const char *note; /* may be NULL */
    uint32_t valid_from, valid_to;
    enum tj_term_status status;
};

/* The file formats a glossary is read from. */
enum tj_glossary_format { TJ_GLOSSARY_TSV, TJ_GLOSSARY_CSV, TJ_GLOSSARY_TBX };

struct tj_glossary;

/* Returns an empty glossary owned by the caller. */
struct tj_glossary *tj_glossary_create(void);
/* Frees the glossary and its terms. Accepts NULL. */
void tj_glossary_destroy(struct tj_glossary *g);

/* The format of a file by its name: .csv and .tbx (any case) are CSV and TBX, anything else
 * is TSV. */
enum tj_glossary_format tj_glossary_format_of(const char *path);
/* Adds the rows of a file in the format its name gives. Returns TJ_ERR_NOINPUT when it cannot
 * be read, TJ_ERR_CONFIG with "file:line: what" in diag for a malformed row (rows before it
 * stay loaded). */
enum tj_status tj_glossary_load_file(struct tj_glossary *g, const char *path, struct tj_diag *diag);
/* Adds the rows of data[0..len) as TSV; name stands for the file in messages. */
enum tj_status tj_glossary_load_mem(struct tj_glossary *g, const char *name, const char *data,
                                    size_t len, struct tj_diag *diag);
/* Adds the rows of data[0..len) in the given format. */
enum tj_status tj_glossary_load_mem_as(struct tj_glossary *g, enum tj_glossary_format fmt,
                                       const char *name, const char *data, size_t len,
                                       struct tj_diag *diag);
/* When on, a malformed row is kept as an error finding (see tj_glossary_check) and loading goes
 * on with the next row; only a file that cannot be read or parsed at all stops it. */
void tj_glossary_keep_going(struct tj_glossary *g, bool on);

/* Adds one term; arabic may hold several '|'-separated spellings, english several too (the
 * first canonical, the others aliases). Returns TJ_ERR_CONFIG when a spelling is empty, an
 * Arabic one has no letters, or one holds a control character; the glossary is then as it
 * was. */
enum tj_status tj_glossary_add(struct tj_glossary *g, const char *arabic, const char *english,
                               enum tj_term_type type, const char *note, struct tj_diag *diag);
/* As tj_glossary_add for a whole row, which came from file (may be NULL) at line. */
enum tj_status tj_glossary_add_row(struct tj_glossary *g, const struct tj_glossary_row *row,
                                   const char *file, size_t line, struct tj_diag *diag);

/* The day lookups answer for: YYYYMMDD, or 0 (the default) for the local date at each lookup,
 * so a long-running server follows the calendar. */
void tj_glossary_set_date(struct tj_glossary *g, uint32_t date);
/* Whether proposed rows are pinned (default: no, only approved ones). */
void tj_glossary_set_proposed(struct tj_glossary *g, bool pin);
/* Today's local date as YYYYMMDD. */
uint32_t tj_glossary_today(void);
/* Parses YYYY-MM-DD (a real calendar day, years 1000 to 9999) into *out as YYYYMMDD. */
bool tj_glossary_parse_date(const char *s, uint32_t *out);
/* True when the term is in force on date (YYYYMMDD): its dates include it. */
bool tj_term_in_force(const struct tj_term *t, uint32_t date);

/* Looks up a key (matching-form words joined by single spaces) on the glossary's date: the
 * last row giving the key that is in force then. NULL when there is none. */
const struct tj_term *tj_glossary_lookup(const struct tj_glossary *g, const char *key, size_t len);
/* The same on a given date (YYYYMMDD). */
const struct tj_term *tj_glossary_lookup_on(const struct tj_glossary *g, const char *key,
                                            size_t len, uint32_t date);

/* A spelling given a different English by a later row on a day both are in force. */
struct tj_glossary_override {
    const struct tj_term *earlier;
    const struct tj_term *later;
    char *spelling; /* as the later row writes it */
};

/* The overrides seen while loading, in order; valid while the glossary lives. */
size_t tj_glossary_overrides(const struct tj_glossary *g);
const struct tj_glossary_override *tj_glossary_override(const struct tj_glossary *g, size_t i);

/* What tj_glossary_check finds, with the file and line of the row concerned. */
enum tj_finding_level { TJ_FINDING_ERROR, TJ_FINDING_WARNING };
struct tj_glossary_finding {
    enum tj_finding_level level;
    const char *kind; /* "bad-row", "conflict", "override", "duplicate", "shadowed",
                         "script", "skipped" */
    const char *file;
    size_t line;
    char *message; /* without the file and line */
};

/* Checks the loaded rows and returns every finding, errors first, each group in file and line
 * order: the malformed rows of a keep-going load and entries a TBX file could not use, then
 * - conflict (error): two rows of one file give one Arabic spelling different English on a
 *   day both are in force (a row pair involving a proposed row: a warning);
 * - override (warning): the same across files, where the later file wins on purpose;
 * - duplicate (warning): two rows give one Arabic spelling the same English on a common day;
 * - shadowed (warning): a row that can never be pinned because on every day it is in force
 *   each of its spellings is taken by a later row of its file;
 * - script: English with Arabic letters (error), Arabic with Latin letters (warning).
 * The array lives as long as g (a later call replaces it). */
size_t tj_glossary_check(struct tj_glossary *g, const struct tj_glossary_finding **out);

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
/* Reads a type name (term, person, place, org); false when s is none of them. */
bool tj_term_type_parse(const char *s, enum tj_term_type *out);

/* Appends every term in load order as TSV rows, with a header comment; out must be uncapped.
 * Loading the result gives the same terms. */
void tj_glossary_write_tsv(const struct tj_glossary *g, struct tj_buf *out);
/* Appends every term as a TBX document (ISO 30042, TBX-Basic in the DCA style); out must be
 * uncapped. Loading the result gives the same terms. */
void tj_glossary_write_tbx(const struct tj_glossary *g, struct tj_buf *out);
/* Appends the TSV that DeepL's glossary API takes: one "arabic<TAB>english" line per Arabic
 * spelling as written of the rows in force on date (YYYYMMDD, 0: today), with the English of
 * the row that wins its key on that date, no source twice, no header. Returns how many spellings
 * were left out because DeepL refuses them (longer than 1024 bytes, or with a control or
 * line-separator character). */
size_t tj_glossary_write_deepl(const struct tj_glossary *g, uint32_t date, struct tj_buf *out);

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
