/* Google Cloud Translation v2 (Basic): POST /language/translate/v2?key=KEY with a JSON q array.
 *
 * At most 128 strings per request, 100 KB of body, and about 5,000 code points as Google
 * recommends. format is always sent: "text" for a batch without pins, "html" when pins travel
 * as <span class="notranslate" translate="no">; in HTML mode the output is HTML-escaped and is
 * decoded. source=ar is always sent (auto-detection of short text can fail with a 500).
 * Errors use Google's envelope {"error": {"code", "message", "errors": [{"reason"}],
 * "status"}}: 403 dailyLimitExceeded is the day's quota (stop), 403 userRateLimitExceeded or
 * rateLimitExceeded and 429 are per-minute limits (retry), other 403 and invalid keys are
 * credentials. */
#include "provider_int.h"

#include <stdlib.h>
#include <string.h>

#define GOOGLE_NAME "google"
#define GOOGLE_MAX_BODY 100000

struct google {
    struct tj_http_base base;
};

static enum tj_status google_create(const struct tj_provider_config *cfg, void **state,
                                    struct tj_diag *diag)
{
    (void)diag;
    struct google *s = tj_xcalloc(1, sizeof *s);
    tj_http_base_init(&s->base, cfg, "https://translation.googleapis.com");
    *state = s;
    return TJ_OK;
}

static void google_destroy(void *state)
{
    struct google *s = state;
    if (!s)
        return;
    tj_http_base_finish(&s->base);
    free(s);
}

static void google_limits(const void *state, struct tj_provider_limits *out)
{
    (void)state;
    out->max_segments = 128;
    out->max_bytes = GOOGLE_MAX_BODY;
    out->max_chars = 5000;
    out->chars_per_min = 6000000; /* the default project quota */
    out->concurrency = 4;
}

/* notranslate spans with format=html; placeholders and the English in place as text. */
static const enum tj_protect_kind google_strategies[] = {TJ_PROTECT_HTML_CLASS,
                                                         TJ_PROTECT_PLACEHOLDER, TJ_PROTECT_INLINE};

static enum tj_protect_kind kind_for(const struct tj_batch *batch)
{
    return tj_batch_protect(batch, google_strategies, TJ_ARRAY_LEN(google_strategies),
                            TJ_PROTECT_HTML_CLASS);
}

static size_t google_item_bytes(const void *state, const struct tj_batch_item *item)
{
    (void)state;
    return tj_protect_size(item->npins ? TJ_PROTECT_HTML_CLASS : TJ_PROTECT_NONE, item->text,
                           item->len, item->pins, item->npins);
}

static enum tj_status google_build(const void *state, const struct tj_batch *batch,
                                   struct tj_http_request *out, struct tj_diag *diag)
{
    const struct google *s = state;
    enum tj_protect_kind kind = kind_for(batch);
    struct tj_provider_limits lim = {0};
    google_limits(state, &lim);
    enum tj_status rc = tj_batch_check(batch, kind, &lim, GOOGLE_NAME, diag);
    if (rc != TJ_OK)
        return rc;
    json_t *q = json_array();
    for (size_t i = 0; i < batch->n; i++) {
        const struct tj_batch_item *it = &batch->items[i];
        size_t n;
        char *t = tj_protect(kind, it->text, it->len, it->pins, it->npins, &n);
        json_array_append_new(q, json_stringn(t, n));
        free(t);
    }
    json_t *body =
        json_pack("{s:o,s:s,s:s,s:s}", "q", q, "source", s->base.source_lang, "target",
                  s->base.target_lang, "format", kind == TJ_PROTECT_HTML_CLASS ? "html" : "text");
    const char *key = s->base.api_key ? s->base.api_key : "";
    char *ekey = tj_url_escape(key, strlen(key));
    char *path = tj_xasprintf("language/translate/v2?key=%s", ekey);
    free(ekey);
    tj_http_request_init(out, "POST", tj_url_join(s->base.url, path));
    free(path);
    tj_http_request_json(out, body);
    if (out->body_len > GOOGLE_MAX_BODY)
        return tj_diag_set(diag, TJ_ERR_DATA,
                           GOOGLE_NAME " takes at most %d bytes per request, this batch has %zu",
                           GOOGLE_MAX_BODY, out->body_len);
    return TJ_OK;
}

/* The reason of the first entry of error.errors, or error.details[].reason, or NULL. */
static const char *google_reason(json_t *root)
{
    json_t *e = json_object_get(root, "error");
    const char *r = json_string_value(
        json_object_get(json_array_get(json_object_get(e, "errors"), 0), "reason"));
    if (r)
        return r;
    json_t *details = json_object_get(e, "details");
    for (size_t i = 0; i < json_array_size(details); i++) {
        r = json_string_value(json_object_get(json_array_get(details, i), "reason"));
        if (r)
            return r;
    }
    return NULL;
}

static enum tj_perror google_error(const struct google *s, const struct tj_http_response *resp,
                                   json_t *root, struct tj_provider_error *err)
{
    const char *detail = tj_json_error_text(root);
    const char *reason = google_reason(root);
    const char *key = s->base.api_key;
    long st = resp->status;
    const char *why = detail ? detail : reason ? reason : "";
    bool said = detail && (strstr(detail, "Daily Limit") || strstr(detail, "daily limit"));
    if (st == 403 && ((reason && strcmp(reason, "dailyLimitExceeded") == 0) || said))
        return tj_perror_set(err, TJ_PERR_QUOTA, st, key,
                             GOOGLE_NAME ": HTTP 403: daily quota exceeded: %s", why);
    if ((st == 403 || st == 429) && reason &&
        (strcmp(reason, "userRateLimitExceeded") == 0 || strcmp(reason, "rateLimitExceeded") == 0 ||
         strcmp(reason, "RATE_LIMIT_EXCEEDED") == 0)) {
        tj_perror_from_status(
            &(struct tj_http_response){429, resp->headers, resp->nheaders, resp->body, resp->len},
            err, GOOGLE_NAME, key, why);
        err->http_status = st;
        return TJ_PERR_RETRYABLE;
    }
    if (st == 400 && ((reason && (strcmp(reason, "API_KEY_INVALID") == 0 ||
                                  strcmp(reason, "keyInvalid") == 0)) ||
                      (detail && strstr(detail, "API key not valid"))))
        return tj_perror_set(err, TJ_PERR_AUTH, st, key, GOOGLE_NAME ": HTTP 400: %s", why);
    if (st == 400 && detail &&
        (strstr(detail, "Too many text segments") || strstr(detail, "payload size") ||
         strstr(detail, "Text too long") || strstr(detail, "too large")))
        return tj_perror_set(err, TJ_PERR_TOO_LARGE, st, key, GOOGLE_NAME ": HTTP 400: %s", why);
    return tj_perror_from_status(resp, err, GOOGLE_NAME, key, detail ? detail : reason);
}

static enum tj_perror google_parse(const void *state, const struct tj_batch *batch,
                                   const struct tj_http_response *resp, struct tj_result *results,
                                   struct tj_provider_error *err)
{
    const struct google *s = state;
    json_t *root = tj_http_response_json(resp);
    enum tj_perror kind = TJ_PERR_NONE;
    if (resp->status != 200 || tj_http_response_is_html(resp)) {
        kind = google_error(s, resp, root, err);
        goto out;
    }
    json_t *tr = json_object_get(json_object_get(root, "data"), "translations");
    kind =
        tj_results_from_json(batch, root, json_is_array(tr) ? tr : NULL, "translatedText",
                             kind_for(batch), NULL, NULL, GOOGLE_NAME, resp->status, results, err);
out:
    json_decref(root);
    return kind;
}

const struct tj_provider_ops tj_provider_google = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info =
        {
            .name = "google",
            .description = "Google Cloud Translation v2 (Basic)",
            .remote = true,
            .needs_key = true,
            .features = TJ_PFEAT_BATCH | TJ_PFEAT_MARKUP_HTML,
            .default_url = "https://translation.googleapis.com",
            .env = (const struct tj_provider_env[]){{"GOOGLE_API_KEY", TJ_PCFG_API_KEY}},
            .nenv = 1,
        },
    .create = google_create,
    .destroy = google_destroy,
    .limits = google_limits,
    .build_request = google_build,
    .parse_response = google_parse,
    .item_bytes = google_item_bytes,
    .strategies = google_strategies,
    .nstrategies = TJ_ARRAY_LEN(google_strategies),
};
