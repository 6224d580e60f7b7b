/* The memory's tables (schema 1):
 *   engine(id, name)                 who made translations: engines by name, and "human"
 *   source(id, hash, lang, text)     one row per language pair and matching form; text is the
 *                                    display form first stored, hash a 64-bit hash of the pair
 *                                    and matching form (checked against the text on every hit)
 *   unit(source, fp, engine, target, changed)   the translations, WITHOUT ROWID
 *   source_fts(m)                    contentless FTS5 trigram index of the matching forms,
 *                                    rowid = source.id, for similar segments
 * Statements are compiled once, at open; every call runs under the handle's mutex, reads in one
 * deferred transaction and writes in one BEGIN IMMEDIATE transaction (so the busy timeout
 * applies to the write lock instead of failing on a snapshot upgrade). */
#include "tm.h"

#include "buf.h"
#include "glossary.h"
#include "normalize.h"
#include "utf8.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* PRAGMA application_id of a tarjim memory: "tjTM". */
#define TM_APP_ID 0x746a544d

/* Similar segments: each piece of the query is looked up with at most this many rows (a piece
 * that fills them is a common one), at most this many pieces, and the best-placed rows are
 * compared in full, at most this many. */
#define FUZZY_PIECE_ROWS 48
#define FUZZY_MAX_PIECES 16
#define FUZZY_MAX_COMPARED 32
/* Queries shorter than this (code points) look for the same text only. */
#define FUZZY_MIN_CHARS 8

/* Schema steps: migrations[v] takes a memory from schema v to v + 1. */
static const char *const migrations[] = {
    "CREATE TABLE engine (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE source (id INTEGER PRIMARY KEY, hash INTEGER NOT NULL UNIQUE,"
    " lang TEXT NOT NULL, text TEXT NOT NULL);"
    "CREATE TABLE unit (source INTEGER NOT NULL REFERENCES source(id), fp INTEGER NOT NULL,"
    " engine INTEGER NOT NULL REFERENCES engine(id), target TEXT NOT NULL,"
    " changed INTEGER NOT NULL, PRIMARY KEY (source, fp, engine)) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE source_fts USING fts5(m, content='', columnsize=0,"
    " tokenize='trigram');",
};

enum stmt {
    ST_BEGIN,
    ST_BEGIN_WRITE,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_GET,
    ST_ENGINE_FIND,
    ST_ENGINE_ADD,
    ST_ENGINE_NAME,
    ST_SOURCE_FIND,
    ST_SOURCE_ADD,
    ST_FTS_ADD,
    ST_UNIT_PUT,
    ST_FTS_PIECE,
    ST_SOURCE_BY_ID,
    ST_UNITS_OF,
    ST_COUNT,
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN",
    [ST_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_GET] = "SELECT s.text, s.lang, u.engine, u.target FROM source s JOIN unit u"
               " ON u.source = s.id WHERE s.hash = ?1 AND u.fp = ?2",
    [ST_ENGINE_FIND] = "SELECT id FROM engine WHERE name = ?1",
    [ST_ENGINE_ADD] = "INSERT INTO engine(name) VALUES (?1)",
    [ST_ENGINE_NAME] = "SELECT name FROM engine WHERE id = ?1",
    [ST_SOURCE_FIND] = "SELECT id, lang, text FROM source WHERE hash = ?1",
    [ST_SOURCE_ADD] = "INSERT INTO source(hash, lang, text) VALUES (?1, ?2, ?3)",
    [ST_FTS_ADD] = "INSERT INTO source_fts(rowid, m) VALUES (?1, ?2)",
    [ST_UNIT_PUT] = "INSERT INTO unit(source, fp, engine, target, changed)"
                    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(source, fp, engine) DO UPDATE"
                    " SET target = excluded.target, changed = excluded.changed",
    [ST_FTS_PIECE] = "SELECT rowid FROM source_fts WHERE source_fts MATCH ?1 LIMIT ?2",
    [ST_SOURCE_BY_ID] = "SELECT lang, text FROM source WHERE id = ?1",
    [ST_UNITS_OF] = "SELECT fp, engine, target, changed FROM unit WHERE source = ?1",
};

/* An engine's id, as cached. */
struct engine_id {
    char *name;
    int64_t id;
};

struct tj_tm {
    sqlite3 *db;
    char *path;
    pthread_mutex_t lock;
    sqlite3_stmt *st[ST_COUNT];
    struct engine_id *engines;
    size_t nengines;
    enum tj_status error_rc;
    char *error; /* the first storage failure */
    size_t lost;
};

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

/* ---- errors ---- */

/* The status of an SQLite failure: a damaged or foreign file is bad configuration; a lock held
 * past the busy timeout, unavailable; an I/O failure (a full disk, a read-only file, no
 * permission), unreadable. */
static enum tj_status status_of(int code)
{
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return TJ_ERR_UNAVAILABLE;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return TJ_ERR_NOINPUT;
    default:
        return TJ_ERR_CONFIG;
    }
}

static enum tj_status db_error(struct tj_tm *tm, int code, struct tj_diag *diag, const char *what)
{
    const char *msg = tm->db ? sqlite3_errmsg(tm->db) : sqlite3_errstr(code);
    int prim = code & 0xff;
    const char *hint = "";
    if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
        hint = " (the translation memory is damaged: restore it, or move it away to start a new "
               "one)";
    else if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        hint = " (another process kept it locked)";
    return tj_diag_set(diag, status_of(code), "%s: translation memory: %s: %s%s", tm->path, what,
                       msg, hint);
}

void tj_tm_note_error(struct tj_tm *tm, const char *message, size_t lost)
{
    pthread_mutex_lock(&tm->lock);
    if (!tm->error)
        tm->error = tj_xstrdup(message);
    tm->lost += lost;
    pthread_mutex_unlock(&tm->lock);
}

/* As tj_tm_note_error, with the mutex held and the status kept. */
static void note_locked(struct tj_tm *tm, enum tj_status rc, const char *message, size_t lost)
{
    if (!tm->error) {
        tm->error = tj_xstrdup(message);
        tm->error_rc = rc;
    }
    tm->lost += lost;
}

const char *tj_tm_error(const struct tj_tm *tm, size_t *lost)
{
    if (lost)
        *lost = tm->lost;
    return tm->error;
}

enum tj_status tj_tm_error_status(const struct tj_tm *tm)
{
    return tm->error ? (tm->error_rc ? tm->error_rc : TJ_ERR_CONFIG) : TJ_OK;
}

/* ---- opening ---- */

static int exec_sql(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* The integer a one-row query gives (a PRAGMA). */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        *out = 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Brings the schema to TJ_TM_SCHEMA, or refuses a file that is not a tarjim memory or is
 * newer. */
static enum tj_status migrate(struct tj_tm *tm, struct tj_diag *diag)
{
    sqlite3 *db = tm->db;
    int rc = exec_sql(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return db_error(tm, rc, diag, "cannot read it");
    int64_t app = 0, version = 0, objects = 0;
    if ((rc = query_int(db, "PRAGMA application_id", &app)) != SQLITE_OK ||
        (rc = query_int(db, "PRAGMA user_version", &version)) != SQLITE_OK ||
        (rc = query_int(db, "SELECT count(*) FROM sqlite_schema", &objects)) != SQLITE_OK) {
        exec_sql(db, "ROLLBACK");
        return db_error(tm, rc, diag, "cannot read it");
    }
    enum tj_status st = TJ_OK;
    if (app != TM_APP_ID && (app != 0 || objects != 0)) {
        st = tj_diag_set(diag, TJ_ERR_CONFIG,
                         "%s: not a tarjim translation memory (another program's database)",
                         tm->path);
    } else if (version > TJ_TM_SCHEMA) {
        st = tj_diag_set(diag, TJ_ERR_CONFIG,
                         "%s: translation memory of schema %lld, made by a newer tarjim (this one "
                         "reads up to schema %d)",
                         tm->path, (long long)version, TJ_TM_SCHEMA);
    } else if (version < TJ_TM_SCHEMA) {
        for (int64_t v = version; v < TJ_TM_SCHEMA && rc == SQLITE_OK; v++)
            rc = exec_sql(db, migrations[v]);
        if (rc == SQLITE_OK) {
            char sql[96];
            snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
                     TM_APP_ID, TJ_TM_SCHEMA);
            rc = exec_sql(db, sql);
        }
        if (rc != SQLITE_OK)
            st = db_error(tm, rc, diag, "cannot bring its schema up to date");
    }
    if (st != TJ_OK) {
        exec_sql(db, "ROLLBACK");
        return st;
    }
    rc = exec_sql(db, "COMMIT");
    if (rc != SQLITE_OK) {
        exec_sql(db, "ROLLBACK");
        return db_error(tm, rc, diag, "cannot bring its schema up to date");
    }
    return TJ_OK;
}

enum tj_status tj_tm_open(const char *path, struct tj_tm **out, struct tj_diag *diag)
{
    *out = NULL;
    struct tj_tm *tm = tj_xcalloc(1, sizeof *tm);
    tm->path = tj_xstrdup(path);
    pthread_mutex_init(&tm->lock, NULL);
    enum tj_status st = TJ_OK;
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: translation memory: is a directory", path);
        goto out;
    }
    int rc = sqlite3_open_v2(
        path, &tm->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        st = db_error(tm, rc, diag, "cannot open it");
        goto out;
    }
    sqlite3_extended_result_codes(tm->db, 1);
    sqlite3_busy_timeout(tm->db, TJ_TM_BUSY_MS);
    /* WAL: readers never wait for the writer, and each commit is one append. NORMAL syncs at
     * checkpoints only: a killed process loses nothing committed (a power cut may lose the last
     * commits). */
    sqlite3_stmt *jm;
    rc = sqlite3_prepare_v2(tm->db, "PRAGMA journal_mode = WAL", -1, &jm, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(jm);
        if (rc == SQLITE_ROW) {
            const char *mode = (const char *)sqlite3_column_text(jm, 0);
            rc = mode && strcmp(mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
        }
        sqlite3_finalize(jm);
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        st = db_error(tm, rc, diag, "cannot open it");
        goto out;
    }
    if ((rc = exec_sql(tm->db, "PRAGMA synchronous = NORMAL")) != SQLITE_OK) {
        st = db_error(tm, rc, diag, "cannot open it");
        goto out;
    }
    st = migrate(tm, diag);
    if (st != TJ_OK)
        goto out;
    for (int i = 0; i < ST_COUNT; i++) {
        rc = sqlite3_prepare_v3(tm->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &tm->st[i],
                                NULL);
        if (rc != SQLITE_OK) {
            st = db_error(tm, rc, diag, "cannot read its tables");
            goto out;
        }
    }
out:
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
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(tm->st[i]);
    sqlite3_close(tm->db);
    for (size_t i = 0; i < tm->nengines; i++)
        free(tm->engines[i].name);
    free(tm->engines);
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
    sqlite3_busy_timeout(tm->db, ms);
    pthread_mutex_unlock(&tm->lock);
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

/* ---- statements ---- */

static sqlite3_stmt *stmt(struct tj_tm *tm, enum stmt which)
{
    sqlite3_stmt *s = tm->st[which];
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

/* Runs a statement that returns no rows. */
static int run(struct tj_tm *tm, enum stmt which)
{
    sqlite3_stmt *s = stmt(tm, which);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* The id of engine `name`: the cache, else the table; with create, added when missing.
 * 0 when absent (and not created); -1 after an SQLite error in *rc. */
static int64_t engine_id(struct tj_tm *tm, const char *name, bool create, int *rc)
{
    for (size_t i = 0; i < tm->nengines; i++)
        if (strcmp(tm->engines[i].name, name) == 0)
            return tm->engines[i].id;
    sqlite3_stmt *s = stmt(tm, ST_ENGINE_FIND);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    int64_t id = 0;
    if (r == SQLITE_ROW)
        id = sqlite3_column_int64(s, 0);
    else if (r != SQLITE_DONE)
        return *rc = r, -1;
    sqlite3_reset(s);
    if (!id && create) {
        s = stmt(tm, ST_ENGINE_ADD);
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
        r = sqlite3_step(s);
        sqlite3_reset(s);
        if (r != SQLITE_DONE)
            return *rc = r, -1;
        id = sqlite3_last_insert_rowid(tm->db);
    }
    if (id) {
        /* Cached only once known to be in the table: a rolled-back insert is forgotten by
         * put's error path, which drops the cache. */
        tm->engines = tj_xreallocarray(tm->engines, tm->nengines + 1, sizeof *tm->engines);
        tm->engines[tm->nengines++] = (struct engine_id){tj_xstrdup(name), id};
    }
    return id;
}

static void drop_engine_cache(struct tj_tm *tm)
{
    for (size_t i = 0; i < tm->nengines; i++)
        free(tm->engines[i].name);
    tm->nengines = 0;
}

/* The name of engine id (borrowed from the cache), NULL when unknown. */
static const char *engine_name(struct tj_tm *tm, int64_t id)
{
    for (size_t i = 0; i < tm->nengines; i++)
        if (tm->engines[i].id == id)
            return tm->engines[i].name;
    sqlite3_stmt *s = stmt(tm, ST_ENGINE_NAME);
    sqlite3_bind_int64(s, 1, id);
    const char *name = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *n = (const char *)sqlite3_column_text(s, 0);
        if (n) {
            tm->engines = tj_xreallocarray(tm->engines, tm->nengines + 1, sizeof *tm->engines);
            tm->engines[tm->nengines++] = (struct engine_id){tj_xstrdup(n), id};
            name = tm->engines[tm->nengines - 1].name;
        }
    }
    sqlite3_reset(s);
    return name;
}

/* True when a stored row is the segment of key: same pair, same matching form. */
static bool same_text(const struct tj_tm_key *key, const unsigned char *lang,
                      const unsigned char *text, int text_len)
{
    if (!lang || !text || strcmp((const char *)lang, TJ_TM_PAIR) != 0)
        return false;
    char *m = tj_mform_string((const char *)text, (size_t)text_len);
    bool same = strcmp(m, key->mform) == 0;
    free(m);
    return same;
}

/* ---- lookups ---- */

/* Ends a read transaction; an error there changes nothing read. */
static void end_read(struct tj_tm *tm)
{
    if (run(tm, ST_COMMIT) != SQLITE_OK)
        run(tm, ST_ROLLBACK);
}

enum tj_status tj_tm_get(struct tj_tm *tm, const struct tj_tm_key *keys, size_t n,
                         const char *const *engines, size_t nengines, struct tj_tm_hit *hits,
                         struct tj_diag *diag)
{
    memset(hits, 0, n * sizeof *hits);
    if (n == 0)
        return TJ_OK;
    pthread_mutex_lock(&tm->lock);
    enum tj_status st = TJ_OK;
    int64_t *ids = tj_xcalloc(nengines + 1, sizeof *ids);
    int rc = run(tm, ST_BEGIN);
    if (rc != SQLITE_OK) {
        st = db_error(tm, rc, diag, "cannot read it");
        goto out;
    }
    /* Ranks: an approval first, then the engines in the order given. */
    bool any = false;
    for (size_t r = 0; r <= nengines; r++) {
        ids[r] = engine_id(tm, r ? engines[r - 1] : TJ_TM_HUMAN, false, &rc);
        if (ids[r] < 0)
            goto failed;
        any |= ids[r] > 0;
    }
    for (size_t k = 0; k < n && any; k++) {
        sqlite3_stmt *s = stmt(tm, ST_GET);
        sqlite3_bind_int64(s, 1, (sqlite3_int64)keys[k].hash);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)keys[k].fp);
        size_t best = nengines + 1;
        bool checked = false;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (!checked) {
                checked = true;
                if (!same_text(&keys[k], sqlite3_column_text(s, 1), sqlite3_column_text(s, 0),
                               sqlite3_column_bytes(s, 0)))
                    break; /* another text with the same 64-bit hash */
            }
            int64_t eid = sqlite3_column_int64(s, 2);
            for (size_t r = 0; r < best; r++)
                if (ids[r] == eid) {
                    best = r;
                    free(hits[k].target);
                    hits[k].target = tj_xstrdup((const char *)sqlite3_column_text(s, 3));
                    break;
                }
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            goto failed;
        sqlite3_reset(s);
        if (hits[k].target)
            hits[k].engine = best == 0 ? TJ_TM_HUMAN : engines[best - 1];
    }
    end_read(tm);
    goto out;
failed:
    st = db_error(tm, rc, diag, "cannot read it");
    run(tm, ST_ROLLBACK);
    for (size_t k = 0; k < n; k++) {
        free(hits[k].target);
        hits[k] = (struct tj_tm_hit){0};
    }
out:
    free(ids);
    pthread_mutex_unlock(&tm->lock);
    return st;
}

/* ---- storing ---- */

/* The id of key's source row, added (with its trigram index entry) when missing; 0 when the
 * hash belongs to another text (then nothing is stored for it); -1 after an error in *rc. */
static int64_t source_id(struct tj_tm *tm, const struct tj_tm_entry *e, int *rc)
{
    sqlite3_stmt *s = stmt(tm, ST_SOURCE_FIND);
    sqlite3_bind_int64(s, 1, (sqlite3_int64)e->key->hash);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        bool same = same_text(e->key, sqlite3_column_text(s, 1), sqlite3_column_text(s, 2),
                              sqlite3_column_bytes(s, 2));
        sqlite3_reset(s);
        return same ? id : 0;
    }
    sqlite3_reset(s);
    if (r != SQLITE_DONE)
        return *rc = r, -1;
    s = stmt(tm, ST_SOURCE_ADD);
    sqlite3_bind_int64(s, 1, (sqlite3_int64)e->key->hash);
    sqlite3_bind_text(s, 2, TJ_TM_PAIR, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, e->source, (int)e->source_len, SQLITE_STATIC);
    r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE)
        return *rc = r, -1;
    int64_t id = sqlite3_last_insert_rowid(tm->db);
    s = stmt(tm, ST_FTS_ADD);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, e->key->mform, (int)e->key->mlen, SQLITE_STATIC);
    r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE)
        return *rc = r, -1;
    return id;
}

enum tj_status tj_tm_put(struct tj_tm *tm, const struct tj_tm_entry *entries, size_t n,
                         struct tj_diag *diag)
{
    if (n == 0)
        return TJ_OK;
    pthread_mutex_lock(&tm->lock);
    struct tj_diag d = {""};
    enum tj_status st = TJ_OK;
    int rc = run(tm, ST_BEGIN_WRITE);
    if (rc != SQLITE_OK) {
        st = db_error(tm, rc, &d, "cannot store translations");
        goto out;
    }
    int64_t now = (int64_t)time(NULL);
    for (size_t i = 0; i < n; i++) {
        const struct tj_tm_entry *e = &entries[i];
        int64_t eid = engine_id(tm, e->engine, true, &rc);
        if (eid < 0)
            goto failed;
        int64_t sid = source_id(tm, e, &rc);
        if (sid < 0)
            goto failed;
        if (sid == 0)
            continue;
        sqlite3_stmt *s = stmt(tm, ST_UNIT_PUT);
        sqlite3_bind_int64(s, 1, sid);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)e->key->fp);
        sqlite3_bind_int64(s, 3, eid);
        sqlite3_bind_text(s, 4, e->target, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 5, e->changed ? e->changed : now);
        rc = sqlite3_step(s);
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            goto failed;
    }
    rc = run(tm, ST_COMMIT);
    if (rc == SQLITE_OK)
        goto out;
failed:
    st = db_error(tm, rc, &d, "cannot store translations");
    run(tm, ST_ROLLBACK);
    drop_engine_cache(tm); /* ids added in the transaction are gone */
out:
    if (st != TJ_OK) {
        note_locked(tm, st, d.message, n);
        if (diag)
            *diag = d;
    }
    pthread_mutex_unlock(&tm->lock);
    return st;
}

/* ---- similar segments ---- */

/* The code points of s[0..len) into a new array (*n of them); offs (may be NULL) gets a new
 * array of n + 1 byte offsets. */
static uint32_t *code_points(const char *s, size_t len, size_t *n, size_t **offs)
{
    uint32_t *cp = tj_xmalloc((len + 1) * sizeof *cp);
    size_t *off = offs ? tj_xmalloc((len + 2) * sizeof *off) : NULL;
    size_t k = 0, pos = 0;
    while (pos < len) {
        if (off)
            off[k] = pos;
        cp[k++] = tj_utf8_next(s, len, &pos);
    }
    if (off) {
        off[k] = len;
        *offs = off;
    }
    *n = k;
    return cp;
}

/* Levenshtein distance of a[0..n) and b[0..m), or max + 1 once it is sure to exceed max. */
static size_t distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m, size_t max)
{
    if ((n > m ? n - m : m - n) > max)
        return max + 1;
    size_t *row = tj_xmalloc((m + 1) * sizeof *row);
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    size_t result = 0;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0], low = i;
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
            if (best < low)
                low = best;
        }
        if (low > max) {
            free(row);
            return max + 1;
        }
    }
    result = row[m];
    free(row);
    return result;
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
    uint32_t *ca = code_points(a, alen, &n, NULL);
    uint32_t *cb = code_points(b, blen, &m, NULL);
    size_t longer = n > m ? n : m;
    unsigned p = percent(distance(ca, n, cb, m, longer), n, m);
    free(ca);
    free(cb);
    return p;
}

/* A source row found for a query, with how many of the query's pieces it holds. */
struct found {
    int64_t id;
    unsigned pieces;
};

static void found_add(struct found **v, size_t *n, int64_t id, unsigned weight)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].id == id) {
            (*v)[i].pieces += weight;
            return;
        }
    if ((*n & (*n - 1)) == 0)
        *v = tj_xreallocarray(*v, *n ? *n * 2 : 1, sizeof **v);
    (*v)[(*n)++] = (struct found){id, weight};
}

static int by_pieces(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->pieces != y->pieces)
        return x->pieces > y->pieces ? -1 : 1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0; /* newer first */
}

/* A candidate with the time of its translation, while they are ranked. */
struct ranked {
    struct tj_candidate c;
    int64_t changed;
};

static int by_rank(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->c.similarity != y->c.similarity)
        return x->c.similarity > y->c.similarity ? -1 : 1;
    bool hx = strcmp(x->c.engine, TJ_TM_HUMAN) == 0, hy = strcmp(y->c.engine, TJ_TM_HUMAN) == 0;
    if (hx != hy)
        return hx ? -1 : 1;
    return x->changed > y->changed ? -1 : x->changed < y->changed ? 1 : 0;
}

/* Looks up one piece of the query as a phrase of the trigram index; each row holding it gains
 * a piece. Returns the SQLite status. */
static int find_piece(struct tj_tm *tm, const char *piece, size_t len, struct found **v, size_t *n)
{
    struct tj_buf q;
    tj_buf_init(&q, 0);
    tj_buf_putc(&q, '"');
    for (size_t i = 0; i < len; i++) {
        if (piece[i] == '"')
            tj_buf_putc(&q, '"');
        tj_buf_putc(&q, piece[i]);
    }
    tj_buf_putc(&q, '"');
    sqlite3_stmt *s = stmt(tm, ST_FTS_PIECE);
    sqlite3_bind_text(s, 1, q.data, (int)q.len, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, FUZZY_PIECE_ROWS);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        found_add(v, n, sqlite3_column_int64(s, 0), 1);
    sqlite3_reset(s);
    tj_buf_finish(&q);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Adds every translation of source row id to *out as candidates of similarity sim. */
static int add_units(struct tj_tm *tm, int64_t id, const char *text, unsigned sim,
                     struct ranked **out, size_t *n)
{
    sqlite3_stmt *s = stmt(tm, ST_UNITS_OF);
    sqlite3_bind_int64(s, 1, id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = engine_name(tm, sqlite3_column_int64(s, 1));
        const char *target = (const char *)sqlite3_column_text(s, 2);
        if (!name || !target)
            continue;
        if ((*n & (*n - 1)) == 0)
            *out = tj_xreallocarray(*out, *n ? *n * 2 : 1, sizeof **out);
        struct ranked *r = &(*out)[(*n)++];
        r->c = (struct tj_candidate){tj_xstrdup(text), tj_xstrdup(target), sim, tj_xstrdup(name)};
        r->changed = sqlite3_column_int64(s, 3);
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

size_t tj_tm_fuzzy(struct tj_tm *tm, const struct tj_tm_key *key, unsigned min_percent, size_t max,
                   struct tj_candidate **out)
{
    *out = NULL;
    if (max == 0 || min_percent == 0 || min_percent > 100)
        return 0;
    size_t L, *off;
    uint32_t *q = code_points(key->mform, key->mlen, &L, &off);
    struct found *rows = NULL;
    size_t nrows = 0;
    struct ranked *cands = NULL;
    size_t ncands = 0;
    pthread_mutex_lock(&tm->lock);
    int rc = run(tm, ST_BEGIN);
    if (rc != SQLITE_OK)
        goto done;
    /* The same text: its translations under other glossary entries or engines. */
    sqlite3_stmt *s = stmt(tm, ST_SOURCE_FIND);
    sqlite3_bind_int64(s, 1, (sqlite3_int64)key->hash);
    int64_t same = 0;
    if (sqlite3_step(s) == SQLITE_ROW &&
        same_text(key, sqlite3_column_text(s, 1), sqlite3_column_text(s, 2),
                  sqlite3_column_bytes(s, 2)))
        same = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    /* Pieces: a text within k edits of the query holds at least one of k + 1 disjoint pieces
     * of it whole, and the trigram index finds the rows holding a piece. A piece that fills
     * its rows is common and tells little; the rows that hold the most pieces are compared. */
    size_t k = L * (100 - min_percent) / min_percent;
    if (L >= FUZZY_MIN_CHARS) {
        size_t np = k + 1;
        if (L / np < 3)
            np = L / 3;
        if (np > FUZZY_MAX_PIECES)
            np = FUZZY_MAX_PIECES;
        for (size_t p = 0; p < np && rc == SQLITE_OK; p++) {
            size_t a = L * p / np, b = L * (p + 1) / np;
            rc = find_piece(tm, key->mform + off[a], off[b] - off[a], &rows, &nrows);
        }
    }
    if (rc != SQLITE_OK)
        goto end;
    if (nrows > 1)
        qsort(rows, nrows, sizeof *rows, by_pieces);
    if (same)
        rc = add_units(tm, same, key->mform, 100, &cands, &ncands);
    for (size_t i = 0; i < nrows && i < FUZZY_MAX_COMPARED && rc == SQLITE_OK; i++) {
        if (rows[i].id == same)
            continue;
        s = stmt(tm, ST_SOURCE_BY_ID);
        sqlite3_bind_int64(s, 1, rows[i].id);
        if (sqlite3_step(s) != SQLITE_ROW) {
            sqlite3_reset(s);
            continue;
        }
        const char *lang = (const char *)sqlite3_column_text(s, 0);
        const char *text = (const char *)sqlite3_column_text(s, 1);
        if (!lang || !text || strcmp(lang, TJ_TM_PAIR) != 0) {
            sqlite3_reset(s);
            continue;
        }
        char *stored = tj_xstrdup(text);
        sqlite3_reset(s);
        char *m = tj_mform_string(stored, strlen(stored));
        size_t M;
        uint32_t *c = code_points(m, strlen(m), &M, NULL);
        size_t longer = L > M ? L : M;
        size_t allowed = longer * (100 - min_percent) / 100;
        size_t d = distance(q, L, c, M, allowed);
        unsigned sim = d <= allowed ? percent(d, L, M) : 0;
        if (sim >= min_percent)
            rc = add_units(tm, rows[i].id, stored, sim, &cands, &ncands);
        free(c);
        free(m);
        free(stored);
    }
end:
    end_read(tm);
done:
    pthread_mutex_unlock(&tm->lock);
    free(rows);
    free(q);
    free(off);
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

/* ---- the whole memory ---- */

enum tj_status tj_tm_stats(struct tj_tm *tm, struct tj_tm_stats *st, struct tj_diag *diag)
{
    memset(st, 0, sizeof *st);
    st->schema = TJ_TM_SCHEMA;
    pthread_mutex_lock(&tm->lock);
    enum tj_status rs = TJ_OK;
    int64_t sources = 0, pages = 0, free_pages = 0, page_size = 0;
    sqlite3_stmt *s = NULL;
    int rc = run(tm, ST_BEGIN);
    if (rc == SQLITE_OK)
        rc = query_int(tm->db, "SELECT count(*) FROM source", &sources);
    if (rc == SQLITE_OK)
        rc = query_int(tm->db, "PRAGMA page_count", &pages);
    if (rc == SQLITE_OK)
        rc = query_int(tm->db, "PRAGMA freelist_count", &free_pages);
    if (rc == SQLITE_OK)
        rc = query_int(tm->db, "PRAGMA page_size", &page_size);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(tm->db,
                                "SELECT e.name, count(*) FROM unit u JOIN engine e"
                                " ON e.id = u.engine GROUP BY u.engine ORDER BY e.name",
                                -1, &s, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        st->engines = tj_xreallocarray(st->engines, st->nengines + 1, sizeof *st->engines);
        const char *name = (const char *)sqlite3_column_text(s, 0);
        size_t c = (size_t)sqlite3_column_int64(s, 1);
        st->engines[st->nengines++] = (struct tj_tm_engine_count){tj_xstrdup(name ? name : ""), c};
        st->units += c;
        rc = SQLITE_OK;
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(s);
    if (rc != SQLITE_OK) {
        rs = db_error(tm, rc, diag, "cannot read it");
        run(tm, ST_ROLLBACK);
        tj_tm_stats_finish(st);
    } else {
        end_read(tm);
        st->sources = (size_t)sources;
        st->bytes = (size_t)((pages - free_pages) * page_size);
    }
    pthread_mutex_unlock(&tm->lock);
    return rs;
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
    sqlite3_stmt *s = NULL;
    enum tj_status rs = TJ_OK;
    int rc = run(tm, ST_BEGIN);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(tm->db,
                                "SELECT s.text, u.target, e.name, u.changed FROM unit u"
                                " JOIN source s ON s.id = u.source JOIN engine e ON e.id = u.engine"
                                " WHERE s.lang = ?1 ORDER BY u.source, u.engine, u.fp",
                                -1, &s, NULL);
    if (rc == SQLITE_OK)
        sqlite3_bind_text(s, 1, TJ_TM_PAIR, -1, SQLITE_STATIC);
    bool stopped = false;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        rc = SQLITE_OK;
        const char *src = (const char *)sqlite3_column_text(s, 0);
        const char *tgt = (const char *)sqlite3_column_text(s, 1);
        const char *eng = (const char *)sqlite3_column_text(s, 2);
        if (src && tgt && eng && fn(ud, src, tgt, eng, sqlite3_column_int64(s, 3))) {
            stopped = true;
            break;
        }
    }
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    sqlite3_finalize(s);
    if (rc != SQLITE_OK) {
        rs = db_error(tm, rc, diag, "cannot read it");
        run(tm, ST_ROLLBACK);
    } else {
        end_read(tm);
        if (stopped)
            rs = tj_diag_set(diag, TJ_ERR_PARTIAL, "stopped");
    }
    pthread_mutex_unlock(&tm->lock);
    return rs;
}
