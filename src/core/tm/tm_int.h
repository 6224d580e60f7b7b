/* Inside the translation memory: the front (tm.c: keys, similarity, the handle's mutex and its
 * record of failures) and the stores behind one table of operations, as provider_int.h is for
 * the engines: SQLite (tm_sqlite.c) for a file, PostgreSQL (tm_pg.c) for a server that many
 * processes share. Every operation runs with the handle's mutex held. */
#ifndef TJ_TM_INT_H
#define TJ_TM_INT_H

#include "tm.h"

#include <pthread.h>

/* A candidate with the time of its translation, while candidates are ranked. */
struct tj_tm_ranked {
    struct tj_candidate c;
    int64_t changed;
};

struct tj_tm_ops {
    /* As tj_tm_get: hits zeroed by the caller. */
    enum tj_status (*get)(struct tj_tm *tm, const struct tj_tm_key *keys, size_t n,
                          const char *const *engines, size_t nengines, struct tj_tm_hit *hits,
                          struct tj_diag *diag);
    /* Stores entries[0..n) in one transaction, or nothing (the error in diag). */
    enum tj_status (*put)(struct tj_tm *tm, const struct tj_tm_entry *entries, size_t n,
                          struct tj_diag *diag);
    /* Adds the translations of the stored texts at least min percent similar to key (the same
     * text at 100) to *out (*n of them, grown as tj_tm_ranked_add does). A failure finds
     * fewer. */
    void (*fuzzy)(struct tj_tm *tm, const struct tj_tm_key *key, unsigned min,
                  struct tj_tm_ranked **out, size_t *n);
    enum tj_status (*stats)(struct tj_tm *tm, struct tj_tm_stats *st, struct tj_diag *diag);
    enum tj_status (*each)(struct tj_tm *tm, tj_tm_each_fn fn, void *ud, struct tj_diag *diag);
    enum tj_status (*optimize)(struct tj_tm *tm, struct tj_diag *diag);
    void (*set_busy_timeout)(struct tj_tm *tm, int ms);
    /* Releases the store (after some upkeep for the tm->stored translations of this handle). */
    void (*close)(struct tj_tm *tm);
};

struct tj_tm_sqlite;
struct tj_tm_pg;

struct tj_tm {
    const struct tj_tm_ops *ops;
    char *path; /* as given; a URL with its password hidden */
    pthread_mutex_t lock;
    enum tj_status error_rc;
    char *error; /* the first storage failure */
    size_t lost;
    size_t stored; /* translations stored through this handle */
    struct tj_tm_sqlite *sq;
    struct tj_tm_pg *pg;
};

/* Opens the store for tm (path set): fills tm->ops and the backend's state, or returns the
 * error (tm is then closed by the caller with whatever was set). */
enum tj_status tj_tm_sqlite_open(struct tj_tm *tm, const char *path, struct tj_diag *diag);
enum tj_status tj_tm_pg_open(struct tj_tm *tm, const char *url, struct tj_diag *diag);

/* True when a stored text (lang, display form text[0..len)) is the segment of key. */
bool tj_tm_same_text(const struct tj_tm_key *key, const char *lang, const char *text, size_t len);
/* The code points of s[0..len) as a new array, *n of them. */
uint32_t *tj_tm_code_points(const char *s, size_t len, size_t *n);
/* The similarity in percent of the query q[0..L) (the code points of a matching form) and the
 * stored text (display form), or 0 when it is below min (the distance bounded accordingly). */
unsigned tj_tm_similar(const uint32_t *q, size_t L, const char *text, unsigned min);
/* Appends a candidate (the strings copied) to *v, *n of them. */
void tj_tm_ranked_add(struct tj_tm_ranked **v, size_t *n, const char *source, const char *target,
                      unsigned similarity, const char *engine, int64_t changed);

#endif
