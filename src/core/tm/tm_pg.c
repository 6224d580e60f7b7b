/* The translation memory on a PostgreSQL server (libpq), shared by every tarjim that names it:
 * the tables of tm_sqlite.c, prefixed tarjim_, with the matching form stored beside each text
 * and indexed by pg_trgm (GIN) for similar segments. The schema version is the row 'schema' of
 * tarjim_meta, brought up to date under an advisory lock so that processes starting together
 * do it once. Writers take row locks in one order (engines, then texts by hash) and a
 * transaction that still meets a deadlock or a serialization failure is run again, so that
 * processes storing the same segments at once lose nothing and store nothing twice.
 * Statements are prepared once per connection. */
#include "tm_int.h"

#include "buf.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* pg_advisory_xact_lock key of schema changes: "tjTM". */
#define PG_LOCK_KEY 0x746a544d
/* Candidates: the texts pg_trgm finds at least this similar (its trigram measure, a looser
 * one than tarjim's), at most 32 of them, the most similar first, are compared in full. */
#define PG_TRGM_THRESHOLD "0.4"
/* Runs of a write transaction that met a deadlock or a serialization failure. */
#define PG_WRITE_TRIES 5

static const char *const migrations[] = {
    "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
    "CREATE TABLE tarjim_engine (id serial PRIMARY KEY, name text NOT NULL UNIQUE);"
    "CREATE TABLE tarjim_source (id bigserial PRIMARY KEY, hash bigint NOT NULL UNIQUE,"
    " lang text NOT NULL, text text NOT NULL, mform text NOT NULL);"
    "CREATE INDEX tarjim_source_trgm ON tarjim_source USING gin (mform gin_trgm_ops);"
    "CREATE TABLE tarjim_unit (source bigint NOT NULL REFERENCES tarjim_source(id),"
    " fp bigint NOT NULL, engine integer NOT NULL REFERENCES tarjim_engine(id),"
    " target text NOT NULL, changed bigint NOT NULL, PRIMARY KEY (source, fp, engine));",
};

enum stmt {
    PS_GET,
    PS_ENGINE_FIND,
    PS_ENGINE_ADD,
    PS_SOURCE_ADD,
    PS_SOURCE_FIND,
    PS_UNIT_PUT,
    PS_FUZZY,
    PS_UNITS_OF,
    PS_COUNT,
};

static const struct {
    const char *name;
    const char *sql;
    int nparams;
} stmts[PS_COUNT] = {
    [PS_GET] = {"tj_get",
                "SELECT s.hash, u.fp, s.lang, s.text, e.name, u.target FROM tarjim_source s"
                " JOIN tarjim_unit u ON u.source = s.id JOIN tarjim_engine e ON e.id = u.engine"
                " WHERE (s.hash, u.fp) IN (SELECT * FROM unnest($1::bigint[], $2::bigint[]))",
                2},
    [PS_ENGINE_FIND] = {"tj_engine_find", "SELECT id FROM tarjim_engine WHERE name = $1", 1},
    [PS_ENGINE_ADD] = {"tj_engine_add",
                       "INSERT INTO tarjim_engine(name) VALUES ($1) ON CONFLICT DO NOTHING", 1},
    [PS_SOURCE_ADD] = {"tj_source_add",
                       "INSERT INTO tarjim_source(hash, lang, text, mform) VALUES ($1, $2, $3, $4)"
                       " ON CONFLICT (hash) DO NOTHING RETURNING id",
                       4},
    [PS_SOURCE_FIND] = {"tj_source_find",
                        "SELECT id, lang, text FROM tarjim_source WHERE hash = $1", 1},
    [PS_UNIT_PUT] = {"tj_unit_put",
                     "INSERT INTO tarjim_unit(source, fp, engine, target, changed)"
                     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, fp, engine) DO UPDATE"
                     " SET target = EXCLUDED.target, changed = EXCLUDED.changed",
                     5},
    [PS_FUZZY] = {"tj_fuzzy",
                  "SELECT id, text FROM tarjim_source WHERE lang = $2 AND mform % $1"
                  " ORDER BY similarity(mform, $1) DESC, id DESC LIMIT 32",
                  2},
    [PS_UNITS_OF] = {"tj_units_of",
                     "SELECT e.name, u.target, u.changed FROM tarjim_unit u JOIN tarjim_engine e"
                     " ON e.id = u.engine WHERE u.source = $1",
                     1},
};

struct tj_tm_pg {
    PGconn *conn;
};

/* The status of a failed result: the server unreachable, a lock waited for past the timeout,
 * out of space, or else bad configuration (a schema or permission that is not right). */
static enum tj_status status_of(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (!state)
        return TJ_ERR_UNAVAILABLE; /* no answer: the connection is gone */
    if (strncmp(state, "08", 2) == 0 || strcmp(state, "55P03") == 0 ||
        strcmp(state, "57014") == 0 || strncmp(state, "57P", 3) == 0)
        return TJ_ERR_UNAVAILABLE;
    if (strncmp(state, "53", 2) == 0)
        return TJ_ERR_NOINPUT;
    return TJ_ERR_CONFIG;
}

/* True when the transaction of res may succeed if run again. */
static bool retryable(const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return state && (strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0);
}

static enum tj_status pg_error(struct tj_tm *tm, const PGresult *res, struct tj_diag *diag,
                               const char *what)
{
    const char *msg = res ? PQresultErrorMessage(res) : NULL;
    if (!msg || !*msg)
        msg = tm->pg && tm->pg->conn ? PQerrorMessage(tm->pg->conn) : "no connection";
    size_t len = strcspn(msg, "\n");
    return tj_diag_set(diag, res ? status_of(res) : TJ_ERR_UNAVAILABLE,
                       "%s: translation memory: %s: %.*s", tm->path, what, (int)len, msg);
}

/* Runs sql (no parameters); true when it succeeded, else *res holds the failure (to PQclear). */
static bool exec_ok(PGconn *c, const char *sql, PGresult **res)
{
    *res = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(*res);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        PQclear(*res);
        *res = NULL;
        return true;
    }
    return false;
}

static PGresult *exec_prepared(struct tj_tm *tm, enum stmt which, const char *const *values)
{
    return PQexecPrepared(tm->pg->conn, stmts[which].name, stmts[which].nparams, values, NULL, NULL,
                          0);
}

static bool result_ok(const PGresult *res)
{
    ExecStatusType st = PQresultStatus(res);
    return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

static void rollback(struct tj_tm *tm)
{
    PQclear(PQexec(tm->pg->conn, "ROLLBACK"));
}

/* ---- opening ---- */

static enum tj_status migrate(struct tj_tm *tm, struct tj_diag *diag)
{
    PGconn *c = tm->pg->conn;
    PGresult *res;
    char sql[160];
    snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d)", PG_LOCK_KEY);
    if (!exec_ok(c, sql, &res) ||
        !exec_ok(c,
                 "CREATE TABLE IF NOT EXISTS tarjim_meta (key text PRIMARY KEY, value text NOT"
                 " NULL)",
                 &res)) {
        enum tj_status st = pg_error(tm, res, diag, "cannot read it");
        PQclear(res);
        rollback(tm);
        return st;
    }
    res = PQexec(c, "SELECT value FROM tarjim_meta WHERE key = 'schema'");
    if (!result_ok(res)) {
        enum tj_status st = pg_error(tm, res, diag, "cannot read it");
        PQclear(res);
        rollback(tm);
        return st;
    }
    long version = PQntuples(res) ? strtol(PQgetvalue(res, 0, 0), NULL, 10) : 0;
    PQclear(res);
    if (version > TJ_TM_SCHEMA) {
        rollback(tm);
        return tj_diag_set(diag, TJ_ERR_CONFIG,
                           "%s: translation memory of schema %ld, made by a newer tarjim (this one "
                           "reads up to schema %d)",
                           tm->path, version, TJ_TM_SCHEMA);
    }
    bool ok = true;
    res = NULL;
    for (long v = version; v < TJ_TM_SCHEMA && ok; v++)
        ok = exec_ok(c, migrations[v], &res);
    if (ok && version < TJ_TM_SCHEMA) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO tarjim_meta VALUES ('schema', '%d') ON CONFLICT (key) DO UPDATE"
                 " SET value = EXCLUDED.value",
                 TJ_TM_SCHEMA);
        ok = exec_ok(c, sql, &res);
    }
    if (ok)
        ok = exec_ok(c, "COMMIT", &res);
    if (!ok) {
        enum tj_status st = pg_error(tm, res, diag, "cannot bring its schema up to date");
        PQclear(res);
        rollback(tm);
        return st;
    }
    return TJ_OK;
}

static const struct tj_tm_ops pg_ops;

static void quiet(void *arg, const char *message)
{
    (void)arg, (void)message;
}

enum tj_status tj_tm_pg_open(struct tj_tm *tm, const char *url, struct tj_diag *diag)
{
    tm->ops = &pg_ops;
    tm->pg = tj_xcalloc(1, sizeof *tm->pg);
    tm->pg->conn = PQconnectdb(url);
    if (PQstatus(tm->pg->conn) != CONNECTION_OK)
        return pg_error(tm, NULL, diag, "cannot connect");
    /* The server's notices ("already exists, skipping") are not the user's business: the core
     * never prints. */
    PQsetNoticeProcessor(tm->pg->conn, quiet, NULL);
    PGresult *res;
    /* A lock waited for as long as an SQLite file's; pg_trgm's threshold for candidates. */
    char sql[200];
    snprintf(sql, sizeof sql,
             "SET lock_timeout = %d; SET pg_trgm.similarity_threshold = " PG_TRGM_THRESHOLD,
             TJ_TM_BUSY_MS);
    enum tj_status st = migrate(tm, diag);
    if (st != TJ_OK)
        return st;
    if (!exec_ok(tm->pg->conn, sql, &res)) {
        st = pg_error(tm, res, diag, "cannot set up the connection");
        PQclear(res);
        return st;
    }
    for (int i = 0; i < PS_COUNT; i++) {
        res = PQprepare(tm->pg->conn, stmts[i].name, stmts[i].sql, stmts[i].nparams, NULL);
        if (!result_ok(res)) {
            st = pg_error(tm, res, diag, "cannot read its tables");
            PQclear(res);
            return st;
        }
        PQclear(res);
    }
    return TJ_OK;
}

static void pg_close(struct tj_tm *tm)
{
    if (!tm->pg)
        return;
    PQfinish(tm->pg->conn);
    free(tm->pg);
    tm->pg = NULL;
}

static void pg_set_busy_timeout(struct tj_tm *tm, int ms)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SET lock_timeout = %d", ms);
    PQclear(PQexec(tm->pg->conn, sql));
}

static enum tj_status pg_optimize(struct tj_tm *tm, struct tj_diag *diag)
{
    PGresult *res;
    if (exec_ok(tm->pg->conn, "ANALYZE tarjim_source, tarjim_unit", &res))
        return TJ_OK;
    enum tj_status st = pg_error(tm, res, diag, "cannot analyze it");
    PQclear(res);
    return st;
}

/* ---- lookups ---- */

/* Keys in order of (hash, fingerprint), to find the keys a result row answers. */
struct key_ref {
    uint64_t hash, fp;
    size_t index;
};

static int by_hash(const void *a, const void *b)
{
    const struct key_ref *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    if (x->fp != y->fp)
        return x->fp < y->fp ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static enum tj_status pg_get(struct tj_tm *tm, const struct tj_tm_key *keys, size_t n,
                             const char *const *engines, size_t nengines, struct tj_tm_hit *hits,
                             struct tj_diag *diag)
{
    struct tj_buf hashes, fps;
    tj_buf_init(&hashes, 0);
    tj_buf_init(&fps, 0);
    struct key_ref *refs = tj_xmalloc(n * sizeof *refs);
    tj_buf_putc(&hashes, '{');
    tj_buf_putc(&fps, '{');
    for (size_t i = 0; i < n; i++) {
        refs[i] = (struct key_ref){keys[i].hash, keys[i].fp, i};
        tj_buf_printf(&hashes, "%s%lld", i ? "," : "", (long long)(int64_t)keys[i].hash);
        tj_buf_printf(&fps, "%s%lld", i ? "," : "", (long long)(int64_t)keys[i].fp);
    }
    tj_buf_putc(&hashes, '}');
    tj_buf_putc(&fps, '}');
    qsort(refs, n, sizeof *refs, by_hash);
    const char *values[2] = {hashes.data, fps.data};
    PGresult *res = exec_prepared(tm, PS_GET, values);
    enum tj_status st = TJ_OK;
    size_t *rank = tj_xmalloc(n * sizeof *rank);
    for (size_t i = 0; i < n; i++)
        rank[i] = nengines + 1;
    if (!result_ok(res)) {
        st = pg_error(tm, res, diag, "cannot read it");
        goto out;
    }
    for (int r = 0; r < PQntuples(res); r++) {
        uint64_t h = (uint64_t)strtoll(PQgetvalue(res, r, 0), NULL, 10);
        uint64_t fp = (uint64_t)strtoll(PQgetvalue(res, r, 1), NULL, 10);
        const char *engine = PQgetvalue(res, r, 4);
        size_t er = nengines + 1;
        if (strcmp(engine, TJ_TM_HUMAN) == 0)
            er = 0;
        for (size_t e = 0; e < nengines && er > nengines; e++)
            if (strcmp(engine, engines[e]) == 0)
                er = e + 1;
        if (er > nengines)
            continue;
        /* The first key of this hash and fingerprint, then those after it. */
        size_t lo = 0, hi = n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (refs[mid].hash < h || (refs[mid].hash == h && refs[mid].fp < fp))
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < n && refs[k].hash == h && refs[k].fp == fp; k++) {
            size_t i = refs[k].index;
            if (er >= rank[i] ||
                !tj_tm_same_text(&keys[i], PQgetvalue(res, r, 2), PQgetvalue(res, r, 3),
                                 (size_t)PQgetlength(res, r, 3)))
                continue;
            rank[i] = er;
            free(hits[i].target);
            hits[i].target = tj_xstrdup(PQgetvalue(res, r, 5));
            hits[i].engine = er == 0 ? TJ_TM_HUMAN : engines[er - 1];
        }
    }
out:
    PQclear(res);
    free(rank);
    free(refs);
    tj_buf_finish(&hashes);
    tj_buf_finish(&fps);
    return st;
}

/* ---- storing ---- */

/* Entries in the order their rows are locked in: by text hash. */
static int entry_by_hash(const void *a, const void *b)
{
    const struct tj_tm_entry *x = *(const struct tj_tm_entry *const *)a;
    const struct tj_tm_entry *y = *(const struct tj_tm_entry *const *)b;
    if (x->key->hash != y->key->hash)
        return x->key->hash < y->key->hash ? -1 : 1;
    return strcmp(x->engine, y->engine);
}

/* The id of engine name, added when missing (outside any row lock held by others: an insert
 * that finds the name ends without waiting). 0 after an error in *res. */
static long engine_id(struct tj_tm *tm, const char *name, PGresult **res)
{
    const char *v[1] = {name};
    for (int attempt = 0; attempt < 2; attempt++) {
        *res = exec_prepared(tm, PS_ENGINE_FIND, v);
        if (!result_ok(*res))
            return 0;
        if (PQntuples(*res)) {
            long id = strtol(PQgetvalue(*res, 0, 0), NULL, 10);
            PQclear(*res);
            *res = NULL;
            return id;
        }
        PQclear(*res);
        *res = exec_prepared(tm, PS_ENGINE_ADD, v);
        if (!result_ok(*res))
            return 0;
        PQclear(*res);
    }
    *res = NULL;
    return 0;
}

/* One run of the write transaction; *res holds a failure. */
static bool put_once(struct tj_tm *tm, const struct tj_tm_entry *const *sorted, size_t n,
                     PGresult **res)
{
    if (!exec_ok(tm->pg->conn, "BEGIN", res))
        return false;
    char now[24];
    snprintf(now, sizeof now, "%lld", (long long)time(NULL));
    for (size_t i = 0; i < n; i++) {
        const struct tj_tm_entry *e = sorted[i];
        long eid = engine_id(tm, e->engine, res);
        if (!eid)
            return false;
        char hash[24], fp[24], engine[24], changed[24], id[24];
        snprintf(hash, sizeof hash, "%lld", (long long)(int64_t)e->key->hash);
        snprintf(fp, sizeof fp, "%lld", (long long)(int64_t)e->key->fp);
        snprintf(engine, sizeof engine, "%ld", eid);
        snprintf(changed, sizeof changed, "%lld", (long long)e->changed);
        char *text = tj_xstrndup(e->source, e->source_len);
        const char *add[4] = {hash, TJ_TM_PAIR, text, e->key->mform};
        *res = exec_prepared(tm, PS_SOURCE_ADD, add);
        bool ok = result_ok(*res);
        bool stored_here = ok && PQntuples(*res) == 1;
        if (stored_here)
            snprintf(id, sizeof id, "%s", PQgetvalue(*res, 0, 0));
        if (ok) {
            PQclear(*res);
            *res = NULL;
        }
        if (ok && !stored_here) {
            const char *find[1] = {hash};
            *res = exec_prepared(tm, PS_SOURCE_FIND, find);
            ok = result_ok(*res);
            bool same = ok && PQntuples(*res) == 1 &&
                        tj_tm_same_text(e->key, PQgetvalue(*res, 0, 1), PQgetvalue(*res, 0, 2),
                                        (size_t)PQgetlength(*res, 0, 2));
            if (same)
                snprintf(id, sizeof id, "%s", PQgetvalue(*res, 0, 0));
            if (ok) {
                PQclear(*res);
                *res = NULL;
            }
            if (ok && !same) {
                free(text);
                continue; /* another text with the same 64-bit hash */
            }
        }
        free(text);
        if (!ok)
            return false;
        const char *unit[5] = {id, fp, engine, e->target, e->changed ? changed : now};
        *res = exec_prepared(tm, PS_UNIT_PUT, unit);
        if (!result_ok(*res))
            return false;
        PQclear(*res);
        *res = NULL;
    }
    return exec_ok(tm->pg->conn, "COMMIT", res);
}

static enum tj_status pg_put(struct tj_tm *tm, const struct tj_tm_entry *entries, size_t n,
                             struct tj_diag *diag)
{
    const struct tj_tm_entry **sorted = tj_xmalloc(n * sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = &entries[i];
    qsort(sorted, n, sizeof *sorted, entry_by_hash);
    enum tj_status st = TJ_OK;
    for (int attempt = 1;; attempt++) {
        PGresult *res = NULL;
        if (put_once(tm, sorted, n, &res))
            break;
        bool again = retryable(res) && attempt < PG_WRITE_TRIES;
        if (!again)
            st = pg_error(tm, res, diag, "cannot store translations");
        PQclear(res);
        rollback(tm);
        if (!again)
            break;
    }
    free(sorted);
    return st;
}

/* ---- similar segments ---- */

static void pg_fuzzy(struct tj_tm *tm, const struct tj_tm_key *key, unsigned min,
                     struct tj_tm_ranked **out, size_t *nout)
{
    const char *v[2] = {key->mform, TJ_TM_PAIR};
    PGresult *res = exec_prepared(tm, PS_FUZZY, v);
    if (!result_ok(res)) {
        PQclear(res);
        return;
    }
    size_t L;
    uint32_t *q = tj_tm_code_points(key->mform, key->mlen, &L);
    for (int r = 0; r < PQntuples(res); r++) {
        const char *text = PQgetvalue(res, r, 1);
        unsigned sim = tj_tm_same_text(key, TJ_TM_PAIR, text, (size_t)PQgetlength(res, r, 1))
                           ? 100
                           : tj_tm_similar(q, L, text, min);
        if (!sim)
            continue;
        const char *id[1] = {PQgetvalue(res, r, 0)};
        PGresult *units = exec_prepared(tm, PS_UNITS_OF, id);
        if (result_ok(units))
            for (int u = 0; u < PQntuples(units); u++)
                tj_tm_ranked_add(out, nout, text, PQgetvalue(units, u, 1), sim,
                                 PQgetvalue(units, u, 0),
                                 strtoll(PQgetvalue(units, u, 2), NULL, 10));
        PQclear(units);
    }
    free(q);
    PQclear(res);
}

/* ---- the whole memory ---- */

static enum tj_status pg_stats(struct tj_tm *tm, struct tj_tm_stats *st, struct tj_diag *diag)
{
    PGresult *res = PQexec(tm->pg->conn, "SELECT (SELECT count(*) FROM tarjim_source),"
                                         " pg_total_relation_size('tarjim_source') +"
                                         " pg_total_relation_size('tarjim_unit') +"
                                         " pg_total_relation_size('tarjim_engine')");
    if (!result_ok(res) || PQntuples(res) != 1) {
        enum tj_status rc = pg_error(tm, res, diag, "cannot read it");
        PQclear(res);
        return rc;
    }
    st->sources = (size_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    st->bytes = (size_t)strtoll(PQgetvalue(res, 0, 1), NULL, 10);
    PQclear(res);
    res = PQexec(tm->pg->conn, "SELECT e.name, count(*) FROM tarjim_unit u JOIN tarjim_engine e"
                               " ON e.id = u.engine GROUP BY e.name ORDER BY e.name");
    if (!result_ok(res)) {
        enum tj_status rc = pg_error(tm, res, diag, "cannot read it");
        PQclear(res);
        return rc;
    }
    st->nengines = (size_t)PQntuples(res);
    st->engines = tj_xcalloc(st->nengines ? st->nengines : 1, sizeof *st->engines);
    for (size_t i = 0; i < st->nengines; i++) {
        st->engines[i].engine = tj_xstrdup(PQgetvalue(res, (int)i, 0));
        st->engines[i].units = (size_t)strtoll(PQgetvalue(res, (int)i, 1), NULL, 10);
        st->units += st->engines[i].units;
    }
    PQclear(res);
    return TJ_OK;
}

static enum tj_status pg_each(struct tj_tm *tm, tj_tm_each_fn fn, void *ud, struct tj_diag *diag)
{
    const char *sql = "SELECT s.text, u.target, e.name, u.changed FROM tarjim_unit u"
                      " JOIN tarjim_source s ON s.id = u.source"
                      " JOIN tarjim_engine e ON e.id = u.engine"
                      " WHERE s.lang = $1 ORDER BY u.source, u.engine, u.fp";
    const char *v[1] = {TJ_TM_PAIR};
    /* Row by row: the memory may not fit in this process. */
    if (!PQsendQueryParams(tm->pg->conn, sql, 1, NULL, v, NULL, NULL, 0) ||
        !PQsetSingleRowMode(tm->pg->conn))
        return pg_error(tm, NULL, diag, "cannot read it");
    enum tj_status st = TJ_OK;
    bool stopped = false;
    PGresult *res;
    while ((res = PQgetResult(tm->pg->conn))) {
        ExecStatusType rs = PQresultStatus(res);
        if (rs == PGRES_SINGLE_TUPLE && !stopped)
            stopped = fn(ud, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2),
                         strtoll(PQgetvalue(res, 0, 3), NULL, 10));
        else if (rs != PGRES_SINGLE_TUPLE && rs != PGRES_TUPLES_OK && st == TJ_OK)
            st = pg_error(tm, res, diag, "cannot read it");
        PQclear(res);
    }
    if (st == TJ_OK && stopped)
        st = tj_diag_set(diag, TJ_ERR_PARTIAL, "stopped");
    return st;
}

static const struct tj_tm_ops pg_ops = {
    .get = pg_get,
    .put = pg_put,
    .fuzzy = pg_fuzzy,
    .stats = pg_stats,
    .each = pg_each,
    .optimize = pg_optimize,
    .set_busy_timeout = pg_set_busy_timeout,
    .close = pg_close,
};
