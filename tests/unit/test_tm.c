/* The translation memory on temporary databases: what is stored comes back for the same
 * segment (however it is spelled) and not for another, approvals win, a changed glossary entry
 * invalidates only its segments, similar segments are offered through the trigram index, a
 * killed writer loses nothing it committed, a lock is waited for, and a damaged, foreign or
 * newer file is refused with its name. TMX files are read with their languages and markup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "glossary.h"
#include "tm.h"
#include "tmx.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];
static unsigned serial;

/* A new path in the test's temporary directory. */
static char *temp_path(const char *what)
{
    return tj_xasprintf("%s/%s-%u.sqlite3", dir, what, serial++);
}

static struct tj_tm *open_new(char **path_out)
{
    char *path = temp_path("tm");
    struct tj_tm *tm = NULL;
    struct tj_diag d;
    enum tj_status rc = tj_tm_open(path, &tm, &d);
    if (rc != TJ_OK)
        fail_msg("open %s: %s", path, d.message);
    if (path_out)
        *path_out = path;
    else
        free(path);
    return tm;
}

/* Stores target for source (no pins) as engine's. */
static void put1(struct tj_tm *tm, const char *source, const char *engine, const char *target,
                 const struct tj_pin *pins, size_t npins)
{
    struct tj_tm_key key;
    tj_tm_key_init(&key, source, strlen(source), pins, npins);
    struct tj_tm_entry e = {&key, source, strlen(source), engine, target, 0};
    struct tj_diag d;
    if (tj_tm_put(tm, &e, 1, &d) != TJ_OK)
        fail_msg("put: %s", d.message);
    tj_tm_key_finish(&key);
}

/* The target stored for source (NULL on a miss), its engine in *engine. */
static char *get1(struct tj_tm *tm, const char *source, const char *const *engines, size_t n,
                  const struct tj_pin *pins, size_t npins, const char **engine)
{
    struct tj_tm_key key;
    tj_tm_key_init(&key, source, strlen(source), pins, npins);
    struct tj_tm_hit hit;
    struct tj_diag d;
    if (tj_tm_get(tm, &key, 1, engines, n, &hit, &d) != TJ_OK)
        fail_msg("get: %s", d.message);
    tj_tm_key_finish(&key);
    if (engine)
        *engine = hit.engine;
    return hit.target;
}

static const char *const deepl_google[] = {"deepl", "google"};
static const char S1[] = "قال الرئيس إن المحادثات ستستأنف الأسبوع المقبل في القاهرة.";

static void test_schema_wal_version(void **state)
{
    (void)state;
    char *path;
    struct tj_tm *tm = open_new(&path);
    tj_tm_close(tm);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), TJ_TM_SCHEMA);
    sqlite3_finalize(st);
    sqlite3_close(db);
    /* Opened again: the schema is current, nothing to do. */
    struct tj_diag d;
    assert_int_equal(tj_tm_open(path, &tm, &d), TJ_OK);
    tj_tm_close(tm);
    free(path);
}

static void test_exact_hit_any_spelling(void **state)
{
    (void)state;
    struct tj_tm *tm = open_new(NULL);
    const char *engine;
    assert_null(get1(tm, S1, deepl_google, 2, NULL, 0, &engine));
    put1(tm, S1, "deepl", "The president said the talks would resume next week in Cairo.", NULL, 0);
    char *t = get1(tm, S1, deepl_google, 2, NULL, 0, &engine);
    assert_string_equal(t, "The president said the talks would resume next week in Cairo.");
    assert_string_equal(engine, "deepl");
    free(t);
    /* Diacritics, tatweel and hamza seats do not make another segment. */
    const char spelled[] = "قَالَ الرئيـــس ان المحادثات ستستانف الاسبوع المقبل في القاهرة.";
    t = get1(tm, spelled, deepl_google, 2, NULL, 0, &engine);
    assert_non_null(t);
    free(t);
    /* Another sentence, or an engine not asked for, is a miss. */
    assert_null(get1(tm, "قال الوزير إن المحادثات انتهت.", deepl_google, 2, NULL, 0, &engine));
    const char *const google[] = {"google"};
    assert_null(get1(tm, S1, google, 1, NULL, 0, &engine));
    tj_tm_close(tm);
}

static void test_human_wins_then_chain_order(void **state)
{
    (void)state;
    struct tj_tm *tm = open_new(NULL);
    put1(tm, S1, "google", "google's", NULL, 0);
    put1(tm, S1, "deepl", "deepl's", NULL, 0);
    const char *engine;
    char *t = get1(tm, S1, deepl_google, 2, NULL, 0, &engine);
    assert_string_equal(t, "deepl's");
    free(t);
    const char *const gd[] = {"google", "deepl"};
    t = get1(tm, S1, gd, 2, NULL, 0, &engine);
    assert_string_equal(t, "google's");
    free(t);
    put1(tm, S1, TJ_TM_HUMAN, "approved", NULL, 0);
    t = get1(tm, S1, deepl_google, 2, NULL, 0, &engine);
    assert_string_equal(t, "approved");
    assert_string_equal(engine, TJ_TM_HUMAN);
    free(t);
    /* A new machine translation replaces the engine's old one, never the approval. */
    put1(tm, S1, "deepl", "deepl's again", NULL, 0);
    t = get1(tm, S1, deepl_google, 2, NULL, 0, &engine);
    assert_string_equal(t, "approved");
    free(t);
    tj_tm_close(tm);
}

static void test_fingerprint_invalidates_only_users(void **state)
{
    (void)state;
    char ar[] = "بوتين", en[] = "Putin", en2[] = "Poutine", alias_text[] = "Vladimir Putin";
    char *alias = alias_text;
    struct tj_term putin = {.arabic = ar, .english = en};
    struct tj_term putin2 = {.arabic = ar, .english = en2};
    struct tj_term putin3 = {.arabic = ar, .english = en, .aliases = &alias, .naliases = 1};
    const char a[] = "وصل بوتين إلى موسكو.";
    const char b[] = "انتهت المحادثات في القاهرة.";
    struct tj_pin pa = {7, 17, &putin};
    assert_memory_equal(a + 7, "بوتين", 10);
    struct tj_tm *tm = open_new(NULL);
    put1(tm, a, "deepl", "Putin arrived in Moscow.", &pa, 1);
    put1(tm, b, "deepl", "The talks ended in Cairo.", NULL, 0);
    assert_int_not_equal(tj_tm_fingerprint(&pa, 1), 0);
    assert_int_equal(tj_tm_fingerprint(NULL, 0), 0);
    char *t = get1(tm, a, deepl_google, 2, &pa, 1, NULL);
    assert_non_null(t);
    free(t);
    /* The entry's English changed, or an alias was added: that segment is sent again ... */
    struct tj_pin pb = {7, 17, &putin2}, pc = {7, 17, &putin3};
    assert_int_not_equal(tj_tm_fingerprint(&pa, 1), tj_tm_fingerprint(&pb, 1));
    assert_int_not_equal(tj_tm_fingerprint(&pa, 1), tj_tm_fingerprint(&pc, 1));
    assert_null(get1(tm, a, deepl_google, 2, &pb, 1, NULL));
    assert_null(get1(tm, a, deepl_google, 2, &pc, 1, NULL));
    /* ... and the segment without the term is still served. */
    t = get1(tm, b, deepl_google, 2, NULL, 0, NULL);
    assert_non_null(t);
    free(t);
    tj_tm_close(tm);
}

static void test_similarity(void **state)
{
    (void)state;
    assert_int_equal(tj_tm_similarity("abcd", 4, "abcd", 4), 100);
    assert_int_equal(tj_tm_similarity("abcd", 4, "abce", 4), 75);
    assert_int_equal(tj_tm_similarity("", 0, "", 0), 100);
    assert_int_equal(tj_tm_similarity("abc", 3, "", 0), 0);
    /* Code points, not bytes: one Arabic letter changed of ten. */
    const char x[] = "ابتثجحخدذر", y[] = "ابتثجحخدذز";
    assert_int_equal(tj_tm_similarity(x, strlen(x), y, strlen(y)), 90);
    /* Longer than the distance's row on the stack: two letters changed of 200. */
    char l[201], r[201];
    memset(l, 'a', 200);
    memcpy(r, l, 200);
    l[200] = r[200] = '\0';
    r[7] = r[150] = 'b';
    assert_int_equal(tj_tm_similarity(l, 200, r, 200), 99);
}

/* Sentences that share no long runs with S1, to fill the index around it. */
static void put_noise(struct tj_tm *tm, int n)
{
    static const char *const words[] = {"شمس", "قمر", "بحر", "جبل", "نهر", "سهل", "غيم",
                                        "ثلج", "ريح", "برق", "رعد", "مطر", "ندى", "صخر"};
    unsigned seed = 3;
    for (int i = 0; i < n; i++) {
        char s[512] = "";
        for (int w = 0; w < 9; w++) {
            strcat(s, words[rand_r(&seed) % TJ_ARRAY_LEN(words)]);
            strcat(s, " ");
        }
        char num[32];
        snprintf(num, sizeof num, "%d.", i);
        strcat(s, num);
        put1(tm, s, "deepl", "noise", NULL, 0);
    }
}

static void free_cands(struct tj_candidate *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].source);
        free(c[i].target);
        free(c[i].engine);
    }
    free(c);
}

static void test_fuzzy_candidates(void **state)
{
    (void)state;
    struct tj_tm *tm = open_new(NULL);
    put_noise(tm, 300);
    put1(tm, S1, "deepl", "The president said the talks would resume next week in Cairo.", NULL, 0);
    put1(tm, S1, TJ_TM_HUMAN, "The president said talks would resume in Cairo next week.", NULL, 0);
    /* One word changed: القاهرة → الدوحة. */
    const char q[] = "قال الرئيس إن المحادثات ستستأنف الأسبوع المقبل في الدوحة.";
    struct tj_tm_key key;
    tj_tm_key_init(&key, q, strlen(q), NULL, 0);
    struct tj_candidate *c;
    size_t n = tj_tm_fuzzy(tm, &key, TJ_TM_FUZZY_MIN, 5, &c);
    tj_tm_key_finish(&key);
    assert_int_equal(n, 2);
    assert_true(c[0].similarity >= TJ_TM_FUZZY_MIN && c[0].similarity < 100);
    assert_string_equal(c[0].engine, TJ_TM_HUMAN); /* the approval first */
    assert_string_equal(c[1].engine, "deepl");
    assert_string_equal(c[0].source, S1);
    free_cands(c, n);
    /* Too different: nothing offered. */
    const char far[] = "قال الوزير إن الاجتماع سيعقد غدا في عمان مع الوفد.";
    tj_tm_key_init(&key, far, strlen(far), NULL, 0);
    n = tj_tm_fuzzy(tm, &key, TJ_TM_FUZZY_MIN, 5, &c);
    tj_tm_key_finish(&key);
    assert_int_equal(n, 0);
    assert_null(c);
    /* The same text under another glossary fingerprint is offered at 100. */
    char ar[] = "القاهرة", en[] = "Cairo";
    struct tj_term t = {.arabic = ar, .english = en};
    struct tj_pin p = {0, 2, &t};
    tj_tm_key_init(&key, S1, strlen(S1), &p, 1);
    n = tj_tm_fuzzy(tm, &key, TJ_TM_FUZZY_MIN, 1, &c);
    tj_tm_key_finish(&key);
    assert_int_equal(n, 1);
    assert_int_equal(c[0].similarity, 100);
    free_cands(c, n);
    tj_tm_close(tm);
}

/* A writer killed after its commits (no close, no checkpoint) loses none of them. */
static void test_killed_writer_keeps_commits(void **state)
{
    (void)state;
    char *path = temp_path("killed");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct tj_tm *tm;
        if (tj_tm_open(path, &tm, NULL) != TJ_OK)
            _exit(2);
        for (int i = 0; i < 20; i++) {
            char s[64], t[64];
            snprintf(s, sizeof s, "جملة رقم %d في المقال.", i);
            snprintf(t, sizeof t, "Sentence %d.", i);
            put1(tm, s, "deepl", t, NULL, 0);
        }
        kill(getpid(), SIGKILL);
        _exit(3);
    }
    int status;
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    struct tj_tm *tm;
    struct tj_diag d;
    assert_int_equal(tj_tm_open(path, &tm, &d), TJ_OK);
    for (int i = 0; i < 20; i++) {
        char s[64], t[64];
        snprintf(s, sizeof s, "جملة رقم %d في المقال.", i);
        snprintf(t, sizeof t, "Sentence %d.", i);
        char *got = get1(tm, s, deepl_google, 1, NULL, 0, NULL);
        assert_non_null(got);
        assert_string_equal(got, t);
        free(got);
    }
    tj_tm_close(tm);
    free(path);
}

struct locker {
    const char *path;
    int hold_ms;
    pthread_mutex_t m;
    pthread_cond_t c;
    bool locked;
};

/* Holds the write lock of the memory for hold_ms, from another connection. */
static void *hold_lock(void *arg)
{
    struct locker *l = arg;
    sqlite3 *db;
    sqlite3_open(l->path, &db);
    sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    pthread_mutex_lock(&l->m);
    l->locked = true;
    pthread_cond_signal(&l->c);
    pthread_mutex_unlock(&l->m);
    usleep((useconds_t)l->hold_ms * 1000);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    return NULL;
}

static void with_lock_held(const char *path, int hold_ms, struct locker *l, pthread_t *th)
{
    *l = (struct locker){.path = path, .hold_ms = hold_ms};
    pthread_mutex_init(&l->m, NULL);
    pthread_cond_init(&l->c, NULL);
    pthread_create(th, NULL, hold_lock, l);
    pthread_mutex_lock(&l->m);
    while (!l->locked)
        pthread_cond_wait(&l->c, &l->m);
    pthread_mutex_unlock(&l->m);
}

static void test_lock_waited_for_or_reported(void **state)
{
    (void)state;
    char *path;
    struct tj_tm *tm = open_new(&path);
    struct locker l;
    pthread_t th;
    /* Held a little: the write waits and goes through. */
    with_lock_held(path, 300, &l, &th);
    put1(tm, S1, "deepl", "waited", NULL, 0);
    pthread_join(th, NULL);
    char *t = get1(tm, S1, deepl_google, 1, NULL, 0, NULL);
    assert_string_equal(t, "waited");
    free(t);
    assert_null(tj_tm_error(tm, NULL));
    /* Held past the busy timeout: a clear error, the loss counted, no crash. */
    tj_tm_set_busy_timeout(tm, 100);
    with_lock_held(path, 1000, &l, &th);
    struct tj_tm_key key;
    tj_tm_key_init(&key, "نص آخر.", strlen("نص آخر."), NULL, 0);
    struct tj_tm_entry e = {&key, "نص آخر.", strlen("نص آخر."), "deepl", "other", 0};
    struct tj_diag d;
    assert_int_equal(tj_tm_put(tm, &e, 1, &d), TJ_ERR_UNAVAILABLE);
    assert_non_null(strstr(d.message, path));
    assert_non_null(strstr(d.message, "locked"));
    pthread_join(th, NULL);
    size_t lost;
    assert_non_null(tj_tm_error(tm, &lost));
    assert_int_equal(lost, 1);
    assert_int_equal(tj_tm_error_status(tm), TJ_ERR_UNAVAILABLE);
    /* Once the lock is gone, writes go through again. */
    assert_int_equal(tj_tm_put(tm, &e, 1, &d), TJ_OK);
    tj_tm_key_finish(&key);
    tj_tm_close(tm);
    free(path);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void test_bad_files_refused_by_name(void **state)
{
    (void)state;
    struct tj_tm *tm;
    struct tj_diag d;
    /* Not a database at all. */
    char *garbage = temp_path("garbage");
    char junk[4096];
    memset(junk, 'x', sizeof junk);
    write_file(garbage, junk, sizeof junk);
    assert_int_equal(tj_tm_open(garbage, &tm, &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, garbage));
    /* A database of another program. */
    char *foreign = temp_path("foreign");
    sqlite3 *db;
    sqlite3_open(foreign, &db);
    sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
    sqlite3_close(db);
    assert_int_equal(tj_tm_open(foreign, &tm, &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "not a tarjim translation memory"));
    /* A memory of a newer schema. */
    char *newer;
    tm = open_new(&newer);
    tj_tm_close(tm);
    sqlite3_open(newer, &db);
    sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(db);
    assert_int_equal(tj_tm_open(newer, &tm, &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "newer"));
    assert_non_null(strstr(d.message, newer));
    /* A memory whose pages were overwritten: refused at open or reported when read, never a
     * crash and never a silent miss. */
    char *damaged;
    tm = open_new(&damaged);
    for (int i = 0; i < 200; i++) {
        char s[64];
        snprintf(s, sizeof s, "جملة رقم %d.", i);
        put1(tm, s, "deepl", "x", NULL, 0);
    }
    tj_tm_close(tm); /* checkpoints the WAL into the file */
    FILE *f = fopen(damaged, "r+b");
    assert_non_null(f);
    fseek(f, 4096, SEEK_SET);
    char trash[16384];
    memset(trash, 0x5a, sizeof trash);
    fwrite(trash, 1, sizeof trash, f);
    fclose(f);
    enum tj_status rc = tj_tm_open(damaged, &tm, &d);
    if (rc == TJ_OK) {
        struct tj_tm_key key;
        tj_tm_key_init(&key, "جملة رقم 5.", strlen("جملة رقم 5."), NULL, 0);
        struct tj_tm_hit hit;
        rc = tj_tm_get(tm, &key, 1, deepl_google, 1, &hit, &d);
        tj_tm_key_finish(&key);
        tj_tm_close(tm);
    }
    assert_int_equal(rc, TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, damaged));
    free(garbage);
    free(foreign);
    free(newer);
    free(damaged);
}

static void test_stats_and_each(void **state)
{
    (void)state;
    struct tj_tm *tm = open_new(NULL);
    put1(tm, S1, "deepl", "one", NULL, 0);
    put1(tm, S1, TJ_TM_HUMAN, "two", NULL, 0);
    put1(tm, "نص آخر.", "google", "three", NULL, 0);
    struct tj_tm_stats st;
    struct tj_diag d;
    assert_int_equal(tj_tm_stats(tm, &st, &d), TJ_OK);
    assert_int_equal(st.sources, 2);
    assert_int_equal(st.units, 3);
    assert_int_equal(st.nengines, 3);
    assert_string_equal(st.engines[0].engine, "deepl");
    assert_true(st.bytes > 0);
    tj_tm_stats_finish(&st);
    tj_tm_close(tm);
}

struct collected {
    size_t n;
    char src[4][256], tgt[4][256], eng[4][32], origin[4][32];
    int64_t changed[4];
};

static enum tj_status collect(void *ud, const struct tj_tmx_unit *u, struct tj_diag *diag)
{
    (void)diag;
    struct collected *c = ud;
    if (c->n == 4)
        return TJ_OK;
    snprintf(c->src[c->n], 256, "%s", u->source);
    snprintf(c->tgt[c->n], 256, "%s", u->target);
    snprintf(c->eng[c->n], 32, "%s", u->engine ? u->engine : "-");
    snprintf(c->origin[c->n], 32, "%s", u->origin ? u->origin : "-");
    c->changed[c->n] = u->changed;
    c->n++;
    return TJ_OK;
}

static void test_tmx_read(void **state)
{
    (void)state;
    char *path = temp_path("in");
    const char tmx[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<tmx version=\"1.4\"><header creationtool=\"x\" creationtoolversion=\"1\" "
        "segtype=\"sentence\" o-tmf=\"x\" adminlang=\"en\" srclang=\"ar\" datatype=\"plaintext\"/>"
        "<body>\n"
        "<tu changedate=\"20240102T030405Z\"><prop type=\"x-origin\">provider</prop><prop "
        "type=\"x-engine\">deepl</prop>"
        "<tuv xml:lang=\"ar-SA\"><seg>بوتين &amp; <bpt i=\"1\">&lt;b&gt;</bpt>موسكو"
        "<ept i=\"1\">&lt;/b&gt;</ept></seg></tuv>"
        "<tuv xml:lang=\"EN-us\"><seg> Putin &amp; <hi>Moscow</hi> </seg></tuv></tu>\n"
        "<tu><tuv xml:lang=\"fr\"><seg>Poutine</seg></tuv><tuv xml:lang=\"ar\"><seg>بوتين</seg>"
        "</tuv></tu>\n"
        "<tu><tuv lang=\"ar\"><seg>القاهرة<ph x=\"1\">{1}</ph></seg></tuv>"
        "<tuv lang=\"en\"><seg>Cairo</seg></tuv></tu>\n"
        "</body></tmx>\n";
    write_file(path, tmx, strlen(tmx));
    struct collected c = {0};
    struct tj_tmx_counts counts = {0};
    struct tj_diag d;
    assert_int_equal(tj_tmx_read(path, "ar", "en", collect, &c, &counts, &d), TJ_OK);
    assert_int_equal(counts.units, 3);
    assert_int_equal(counts.given, 2);
    assert_int_equal(counts.skipped, 1);
    assert_string_equal(c.src[0], "بوتين & موسكو");
    assert_string_equal(c.tgt[0], "Putin & Moscow");
    assert_string_equal(c.eng[0], "deepl");
    assert_string_equal(c.origin[0], "provider");
    assert_int_equal(c.changed[0], 1704164645);
    assert_string_equal(c.src[1], "القاهرة");
    assert_string_equal(c.eng[1], "-");
    assert_string_equal(c.origin[1], "-");
    assert_int_equal(c.changed[1], 0);
    /* Malformed XML: the file, line and column. */
    const char bad[] = "<tmx version=\"1.4\"><body>\n<tu><tuv xml:lang=\"ar\"><seg>x</tuv>";
    write_file(path, bad, strlen(bad));
    assert_int_equal(tj_tmx_read(path, "ar", "en", collect, &c, NULL, &d), TJ_ERR_DATA);
    assert_non_null(strstr(d.message, path));
    assert_non_null(strstr(d.message, ":2:"));
    /* Not TMX; entities declared; missing. */
    const char xliff[] = "<xliff version=\"2.1\"/>";
    write_file(path, xliff, strlen(xliff));
    assert_int_equal(tj_tmx_read(path, "ar", "en", collect, &c, NULL, &d), TJ_ERR_DATA);
    assert_non_null(strstr(d.message, "not a TMX file"));
    const char bomb[] =
        "<!DOCTYPE tmx [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
        "<tmx><body><tu><tuv xml:lang=\"ar\"><seg>&b;</seg></tuv></tu></body></tmx>";
    write_file(path, bomb, strlen(bomb));
    assert_int_equal(tj_tmx_read(path, "ar", "en", collect, &c, NULL, &d), TJ_ERR_DATA);
    assert_non_null(strstr(d.message, "entities"));
    unlink(path);
    assert_int_equal(tj_tmx_read(path, "ar", "en", collect, &c, NULL, &d), TJ_ERR_NOINPUT);
    assert_int_equal(tj_tmx_parse_date("19700101T000001Z"), 1);
    assert_int_equal(tj_tmx_parse_date("2024-01-01"), 0);
    free(path);
}

static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(dir, sizeof dir, "%s/tj_tm_XXXXXX", base);
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char *cmd = tj_xasprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_wal_version),
        cmocka_unit_test(test_exact_hit_any_spelling),
        cmocka_unit_test(test_human_wins_then_chain_order),
        cmocka_unit_test(test_fingerprint_invalidates_only_users),
        cmocka_unit_test(test_similarity),
        cmocka_unit_test(test_fuzzy_candidates),
        cmocka_unit_test(test_killed_writer_keeps_commits),
        cmocka_unit_test(test_lock_waited_for_or_reported),
        cmocka_unit_test(test_bad_files_refused_by_name),
        cmocka_unit_test(test_stats_and_each),
        cmocka_unit_test(test_tmx_read),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
