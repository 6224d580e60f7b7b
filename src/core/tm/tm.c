/* The translation memory's front: keys and fingerprints, the similarity of two texts, the
 * ranking of candidates, the handle's mutex and its record of storage failures; the store is a
 * backend behind tm_int.h's operations, chosen by the name it is opened with. */
#include "tm_int.h"

#include "glossary.h"
#include "normalize.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- hashing ---- */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* A final mix (murmur3's), so that nearby inputs spread over all 64 bits. */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

#define FNV_START 0xcbf29ce484222325ULL

/* Hashes a string with its terminating NUL, so that "ab","c" and "a","bc" differ. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    return fnv1a(h, s, strlen(s) + 1);
}

uint64_t tj_tm_fingerprint(const struct tj_pin *pins, size_t npins)
{
    if (npins == 0)
        return 0;
    uint64_t h = FNV_START;
    for (size_t i = 0; i < npins; i++) {
        const struct tj_term *t = pins[i].term;
        if (!t)
            continue;
        h = hash_str(h, t->arabic);
        h = hash_str(h, t->english);
        for (size_t k = 0; k < t->naliases; k++)
            h = hash_str(h, t->aliases[k]);
        h = fnv1a(h, "\x1e", 1); /* end of an entry */
    }
    h = mix(h);
    return h ? h : 1;
}

void tj_tm_key_init(struct tj_tm_key *key, const char *source, size_t len,
                    const struct tj_pin *pins, size_t npins)
{
    key->mform = tj_mform_string(source, len);
    key->mlen = strlen(key->mform);
    uint64_t h = hash_str(FNV_START, TJ_TM_PAIR);
    key->hash = mix(fnv1a(h, key->mform, key->mlen));
    key->fp = tj_tm_fingerprint(pins, npins);
}

void tj_tm_key_finish(struct tj_tm_key *key)
{
    free(key->mform);
    key->mform = NULL;
}

/* ---- the handle ---- */

/* True when path names a PostgreSQL server rather than a file. */
static bool is_url(const char *path)
{
    return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

/* path for messages: a URL's password replaced by "***". New string owned by the caller. */
static char *shown_path(const char *path)
{
    if (!is_url(path))
        return tj_xstrdup(path);
    const char *auth = strstr(path, "://") + 3;
    const char *at = strchr(auth, '@');
    const char *slash = strchr(auth, '/');
    const char *colon = strchr(auth, ':');
    if (!at || (slash && slash < at) || !colon || colon > at)
        return tj_xstrdup(path);
    return tj_xasprintf("%.*s:***%s", (int)(colon - path), path, at);
}

enum tj_status tj_tm_open(const char *path, struct tj_tm **out, struct tj_diag *diag)
{
    *out = NULL;
    struct tj_tm *tm = tj_xcalloc(1, sizeof *tm);
    tm->path = shown_path(path);
    pthread_mutex_init(&tm->lock, NULL);
    enum tj_status st =
        is_url(path) ? tj_tm_pg_open(tm, path, diag) : tj_tm_sqlite_open(tm, path, diag);
    if (st != TJ_OK) {
        tj_tm_close(tm);
        return st;
    }
    *out = tm;
    return TJ_OK;
}

void tj_tm_close(struct tj_tm *tm)
{
    if (!tm)
        return;
    if (tm->ops)
        tm->ops->close(tm);
    pthread_mutex_destroy(&tm->lock);
    free(tm->error);
    free(tm->path);
    free(tm);
}

const char *tj_tm_path(const struct tj_tm *tm)
{
    return tm->path;
}

void tj_tm_set_busy_timeout(struct tj_tm *tm, int ms)
{
    pthread_mutex_lock(&tm->lock);
    tm->ops->set_busy_timeout(tm, ms);
    pthread_mutex_unlock(&tm->lock);
}

enum tj_status tj_tm_optimize(struct tj_tm *tm, struct tj_diag *diag)
{
    pthread_mutex_lock(&tm->lock);
    enum tj_status st = tm->ops->optimize(tm, diag);
    tm->stored = 0;
    pthread_mutex_unlock(&tm->lock);
    return st;
}

char *tj_tm_default_path(void)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    if (xdg && xdg[0] == '/') /* a relative value is to be ignored (XDG base directories) */
        return tj_xasprintf("%s/tarjim/tm.sqlite3", xdg);
    const char *home = getenv("HOME");
    if (home && *home)
        return tj_xasprintf("%s/.local/share/tarjim/tm.sqlite3", home);
    return NULL;
}

enum tj_status tj_tm_make_parent(const char *path, struct tj_diag *diag)
{
    char *dir = tj_xstrdup(path);
    char *slash = strrchr(dir, '/');
    enum tj_status st = TJ_OK;
    if (slash && slash != dir) {
        *slash = '\0';
        for (char *p = dir + 1;; p++) {
            bool end = *p == '\0';
            if (*p == '/' || end) {
                *p = '\0';
                if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                    st = tj_diag_set(diag, TJ_ERR_CONFIG,
                                     "%s: cannot create the translation memory's directory: %s",
                                     dir, strerror(errno));
                    break;
                }
                if (end)
                    break;
                *p = '/';
            }
        }
    }
    free(dir);
    return st;
}

/* ---- failures ---- */

/* Records a failure with the mutex held: the first one's message and status are kept. */
static void note_locked(struct tj_tm *tm, enum tj_status rc, const char *message, size_t lost)
{
    if (!tm->error) {
        tm->error = tj_xstrdup(message);
        tm->error_rc = rc;
    }
    tm->lost += lost;
}

void tj_tm_note_error(struct tj_tm *tm, const char *message, size_t lost)
{
    pthread_mutex_lock(&tm->lock);
    note_locked(tm, TJ_ERR_CONFIG, message, lost);
    pthread_mutex_unlock(&tm->lock);
}

const char *tj_tm_error(const struct tj_tm *tm, size_t *lost)
{
    if (lost)
        *lost = tm->lost;
    return tm->error;
}

enum tj_status tj_tm_error_status(const struct tj_tm *tm)
{
    return tm->error ? tm->error_rc : TJ_OK;
}

/* ---- lookups and writes ---- */

bool tj_tm_same_text(const struct tj_tm_key *key, const char *lang, const char *text, size_t len)
{
    if (!lang || !text || strcmp(lang, TJ_TM_PAIR) != 0)
        return false;
    char *m = tj_mform_string(text, len);
    bool same = strcmp(m, key->mform) == 0;
    free(m);
    return same;
}

enum tj_status tj_tm_get(struct tj_tm *tm, const struct tj_tm_key *keys, size_t n,
                         const char *const *engines, size_t nengines, struct tj_tm_hit *hits,
                         struct tj_diag *diag)
{
    memset(hits, 0, n * sizeof *hits);
    if (n == 0)
        return TJ_OK;
    pthread_mutex_lock(&tm->lock);
    enum tj_status st = tm->ops->get(tm, keys, n, engines, nengines, hits, diag);
    pthread_mutex_unlock(&tm->lock);
    if (st != TJ_OK)
        for (size_t k = 0; k < n; k++) {
            free(hits[k].target);
            hits[k] = (struct tj_tm_hit){0};
        }
    return st;
}

enum tj_status tj_tm_put(struct tj_tm *tm, const struct tj_tm_entry *entries, size_t n,
                         struct tj_diag *diag)
{
    if (n == 0)
        return TJ_OK;
    struct tj_diag d = {""};
    pthread_mutex_lock(&tm->lock);
    enum tj_status st = tm->ops->put(tm, entries, n, &d);
    if (st == TJ_OK)
        tm->stored += n;
    else
        note_locked(tm, st, d.message, n);
    pthread_mutex_unlock(&tm->lock);
    if (st != TJ_OK && diag)
        *diag = d;
    return st;
}

enum tj_status tj_tm_stats(struct tj_tm *tm, struct tj_tm_stats *st, struct tj_diag *diag)
{
    memset(st, 0, sizeof *st);
    st->schema = TJ_TM_SCHEMA;
    pthread_mutex_lock(&tm->lock);
    enum tj_status rc = tm->ops->stats(tm, st, diag);
    pthread_mutex_unlock(&tm->lock);
    return rc;
}

void tj_tm_stats_finish(struct tj_tm_stats *st)
{
    for (size_t i = 0; i < st->nengines; i++)
        free(st->engines[i].engine);
    free(st->engines);
    st->engines = NULL;
    st->nengines = 0;
}

enum tj_status tj_tm_each(struct tj_tm *tm, tj_tm_each_fn fn, void *ud, struct tj_diag *diag)
{
    pthread_mutex_lock(&tm->lock);
    enum tj_status st = tm->ops->each(tm, fn, ud, diag);
    pthread_mutex_unlock(&tm->lock);
    return st;
}

/* ---- similar segments ---- */

uint32_t *tj_tm_code_points(const char *s, size_t len, size_t *n)
{
    uint32_t *cp = tj_xmalloc((len + 1) * sizeof *cp);
    size_t k = 0, pos = 0;
    while (pos < len)
        cp[k++] = tj_utf8_next(s, len, &pos);
    *n = k;
    return cp;
}

static unsigned percent(size_t d, size_t n, size_t m)
{
    size_t longer = n > m ? n : m;
    if (longer == 0)
        return 100;
    return (unsigned)((longer - d) * 100 / longer);
}

unsigned tj_tm_similarity(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t n, m;
    uint32_t *ca = tj_tm_code_points(a, alen, &n);
    uint32_t *cb = tj_tm_code_points(b, blen, &m);
    size_t longer = n > m ? n : m;
    unsigned p = percent(tj_utf8_distance(ca, n, cb, m, longer), n, m);
    free(ca);
    free(cb);
    return p;
}

unsigned tj_tm_similar(const uint32_t *q, size_t L, const char *text, unsigned min)
{
    char *m = tj_mform_string(text, strlen(text));
    size_t M;
    uint32_t *c = tj_tm_code_points(m, strlen(m), &M);
    size_t longer = L > M ? L : M;
    size_t allowed = longer * (100 - min) / 100;
    size_t d = tj_utf8_distance(q, L, c, M, allowed);
    unsigned sim = d <= allowed ? percent(d, L, M) : 0;
    free(c);
    free(m);
    return sim >= min ? sim : 0;
}

void tj_tm_ranked_add(struct tj_tm_ranked **v, size_t *n, const char *source, const char *target,
                      unsigned similarity, const char *engine, int64_t changed)
{
    if ((*n & (*n - 1)) == 0)
        *v = tj_xreallocarray(*v, *n ? *n * 2 : 1, sizeof **v);
    (*v)[(*n)++] = (struct tj_tm_ranked){
        {tj_xstrdup(source), tj_xstrdup(target), similarity, tj_xstrdup(engine)}, changed};
}

static int by_rank(const void *a, const void *b)
{
    const struct tj_tm_ranked *x = a, *y = b;
    if (x->c.similarity != y->c.similarity)
        return x->c.similarity > y->c.similarity ? -1 : 1;
    bool hx = strcmp(x->c.engine, TJ_TM_HUMAN) == 0, hy = strcmp(y->c.engine, TJ_TM_HUMAN) == 0;
    if (hx != hy)
        return hx ? -1 : 1;
    return x->changed > y->changed ? -1 : x->changed < y->changed ? 1 : 0;
}

size_t tj_tm_fuzzy(struct tj_tm *tm, const struct tj_tm_key *key, unsigned min_percent, size_t max,
                   struct tj_candidate **out)
{
    *out = NULL;
    if (max == 0 || min_percent == 0 || min_percent > 100)
        return 0;
    struct tj_tm_ranked *cands = NULL;
    size_t ncands = 0;
    pthread_mutex_lock(&tm->lock);
    tm->ops->fuzzy(tm, key, min_percent, &cands, &ncands);
    pthread_mutex_unlock(&tm->lock);
    if (ncands > 1)
        qsort(cands, ncands, sizeof *cands, by_rank);
    /* The best of each distinct English, at most max. */
    struct tj_candidate *v = ncands ? tj_xcalloc(ncands, sizeof *v) : NULL;
    size_t nv = 0;
    for (size_t i = 0; i < ncands; i++) {
        bool dup = nv >= max;
        for (size_t j = 0; j < nv && !dup; j++)
            dup = strcmp(v[j].target, cands[i].c.target) == 0;
        if (dup) {
            free(cands[i].c.source);
            free(cands[i].c.target);
            free(cands[i].c.engine);
            continue;
        }
        v[nv++] = cands[i].c;
    }
    free(cands);
    if (nv == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    return nv;
}
