/* The HTTP server in process on 127.0.0.1:0, driven by libcurl: health, providers, the
 * translate contract, body cap, JSON and input errors, routes and methods, the token rule,
 * the Host check, the editor's files and path traversal, concurrent requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "server.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SMALL_CAP 1024
#define TOKEN "s3cret-token"

static struct tj_glossary *glossary;
static struct tj_provider *offline;
static char *web_dir;
static struct tj_server *open_srv;  /* no token, small body cap */
static struct tj_server *token_srv; /* with TOKEN */

struct reply {
    long status;
    char *body;
    size_t len;
    char content_type[128];
    char allow[64];
};

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
    struct reply *r = cls;
    r->body = realloc(r->body, r->len + size * n + 1);
    memcpy(r->body + r->len, data, size * n);
    r->len += size * n;
    r->body[r->len] = '\0';
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
    struct reply *r = cls;
    size_t len = size * n;
    if (len > 6 && strncasecmp(data, "Allow:", 6) == 0) {
        size_t k = len - 6;
        const char *v = data + 6;
        while (k && *v == ' ')
            v++, k--;
        while (k && (v[k - 1] == '\r' || v[k - 1] == '\n'))
            k--;
        snprintf(r->allow, sizeof r->allow, "%.*s", (int)k, v);
    }
    return len;
}

/* A body sent in chunks (no Content-Length). */
struct chunked {
    const char *data;
    size_t len, at;
};

static size_t on_read(char *buf, size_t size, size_t n, void *cls)
{
    struct chunked *c = cls;
    size_t k = size * n < 512 ? size * n : 512;
    if (k > c->len - c->at)
        k = c->len - c->at;
    memcpy(buf, c->data + c->at, k);
    c->at += k;
    return k;
}

struct call {
    const char *method;
    const char *path;
    const char *body; /* NULL: none */
    size_t len;       /* 0 with a body: strlen */
    const char *content_type;
    const char *auth; /* Authorization value */
    const char *host; /* Host value */
    bool chunked;
};

static void perform(const struct tj_server *s, const struct call *c, struct reply *r)
{
    memset(r, 0, sizeof *r);
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", tj_server_port(s), c->path);
    CURL *h = curl_easy_init();
    assert_non_null(h);
    struct curl_slist *hdrs = NULL;
    char line[256];
    if (c->content_type) {
        snprintf(line, sizeof line, "Content-Type: %s", c->content_type);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (c->auth) {
        snprintf(line, sizeof line, "Authorization: %s", c->auth);
        hdrs = curl_slist_append(hdrs, line);
    }
    if (c->host) {
        snprintf(line, sizeof line, "Host: %s", c->host);
        hdrs = curl_slist_append(hdrs, line);
    }
    hdrs = curl_slist_append(hdrs, "Expect:");
    struct chunked ch = {0};
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, c->method);
    if (strcmp(c->method, "HEAD") == 0)
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    if (c->body && c->chunked) {
        ch = (struct chunked){c->body, c->len ? c->len : strlen(c->body), 0};
        hdrs = curl_slist_append(hdrs, "Transfer-Encoding: chunked");
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(h, CURLOPT_READDATA, &ch);
    } else if (c->body) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(c->len ? c->len : strlen(c->body)));
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", c->method, c->path, curl_easy_strerror(rc));
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    char *type = NULL;
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
    snprintf(r->content_type, sizeof r->content_type, "%s", type ? type : "");
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
}

static void get(const struct tj_server *s, const char *path, struct reply *r)
{
    perform(s, &(struct call){.method = "GET", .path = path}, r);
}

static void post_json(const struct tj_server *s, const char *path, const char *body,
                      struct reply *r)
{
    perform(s,
            &(struct call){
                .method = "POST", .path = path, .body = body, .content_type = "application/json"},
            r);
}

/* The reply's body as JSON (asserts it is). */
static json_t *json_of(const struct reply *r)
{
    assert_non_null(r->body);
    assert_non_null(strstr(r->content_type, "application/json"));
    json_error_t err;
    json_t *v = json_loadb(r->body, r->len, 0, &err);
    if (!v)
        fail_msg("not JSON (%s): %s", err.text, r->body);
    return v;
}

/* Asserts the reply is the error document with this status and code. */
static void assert_error(struct reply *r, long status, const char *code)
{
    if (r->status != status)
        fail_msg("status %ld, expected %ld: %s", r->status, status, r->body ? r->body : "");
    json_t *v = json_of(r);
    json_t *e = json_object_get(v, "error");
    assert_true(json_is_object(e));
    assert_string_equal(json_string_value(json_object_get(e, "code")), code);
    assert_true(json_is_string(json_object_get(e, "message")));
    json_decref(v);
    free(r->body);
}

static struct tj_server *start(const char *listen, const char *token, size_t body_max)
{
    struct tj_server_config cfg = {
        .listen = listen,
        .token = token,
        .web_dir = web_dir,
        .glossary = glossary,
        .providers = &offline,
        .nproviders = 1,
        .body_max = body_max,
        .connection_limit = 32,
        .timeout = 10,
    };
    struct tj_server *s = NULL;
    struct tj_diag diag;
    if (tj_server_create(&cfg, &s, &diag) != TJ_OK)
        fail_msg("server: %s", diag.message);
    return s;
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const char *data = getenv("TARJIM_DATA_DIR");
    if (!data || !*data)
        data = TJ_SOURCE_DIR;
    glossary = tj_glossary_create();
    char *path = tj_xasprintf("%s/glossaries/news-ar-en.tsv", data);
    struct tj_diag diag;
    if (tj_glossary_load_file(glossary, path, &diag) != TJ_OK) {
        const char *tsv = "بوتين\tPutin\tperson\nالكرملين\tKremlin\torg\n";
        tj_glossary_load_mem(glossary, "inline", tsv, strlen(tsv), NULL);
    }
    free(path);
    web_dir = tj_xasprintf("%s/web", data);
    const char *dict = getenv("TARJIM_FREEDICT_DIR");
    struct tj_provider_config pc = {.freedict_dir = dict && *dict ? dict : "/nonexistent"};
    if (tj_provider_create(tj_provider_find("offline"), &pc, &offline, NULL) != TJ_OK)
        return -1;
    open_srv = start("127.0.0.1:0", NULL, SMALL_CAP);
    token_srv = start("127.0.0.1:0", TOKEN, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tj_server_destroy(open_srv);
    tj_server_destroy(token_srv);
    tj_provider_destroy(offline);
    tj_glossary_destroy(glossary);
    free(web_dir);
    curl_global_cleanup();
    return 0;
}

static void test_health(void **state)
{
    (void)state;
    struct reply r;
    get(open_srv, "/healthz", &r);
    assert_int_equal(r.status, 200);
    json_t *v = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(v, "status")), "ok");
    json_decref(v);
    free(r.body);
}

static void test_providers(void **state)
{
    (void)state;
    struct reply r;
    get(open_srv, "/api/providers", &r);
    assert_int_equal(r.status, 200);
    json_t *v = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(v, "default")), "offline");
    json_t *list = json_object_get(v, "providers");
    bool found = false;
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *p = json_array_get(list, i);
        if (strcmp(json_string_value(json_object_get(p, "name")), "offline") == 0) {
            found = true;
            assert_true(json_is_true(json_object_get(p, "configured")));
            assert_true(json_is_false(json_object_get(p, "remote")));
            assert_true(json_is_string(json_object_get(p, "description")));
        }
    }
    assert_true(found);
    json_decref(v);
    free(r.body);
}

static void test_translate(void **state)
{
    (void)state;
    struct reply r;
    post_json(open_srv, "/api/translate",
              "{\"text\": \"أعلن الكرملين مشاركة بوتين في القمة.\", \"provider\": \"offline\"}",
              &r);
    assert_int_equal(r.status, 200);
    json_t *v = json_of(&r);
    assert_string_equal(json_string_value(json_object_get(v, "source_lang")), "ar");
    assert_string_equal(json_string_value(json_object_get(v, "provider")), "offline");
    json_t *seg = json_array_get(
        json_object_get(json_array_get(json_object_get(v, "blocks"), 0), "segments"), 0);
    assert_non_null(seg);
    assert_non_null(strstr(json_string_value(json_object_get(seg, "target")), "Putin"));
    assert_string_equal(json_string_value(json_object_get(seg, "origin")), "offline");
    json_t *pins = json_object_get(seg, "pins");
    bool putin = false;
    for (size_t i = 0; i < json_array_size(pins); i++) {
        json_t *p = json_array_get(pins, i);
        if (strcmp(json_string_value(json_object_get(p, "target")), "Putin") == 0) {
            putin = true;
            const char *src = json_string_value(json_object_get(seg, "source"));
            json_int_t a = json_integer_value(json_object_get(p, "start"));
            json_int_t b = json_integer_value(json_object_get(p, "end"));
            assert_memory_equal(src + a, "بوتين", (size_t)(b - a));
        }
    }
    assert_true(putin);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(v, "stats"), "failed")), 0);
    json_decref(v);
    free(r.body);

    /* Without "provider" the default engine answers; an empty text is an empty document. */
    post_json(open_srv, "/api/translate", "{\"text\": \"\"}", &r);
    assert_int_equal(r.status, 200);
    v = json_of(&r);
    assert_int_equal(json_array_size(json_object_get(v, "blocks")), 0);
    json_decref(v);
    free(r.body);
}

static void test_body_cap(void **state)
{
    (void)state;
    size_t n = 4 * SMALL_CAP;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    memcpy(big, "{\"text\": \"", 10);
    memcpy(big + n - 2, "\"}", 2);
    big[n] = '\0';
    struct reply r;
    /* Announced by Content-Length, and sent in chunks. */
    post_json(open_srv, "/api/translate", big, &r);
    assert_error(&r, 413, "too_large");
    perform(open_srv,
            &(struct call){.method = "POST",
                           .path = "/api/translate",
                           .body = big,
                           .content_type = "application/json",
                           .chunked = true},
            &r);
    assert_error(&r, 413, "too_large");
    /* Just under the cap is fine. */
    big[SMALL_CAP - 2] = '"';
    big[SMALL_CAP - 1] = '}';
    big[SMALL_CAP] = '\0';
    post_json(open_srv, "/api/translate", big, &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    free(big);
}

static void test_bad_requests(void **state)
{
    (void)state;
    struct reply r;
    post_json(open_srv, "/api/translate", "{\"text\": ", &r);
    assert_error(&r, 400, "bad_json");
    /* Raw invalid UTF-8 inside a JSON string: refused by the JSON parser. */
    post_json(open_srv, "/api/translate", "{\"text\": \"\xff\xfe bad\"}", &r);
    assert_int_equal(r.status, 400);
    free(r.body);
    /* A NUL byte reaches the text check, which names its offset. */
    post_json(open_srv, "/api/translate", "{\"text\": \"بوتين\\u0000\"}", &r);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "byte offset 10"));
    assert_error(&r, 400, "bad_input");
    post_json(open_srv, "/api/translate", "{\"text\": \"x\", \"provider\": \"babelfish\"}", &r);
    assert_error(&r, 400, "unknown_provider");
    post_json(open_srv, "/api/translate", "{\"text\": 3}", &r);
    assert_error(&r, 400, "bad_request");
    post_json(open_srv, "/api/translate", "[\"text\"]", &r);
    assert_error(&r, 400, "bad_request");
    perform(open_srv,
            &(struct call){.method = "POST",
                           .path = "/api/translate",
                           .body = "{\"text\": \"x\"}",
                           .content_type = "text/plain"},
            &r);
    assert_error(&r, 415, "unsupported_media_type");
}

static void test_routes(void **state)
{
    (void)state;
    struct reply r;
    get(open_srv, "/api/nothing", &r);
    assert_error(&r, 404, "not_found");
    get(open_srv, "/api/glossary", &r);
    assert_error(&r, 404, "not_found");
    get(open_srv, "/api/translate", &r);
    assert_error(&r, 405, "method_not_allowed");
    perform(open_srv, &(struct call){.method = "DELETE", .path = "/healthz"}, &r);
    assert_string_equal(r.allow, "GET, HEAD");
    assert_error(&r, 405, "method_not_allowed");
    perform(open_srv, &(struct call){.method = "HEAD", .path = "/healthz"}, &r);
    assert_int_equal(r.status, 200);
    free(r.body);
}

static void test_token(void **state)
{
    (void)state;
    struct reply r;
    get(token_srv, "/api/providers", &r);
    assert_error(&r, 401, "unauthorized");
    perform(token_srv,
            &(struct call){.method = "GET", .path = "/api/providers", .auth = "Bearer " TOKEN}, &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    perform(token_srv,
            &(struct call){.method = "GET", .path = "/api/providers", .auth = "Bearer wrong"}, &r);
    assert_error(&r, 401, "unauthorized");
    /* Same length, one byte off; a prefix; the token without the scheme. */
    perform(
        token_srv,
        &(struct call){.method = "GET", .path = "/api/providers", .auth = "Bearer s3cret-tokem"},
        &r);
    assert_error(&r, 401, "unauthorized");
    perform(token_srv,
            &(struct call){.method = "GET", .path = "/api/providers", .auth = "Bearer s3cret"}, &r);
    assert_error(&r, 401, "unauthorized");
    perform(token_srv, &(struct call){.method = "GET", .path = "/api/providers", .auth = TOKEN},
            &r);
    assert_error(&r, 401, "unauthorized");
    /* Unknown API paths are not revealed without the token. */
    get(token_srv, "/api/nothing", &r);
    assert_error(&r, 401, "unauthorized");
    /* The health check and the page stay open. */
    get(token_srv, "/healthz", &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    get(token_srv, "/", &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    /* With a token, any Host is served. */
    perform(token_srv,
            &(struct call){.method = "POST",
                           .path = "/api/translate",
                           .body = "{\"text\": \"بوتين\"}",
                           .content_type = "application/json; charset=utf-8",
                           .auth = "bearer " TOKEN,
                           .host = "tarjim.example.org"},
            &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "Putin"));
    free(r.body);
}

static void test_host_check(void **state)
{
    (void)state;
    struct reply r;
    perform(open_srv,
            &(struct call){.method = "GET", .path = "/api/providers", .host = "evil.example"}, &r);
    assert_error(&r, 403, "bad_host");
    const char *fine[] = {"localhost:8080", "127.0.0.1", "[::1]:9"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(fine); i++) {
        perform(open_srv, &(struct call){.method = "GET", .path = "/healthz", .host = fine[i]}, &r);
        assert_int_equal(r.status, 200);
        free(r.body);
    }
}

static void test_static(void **state)
{
    (void)state;
    struct reply r;
    get(open_srv, "/", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.content_type, "text/html"));
    assert_non_null(strstr(r.body, "<title>tarjim"));
    free(r.body);
    get(open_srv, "/editor.js", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.content_type, "text/javascript"));
    free(r.body);
    get(open_srv, "/editor.css", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.content_type, "text/css"));
    free(r.body);
    const char *bad[] = {"/../meson.build",   "/%2e%2e/meson.build", "/web/../../README.md",
                         "/..%2fmeson.build", "/.hidden.txt",        "/index.html/",
                         "//etc/passwd",      "/nothing.html",       "/meson.build"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(bad); i++) {
        get(open_srv, bad[i], &r);
        if (r.status != 404)
            fail_msg("%s: status %ld", bad[i], r.status);
        free(r.body);
    }
}

static void test_listen_rules(void **state)
{
    (void)state;
    struct tj_provider *list[] = {offline};
    struct tj_server_config cfg = {
        .listen = "0.0.0.0:0", .web_dir = web_dir, .providers = list, .nproviders = 1};
    struct tj_server *s = NULL;
    struct tj_diag diag;
    assert_int_equal(tj_server_create(&cfg, &s, &diag), TJ_ERR_CONFIG);
    assert_non_null(strstr(diag.message, "token"));
    assert_null(s);
    cfg.token = "";
    assert_int_equal(tj_server_create(&cfg, &s, &diag), TJ_ERR_CONFIG);
    const char *malformed[] = {"8080",      "localhost",       ":8080",      "::1:8080",
                               "[::1]8080", "127.0.0.1:99999", "127.0.0.1:", "127.0.0.1:80x"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(malformed); i++) {
        cfg.listen = malformed[i];
        if (tj_server_create(&cfg, &s, &diag) != TJ_ERR_USAGE)
            fail_msg("%s accepted", malformed[i]);
    }
    cfg.listen = "localhost:0";
    assert_int_equal(tj_server_create(&cfg, &s, &diag), TJ_OK);
    assert_true(tj_server_port(s) > 0);
    assert_non_null(strstr(tj_server_url(s), "http://127.0.0.1:"));
    tj_server_destroy(s);
    tj_server_destroy(NULL);
}

#define THREADS 8
#define PER_THREAD 5

struct worker {
    char *first;
    bool ok;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    w->ok = true;
    for (int i = 0; i < PER_THREAD; i++) {
        struct reply r;
        post_json(open_srv, "/api/translate",
                  "{\"text\": \"قال بوتين إن الكرملين يرحب بقمة بريكس في البرازيل.\\n\\n"
                  "وأضاف أن موسكو مستعدة.\"}",
                  &r);
        if (r.status != 200 || (w->first && strcmp(w->first, r.body) != 0))
            w->ok = false;
        if (!w->first)
            w->first = r.body;
        else
            free(r.body);
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    struct worker w[THREADS] = {{0}};
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++) {
        assert_true(w[i].ok);
        assert_string_equal(w[i].first, w[0].first);
    }
    assert_non_null(strstr(w[0].first, "Putin"));
    for (int i = 0; i < THREADS; i++)
        free(w[i].first);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),       cmocka_unit_test(test_providers),
        cmocka_unit_test(test_translate),    cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_bad_requests), cmocka_unit_test(test_routes),
        cmocka_unit_test(test_token),        cmocka_unit_test(test_host_check),
        cmocka_unit_test(test_static),       cmocka_unit_test(test_listen_rules),
        cmocka_unit_test(test_concurrent),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
