/* LibreTranslate (self-hosted or libretranslate.com): POST /translate with q as a JSON array.
 *
 * Pins travel as <span translate="no"> with format=html (the only do-not-translate form its
 * HTML translator honours); a batch without pins goes as format=text. The key, if any, is the
 * api_key body field. The server answers {"error": "..."} on failure: 400 for bad requests and
 * its limits ("exceeds text limit"), 403 for an unknown key or a ban after repeated limit
 * violations, 429 for its rate limiter (no Retry-After). */
#include "provider_int.h"

#include <stdlib.h>
#include <string.h>

#define LT_NAME "libretranslate"

struct lt {
    struct tj_http_base base;
};

static enum tj_status lt_create(const struct tj_provider_config *cfg, void **state,
                                struct tj_diag *diag)
{
    (void)diag;
    struct lt *s = tj_xcalloc(1, sizeof *s);
    tj_http_base_init(&s->base, cfg, "http://127.0.0.1:5000");
    *state = s;
    return TJ_OK;
}

static void lt_destroy(void *state)
{
    struct lt *s = state;
    if (!s)
        return;
    tj_http_base_finish(&s->base);
    free(s);
}

static void lt_limits(const void *state, struct tj_provider_limits *out)
{
    (void)state;
    /* The server's batch and character limits are its operator's choice (unlimited by
     * default); these keep one request to a few seconds of a CPU-bound server. */
    out->max_segments = 50;
    out->max_chars = 10000;
    out->concurrency = 2;
}

/* Its HTML translator honours translate="no"; placeholders and the English in place go as
 * format=text. */
static const enum tj_protect_kind lt_strategies[] = {TJ_PROTECT_HTML, TJ_PROTECT_PLACEHOLDER,
                                                     TJ_PROTECT_INLINE};

static enum tj_protect_kind kind_for(const struct tj_batch *batch)
{
    return tj_batch_protect(batch, lt_strategies, TJ_ARRAY_LEN(lt_strategies), TJ_PROTECT_HTML);
}

static size_t lt_item_bytes(const void *state, const struct tj_batch_item *item)
{
    (void)state;
    return tj_protect_size(item->npins ? TJ_PROTECT_HTML : TJ_PROTECT_NONE, item->text, item->len,
                           item->pins, item->npins);
}

static enum tj_status lt_build(const void *state, const struct tj_batch *batch,
                               struct tj_http_request *out, struct tj_diag *diag)
{
    const struct lt *s = state;
    enum tj_protect_kind kind = kind_for(batch);
    struct tj_provider_limits lim = {0};
    lt_limits(state, &lim);
    enum tj_status rc = tj_batch_check(batch, kind, &lim, LT_NAME, diag);
    if (rc != TJ_OK)
        return rc;
    json_t *q = json_array();
    for (size_t i = 0; i < batch->n; i++) {
        const struct tj_batch_item *it = &batch->items[i];
        size_t n;
        char *text = tj_protect(kind, it->text, it->len, it->pins, it->npins, &n);
        json_array_append_new(q, json_stringn(text, n));
        free(text);
    }
    json_t *body =
        json_pack("{s:o,s:s,s:s,s:s}", "q", q, "source", s->base.source_lang, "target",
                  s->base.target_lang, "format", kind == TJ_PROTECT_HTML ? "html" : "text");
    if (s->base.api_key)
        json_object_set_new(body, "api_key", json_string(s->base.api_key));
    tj_http_request_init(out, "POST", tj_url_join(s->base.url, "translate"));
    tj_http_request_header(out, "Accept: application/json");
    tj_http_request_json(out, body);
    return TJ_OK;
}

static enum tj_perror lt_error(const struct lt *s, const struct tj_http_response *resp,
                               json_t *root, struct tj_provider_error *err)
{
    const char *detail = tj_json_error_text(root);
    long st = resp->status;
    if (st == 400 && detail && strstr(detail, "exceeds") && strstr(detail, "limit"))
        return tj_perror_set(err, TJ_PERR_TOO_LARGE, st, s->base.api_key, LT_NAME ": %s", detail);
    if (st == 400 && detail && strstr(detail, "API key"))
        return tj_perror_set(err, TJ_PERR_AUTH, st, s->base.api_key, LT_NAME ": %s", detail);
    if (st == 403 && detail && strstr(detail, "limits violations"))
        return tj_perror_set(err, TJ_PERR_QUOTA, st, s->base.api_key, LT_NAME ": %s", detail);
    return tj_perror_from_status(resp, err, LT_NAME, s->base.api_key, detail);
}

static enum tj_perror lt_parse(const void *state, const struct tj_batch *batch,
                               const struct tj_http_response *resp, struct tj_result *results,
                               struct tj_provider_error *err)
{
    const struct lt *s = state;
    json_t *root = tj_http_response_json(resp);
    enum tj_perror kind = TJ_PERR_NONE;
    if (resp->status != 200 || tj_http_response_is_html(resp)) {
        kind = lt_error(s, resp, root, err);
        goto out;
    }
    json_t *tt = json_is_object(root) ? json_object_get(root, "translatedText") : NULL;
    /* A batch of one may come back as a string rather than an array of one. */
    kind =
        tj_results_from_json(batch, root, json_is_array(tt) || json_is_string(tt) ? tt : NULL, NULL,
                             kind_for(batch), NULL, NULL, LT_NAME, resp->status, results, err);
out:
    json_decref(root);
    return kind;
}

const struct tj_provider_ops tj_provider_libretranslate = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info =
        {
            .name = "libretranslate",
            .description = "LibreTranslate, self-hosted or public (--url, default "
                           "http://127.0.0.1:5000)",
            .remote = true,
            .features = TJ_PFEAT_BATCH | TJ_PFEAT_MARKUP_HTML,
            .default_url = "http://127.0.0.1:5000",
            .env = (const struct tj_provider_env[]){{"LIBRETRANSLATE_API_KEY", TJ_PCFG_API_KEY}},
            .nenv = 1,
        },
    .create = lt_create,
    .destroy = lt_destroy,
    .limits = lt_limits,
    .build_request = lt_build,
    .parse_response = lt_parse,
    .item_bytes = lt_item_bytes,
    .strategies = lt_strategies,
    .nstrategies = TJ_ARRAY_LEN(lt_strategies),
};
