/* The HTTP transport against a libmicrohttpd server on 127.0.0.1 started by the test: the
 * in-flight limit, connection reuse, headers and bodies, timeouts, refused connections, the
 * body cap, Retry-After, cancellation, and messages free of query strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http.h"
#include "test_upload.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct MHD_Daemon *daemon_;
static unsigned short port;
static atomic_int in_flight, peak, connections;

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *body,
                              size_t len, const char *hname, const char *hvalue)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (hname)
        MHD_add_response_header(r, hname, hvalue);
    MHD_add_response_header(r, "X-Test", "yes");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    static int first_call;
    if (strcmp(method, "GET") == 0 && *con_cls == NULL) {
        /* Answered on the second call, as libmicrohttpd keeps the connection alive then. */
        *con_cls = &first_call;
        return MHD_YES;
    }
    if (strcmp(method, "POST") == 0) {
        struct upload *u = upload_take(con_cls, upload, upload_size);
        if (!u)
            return MHD_YES;
        enum MHD_Result ret = answer(c, 200, u->data, u->len, NULL, NULL);
        upload_free(u);
        return ret;
    }
    if (strcmp(url, "/slow") == 0) {
        const char *ms = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "ms");
        int now = atomic_fetch_add(&in_flight, 1) + 1;
        int p = atomic_load(&peak);
        while (now > p && !atomic_compare_exchange_weak(&peak, &p, now))
            ;
        sleep_ms(ms ? atol(ms) : 100);
        atomic_fetch_sub(&in_flight, 1);
        return answer(c, 200, "slow", 4, NULL, NULL);
    }
    if (strcmp(url, "/retry") == 0)
        return answer(c, 429, "{}", 2, "Retry-After", "3");
    if (strcmp(url, "/big") == 0) {
        static char big[1 << 16];
        memset(big, 'x', sizeof big);
        return answer(c, 200, big, sizeof big, NULL, NULL);
    }
    const char *ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
    const char *custom = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Custom");
    char body[256];
    snprintf(body, sizeof body, "ua=%s custom=%s", ua ? ua : "", custom ? custom : "");
    return answer(c, 200, body, strlen(body), NULL, NULL);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    (void)c;
    (void)socket_context;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&connections, 1);
}

static int setup(void **state)
{
    (void)state;
    daemon_ = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                                   MHD_USE_ERROR_LOG,
                               0, NULL, NULL, handler, NULL, MHD_OPTION_NOTIFY_CONNECTION,
                               on_connection, NULL, MHD_OPTION_END);
    if (!daemon_)
        return -1;
    port = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT)->port;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    MHD_stop_daemon(daemon_);
    return 0;
}

struct outcome {
    int calls;
    enum tj_http_fail fail;
    long status;
    char body[256];
    char message[512];
    double retry_after;
    char header[64];
};

static void done(void *ud, const struct tj_http_response *resp, enum tj_http_fail fail,
                 const char *message)
{
    struct outcome *o = ud;
    o->calls++;
    o->fail = fail;
    if (message)
        snprintf(o->message, sizeof o->message, "%s", message);
    if (!resp)
        return;
    o->status = resp->status;
    snprintf(o->body, sizeof o->body, "%.*s", (int)resp->len, resp->body);
    o->retry_after = tj_http_retry_after(resp, (long long)time(NULL));
    size_t n;
    const char *h = tj_http_header(resp, "x-test", &n);
    if (h)
        snprintf(o->header, sizeof o->header, "%.*s", (int)n, h);
}

/* A request to the test server; release with drop(). */
static struct tj_http_request make(const char *method, const char *path, const char *body)
{
    struct tj_http_request r = {strdup(method), malloc(256), NULL, body ? strdup(body) : NULL,
                                body ? strlen(body) : 0};
    snprintf(r.url, 256, "http://127.0.0.1:%u%s", port, path);
    return r;
}

static void drop(struct tj_http_request *r)
{
    free(r->method);
    free(r->url);
    free(r->body);
}

static void run_all(struct tj_http *h)
{
    while (tj_http_pending(h) > 0)
        tj_http_step(h, 0.05);
}

static void test_get_post_headers(void **state)
{
    (void)state;
    struct tj_http_options o = {.user_agent = "tarjim-test/1"};
    struct tj_http *h = tj_http_create(&o);
    char custom[] = "X-Custom: hello";
    char *hdrs[] = {custom, NULL};
    struct tj_http_request get = make("GET", "/", NULL);
    get.headers = hdrs;
    struct tj_http_request post = make("POST", "/echo", "{\"q\": [1]}");
    struct outcome a = {0}, b = {0};
    tj_http_submit(h, &get, done, &a);
    tj_http_submit(h, &post, done, &b);
    run_all(h);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.fail, TJ_HTTP_OK);
    assert_int_equal(a.status, 200);
    assert_string_equal(a.body, "ua=tarjim-test/1 custom=hello");
    assert_string_equal(a.header, "yes");
    assert_int_equal(b.status, 200);
    assert_string_equal(b.body, "{\"q\": [1]}");
    drop(&get);
    drop(&post);
    tj_http_destroy(h);
}

/* At most max_in_flight requests reach the server at once, and they overlap. */
static void test_in_flight_limit_and_reuse(void **state)
{
    (void)state;
    atomic_store(&peak, 0);
    atomic_store(&connections, 0);
    struct tj_http_options o = {.max_in_flight = 3};
    struct tj_http *h = tj_http_create(&o);
    struct tj_http_request req = make("GET", "/slow?ms=100", NULL);
    struct outcome out[12] = {0};
    for (int i = 0; i < 12; i++)
        tj_http_submit(h, &req, done, &out[i]);
    assert_int_equal(tj_http_pending(h), 12);
    run_all(h);
    for (int i = 0; i < 12; i++) {
        assert_int_equal(out[i].calls, 1);
        assert_int_equal(out[i].status, 200);
    }
    assert_int_equal(atomic_load(&peak), 3);
    /* Connections are kept alive: 12 requests over at most 3 at a time. */
    assert_true(atomic_load(&connections) <= 6);
    drop(&req);
    tj_http_destroy(h);
}

static void test_failures(void **state)
{
    (void)state;
    struct tj_http_options o = {.timeout = 0.3, .max_response_bytes = 1000};
    struct tj_http *h = tj_http_create(&o);
    struct tj_http_request slow = make("GET", "/slow?ms=1500", NULL);
    struct tj_http_request big = make("GET", "/big", NULL);
    struct tj_http_request retry = make("GET", "/retry", NULL);
    /* A port nothing listens on: bind one, note it, close it. */
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler,
                                            NULL, MHD_OPTION_END);
    unsigned short closed = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    MHD_stop_daemon(d);
    char refused_url[128];
    snprintf(refused_url, sizeof refused_url, "http://127.0.0.1:%u/x?key=SECRET-KEY", closed);
    char get[] = "GET";
    struct tj_http_request refused = {get, refused_url, NULL, NULL, 0};
    struct outcome a = {0}, b = {0}, c = {0}, e = {0};
    tj_http_submit(h, &slow, done, &a);
    tj_http_submit(h, &big, done, &b);
    tj_http_submit(h, &retry, done, &c);
    tj_http_submit(h, &refused, done, &e);
    run_all(h);
    assert_int_equal(a.fail, TJ_HTTP_TIMEOUT);
    assert_int_equal(b.fail, TJ_HTTP_TOO_BIG);
    assert_non_null(strstr(b.message, "1000"));
    assert_int_equal(c.fail, TJ_HTTP_OK);
    assert_int_equal(c.status, 429);
    assert_true(c.retry_after == 3);
    assert_int_equal(e.fail, TJ_HTTP_CONNECT);
    assert_null(strstr(e.message, "SECRET"));
    drop(&slow);
    drop(&big);
    drop(&retry);
    tj_http_destroy(h);
}

static void test_destroy_cancels(void **state)
{
    (void)state;
    struct tj_http_options o = {.max_in_flight = 1};
    struct tj_http *h = tj_http_create(&o);
    struct tj_http_request req = make("GET", "/slow?ms=300", NULL);
    struct outcome a = {0}, b = {0};
    tj_http_submit(h, &req, done, &a);
    tj_http_submit(h, &req, done, &b);
    tj_http_step(h, 0.01); /* a is running, b is queued */
    assert_int_equal(tj_http_running(h), 1);
    tj_http_destroy(h);
    assert_int_equal(a.calls, 1);
    assert_int_equal(a.fail, TJ_HTTP_CANCELLED);
    assert_int_equal(b.calls, 1);
    assert_int_equal(b.fail, TJ_HTTP_CANCELLED);
    drop(&req);
}

static void test_retry_after_forms(void **state)
{
    (void)state;
    const char *h1[] = {"Retry-After: 7"};
    struct tj_http_response r = {429, h1, 1, "", 0};
    assert_true(tj_http_retry_after(&r, 0) == 7);
    const char *h2[] = {"retry-after-ms: 1500", "Retry-After: 9"};
    r = (struct tj_http_response){429, h2, 2, "", 0};
    assert_true(tj_http_retry_after(&r, 0) == 1.5);
    /* An HTTP date, 2026-12-02 10:00:30 GMT, read 30 s before it. */
    const char *h3[] = {"Retry-After: Wed, 02 Dec 2026 10:00:30 GMT"};
    r = (struct tj_http_response){503, h3, 1, "", 0};
    assert_true(tj_http_retry_after(&r, 1796169600LL + 10 * 3600) == 30);
    const char *h4[] = {"Retry-After: soon"};
    r = (struct tj_http_response){503, h4, 1, "", 0};
    assert_true(tj_http_retry_after(&r, 0) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_post_headers),  cmocka_unit_test(test_in_flight_limit_and_reuse),
        cmocka_unit_test(test_failures),          cmocka_unit_test(test_destroy_cancels),
        cmocka_unit_test(test_retry_after_forms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
