/* The remote dispatcher against a small provider written here (JSON {"q": [...]} in,
 * {"t": [...]} out) and a libmicrohttpd server on 127.0.0.1 that misbehaves on demand:
 * batching within limits, requests in flight, Retry-After, backoff on 5xx, refused
 * credentials stopping the provider, splitting on 413 and on garbage, echoed segments tried
 * alone, long segments cut and joined, an unreachable host, dry runs and interruption. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "dispatch.h"
#include "provider_int.h"
#include "test_upload.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The server. */

enum mode {
    OK,
    RETRY_AFTER_ONCE,
    FAIL_500_TWICE,
    AUTH,
    TOO_LARGE_OVER_3,
    GARBAGE_ONCE,
    GARBAGE,
    ECHO_ONCE
};
static _Atomic enum mode mode;
static atomic_int requests, in_flight, peak, max_batch, echoed, delay_ms;
static struct MHD_Daemon *daemon_;
static unsigned short port;

/* "كلمة 7" -> "word 7": every Arabic letter run becomes "word". */
static char *translate(const char *s)
{
    char *out = malloc(strlen(s) * 4 + 8);
    size_t o = 0;
    bool in_word = false;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned cp = (*p & 0xE0) == 0xC0 ? ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu) : *p;
        if (cp >= 0x621 && cp <= 0x64A) {
            if (!in_word) {
                memcpy(out + o, "word", 4);
                o += 4;
            }
            in_word = true;
            p += 2;
            continue;
        }
        in_word = false;
        size_t k = (*p & 0xE0) == 0xC0 ? 2 : 1;
        memcpy(out + o, p, k);
        o += k;
        p += k;
    }
    out[o] = '\0';
    return out;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body,
                             const char *retry_after)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    if (retry_after)
        MHD_add_response_header(r, "Retry-After", retry_after);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result serve(struct MHD_Connection *c, const char *body, size_t len)
{
    int n = atomic_fetch_add(&requests, 1) + 1;
    int now = atomic_fetch_add(&in_flight, 1) + 1;
    int p = atomic_load(&peak);
    while (now > p && !atomic_compare_exchange_weak(&peak, &p, now))
        ;
    if (atomic_load(&delay_ms)) {
        struct timespec ts = {0, atomic_load(&delay_ms) * 1000000L};
        nanosleep(&ts, NULL);
    }
    atomic_fetch_sub(&in_flight, 1);
    json_t *in = json_loadb(body, len, 0, NULL);
    json_t *q = json_object_get(in, "q");
    int count = (int)json_array_size(q);
    int m = atomic_load(&max_batch);
    while (count > m && !atomic_compare_exchange_weak(&max_batch, &m, count))
        ;
    enum MHD_Result ret;
    switch (atomic_load(&mode)) {
    case RETRY_AFTER_ONCE:
        if (n == 1) {
            ret = reply(c, 429, "{\"error\": \"slow down\"}", "1");
            goto out;
        }
        break;
    case FAIL_500_TWICE:
        if (n <= 2) {
            ret = reply(c, 500, "oops", NULL);
            goto out;
        }
        break;
    case AUTH:
        ret = reply(c, 401, "{\"error\": \"bad key\"}", NULL);
        goto out;
    case TOO_LARGE_OVER_3:
        if (count > 3) {
            ret = reply(c, 413, "{\"error\": \"too many\"}", NULL);
            goto out;
        }
        break;
    case GARBAGE_ONCE:
        if (n == 1) {
            ret = reply(c, 200, "{\"t\": [", NULL);
            goto out;
        }
        break;
    case GARBAGE:
        ret = reply(c, 200, "<html>gateway</html>", NULL);
        goto out;
    default:
        break;
    }
    json_t *t = json_array();
    for (size_t i = 0; i < json_array_size(q); i++) {
        const char *s = json_string_value(json_array_get(q, i));
        if (atomic_load(&mode) == ECHO_ONCE && strstr(s, " 3") &&
            atomic_fetch_add(&echoed, 1) == 0) {
            json_array_append_new(t, json_string(s));
            continue;
        }
        char *en = translate(s);
        json_array_append_new(t, json_string(en));
        free(en);
    }
    json_t *o = json_pack("{s:o}", "t", t);
    char *text = json_dumps(o, JSON_COMPACT);
    ret = reply(c, 200, text, NULL);
    free(text);
    json_decref(o);
out:
    json_decref(in);
    return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    struct upload *u = upload_take(con_cls, upload, upload_size);
    if (!u)
        return MHD_YES;
    enum MHD_Result ret = serve(c, u->data, u->len);
    upload_free(u);
    return ret;
}

/* The provider. */

struct test_state {
    struct tj_http_base base;
    size_t max_segments, max_segment_bytes;
};

static enum tj_status t_create(const struct tj_provider_config *cfg, void **state,
                               struct tj_diag *diag)
{
    (void)diag;
    struct test_state *s = calloc(1, sizeof *s);
    tj_http_base_init(&s->base, cfg, NULL);
    s->max_segments = cfg->model ? strtoul(cfg->model, NULL, 10) : 10;
    s->max_segment_bytes = cfg->region ? strtoul(cfg->region, NULL, 10) : 0;
    *state = s;
    return TJ_OK;
}

static void t_destroy(void *state)
{
    struct test_state *s = state;
    tj_http_base_finish(&s->base);
    free(s);
}

static void t_limits(const void *state, struct tj_provider_limits *out)
{
    const struct test_state *s = state;
    out->max_segments = s->max_segments;
    out->max_segment_bytes = s->max_segment_bytes;
}

static enum tj_status t_build(const void *state, const struct tj_batch *batch,
                              struct tj_http_request *out, struct tj_diag *diag)
{
    (void)diag;
    const struct test_state *s = state;
    tj_http_request_init(out, "POST", tj_url_join(s->base.url, "t"));
    json_t *q = json_array();
    for (size_t i = 0; i < batch->n; i++)
        json_array_append_new(q, json_stringn(batch->items[i].text, batch->items[i].len));
    tj_http_request_json(out, json_pack("{s:o}", "q", q));
    return TJ_OK;
}

static enum tj_perror t_parse(const void *state, const struct tj_batch *batch,
                              const struct tj_http_response *resp, struct tj_result *results,
                              struct tj_provider_error *err)
{
    (void)state;
    if (resp->status != 200)
        return tj_perror_from_status(resp, err, "test", NULL, NULL);
    json_t *o = tj_http_response_json(resp);
    json_t *t = json_object_get(o, "t");
    if (!json_is_array(t) || json_array_size(t) != batch->n) {
        json_decref(o);
        return tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL, "not the answer");
    }
    for (size_t i = 0; i < batch->n; i++)
        tj_result_set(&results[i], &batch->items[i],
                      strdup(json_string_value(json_array_get(t, i))), NULL);
    json_decref(o);
    return TJ_PERR_NONE;
}

static const struct tj_provider_ops test_ops = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info = {.name = "test", .description = "test", .remote = true, .features = TJ_PFEAT_BATCH},
    .create = t_create,
    .destroy = t_destroy,
    .limits = t_limits,
    .build_request = t_build,
    .parse_response = t_parse,
};

/* Helpers. */

static void reset(enum mode m)
{
    atomic_store(&mode, m);
    atomic_store(&requests, 0);
    atomic_store(&peak, 0);
    atomic_store(&max_batch, 0);
    atomic_store(&echoed, 0);
    atomic_store(&delay_ms, 0);
}

static struct tj_provider *provider(const char *max_segments, const char *max_segment_bytes,
                                    unsigned short at_port)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", at_port);
    struct tj_provider_config cfg = {
        .url = url, .model = max_segments, .region = max_segment_bytes};
    struct tj_provider *p;
    assert_int_equal(tj_provider_create(&test_ops, &cfg, &p, NULL), TJ_OK);
    return p;
}

static struct tj_dispatch_item *make_items(size_t n)
{
    struct tj_dispatch_item *items = calloc(n, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        char *s = malloc(64);
        snprintf(s, 64, "كلمة %zu", i);
        items[i].text = s;
        items[i].len = strlen(s);
    }
    return items;
}

static void free_items(struct tj_dispatch_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)items[i].text);
        tj_dispatch_item_finish(&items[i]);
    }
    free(items);
}

static void expect_all_done(struct tj_dispatch_item *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char want[64];
        snprintf(want, sizeof want, "word %zu", i);
        if (!items[i].done)
            fail_msg("item %zu failed: %s", i, items[i].error ? items[i].error : "?");
        assert_string_equal(items[i].result.text, want);
    }
}

static const struct tj_dispatch_options fast = {.retry = {.base = 0.05, .cap = 0.2}};

static int setup(void **state)
{
    (void)state;
    daemon_ = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
                               NULL, NULL, handler, NULL, MHD_OPTION_END);
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

/* Tests. */

static void test_batches_in_flight(void **state)
{
    (void)state;
    reset(OK);
    atomic_store(&delay_ms, 50);
    struct tj_provider *p = provider("10", NULL, port);
    struct tj_dispatch_item *items = make_items(100);
    struct tj_dispatch_options o = fast;
    o.jobs = 4;
    struct tj_dispatch_stats st = {0};
    assert_int_equal(tj_dispatch_run(p, items, 100, &o, &st, NULL), TJ_OK);
    expect_all_done(items, 100);
    assert_int_equal(atomic_load(&requests), 10);
    assert_int_equal(st.requests, 10);
    assert_int_equal(atomic_load(&max_batch), 10);
    assert_int_equal(atomic_load(&peak), 4);
    assert_int_equal(st.chars_sent, 100 * 5 + 10 + 90 * 2);
    free_items(items, 100);
    tj_provider_destroy(p);
}

static void test_retry_after(void **state)
{
    (void)state;
    reset(RETRY_AFTER_ONCE);
    struct tj_provider *p = provider("10", NULL, port);
    struct tj_dispatch_item *items = make_items(5);
    struct tj_dispatch_stats st = {0};
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(tj_dispatch_run(p, items, 5, &fast, &st, NULL), TJ_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    expect_all_done(items, 5);
    assert_int_equal(st.retries, 1);
    /* The backoff alone is at most 0.2 s here: the wait was the service's second. */
    assert_true((double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9 >= 0.95);
    free_items(items, 5);
    tj_provider_destroy(p);
}

static void test_server_errors_retried(void **state)
{
    (void)state;
    reset(FAIL_500_TWICE);
    struct tj_provider *p = provider("10", NULL, port);
    struct tj_dispatch_item *items = make_items(5);
    struct tj_dispatch_stats st = {0};
    assert_int_equal(tj_dispatch_run(p, items, 5, &fast, &st, NULL), TJ_OK);
    expect_all_done(items, 5);
    assert_int_equal(st.retries, 2);
    assert_int_equal(atomic_load(&requests), 3);
    free_items(items, 5);
    tj_provider_destroy(p);
}

static void test_auth_stops_the_provider(void **state)
{
    (void)state;
    reset(AUTH);
    struct tj_provider *p = provider("10", NULL, port);
    struct tj_dispatch_item *items = make_items(50);
    struct tj_dispatch_options o = fast;
    o.jobs = 1;
    struct tj_diag d;
    assert_int_equal(tj_dispatch_run(p, items, 50, &o, NULL, &d), TJ_ERR_AUTH);
    assert_int_equal(atomic_load(&requests), 1); /* not retried, the rest never sent */
    for (size_t i = 0; i < 50; i++) {
        assert_false(items[i].done);
        assert_int_equal(items[i].error_kind, TJ_PERR_AUTH);
    }
    free_items(items, 50);
    tj_provider_destroy(p);
}

static void test_too_large_is_split(void **state)
{
    (void)state;
    reset(TOO_LARGE_OVER_3);
    struct tj_provider *p = provider("8", NULL, port);
    struct tj_dispatch_item *items = make_items(8);
    struct tj_dispatch_stats st = {0};
    assert_int_equal(tj_dispatch_run(p, items, 8, &fast, &st, NULL), TJ_OK);
    expect_all_done(items, 8);
    assert_int_equal(st.splits, 3); /* 8 -> 4 + 4 -> 2 + 2 + 2 + 2 */
    free_items(items, 8);
    tj_provider_destroy(p);
}

static void test_garbage(void **state)
{
    (void)state;
    reset(GARBAGE_ONCE);
    struct tj_provider *p = provider("10", NULL, port);
    struct tj_dispatch_item *items = make_items(4);
    assert_int_equal(tj_dispatch_run(p, items, 4, &fast, NULL, NULL), TJ_OK);
    expect_all_done(items, 4);
    free_items(items, 4);
    /* Garbage every time: tried twice, split down to single segments, then failed. */
    reset(GARBAGE);
    items = make_items(2);
    struct tj_diag d;
    assert_int_equal(tj_dispatch_run(p, items, 2, &fast, NULL, &d), TJ_ERR_PARTIAL);
    assert_false(items[0].done);
    assert_false(items[1].done);
    assert_non_null(items[0].error);
    assert_int_equal(atomic_load(&requests), 2 + 2 * 2);
    free_items(items, 2);
    tj_provider_destroy(p);
}

static void test_echo_tried_alone(void **state)
{
    (void)state;
    reset(ECHO_ONCE);
    struct tj_provider *p = provider("10", NULL, port);
    struct tj_dispatch_item *items = make_items(6);
    assert_int_equal(tj_dispatch_run(p, items, 6, &fast, NULL, NULL), TJ_OK);
    expect_all_done(items, 6);
    assert_int_equal(atomic_load(&requests), 2);
    assert_int_equal(atomic_load(&max_batch), 6);
    free_items(items, 6);
    tj_provider_destroy(p);
}

static void test_long_segment_cut_and_joined(void **state)
{
    (void)state;
    reset(OK);
    struct tj_provider *p = provider("10", "30", port);
    const char *text = "كلمة 1، كلمة 2، كلمة 3، كلمة 4.";
    struct tj_dispatch_item item = {.text = text, .len = strlen(text)};
    struct tj_dispatch_stats st = {0};
    assert_int_equal(tj_dispatch_run(p, &item, 1, &fast, &st, NULL), TJ_OK);
    assert_true(item.done);
    assert_string_equal(item.result.text, "word 1، word 2، word 3، word 4.");
    assert_true(atomic_load(&max_batch) >= 2); /* parts went together, each within 30 bytes */
    tj_dispatch_item_finish(&item);
    tj_provider_destroy(p);
}

static void test_unreachable(void **state)
{
    (void)state;
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handler,
                                            NULL, MHD_OPTION_END);
    unsigned short closed = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
    MHD_stop_daemon(d);
    struct tj_provider *p = provider("2", NULL, closed);
    struct tj_dispatch_item *items = make_items(20);
    struct tj_diag diag;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct tj_dispatch_options o = {0}; /* default backoff: the fail-fast rule must act */
    assert_int_equal(tj_dispatch_run(p, items, 20, &o, NULL, &diag), TJ_ERR_UNAVAILABLE);
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_true(b.tv_sec - a.tv_sec < 4);
    assert_non_null(strstr(diag.message, "cannot reach test"));
    for (size_t i = 0; i < 20; i++)
        assert_false(items[i].done);
    free_items(items, 20);
    tj_provider_destroy(p);
}

static void test_dry_run_and_stop(void **state)
{
    (void)state;
    reset(OK);
    struct tj_provider *p = provider("10", NULL, port);
    struct tj_dispatch_item *items = make_items(25);
    struct tj_dispatch_options o = fast;
    o.dry_run = true;
    struct tj_dispatch_stats st = {0};
    assert_int_equal(tj_dispatch_run(p, items, 25, &o, &st, NULL), TJ_OK);
    assert_int_equal(st.requests, 3);
    assert_int_equal(st.chars_sent, 25 * 5 + 10 + 15 * 2);
    assert_int_equal(atomic_load(&requests), 0);
    free_items(items, 25);
    static volatile sig_atomic_t stop = 1;
    o = fast;
    o.stop = &stop;
    items = make_items(5);
    assert_int_equal(tj_dispatch_run(p, items, 5, &o, NULL, NULL), TJ_ERR_PARTIAL);
    assert_int_equal(atomic_load(&requests), 0);
    assert_non_null(strstr(items[0].error, "interrupted"));
    free_items(items, 5);
    tj_provider_destroy(p);
}

/* The pacing given in the provider's configuration holds the requests back: 2 a second, one
 * segment each, so 5 segments take 2 s at least (the bucket starts with 2). */
static void test_configured_pacing(void **state)
{
    (void)state;
    reset(OK);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", port);
    struct tj_provider_config cfg = {.url = url, .model = "1", .requests_per_sec = 2};
    struct tj_provider *p;
    assert_int_equal(tj_provider_create(&test_ops, &cfg, &p, NULL), TJ_OK);
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    assert_true(lim.requests_per_sec == 2);
    struct tj_dispatch_item *items = make_items(5);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(tj_dispatch_run(p, items, 5, &fast, NULL, NULL), TJ_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    expect_all_done(items, 5);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    assert_true(secs >= 1.4);
    free_items(items, 5);
    tj_provider_destroy(p);
}

/* A key in an error message is masked, and so is any piece of it the service echoed back. */
static void test_key_masked(void **state)
{
    (void)state;
    const char *key = "sk-4f9a2c81d77e0b53";
    struct tj_provider_error err;
    tj_perror_set(&err, TJ_PERR_AUTH, 401, key, "key %s refused", key);
    assert_string_equal(err.message, "key *** refused");
    tj_perror_set(&err, TJ_PERR_AUTH, 401, key, "Invalid key sk-4f9a2c8... (truncated)");
    assert_null(strstr(err.message, "4f9a2c"));
    assert_non_null(strstr(err.message, "Invalid key ***"));
    /* Short runs that a key happens to share with ordinary words are left alone. */
    tj_perror_set(&err, TJ_PERR_AUTH, 401, key, "sk- is not a valid prefix");
    assert_string_equal(err.message, "sk- is not a valid prefix");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batches_in_flight),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_server_errors_retried),
        cmocka_unit_test(test_auth_stops_the_provider),
        cmocka_unit_test(test_too_large_is_split),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_echo_tried_alone),
        cmocka_unit_test(test_long_segment_cut_and_joined),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_dry_run_and_stop),
        cmocka_unit_test(test_configured_pacing),
        cmocka_unit_test(test_key_masked),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
