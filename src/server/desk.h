/* The glossaries a server pins with, and the desk glossary its editors add to.
 *
 * A request takes a view (tj_desk_acquire): the glossary as it is at that moment, kept alive
 * for the request until it lets go, so that a translation pins with one glossary from start to
 * end. An entry added to the desk glossary is validated as `tarjim glossary check` validates a
 * row, written into the desk glossary's file (the whole file written to a temporary file in its
 * folder, synced, renamed over it), and a new glossary is built (the server's glossary files
 * loaded again, then the desk glossary, whose rows win) for later requests; the old one is freed
 * by its last holder. Views are swapped under a lock; adds are serialized. */
#ifndef TJ_DESK_H
#define TJ_DESK_H

#include "glossary.h"
#include "tj.h"

#include <stdbool.h>
#include <stdint.h>

/* Longest Arabic, English and note of an entry added through the desk, in bytes. */
#define TJ_DESK_TERM_MAX 256
#define TJ_DESK_NOTE_MAX 512
/* Longest query, in bytes, and most entries a search answers with. */
#define TJ_DESK_QUERY_MAX 256
#define TJ_DESK_SEARCH_MAX 50

struct tj_desk_config {
    const struct tj_glossary *glossary; /* the glossary to start with, the desk glossary's rows
                                           loaded last (borrowed: must outlive the desk); may be
                                           NULL */
    const char *const *files; /* what it was loaded from, in order, without the desk glossary:
                                 loaded again after each add (copied) */
    size_t nfiles;
    uint32_t date;    /* as tj_glossary_set_date (0: today at each lookup) */
    bool proposed;    /* as tj_glossary_set_proposed */
    const char *path; /* the desk glossary, a TSV file that exists; NULL: none (adds refused) */
};

struct tj_desk;
struct tj_desk_view;

/* Makes the desk (owned by the caller) and indexes its glossary for searches. Errors:
 * TJ_ERR_CONFIG when the desk glossary cannot be read. */
enum tj_status tj_desk_create(const struct tj_desk_config *cfg, struct tj_desk **out,
                              struct tj_diag *diag);
/* Frees the desk; every view must have been released. Accepts NULL. */
void tj_desk_destroy(struct tj_desk *d);

/* The glossary in force now, held until tj_desk_release. Never NULL. */
struct tj_desk_view *tj_desk_acquire(struct tj_desk *d);
/* The view's glossary; NULL when the server has none. */
const struct tj_glossary *tj_desk_glossary(const struct tj_desk_view *v);
void tj_desk_release(struct tj_desk_view *v);

/* Up to max (<= TJ_DESK_SEARCH_MAX) terms of the view that match q[0..len) (valid UTF-8), best
 * first, into out: terms that q pins (as `tarjim glossary match` finds them: hamza and alef
 * forms, diacritics, clitics), whose Arabic key is q's or starts with it or holds it, or whose
 * English (or an alias) is q, starts with it or holds it, ignoring case. Only terms that win a
 * lookup on the view's day are listed (none overridden by a later row, none out of force).
 * Returns the count. */
size_t tj_desk_search(const struct tj_desk_view *v, const char *q, size_t len,
                      const struct tj_term **out, size_t max);

/* The base name of the desk glossary's file, or NULL when there is none. */
const char *tj_desk_name(const struct tj_desk *d);
/* The base name of the file a term came from ("" when none). */
const char *tj_desk_file_name(const struct tj_term *t);

/* An entry to add; the strings are borrowed. */
struct tj_desk_entry {
    const char *arabic;  /* '|'-separated spellings */
    const char *english; /* '|'-separated, the first canonical */
    const char *type;    /* person, place, org or term; NULL: term */
    const char *note;    /* may be NULL */
    bool replace;        /* replace the desk glossary's rows of the same Arabic */
};

enum tj_desk_outcome {
    TJ_DESK_ADDED,    /* written, and the new glossary in force */
    TJ_DESK_EXISTS,   /* the desk glossary already has it: nothing written */
    TJ_DESK_BAD,      /* not a valid row (diag says why) */
    TJ_DESK_CONFLICT, /* the desk glossary gives that Arabic another English (diag says which) */
    TJ_DESK_NONE,     /* the server has no desk glossary */
    TJ_DESK_FAILED,   /* the file could not be written, or the glossaries not loaded again */
};

/* Adds e to the desk glossary (see the header). */
enum tj_desk_outcome tj_desk_add(struct tj_desk *d, const struct tj_desk_entry *e,
                                 struct tj_diag *diag);

#endif
