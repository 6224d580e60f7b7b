/* The HTTP server in process on 127.0.0.1:0, driven by libcurl: health, providers, the
 * translate contract, body cap, JSON and input errors, routes and methods, the token rule,
 * the Host check, the editor's files and path traversal, concurrent requests; the cap on
 * translations at once, slow clients, protocol edges; and `tarjim serve` as a process
 * stopped by SIGTERM while it translates (its path is the first argument). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "config.h"
#include "server.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SMALL_CAP 1024
#define TOKEN "s3cret-token"

static struct tj_glossary *glossary;
static struct tj_provider *offline;
static char *web_dir;
static struct tj_server *open_srv;  /* no token, small body cap */
static struct tj_server *token_srv; /* with TOKEN */
static const char *tarjim_exe;      /* argv[1] */
static pid_t serve_pid = -1;        /* `tarjim serve` of test_sigterm, killed by the teardown if
                                       a failed test leaves it running */

struct reply {
    long status;
    char *body;
    size_t len;
    char content_type[128];
    char allow[64];
    char retry_after[32];
    double seconds; /* how long the request took */
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

/* Copies the value of header name from the header line data[0..len) into out. */
static void header_value(const char *data, size_t len, const char *name, char *out, size_t size)
{
    size_t nl = strlen(name);
    if (len <= nl || strncasecmp(data, name, nl) != 0 || data[nl] != ':')
        return;
    size_t k = len - nl - 1;
    const char *v = data + nl + 1;
    while (k && *v == ' ')
        v++, k--;
    while (k && (v[k - 1] == '\r' || v[k - 1] == '\n'))
        k--;
    snprintf(out, size, "%.*s", (int)k, v);
}

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
    struct reply *r = cls;
    size_t len = size * n;
    header_value(data, len, "Allow", r->allow, sizeof r->allow);
    header_value(data, len, "Retry-After", r->retry_after, sizeof r->retry_after);
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
    const char *auth;  /* Authorization value */
    const char *host;  /* Host value */
    const char *extra; /* one more header line, or NULL */
    bool chunked;
    atomic_int *sent; /* incremented once the whole body is sent, if not NULL */
    bool soft;        /* a transfer error is status -1 rather than a failed test (threads) */
};

struct progress {
    atomic_int *sent;
    bool counted;
};

static int on_progress(void *cls, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    (void)dltotal;
    (void)dlnow;
    struct progress *p = cls;
    if (!p->counted && ultotal > 0 && ulnow == ultotal) {
        p->counted = true;
        atomic_fetch_add(p->sent, 1);
    }
    return 0;
}

static void perform_port(unsigned port, const struct call *c, struct reply *r)
{
    memset(r, 0, sizeof *r);
    char url[512];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, c->path);
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
    if (c->extra)
        hdrs = curl_slist_append(hdrs, c->extra);
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
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
    struct progress prog = {c->sent, false};
    if (c->sent) {
        curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(h, CURLOPT_XFERINFODATA, &prog);
    }
    CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK && c->soft)
        r->status = -1;
    else if (rc != CURLE_OK)
        fail_msg("%s %s: %s", c->method, c->path, curl_easy_strerror(rc));
    else
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &r->seconds);
    char *type = NULL;
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
    snprintf(r->content_type, sizeof r->content_type, "%s", type ? type : "");
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
}

static void perform(const struct tj_server *s, const struct call *c, struct reply *r)
{
    perform_port(tj_server_port(s), c, r);
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

static struct tj_server *start_with(struct tj_server_config *cfg)
{
    cfg->web_dir = web_dir;
    cfg->glossary = glossary;
    cfg->providers = &offline;
    cfg->nproviders = 1;
    struct tj_server *s = NULL;
    struct tj_diag diag;
    if (tj_server_create(cfg, &s, &diag) != TJ_OK)
        fail_msg("server: %s", diag.message);
    return s;
}

static struct tj_server *start(const char *listen, const char *token, size_t body_max)
{
    struct tj_server_config cfg = {
        .listen = listen,
        .token = token,
        .body_max = body_max,
        .max_jobs = 8,
        .timeout = 10,
    };
    return start_with(&cfg);
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
    if (serve_pid > 0) {
        kill(serve_pid, SIGKILL);
        waitpid(serve_pid, NULL, 0);
    }
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
    /* After a byte order mark the offset still counts the text as sent (3 + 10). */
    post_json(open_srv, "/api/translate", "{\"text\": \"\\ufeffبوتين\\u0000\"}", &r);
    assert_non_null(strstr(r.body, "byte offset 13"));
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
    get(open_srv, "/api/glossary/entries", &r);
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

/* A POST from another site is refused before anything else (403 cross_site): the browser says
 * so (Sec-Fetch-Site), or its Origin is not the Host (scheme's default port when none); a GET
 * is not, and neither is a POST from the server's own page. */
static void test_cross_site(void **state)
{
    (void)state;
    unsigned port = tj_server_port(open_srv);
    char own[64], upper[64], other_port[64], by_name[64], named_host[64];
    snprintf(own, sizeof own, "Origin: http://127.0.0.1:%u", port);
    snprintf(upper, sizeof upper, "Origin: HTTP://127.0.0.1:%u", port);
    snprintf(other_port, sizeof other_port, "Origin: http://127.0.0.1:%u", port + 1);
    snprintf(by_name, sizeof by_name, "Origin: http://localhost:%u", port);
    snprintf(named_host, sizeof named_host, "localhost:%u", port);
    struct {
        const char *extra, *host;
        long status;
    } cases[] = {
        {own, NULL, 200},
        {upper, NULL, 200},
        {"Sec-Fetch-Site: same-origin", NULL, 200},
        {"Sec-Fetch-Site: none", NULL, 200},
        {by_name, named_host, 200},
        {"Sec-Fetch-Site: cross-site", NULL, 403},
        {"Origin: http://evil.example", NULL, 403},
        {other_port, NULL, 403},
        {"Origin: http://127.0.0.1", NULL, 403}, /* port 80 */
        {by_name, NULL, 403},                    /* Host 127.0.0.1:PORT */
        {"Origin: null", NULL, 403},
        {"Origin: file://", NULL, 403},
    };
    for (size_t i = 0; i < TJ_ARRAY_LEN(cases); i++) {
        struct reply r;
        perform(open_srv,
                &(struct call){.method = "POST",
                               .path = "/api/translate",
                               .body = "{\"text\": \"بوتين\"}",
                               .content_type = "application/json",
                               .extra = cases[i].extra,
                               .host = cases[i].host},
                &r);
        if (r.status != cases[i].status)
            fail_msg("%s (Host %s): %ld, expected %ld", cases[i].extra,
                     cases[i].host ? cases[i].host : "default", r.status, cases[i].status);
        if (r.status == 403)
            assert_error(&r, 403, "cross_site");
        else
            free(r.body);
    }
    struct reply r;
    perform(open_srv,
            &(struct call){
                .method = "GET", .path = "/api/providers", .extra = "Sec-Fetch-Site: cross-site"},
            &r);
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

/* An article of at least size bytes made of the examples, as a translate body (owned). */
static char *article_body(size_t size)
{
    const char *root = getenv("TARJIM_SOURCE");
    if (!root || !*root)
        root = TJ_SOURCE_DIR;
    static const char *const names[] = {"gaza-ceasefire", "opec-output", "ukraine-talks"};
    struct tj_buf text;
    tj_buf_init(&text, 0);
    while (text.len < size) {
        for (size_t i = 0; i < TJ_ARRAY_LEN(names); i++) {
            char *path = tj_xasprintf("%s/examples/%s.ar.txt", root, names[i]);
            FILE *f = fopen(path, "rb");
            if (!f)
                fail_msg("cannot open %s", path);
            char chunk[4096];
            size_t n;
            while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
                tj_buf_append(&text, chunk, n);
            fclose(f);
            free(path);
            tj_buf_append(&text, "\n\n", 2);
        }
    }
    json_t *doc = json_pack("{s:s%}", "text", text.data, text.len);
    char *body = json_dumps(doc, JSON_COMPACT);
    json_decref(doc);
    tj_buf_finish(&text);
    assert_non_null(body);
    return body;
}

struct big_post {
    const struct tj_server *srv;
    const char *body;
    struct reply r;
    atomic_bool done;
};

/* Posts the body until it is taken (a small request may hold the only slot for a moment). */
static void *post_big(void *arg)
{
    struct big_post *b = arg;
    for (;;) {
        perform(b->srv,
                &(struct call){.method = "POST",
                               .path = "/api/translate",
                               .body = b->body,
                               .content_type = "application/json",
                               .soft = true},
                &b->r);
        if (b->r.status != 503)
            break;
        free(b->r.body);
    }
    atomic_store(&b->done, true);
    return NULL;
}

/* With one translation slot, a request that arrives while it is taken is answered 503 "busy"
 * with Retry-After at once, and the health check is not held up. */
static void test_busy(void **state)
{
    (void)state;
    struct tj_server_config cfg = {.listen = "127.0.0.1:0", .max_jobs = 1};
    struct tj_server *s = start_with(&cfg);
    char *body = article_body(300 * 1024);
    struct big_post big = {.srv = s, .body = body};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, post_big, &big), 0);
    unsigned refused = 0;
    double slowest_health = 0;
    while (!atomic_load(&big.done)) {
        struct reply r;
        post_json(s, "/api/translate", "{\"text\": \"بوتين\"}", &r);
        if (r.status != 503) {
            assert_int_equal(r.status, 200);
            free(r.body);
            continue;
        }
        refused++;
        assert_string_equal(r.retry_after, "2");
        assert_error(&r, 503, "busy");
        get(s, "/healthz", &r);
        assert_int_equal(r.status, 200);
        free(r.body);
        if (r.seconds > slowest_health)
            slowest_health = r.seconds;
    }
    pthread_join(t, NULL);
    assert_int_equal(big.r.status, 200);
    json_t *v = json_of(&big.r);
    assert_true(json_array_size(json_object_get(v, "blocks")) > 0);
    json_decref(v);
    free(big.r.body);
    free(body);
    assert_true(refused > 0);
    if (slowest_health > 1.0)
        fail_msg("/healthz took %.3f s while a translation ran", slowest_health);
    /* The slot is free again. */
    struct reply r;
    post_json(s, "/api/translate", "{\"text\": \"بوتين\"}", &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    tj_server_destroy(s);
}

static int connect_to(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        fail_msg("connect: %s", strerror(errno));
    return fd;
}

/* True when the server has closed fd (end of stream or reset). */
static bool closed_by_peer(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define SLOW_CLIENTS 200

/* 200 clients that trickle header lines (each within the idle timeout) hold no slot an editor
 * needs: /healthz answers within a second, and the trickling heads are cut at their deadline. */
static void test_slow_clients(void **state)
{
    (void)state;
    struct tj_server_config cfg = {.listen = "127.0.0.1:0", .timeout = 4, .head_timeout = 2};
    struct tj_server *s = start_with(&cfg);
    int fds[SLOW_CLIENTS];
    static const char start_line[] = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n";
    double opened = now_s();
    for (int i = 0; i < SLOW_CLIENTS; i++) {
        fds[i] = connect_to(tj_server_port(s));
        assert_int_equal(send(fds[i], start_line, sizeof start_line - 1, MSG_NOSIGNAL),
                         (ssize_t)(sizeof start_line - 1));
    }
    /* A header line every 300 ms from each: never idle long enough for the idle timeout. */
    unsigned round = 0;
    int open_count = SLOW_CLIENTS;
    bool asked = false;
    while (open_count > 0 && now_s() - opened < 8) {
        sleep_ms(300);
        open_count = 0;
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            if (fds[i] < 0)
                continue;
            if (closed_by_peer(fds[i])) {
                /* Not before the head's deadline. */
                if (now_s() - opened < 1.9)
                    fail_msg("a slow client was cut after %.2f s", now_s() - opened);
                close(fds[i]);
                fds[i] = -1;
                continue;
            }
            char line[32];
            int n = snprintf(line, sizeof line, "X-Slow-%u: x\r\n", round);
            send(fds[i], line, (size_t)n, MSG_NOSIGNAL);
            open_count++;
        }
        round++;
        if (!asked && now_s() - opened > 0.6) {
            asked = true;
            assert_int_equal(open_count, SLOW_CLIENTS);
            struct reply r;
            get(s, "/healthz", &r);
            assert_int_equal(r.status, 200);
            free(r.body);
            if (r.seconds > 1.0)
                fail_msg("/healthz took %.3f s with %d slow clients", r.seconds, SLOW_CLIENTS);
        }
    }
    assert_true(asked);
    if (open_count > 0)
        fail_msg("%d slow clients still connected after %.1f s", open_count, now_s() - opened);
    tj_server_destroy(s);
}

/* One address may hold only per_ip_limit connections: the next is closed unanswered, and
 * answered again once one of them has gone. */
static void test_per_ip_limit(void **state)
{
    (void)state;
    struct tj_server_config cfg = {.listen = "127.0.0.1:0", .per_ip_limit = 3};
    struct tj_server *s = start_with(&cfg);
    int held[3];
    for (int i = 0; i < 3; i++)
        held[i] = connect_to(tj_server_port(s));
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    int fd = connect_to(tj_server_port(s));
    send(fd, req, sizeof req - 1, MSG_NOSIGNAL);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[256];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0)
        fail_msg("the connection over the limit was answered: %.*s", (int)n, buf);
    assert_true(n == 0 || errno == ECONNRESET);
    close(fd);
    close(held[0]);
    double start = now_s();
    struct reply r = {0};
    do {
        sleep_ms(20);
        free(r.body);
        perform(s, &(struct call){.method = "GET", .path = "/healthz", .soft = true}, &r);
    } while (r.status != 200 && now_s() - start < 5);
    assert_int_equal(r.status, 200);
    free(r.body);
    close(held[1]);
    close(held[2]);
    tj_server_destroy(s);
}

/* The response to the raw request text req: status and body (owned). */
static void raw(const struct tj_server *s, const char *req, struct reply *r)
{
    memset(r, 0, sizeof *r);
    int fd = connect_to(tj_server_port(s));
    size_t len = strlen(req);
    assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[8192];
    size_t got = 0;
    for (;;) {
        ssize_t n = recv(fd, buf + got, sizeof buf - 1 - got, 0);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        const char *end = strstr(buf, "\r\n\r\n");
        const char *cl = strcasestr(buf, "\r\nContent-Length:");
        if (end && cl && cl < end && got - (size_t)(end + 4 - buf) >= strtoul(cl + 17, NULL, 10))
            break;
        if (got == sizeof buf - 1)
            break;
    }
    close(fd);
    buf[got] = '\0';
    if (sscanf(buf, "HTTP/1.%*d %ld", &r->status) != 1)
        fail_msg("no HTTP answer to %s: '%s'", req, buf);
    const char *type = strcasestr(buf, "\r\nContent-Type:");
    if (type)
        sscanf(type + 15, " %127[^\r\n]", r->content_type);
    const char *body = strstr(buf, "\r\n\r\n");
    body = body ? body + 4 : buf + got;
    r->len = strlen(body);
    r->body = tj_xstrdup(body);
}

/* What HTTP/1.1 requires of a request head, and the provider name compared as a whole. */
static void test_protocol_edges(void **state)
{
    (void)state;
    struct reply r;
    raw(open_srv, "GET /healthz HTTP/1.1\r\n\r\n", &r);
    assert_error(&r, 400, "bad_request");
    raw(open_srv, "GET /healthz HTTP/1.1\r\nHost: localhost\r\nHost: localhost\r\n\r\n", &r);
    assert_error(&r, 400, "bad_request");
    /* HTTP/1.0 has no Host header. */
    raw(open_srv, "GET /healthz HTTP/1.0\r\n\r\n", &r);
    assert_int_equal(r.status, 200);
    free(r.body);
    static const char post[] = "POST /api/translate HTTP/1.1\r\nHost: localhost\r\n"
                               "Content-Type: application/json\r\n";
    raw(open_srv,
        "POST /api/translate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: 12\r\nContent-Length: 12\r\n\r\n{\"text\": \"\"}",
        &r);
    assert_error(&r, 400, "bad_request");
    raw(open_srv,
        "POST /api/translate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: 12\r\nContent-Length: 40\r\n\r\n{\"text\": \"\"}",
        &r);
    assert_error(&r, 400, "bad_request");
    raw(open_srv,
        "POST /api/translate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Content-Length: 12\r\nTransfer-Encoding: chunked\r\n\r\nc\r\n{\"text\": "
        "\"\"}\r\n0\r\n\r\n",
        &r);
    assert_error(&r, 400, "bad_request");
    raw(open_srv,
        "POST /api/translate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: gzip\r\n\r\n",
        &r);
    assert_error(&r, 400, "bad_request");
    /* The same request with one Content-Length is fine. */
    char *ok =
        tj_xasprintf("%sContent-Length: 12\r\nConnection: close\r\n\r\n{\"text\": \"\"}", post);
    raw(open_srv, ok, &r);
    free(ok);
    assert_int_equal(r.status, 200);
    free(r.body);
    /* A NUL byte inside the name does not make it "offline". */
    post_json(open_srv, "/api/translate", "{\"text\": \"x\", \"provider\": \"offline\\u0000x\"}",
              &r);
    assert_non_null(strstr(r.body, "offline\\\\u0000x"));
    assert_error(&r, 400, "unknown_provider");
    post_json(open_srv, "/api/translate", "{\"text\": \"x\", \"provider\": \"deepl\\u0000\"}", &r);
    assert_error(&r, 400, "unknown_provider");
}

struct stop_post {
    unsigned port;
    const char *body;
    atomic_int *sent;
    struct reply r;
};

static void *post_to_port(void *arg)
{
    struct stop_post *p = arg;
    perform_port(p->port,
                 &(struct call){.method = "POST",
                                .path = "/api/translate",
                                .body = p->body,
                                .content_type = "application/json",
                                .sent = p->sent,
                                .soft = true},
                 &p->r);
    return NULL;
}

/* Reads the child's standard error until "serving on http://127.0.0.1:PORT/"; the port. */
static unsigned serving_port(int fd)
{
    char buf[4096];
    size_t got = 0;
    double start = now_s();
    while (got < sizeof buf - 1 && now_s() - start < 30) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 1000) <= 0)
            continue;
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        buf[got] = '\0';
        const char *at = strstr(buf, "serving on http://127.0.0.1:");
        if (at && strchr(at, '\n'))
            return (unsigned)strtoul(at + strlen("serving on http://127.0.0.1:"), NULL, 10);
    }
    buf[got] = '\0';
    fail_msg("tarjim serve did not start: %s", buf);
    return 0;
}

#define STOP_REQUESTS 4

/* SIGTERM while translations run: every request under way gets its whole answer, and the
 * process exits 0. */
static void test_sigterm(void **state)
{
    (void)state;
    if (!tarjim_exe)
        skip();
    int err[2];
    assert_int_equal(pipe(err), 0);
    serve_pid = fork();
    assert_true(serve_pid >= 0);
    if (serve_pid == 0) {
        dup2(err[1], 2);
        close(err[0]);
        close(err[1]);
        unsetenv("TARJIM_PROVIDER");
        unsetenv("TARJIM_TOKEN");
        setenv("XDG_CONFIG_HOME", "/nonexistent", 1);
        execl(tarjim_exe, "tarjim", "serve", "--listen", "127.0.0.1:0", "--max-jobs", "8",
              (char *)NULL);
        _exit(127);
    }
    close(err[1]);
    unsigned port = serving_port(err[0]);
    char *body = article_body(150 * 1024);
    atomic_int sent = 0;
    struct stop_post posts[STOP_REQUESTS];
    pthread_t t[STOP_REQUESTS];
    for (int i = 0; i < STOP_REQUESTS; i++) {
        posts[i] = (struct stop_post){port, body, &sent, {0}};
        assert_int_equal(pthread_create(&t[i], NULL, post_to_port, &posts[i]), 0);
    }
    /* Every body is on its way before the signal. */
    double start = now_s();
    while (atomic_load(&sent) < STOP_REQUESTS && now_s() - start < 30)
        sleep_ms(5);
    assert_int_equal(atomic_load(&sent), STOP_REQUESTS);
    assert_int_equal(kill(serve_pid, SIGTERM), 0);
    for (int i = 0; i < STOP_REQUESTS; i++)
        pthread_join(t[i], NULL);
    int status = 0;
    start = now_s();
    pid_t w;
    while ((w = waitpid(serve_pid, &status, WNOHANG)) == 0 && now_s() - start < 30)
        sleep_ms(20);
    if (w == 0) {
        kill(serve_pid, SIGKILL);
        waitpid(serve_pid, &status, 0);
        serve_pid = -1;
        fail_msg("tarjim serve did not exit after SIGTERM");
    }
    serve_pid = -1;
    char log[4096];
    ssize_t n = read(err[0], log, sizeof log - 1);
    log[n > 0 ? n : 0] = '\0';
    close(err[0]);
    for (int i = 0; i < STOP_REQUESTS; i++) {
        if (posts[i].r.status != 200)
            fail_msg("request %d: status %ld (server said: %s)", i, posts[i].r.status, log);
        json_t *v = json_of(&posts[i].r);
        json_t *stats = json_object_get(v, "stats");
        assert_true(json_integer_value(json_object_get(stats, "segments")) > 100);
        assert_int_equal(json_integer_value(json_object_get(stats, "failed")), 0);
        json_decref(v);
        free(posts[i].r.body);
    }
    free(body);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("tarjim serve ended with status %d: %s", status, log);
}

int main(int argc, char **argv)
{
    tarjim_exe = argc > 1 ? argv[1] : NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_health),         cmocka_unit_test(test_providers),
        cmocka_unit_test(test_translate),      cmocka_unit_test(test_body_cap),
        cmocka_unit_test(test_bad_requests),   cmocka_unit_test(test_routes),
        cmocka_unit_test(test_token),          cmocka_unit_test(test_host_check),
        cmocka_unit_test(test_cross_site),     cmocka_unit_test(test_static),
        cmocka_unit_test(test_listen_rules),   cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_busy),           cmocka_unit_test(test_slow_clients),
        cmocka_unit_test(test_protocol_edges), cmocka_unit_test(test_per_ip_limit),
        cmocka_unit_test(test_sigterm),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
