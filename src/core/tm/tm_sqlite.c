/* The translation memory in an SQLite file (WAL mode). Its tables (schema 1):
 *   engine(id, name)                 who made translations: engines by name, and "human"
 *   source(id, hash, lang, text)     one row per language pair and matching form; text is the
 *                                    display form first stored, hash a 64-bit hash of the pair
 *                                    and matching form (checked against the text on every hit)
 *   unit(source, fp, engine, target, changed)   the translations, WITHOUT ROWID
 *   source_fts(m)                    contentless FTS5 trigram index of the matching forms,
 *                                    rowid = source.id, for similar segments
 * Statements are compiled once, at open. Reads run in one deferred transaction, writes in one
 * BEGIN IMMEDIATE transaction (so that the busy timeout applies to the write lock instead of
 * failing on a snapshot upgrade). */
#include "tm_int.h"

#include "buf.h"
#include "glossary.h"
#include "normalize.h"
#include "utf8.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* PRAGMA application_id of a tarjim memory: "tjTM". */
#define TM_APP_ID 0x746a544d

/* Similar segments: a stretch of the query (a word, a pair of words) found in this many rows of
 * the trigram index is a common one; at most this many words and word pairs are looked up, and
 * at most this many rows compared in full. */
#define FUZZY_UNIT_ROWS 4
#define FUZZY_MAX_WORDS 48
#define FUZZY_PAIRS 3
#define FUZZY_MAX_COMPARED 32
/* Word pairs are looked up among this many of the newest texts: a rare pair of common words
 * costs a walk through the rows of its commonest letters, which this bounds. */
#define FUZZY_RECENT 100000
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
    ST_MAX_SOURCE,
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
    [ST_FTS_PIECE] = "SELECT rowid FROM source_fts WHERE source_fts MATCH ?1 AND rowid > ?3"
                     " LIMIT ?2",
    [ST_MAX_SOURCE] = "SELECT max(id) FROM source",
    [ST_SOURCE_BY_ID] = "SELECT lang, text FROM source WHERE id = ?1",
    [ST_UNITS_OF] = "SELECT fp, engine, target, changed FROM unit WHERE source = ?1",
};

/* An engine's id, as cached. */
struct engine_id {
    char *name;
    int64_t id;
};

struct tj_tm_sqlite {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    struct engine_id *engines;
    size_t nengines;
};

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
    const char *msg = tm->sq && tm->sq->db ? sqlite3_errmsg(tm->sq->db) : sqlite3_errstr(code);
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
    sqlite3 *db = tm->sq->db;
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

static const struct tj_tm_ops sqlite_ops;

enum tj_status tj_tm_sqlite_open(struct tj_tm *tm, const char *path, struct tj_diag *diag)
{
    tm->ops = &sqlite_ops;
    tm->sq = tj_xcalloc(1, sizeof *tm->sq);
    enum tj_status st = TJ_OK;
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: translation memory: is a directory", path);
        goto out;
    }
    int rc = sqlite3_open_v2(
        path, &tm->sq->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        st = db_error(tm, rc, diag, "cannot open it");
        goto out;
    }
    sqlite3_extended_result_codes(tm->sq->db, 1);
    sqlite3_busy_timeout(tm->sq->db, TJ_TM_BUSY_MS);
    /* WAL: readers never wait for the writer, and each commit is one append. NORMAL syncs at
     * checkpoints only: a killed process loses nothing committed (a power cut may lose the last
     * commits). */
    /* Two processes opening a new file at once: the change of journal mode can answer BUSY
     * without waiting through the busy handler, so it is tried again for a while. */
    for (int attempt = 0;; attempt++) {
        sqlite3_stmt *jm;
        rc = sqlite3_prepare_v2(tm->sq->db, "PRAGMA journal_mode = WAL", -1, &jm, NULL);
        if (rc == SQLITE_OK) {
            rc = sqlite3_step(jm);
            if (rc == SQLITE_ROW) {
                const char *mode = (const char *)sqlite3_column_text(jm, 0);
                rc = mode && strcmp(mode, "wal") == 0 ? SQLITE_OK : SQLITE_CANTOPEN;
            }
            sqlite3_finalize(jm);
        }
        if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) || attempt >= 100)
            break;
        sqlite3_sleep(50);
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        st = db_error(tm, rc, diag, "cannot open it");
        goto out;
    }
    /* Lookups read the trigram index through the page cache of the system (memory-mapped, at
     * most 1 GiB of the file) rather than copying each page. */
    exec_sql(tm->sq->db, "PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -16384");
    if ((rc = exec_sql(tm->sq->db, "PRAGMA synchronous = NORMAL")) != SQLITE_OK) {
        st = db_error(tm, rc, diag, "cannot open it");
        goto out;
    }
    st = migrate(tm, diag);
    if (st != TJ_OK)
        goto out;
    for (int i = 0; i < ST_COUNT; i++) {
        rc = sqlite3_prepare_v3(tm->sq->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                &tm->sq->st[i], NULL);
        if (rc != SQLITE_OK) {
            st = db_error(tm, rc, diag, "cannot read its tables");
            goto out;
        }
    }
out:
    return st;
}

/* Merges the trigram index's segments a little: each write transaction leaves one more, and a
 * lookup reads every segment, so the work done here (FTS5's incremental 'merge', some pages
 * for each translation stored) keeps lookups about as fast as a fully merged index allows. */
static void maintain(struct tj_tm *tm)
{
    if (!tm->sq || !tm->sq->db || tm->stored == 0)
        return;
    sqlite3_busy_timeout(tm->sq->db, 1000); /* another writer's turn: it will merge */
    size_t pages = 16 * tm->stored + 64;
    if (pages > 4000)
        pages = 4000;
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO source_fts(source_fts, rank) VALUES ('merge', -%zu)",
             pages);
    exec_sql(tm->sq->db, sql); /* a failure here loses nothing */
}

static enum tj_status sq_optimize(struct tj_tm *tm, struct tj_diag *diag)
{
    enum tj_status st = TJ_OK;
    int rc = exec_sql(tm->sq->db, "BEGIN IMMEDIATE");
    if (rc == SQLITE_OK)
        rc = exec_sql(tm->sq->db, "INSERT INTO source_fts(source_fts) VALUES ('optimize')");
    if (rc == SQLITE_OK)
        rc = exec_sql(tm->sq->db, "COMMIT");
    if (rc != SQLITE_OK) {
        st = db_error(tm, rc, diag, "cannot merge its index");
        exec_sql(tm->sq->db, "ROLLBACK");
    }
    return st;
}

static void sq_close(struct tj_tm *tm)
{
    if (!tm->sq)
        return;
    maintain(tm);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(tm->sq->st[i]);
    sqlite3_close(tm->sq->db);
    for (size_t i = 0; i < tm->sq->nengines; i++)
        free(tm->sq->engines[i].name);
    free(tm->sq->engines);
    free(tm->sq);
    tm->sq = NULL;
}

static void sq_set_busy_timeout(struct tj_tm *tm, int ms)
{
    sqlite3_busy_timeout(tm->sq->db, ms);
}

/* ---- statements ---- */

static sqlite3_stmt *stmt(struct tj_tm *tm, enum stmt which)
{
    sqlite3_stmt *s = tm->sq->st[which];
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
    for (size_t i = 0; i < tm->sq->nengines; i++)
        if (strcmp(tm->sq->engines[i].name, name) == 0)
            return tm->sq->engines[i].id;
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
        id = sqlite3_last_insert_rowid(tm->sq->db);
    }
    if (id) {
        /* Cached only once known to be in the table: a rolled-back insert is forgotten by
         * put's error path, which drops the cache. */
        tm->sq->engines =
            tj_xreallocarray(tm->sq->engines, tm->sq->nengines + 1, sizeof *tm->sq->engines);
        tm->sq->engines[tm->sq->nengines++] = (struct engine_id){tj_xstrdup(name), id};
    }
    return id;
}

static void drop_engine_cache(struct tj_tm *tm)
{
    for (size_t i = 0; i < tm->sq->nengines; i++)
        free(tm->sq->engines[i].name);
    tm->sq->nengines = 0;
}

/* The name of engine id (borrowed from the cache), NULL when unknown. */
static const char *engine_name(struct tj_tm *tm, int64_t id)
{
    for (size_t i = 0; i < tm->sq->nengines; i++)
        if (tm->sq->engines[i].id == id)
            return tm->sq->engines[i].name;
    sqlite3_stmt *s = stmt(tm, ST_ENGINE_NAME);
    sqlite3_bind_int64(s, 1, id);
    const char *name = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *n = (const char *)sqlite3_column_text(s, 0);
        if (n) {
            tm->sq->engines =
                tj_xreallocarray(tm->sq->engines, tm->sq->nengines + 1, sizeof *tm->sq->engines);
            tm->sq->engines[tm->sq->nengines++] = (struct engine_id){tj_xstrdup(n), id};
            name = tm->sq->engines[tm->sq->nengines - 1].name;
        }
    }
    sqlite3_reset(s);
    return name;
}

/* True when a stored row is the segment of key: same pair, same matching form. */
static bool same_text(const struct tj_tm_key *key, const unsigned char *lang,
                      const unsigned char *text, int text_len)
{
    return tj_tm_same_text(key, (const char *)lang, (const char *)text, (size_t)text_len);
}

/* ---- lookups ---- */

/* Ends a read transaction; an error there changes nothing read. */
static void end_read(struct tj_tm *tm)
{
    if (run(tm, ST_COMMIT) != SQLITE_OK)
        run(tm, ST_ROLLBACK);
}

/* Ends a read transaction that ran s (finalized here) and stopped at rc: TJ_OK when rc is
 * SQLITE_OK or SQLITE_DONE, else the error in diag and the transaction rolled back. */
static enum tj_status end_query(struct tj_tm *tm, sqlite3_stmt *s, int rc, struct tj_diag *diag)
{
    sqlite3_finalize(s);
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        enum tj_status rs = db_error(tm, rc, diag, "cannot read it");
        run(tm, ST_ROLLBACK);
        return rs;
    }
    end_read(tm);
    return TJ_OK;
}

static enum tj_status sq_get(struct tj_tm *tm, const struct tj_tm_key *keys, size_t n,
                             const char *const *engines, size_t nengines, struct tj_tm_hit *hits,
                             struct tj_diag *diag)
{
    memset(hits, 0, n * sizeof *hits);
    if (n == 0)
        return TJ_OK;
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
    int64_t id = sqlite3_last_insert_rowid(tm->sq->db);
    s = stmt(tm, ST_FTS_ADD);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, e->key->mform, (int)e->key->mlen, SQLITE_STATIC);
    r = sqlite3_step(s);
    sqlite3_reset(s);
    if (r != SQLITE_DONE)
        return *rc = r, -1;
    return id;
}

static enum tj_status sq_put(struct tj_tm *tm, const struct tj_tm_entry *entries, size_t n,
                             struct tj_diag *diag)
{
    int rc = run(tm, ST_BEGIN_WRITE);
    if (rc != SQLITE_OK)
        return db_error(tm, rc, diag, "cannot store translations");
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
        return TJ_OK;
failed:;
    enum tj_status st = db_error(tm, rc, diag, "cannot store translations");
    run(tm, ST_ROLLBACK);
    drop_engine_cache(tm); /* ids added in the transaction are gone */
    return st;
}

/* ---- similar segments ---- */

/* A source row found for a query: in how many of the query's stretches it was found, and
 * whether it has been compared with the query. */
struct found {
    int64_t id;
    unsigned hits;
    bool compared;
};

static void found_add(struct found **v, size_t *n, int64_t id)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].id == id) {
            (*v)[i].hits++;
            return;
        }
    if ((*n & (*n - 1)) == 0)
        *v = tj_xreallocarray(*v, *n ? *n * 2 : 1, sizeof **v);
    (*v)[(*n)++] = (struct found){id, 1, false};
}

static int by_hits(const void *a, const void *b)
{
    const struct found *x = a, *y = b;
    if (x->hits != y->hits)
        return x->hits > y->hits ? -1 : 1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0; /* newer first */
}

/* Looks up a stretch of the query (a word, or two words with what stands between them) as a
 * phrase of the trigram index among the rows after `after`, reading at most FUZZY_UNIT_ROWS.
 * many rows is a common one that tells nothing about which texts are similar (and reading them
 * all would cost a scan of its rows): its rows are left out. The rows of a rarer stretch each
 * gain a hit. Returns the SQLite status. */
static int find_stretch(struct tj_tm *tm, const char *text, size_t len, int64_t after,
                        struct found **v, size_t *n)
{
    struct tj_buf q;
    tj_buf_init(&q, 0);
    tj_buf_putc(&q, '"');
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '"')
            tj_buf_putc(&q, '"');
        tj_buf_putc(&q, text[i]);
    }
    tj_buf_putc(&q, '"');
    sqlite3_stmt *s = stmt(tm, ST_FTS_PIECE);
    sqlite3_bind_text(s, 1, q.data, (int)q.len, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, FUZZY_UNIT_ROWS);
    sqlite3_bind_int64(s, 3, after);
    int64_t ids[FUZZY_UNIT_ROWS];
    int k = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        ids[k++] = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    tj_buf_finish(&q);
    if (rc != SQLITE_DONE)
        return rc;
    for (int i = 0; k < FUZZY_UNIT_ROWS && i < k; i++)
        found_add(v, n, ids[i]);
    return SQLITE_OK;
}

/* Adds every translation of source row id to *out as candidates of similarity sim. */
static int add_units(struct tj_tm *tm, int64_t id, const char *text, unsigned sim,
                     struct tj_tm_ranked **out, size_t *n)
{
    sqlite3_stmt *s = stmt(tm, ST_UNITS_OF);
    sqlite3_bind_int64(s, 1, id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = engine_name(tm, sqlite3_column_int64(s, 1));
        const char *target = (const char *)sqlite3_column_text(s, 2);
        if (!name || !target)
            continue;
        tj_tm_ranked_add(out, n, text, target, sim, name, sqlite3_column_int64(s, 3));
    }
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* What one similarity search works with. */
struct search {
    struct tj_tm *tm;
    const uint32_t *q; /* the query's matching form, as code points */
    size_t L;
    unsigned min;
    int64_t same; /* the row of the query's own text, or 0 */
    struct found *rows;
    size_t nrows, compared;
    struct tj_tm_ranked **cands; /* where candidates go */
    size_t *ncands;
};

/* Compares the rows found with the most hits, not compared yet, with the query (at most
 * FUZZY_MAX_COMPARED rows in all), and takes the translations of the similar ones. Returns the
 * SQLite status; *similar counts the rows that were. */
static int compare_rows(struct search *se, size_t *similar)
{
    *similar = 0;
    if (se->nrows > 1)
        qsort(se->rows, se->nrows, sizeof *se->rows, by_hits);
    int rc = SQLITE_OK;
    for (size_t i = 0; i < se->nrows && se->compared < FUZZY_MAX_COMPARED && rc == SQLITE_OK; i++) {
        struct found *f = &se->rows[i];
        if (f->compared || f->id == se->same)
            continue;
        f->compared = true;
        se->compared++;
        sqlite3_stmt *s = stmt(se->tm, ST_SOURCE_BY_ID);
        sqlite3_bind_int64(s, 1, f->id);
        int r = sqlite3_step(s);
        const char *lang = r == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : NULL;
        const char *text = r == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 1) : NULL;
        if (!lang || !text || strcmp(lang, TJ_TM_PAIR) != 0) {
            sqlite3_reset(s);
            if (r != SQLITE_ROW && r != SQLITE_DONE)
                rc = r;
            continue;
        }
        char *stored = tj_xstrdup(text);
        sqlite3_reset(s);
        unsigned sim = tj_tm_similar(se->q, se->L, stored, se->min);
        if (sim) {
            rc = add_units(se->tm, f->id, stored, sim, se->cands, se->ncands);
            (*similar)++;
        }
        free(stored);
    }
    return rc;
}

static void sq_fuzzy(struct tj_tm *tm, const struct tj_tm_key *key, unsigned min_percent,
                     struct tj_tm_ranked **out, size_t *nout)
{
    struct search se = {.tm = tm, .min = min_percent, .cands = out, .ncands = nout};
    uint32_t *q = tj_tm_code_points(key->mform, key->mlen, &se.L);
    se.q = q;
    struct tj_word *w = NULL;
    size_t nw = tj_glossary_split(key->mform, key->mlen, &w);
    int rc = run(tm, ST_BEGIN);
    if (rc != SQLITE_OK)
        goto done;
    /* The same text: its translations under other glossary entries or engines. */
    sqlite3_stmt *s = stmt(tm, ST_SOURCE_FIND);
    sqlite3_bind_int64(s, 1, (sqlite3_int64)key->hash);
    if (sqlite3_step(s) == SQLITE_ROW &&
        same_text(key, sqlite3_column_text(s, 1), sqlite3_column_text(s, 2),
                  sqlite3_column_bytes(s, 2)))
        se.same = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (se.same)
        rc = add_units(tm, se.same, key->mform, 100, out, nout);
    /* Similar texts share most words with the query, and a text of news holds words (names,
     * figures, rarer words) that few others hold: the rows holding the query's rarer words,
     * the most of them first, are compared with it. When none is similar enough, the newest
     * rows holding a few of its word pairs (a rare pair of common words: an edited sentence of
     * common words, as an updated story has) are compared too. */
    size_t similar = 0;
    if (se.L >= FUZZY_MIN_CHARS && rc == SQLITE_OK) {
        for (size_t i = 0; i < nw && i < FUZZY_MAX_WORDS && rc == SQLITE_OK; i++) {
            const char *wt = key->mform + w[i].start;
            size_t wl = w[i].end - w[i].start;
            bool seen = tj_utf8_count(wt, wl) < 3;
            for (size_t j = 0; j < i && !seen; j++)
                seen = w[j].end - w[j].start == wl && memcmp(key->mform + w[j].start, wt, wl) == 0;
            if (seen)
                continue;
            /* With the spaces around it, so that it is found as a word, not inside longer
             * ones (a figure among the figures that hold it). */
            size_t a = w[i].start, b = w[i].end;
            if (a > 0 && key->mform[a - 1] == ' ')
                a--;
            if (b < key->mlen && key->mform[b] == ' ')
                b++;
            rc = find_stretch(tm, key->mform + a, b - a, 0, &se.rows, &se.nrows);
        }
        if (rc == SQLITE_OK)
            rc = compare_rows(&se, &similar);
        size_t pairs = nw > 1 ? nw - 1 : 0;
        if (similar == 0 && pairs > 0 && rc == SQLITE_OK) {
            s = stmt(tm, ST_MAX_SOURCE);
            int64_t newest = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
            sqlite3_reset(s);
            int64_t after = newest > FUZZY_RECENT ? newest - FUZZY_RECENT : 0;
            size_t take = pairs < FUZZY_PAIRS ? pairs : FUZZY_PAIRS;
            for (size_t t = 0; t < take && rc == SQLITE_OK; t++) {
                size_t i = take > 1 ? (pairs - 1) * t / (take - 1) : 0;
                rc = find_stretch(tm, key->mform + w[i].start, w[i + 1].end - w[i].start, after,
                                  &se.rows, &se.nrows);
            }
            if (rc == SQLITE_OK)
                rc = compare_rows(&se, &similar);
        }
    }
    end_read(tm);
done:
    free(se.rows);
    free(w);
    free(q);
}

/* ---- the whole memory ---- */

static enum tj_status sq_stats(struct tj_tm *tm, struct tj_tm_stats *st, struct tj_diag *diag)
{
    memset(st, 0, sizeof *st);
    st->schema = TJ_TM_SCHEMA;
    int64_t sources = 0, pages = 0, free_pages = 0, page_size = 0;
    sqlite3_stmt *s = NULL;
    int rc = run(tm, ST_BEGIN);
    if (rc == SQLITE_OK)
        rc = query_int(tm->sq->db, "SELECT count(*) FROM source", &sources);
    if (rc == SQLITE_OK)
        rc = query_int(tm->sq->db, "PRAGMA page_count", &pages);
    if (rc == SQLITE_OK)
        rc = query_int(tm->sq->db, "PRAGMA freelist_count", &free_pages);
    if (rc == SQLITE_OK)
        rc = query_int(tm->sq->db, "PRAGMA page_size", &page_size);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(tm->sq->db,
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
    enum tj_status rs = end_query(tm, s, rc, diag);
    if (rs != TJ_OK) {
        tj_tm_stats_finish(st);
    } else {
        st->sources = (size_t)sources;
        st->bytes = (size_t)((pages - free_pages) * page_size);
    }
    return rs;
}

static enum tj_status sq_each(struct tj_tm *tm, tj_tm_each_fn fn, void *ud, struct tj_diag *diag)
{
    sqlite3_stmt *s = NULL;
    int rc = run(tm, ST_BEGIN);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(tm->sq->db,
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
    enum tj_status rs = end_query(tm, s, rc, diag);
    if (rs == TJ_OK && stopped)
        rs = tj_diag_set(diag, TJ_ERR_PARTIAL, "stopped");
    return rs;
}

static const struct tj_tm_ops sqlite_ops = {
    .get = sq_get,
    .put = sq_put,
    .fuzzy = sq_fuzzy,
    .stats = sq_stats,
    .each = sq_each,
    .optimize = sq_optimize,
    .set_busy_timeout = sq_set_busy_timeout,
    .close = sq_close,
};
