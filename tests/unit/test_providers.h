/* Shared fixtures of the provider tests: a small glossary, batches of Arabic segments with
 * their pins found as the pipeline finds them, the request a provider builds (method, URL,
 * headers, JSON or form body), and responses shaped as the real services send them. */
#ifndef TJ_TEST_PROVIDERS_H
#define TJ_TEST_PROVIDERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "glossary.h"
#include "pin.h"
#include "provider.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static struct tj_glossary *tp_glossary;

static inline int tp_setup(void **state)
{
    (void)state;
    const char *tsv = "بوتين\tPutin\tperson\n"
                      "لافروف\tLavrov\tperson\n"
                      "الكرملين\tKremlin\torg\n"
                      "موسكو\tMoscow\tplace\n"
                      "بريكس\tBRICS\torg\n";
    tp_glossary = tj_glossary_create();
    return tj_glossary_load_mem(tp_glossary, "t", tsv, strlen(tsv), NULL) == TJ_OK ? 0 : -1;
}

static inline int tp_teardown(void **state)
{
    (void)state;
    tj_glossary_destroy(tp_glossary);
    return 0;
}

#define TP_MAX 64

/* A batch of segments with their pins. */
struct tp_batch {
    struct tj_batch_item items[TP_MAX];
    struct tj_pin *pins[TP_MAX];
    struct tj_batch batch;
};

/* Fills b with the segments texts[0..n) (pins found with the test glossary). */
static inline void tp_batch_init(struct tp_batch *b, const char *const *texts, size_t n)
{
    memset(b, 0, sizeof *b);
    assert_true(n <= TP_MAX);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(texts[i]);
        size_t np = tj_pin_find(tp_glossary, texts[i], len, &b->pins[i]);
        b->items[i] = (struct tj_batch_item){texts[i], len, b->pins[i], np};
    }
    b->batch.items = b->items;
    b->batch.n = n;
}

static inline void tp_batch_finish(struct tp_batch *b)
{
    for (size_t i = 0; i < TP_MAX; i++)
        free(b->pins[i]);
}

/* The provider called name with cfg; the test fails when it cannot be created. */
static inline struct tj_provider *tp_provider(const char *name,
                                              const struct tj_provider_config *cfg)
{
    const struct tj_provider_ops *ops = tj_provider_find(name);
    assert_non_null(ops);
    struct tj_provider *p = NULL;
    struct tj_diag diag;
    enum tj_status rc = tj_provider_create(ops, cfg, &p, &diag);
    if (rc != TJ_OK)
        fail_msg("%s: %s", name, diag.message);
    return p;
}

/* The request's header called name (value only), or NULL. */
static inline const char *tp_header(const struct tj_http_request *r, const char *name)
{
    size_t n = strlen(name);
    for (char **h = r->headers; h && *h; h++)
        if (strncasecmp(*h, name, n) == 0 && (*h)[n] == ':')
            return *h + n + 2;
    return NULL;
}

/* The request body as JSON (the test fails when it is not). */
static inline json_t *tp_body(const struct tj_http_request *r)
{
    assert_non_null(r->body);
    assert_int_equal(strlen(r->body), r->body_len);
    json_error_t e;
    json_t *v = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, &e);
    if (!v)
        fail_msg("body is not JSON: %s: %s", e.text, r->body);
    return v;
}

/* The string at key of obj, or NULL. */
static inline const char *tp_str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Parses body (with status and header lines, NULL-terminated) for batch into results. */
static inline enum tj_perror tp_parse(struct tj_provider *p, const struct tj_batch *batch,
                                      long status, const char *const *headers, const char *body,
                                      struct tj_result *results, struct tj_provider_error *err)
{
    size_t nh = 0;
    while (headers && headers[nh])
        nh++;
    struct tj_http_response resp = {status, headers, nh, body, body ? strlen(body) : 0};
    memset(results, 0, batch->n * sizeof *results);
    enum tj_perror k = tj_provider_parse_response(p, batch, &resp, results, err);
    if (k != TJ_PERR_NONE) {
        /* On error nothing is left in the results. */
        for (size_t i = 0; i < batch->n; i++)
            assert_null(results[i].text);
        assert_int_equal(err->kind, k);
        assert_int_equal(err->http_status, status);
        assert_true(err->message[0] != '\0');
    }
    return k;
}

/* Expects parse to fail with kind; returns err for further checks. */
static inline void tp_expect_error(struct tj_provider *p, const struct tj_batch *batch, long status,
                                   const char *const *headers, const char *body,
                                   enum tj_perror kind, struct tj_provider_error *err)
{
    struct tj_result results[TP_MAX];
    enum tj_perror k = tp_parse(p, batch, status, headers, body, results, err);
    if (k != kind)
        fail_msg("HTTP %ld %s: kind %d, expected %d (%s)", status, body ? body : "", k, kind,
                 err->message);
}

static const char *const tp_json_headers[]
    __attribute__((unused)) = {"Content-Type: application/json", NULL};
static const char *const tp_html_headers[]
    __attribute__((unused)) = {"Content-Type: text/html; charset=utf-8", NULL};

static const char tp_html_page[] __attribute__((unused)) =
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    "</center><hr><center>nginx</center></body></html>";

#endif
