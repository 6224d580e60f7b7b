/* The translation memory: every translation an engine gave, and every one a person approved,
 * kept in an SQLite database (WAL mode) so that a segment seen before is never sent again.
 *
 * An entry is keyed by the language pair, the segment's matching form (normalize.h), a
 * fingerprint of the glossary entries pinned in it (so that a changed entry invalidates only the
 * segments that use it) and the engine that made it ("human" for approvals, which win over
 * machine ones). Similar segments (at least TJ_TM_FUZZY_MIN similarity of their matching
 * forms) are found through an FTS5 trigram index and offered, never used. Writes commit in
 * one transaction per call, so a killed run keeps every answer it had stored. A handle may be
 * used from several threads: calls are serialized. */
#ifndef TJ_TM_H
#define TJ_TM_H

#include "document.h"
#include "tj.h"

#include <stdbool.h>
#include <stdint.h>

/* The schema this build reads and writes (PRAGMA user_version). */
#define TJ_TM_SCHEMA 1
/* The language pair of tarjim's translations. */
#define TJ_TM_PAIR "ar-en"
/* The engine name of approved translations. */
#define TJ_TM_HUMAN "human"
/* Candidates need at least this similarity (percent) of their matching forms. */
#define TJ_TM_FUZZY_MIN 85
/* How long a write waits for another process's write to end (ms). */
#define TJ_TM_BUSY_MS 30000

struct tj_tm;

/* Opens (creating it when missing) the memory at path, brings its schema up to date and
 * compiles its statements. Returns TJ_ERR_CONFIG with the file named in diag when it is not a
 * database, not a tarjim memory, corrupt, from a newer tarjim, or cannot be created;
 * TJ_ERR_NOINPUT when readonly and missing. *out is owned by the caller (tj_tm_close). */
enum tj_status tj_tm_open(const char *path, struct tj_tm **out, struct tj_diag *diag);
/* Merges the memory's trigram index into one segment, as lookups of similar segments read it
 * fastest (after a bulk import; each close does some of this for what it stored). */
enum tj_status tj_tm_optimize(struct tj_tm *tm, struct tj_diag *diag);
/* Closes the memory, after merging a little of its index when translations were stored.
 * Accepts NULL. */
void tj_tm_close(struct tj_tm *tm);
/* The path the memory was opened with (borrowed). */
const char *tj_tm_path(const struct tj_tm *tm);
/* Sets how long a write waits for another writer (default TJ_TM_BUSY_MS). */
void tj_tm_set_busy_timeout(struct tj_tm *tm, int ms);

/* The default location: $XDG_DATA_HOME/tarjim/tm.sqlite3, else
 * $HOME/.local/share/tarjim/tm.sqlite3; NULL when neither variable is set. New string owned by
 * the caller. */
char *tj_tm_default_path(void);
/* Creates the directories above path (mode 0700 for new ones). Returns TJ_ERR_CONFIG naming
 * the one that cannot be made. */
enum tj_status tj_tm_make_parent(const char *path, struct tj_diag *diag);

/* The fingerprint of the glossary entries pinned in a segment: a hash of each pinned term's
 * Arabic, English and aliases, in pin order; 0 when there are no pins. */
uint64_t tj_tm_fingerprint(const struct tj_pin *pins, size_t npins);

/* What identifies a segment in the memory. */
struct tj_tm_key {
    char *mform; /* matching form of the source (owned) */
    size_t mlen;
    uint64_t hash; /* of the pair and the matching form */
    uint64_t fp;   /* tj_tm_fingerprint of its pins */
};

/* Fills key for source[0..len) (display form, valid UTF-8) and its pins. */
void tj_tm_key_init(struct tj_tm_key *key, const char *source, size_t len,
                    const struct tj_pin *pins, size_t npins);
void tj_tm_key_finish(struct tj_tm_key *key);

/* An exact lookup: on a hit, target is the stored English (owned by the caller, free()) and
 * engine points into the engines given (or is TJ_TM_HUMAN); on a miss target is NULL. */
struct tj_tm_hit {
    char *target;
    const char *engine;
};

/* Looks up keys[0..n) in one read transaction. For each, an approved translation wins; else
 * the translation of engines[0], then engines[1], .... hits[0..n) are caller storage, filled.
 * Returns TJ_OK, or an error (diag) with every hit a miss. */
enum tj_status tj_tm_get(struct tj_tm *tm, const struct tj_tm_key *keys, size_t n,
                         const char *const *engines, size_t nengines, struct tj_tm_hit *hits,
                         struct tj_diag *diag);

/* One translation to store. */
struct tj_tm_entry {
    const struct tj_tm_key *key;
    const char *source; /* display form, stored with the first translation of its text */
    size_t source_len;
    const char *engine; /* the engine's name, or TJ_TM_HUMAN */
    const char *target;
    int64_t changed; /* Unix time; 0: now */
};

/* Stores entries[0..n) in one transaction (the translation of the same key and engine is
 * replaced). Returns TJ_OK or, with nothing stored, the error in diag (as tj_tm_error_status);
 * the failure is also kept for tj_tm_error. diag may be NULL. */
enum tj_status tj_tm_put(struct tj_tm *tm, const struct tj_tm_entry *entries, size_t n,
                         struct tj_diag *diag);

/* Similar segments of the memory: at least min_percent similar to key's matching form (a
 * different fingerprint or engine counts as 100). At most max of them go to *out (new array
 * owned by the caller, each candidate's strings too: tj_segment's candidates), best first,
 * approvals before machine translations of the same similarity. Returns the count. */
size_t tj_tm_fuzzy(struct tj_tm *tm, const struct tj_tm_key *key, unsigned min_percent, size_t max,
                   struct tj_candidate **out);

/* Similarity in percent (0..100) of two strings' code points: 100 * (1 - d / the longer
 * length), d their Levenshtein distance. Strings must be valid UTF-8. */
unsigned tj_tm_similarity(const char *a, size_t alen, const char *b, size_t blen);

/* The first storage failure since the memory was opened (NULL when none), and how many
 * translations were lost with failed writes. */
const char *tj_tm_error(const struct tj_tm *tm, size_t *lost);
/* The status of that first failure: TJ_ERR_CONFIG for a damaged or foreign file,
 * TJ_ERR_UNAVAILABLE for a lock held past the busy timeout, TJ_ERR_NOINPUT for an I/O failure
 * (a full disk, a read-only file); TJ_OK when none. */
enum tj_status tj_tm_error_status(const struct tj_tm *tm);
/* Records a storage failure (for callers that cannot return one). */
void tj_tm_note_error(struct tj_tm *tm, const char *message, size_t lost);

/* Counts for `tarjim tm stats`. */
struct tj_tm_engine_count {
    char *engine;
    size_t units;
};
struct tj_tm_stats {
    int schema;
    size_t sources; /* distinct segment texts */
    size_t units;   /* translations */
    size_t bytes;   /* database pages in use */
    struct tj_tm_engine_count *engines;
    size_t nengines;
};
enum tj_status tj_tm_stats(struct tj_tm *tm, struct tj_tm_stats *st, struct tj_diag *diag);
void tj_tm_stats_finish(struct tj_tm_stats *st);

/* Every translation of the pair, oldest text first: fn gets the source (display form),
 * target, engine and change time of each, and returns true to stop the walk (then the walk
 * returns TJ_ERR_PARTIAL). fn must not call the memory. */
typedef bool (*tj_tm_each_fn)(void *ud, const char *source, const char *target, const char *engine,
                              int64_t changed);
enum tj_status tj_tm_each(struct tj_tm *tm, tj_tm_each_fn fn, void *ud, struct tj_diag *diag);

#endif
