/* Native glossaries (native.h): SHA-256, the entries made of a run's pins, and
 * tj_native_prepare against a small DeepL glossary server on 127.0.0.1 written here: a
 * glossary made once and found again through the cache, made again when the service lost it,
 * waited for until ready, the cache keeping the newest glossaries of an account and deleting
 * the others, and errors that leave no id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "glossary.h"
#include "native.h"
#include "pin.h"
#include "test_terms.h"
#include "test_upload.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The server: glossaries "g1", "g2", ... held in memory. */

#define MAX_GLOSSARIES 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool exists[MAX_GLOSSARIES + 1];
static int checks_before_ready[MAX_GLOSSARIES + 1];
static int next_id = 1, creates, checks, deletes;
static int not_ready_checks; /* a new glossary is ready after this many checks */
static int refuse_status;    /* answer every request with this status when set */
static char last_auth[128];
static struct MHD_Daemon *daemon_;
static unsigned short port;

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* The glossary number in a URL ".../v2/glossaries/gN", or 0. */
static int id_of(const char *url)
{
    const char *p = strstr(url, "/v2/glossaries/g");
    if (!p)
        return 0;
    int n = atoi(p + strlen("/v2/glossaries/g"));
    return n > 0 && n <= MAX_GLOSSARIES ? n : 0;
}

static enum MHD_Result serve(struct MHD_Connection *c, const char *url, const char *method,
                             const char *body, size_t len)
{
    char out[256];
    pthread_mutex_lock(&lock);
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    snprintf(last_auth, sizeof last_auth, "%s", auth ? auth : "");
    if (refuse_status) {
        pthread_mutex_unlock(&lock);
        return reply(c, (unsigned)refuse_status, "{\"message\":\"refused\"}");
    }
    unsigned status = 404;
    snprintf(out, sizeof out, "{\"message\":\"not found\"}");
    if (strcmp(method, "POST") == 0 && strcmp(url, "/v2/glossaries") == 0) {
        json_t *in = json_loadb(body, len, 0, NULL);
        const char *entries = json_string_value(json_object_get(in, "entries"));
        size_t lines = entries ? 1 : 0;
        for (const char *p = entries; p && *p; p++)
            lines += *p == '\n';
        int n = next_id++;
        exists[n] = true;
        checks_before_ready[n] = not_ready_checks;
        creates++;
        status = 201;
        snprintf(out, sizeof out,
                 "{\"glossary_id\":\"g%d\",\"ready\":%s,\"source_lang\":\"ar\","
                 "\"target_lang\":\"en\",\"entry_count\":%zu}",
                 n, not_ready_checks ? "false" : "true", lines);
        json_decref(in);
    } else if (strcmp(method, "GET") == 0 && id_of(url) && exists[id_of(url)]) {
        int n = id_of(url);
        checks++;
        bool ready = checks_before_ready[n] == 0;
        if (!ready)
            checks_before_ready[n]--;
        status = 200;
        snprintf(out, sizeof out, "{\"glossary_id\":\"g%d\",\"ready\":%s}", n,
                 ready ? "true" : "false");
    } else if (strcmp(method, "GET") == 0) {
        checks++;
    } else if (strcmp(method, "DELETE") == 0 && id_of(url) && exists[id_of(url)]) {
        exists[id_of(url)] = false;
        deletes++;
        status = 204;
        out[0] = '\0';
    }
    pthread_mutex_unlock(&lock);
    return reply(c, status, out);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct upload *u = upload_take(con_cls, upload, upload_size);
    if (!u)
        return MHD_YES;
    enum MHD_Result ret = serve(c, url, method, u->data, u->len);
    upload_free(u);
    return ret;
}

static void counts_reset(void)
{
    pthread_mutex_lock(&lock);
    creates = checks = deletes = 0;
    not_ready_checks = refuse_status = 0;
    pthread_mutex_unlock(&lock);
}

/* The fixtures: the server, the glossary g, a cache directory. */

static char cache_dir[64];

static int setup(void **state)
{
    (void)state;
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    daemon_ =
        MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
                         NULL, handler, NULL, MHD_OPTION_SOCK_ADDR, &sa, MHD_OPTION_END);
    if (!daemon_)
        return -1;
    port = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
    if (terms_load("بوتين\tPutin\tperson\n"
                   "لافروف\tLavrov\tperson\n"
                   "الكرملين\tKremlin\torg\n"
                   "موسكو\tMoscow\tplace\n") != 0)
        return -1;
    snprintf(cache_dir, sizeof cache_dir, "/tmp/tarjim-native-XXXXXX");
    return mkdtemp(cache_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    MHD_stop_daemon(daemon_);
    terms_teardown(state);
    char path[128];
    snprintf(path, sizeof path, "%s/native-glossaries", cache_dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/native-glossaries.lock", cache_dir);
    unlink(path);
    rmdir(cache_dir);
    return 0;
}

/* Entries of one text. */
struct text_entries {
    struct tj_pin *pins;
    struct tj_batch_item item;
    struct tj_native_entry *e;
    size_t n;
};

static void entries_of(struct text_entries *t, const char *text)
{
    size_t np = tj_pin_find(g, text, strlen(text), &t->pins);
    t->item = (struct tj_batch_item){text, strlen(text), t->pins, np};
    t->n = tj_native_entries(&t->item, 1, &t->e);
}

static void entries_finish(struct text_entries *t)
{
    tj_native_entries_free(t->e, t->n);
    free(t->pins);
}

static struct tj_provider *deepl(const char *key)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
    struct tj_provider_config cfg = {.url = url, .api_key = key, .native_glossary = true};
    struct tj_provider *p = NULL;
    assert_int_equal(tj_provider_create(tj_provider_find("deepl"), &cfg, &p, NULL), TJ_OK);
    return p;
}

static char *cache_file(void)
{
    char *path = malloc(128);
    snprintf(path, 128, "%s/native-glossaries", cache_dir);
    return path;
}

/* Tests. */

static void test_sha256(void **state)
{
    (void)state;
    char hex[65];
    tj_native_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    tj_native_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* Two blocks, and a length that ends right at the padding boundary. */
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    tj_native_sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* Each pin's Arabic as written, with its English, sorted by source, one per source. */
static void test_entries(void **state)
{
    (void)state;
    struct text_entries t;
    entries_of(&t, "قال بوتين إن الكرملين وبوتين في موسكو.");
    assert_int_equal(t.n, 3);
    assert_string_equal(t.e[0].source, "الكرملين");
    assert_string_equal(t.e[0].target, "Kremlin");
    assert_string_equal(t.e[1].source, "بوتين");
    assert_string_equal(t.e[1].target, "Putin");
    assert_string_equal(t.e[2].source, "موسكو");
    entries_finish(&t);

    /* No pins, no entries. */
    entries_of(&t, "وصل الوفد.");
    assert_int_equal(t.n, 0);
    assert_null(t.e);
    entries_finish(&t);
}

/* A term with a tab or a line break, or blanks at its end, cannot be a glossary entry. */
static void test_entries_leave_out_what_deepl_refuses(void **state)
{
    (void)state;
    char tab[] = "Putin\tV.", space[] = "Putin ", plain[] = "Putin";
    struct tj_term bad = {.english = tab};
    struct tj_term blank = {.english = space};
    struct tj_term good = {.english = plain};
    const char *text = "بوتين بوتين بوتين";
    struct tj_pin pins[] = {{0, 10, &bad}, {11, 21, &blank}, {22, 32, &good}};
    struct tj_batch_item item = {text, strlen(text), pins, 3};
    struct tj_native_entry *e;
    assert_int_equal(tj_native_entries(&item, 1, &e), 1);
    assert_string_equal(e[0].target, "Putin");
    tj_native_entries_free(e, 1);
}

/* Made once; the next run with the same entries finds it through the cache, checks it and
 * makes none; other entries make another; a glossary the service lost is made again. */
static void test_cache_reuses_and_recreates(void **state)
{
    (void)state;
    counts_reset();
    char *path = cache_file();
    unlink(path);
    struct tj_native_options o = {.cache_path = path};
    struct tj_provider *p = deepl("key-A");
    struct text_entries t;
    entries_of(&t, "قال بوتين إن الكرملين يوافق.");
    char *id = NULL, *first = NULL;
    bool made = false;
    struct tj_diag d;
    assert_int_equal(tj_native_prepare(p, t.e, t.n, &o, &id, &made, &d), TJ_OK);
    assert_non_null(id);
    assert_true(made);
    assert_int_equal(creates, 1);
    assert_int_equal(checks, 0);
    assert_string_equal(last_auth, "DeepL-Auth-Key key-A");
    first = id;

    /* Again: checked, not made. */
    assert_int_equal(tj_native_prepare(p, t.e, t.n, &o, &id, &made, &d), TJ_OK);
    assert_string_equal(id, first);
    assert_false(made);
    assert_int_equal(creates, 1);
    assert_int_equal(checks, 1);
    free(id);

    /* The cache holds digests and the id, never the key. */
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    assert_non_null(strstr(buf, first));
    assert_null(strstr(buf, "key-A"));

    /* Other entries: another glossary. */
    struct text_entries u;
    entries_of(&u, "وصل لافروف إلى موسكو.");
    assert_int_equal(tj_native_prepare(p, u.e, u.n, &o, &id, &made, &d), TJ_OK);
    assert_string_not_equal(id, first);
    assert_true(made);
    assert_int_equal(creates, 2);
    free(id);

    /* Lost on the service: made again, and the cache learns the new id. */
    pthread_mutex_lock(&lock);
    exists[atoi(first + 1)] = false;
    pthread_mutex_unlock(&lock);
    assert_int_equal(tj_native_prepare(p, t.e, t.n, &o, &id, &made, &d), TJ_OK);
    assert_true(made);
    assert_string_not_equal(id, first);
    assert_int_equal(creates, 3);
    char *again = id;
    assert_int_equal(tj_native_prepare(p, t.e, t.n, &o, &id, &made, &d), TJ_OK);
    assert_string_equal(id, again);
    assert_false(made);
    free(id);
    free(again);
    free(first);

    /* Another account does not use this one's glossary. */
    struct tj_provider *q = deepl("key-B");
    assert_int_equal(tj_native_prepare(q, t.e, t.n, &o, &id, &made, &d), TJ_OK);
    assert_true(made);
    assert_int_equal(creates, 4);
    free(id);
    tj_provider_destroy(q);

    entries_finish(&u);
    entries_finish(&t);
    tj_provider_destroy(p);
    free(path);
}

/* A glossary not ready at once is waited for; the cache keeps the newest `keep` glossaries of
 * an account and deletes the older ones from the service. */
static void test_ready_and_eviction(void **state)
{
    (void)state;
    counts_reset();
    char *path = cache_file();
    unlink(path);
    struct tj_native_options o = {.cache_path = path, .keep = 2};
    struct tj_provider *p = deepl("key-C");
    const char *texts[] = {"بوتين.", "لافروف.", "موسكو.", "الكرملين."};
    char *ids[4];
    pthread_mutex_lock(&lock);
    not_ready_checks = 2;
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 4; i++) {
        struct text_entries t;
        entries_of(&t, texts[i]);
        struct tj_diag d;
        assert_int_equal(tj_native_prepare(p, t.e, t.n, &o, &ids[i], NULL, &d), TJ_OK);
        assert_non_null(ids[i]);
        entries_finish(&t);
        if (i == 0) {
            /* Made not ready: checked until it was. */
            assert_int_equal(checks, 3);
            pthread_mutex_lock(&lock);
            not_ready_checks = 0;
            pthread_mutex_unlock(&lock);
        }
        usleep(20000); /* the cache orders by the millisecond of last use */
    }
    assert_int_equal(creates, 4);
    /* Two kept: the two oldest deleted from the service. */
    assert_int_equal(deletes, 2);
    pthread_mutex_lock(&lock);
    assert_false(exists[atoi(ids[0] + 1)]);
    assert_false(exists[atoi(ids[1] + 1)]);
    assert_true(exists[atoi(ids[2] + 1)]);
    assert_true(exists[atoi(ids[3] + 1)]);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < 4; i++)
        free(ids[i]);
    tj_provider_destroy(p);
    free(path);
}

/* A refused key or a failing service leaves no id and says why; no entries or a provider
 * without a glossary resource need no request at all. */
static void test_errors_and_nothing_to_do(void **state)
{
    (void)state;
    counts_reset();
    char *path = cache_file();
    struct tj_native_options o = {.cache_path = path};
    struct tj_provider *p = deepl("secret-key-D");
    struct text_entries t;
    entries_of(&t, "قال بوتين.");
    char *id = (char *)"untouched";
    struct tj_diag d;
    pthread_mutex_lock(&lock);
    refuse_status = 403;
    pthread_mutex_unlock(&lock);
    assert_int_equal(tj_native_prepare(p, t.e, t.n, &o, &id, NULL, &d), TJ_ERR_AUTH);
    assert_null(id);
    assert_null(strstr(d.message, "secret-key-D"));
    pthread_mutex_lock(&lock);
    refuse_status = 400;
    pthread_mutex_unlock(&lock);
    assert_int_equal(tj_native_prepare(p, t.e, t.n, &o, &id, NULL, &d), TJ_ERR_DATA);
    assert_non_null(strstr(d.message, "refused"));
    assert_null(id);
    counts_reset();

    /* Nothing to make: *id is set to NULL, not left as it was. */
    id = (char *)"untouched";
    assert_int_equal(tj_native_prepare(p, NULL, 0, &o, &id, NULL, &d), TJ_OK);
    assert_null(id);
    struct tj_provider_config ms = {.api_key = "k", .native_glossary = true};
    struct tj_provider *m = NULL;
    assert_int_equal(tj_provider_create(tj_provider_find("microsoft"), &ms, &m, NULL), TJ_OK);
    id = (char *)"untouched";
    assert_int_equal(tj_native_prepare(m, t.e, t.n, &o, &id, NULL, &d), TJ_OK);
    assert_null(id);
    assert_int_equal(creates + checks, 0);
    tj_provider_destroy(m);
    entries_finish(&t);
    tj_provider_destroy(p);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_entries_leave_out_what_deepl_refuses),
        cmocka_unit_test(test_cache_reuses_and_recreates),
        cmocka_unit_test(test_ready_and_eviction),
        cmocka_unit_test(test_errors_and_nothing_to_do),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
