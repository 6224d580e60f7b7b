/* Microsoft Translator v3: POST /translate?api-version=3.0&from=ar&to=en, body [{"Text": ...}].
 *
 * Headers Ocp-Apim-Subscription-Key and, for regional or multi-service resources,
 * Ocp-Apim-Subscription-Region. At most 1,000 elements and 50,000 characters per request.
 * Pins travel as <span class="notranslate" translate="no"> with textType=html (only then is
 * markup honoured); a batch without pins goes as plain text. Errors are {"error": {"code":
 * NNNNNN, "message"}} where the six-digit code is the status and three digits: 400050,
 * 400072 and 400077 ask for a smaller request, 401000 is the key (or its region), 403001 the
 * free tier's quota, 408001 a custom system still loading, 429xxx the rate limits. */
#include "provider_int.h"

#include <stdlib.h>
#include <string.h>

#define MS_NAME "microsoft"

struct ms {
    struct tj_http_base base;
};

static enum tj_status ms_create(const struct tj_provider_config *cfg, void **state,
                                struct tj_diag *diag)
{
    (void)diag;
    struct ms *s = tj_xcalloc(1, sizeof *s);
    tj_http_base_init(&s->base, cfg, "https://api.cognitive.microsofttranslator.com");
    *state = s;
    return TJ_OK;
}

static void ms_destroy(void *state)
{
    struct ms *s = state;
    if (!s)
        return;
    tj_http_base_finish(&s->base);
    free(s);
}

static void ms_limits(const void *state, struct tj_provider_limits *out)
{
    (void)state;
    out->max_segments = 1000;
    out->max_chars = 50000;
    /* The free tier's 2 M characters an hour, enforced as a sliding window: about 33,300 a
     * minute (one 45,000-character request gets 429001 there). */
    out->chars_per_min = 33300;
    out->concurrency = 4;
}

static enum tj_protect_kind kind_for(const struct tj_batch *batch)
{
    return tj_batch_has_pins(batch) ? TJ_PROTECT_HTML_CLASS : TJ_PROTECT_NONE;
}

static size_t ms_item_bytes(const void *state, const struct tj_batch_item *item)
{
    (void)state;
    return tj_protect_size(item->npins ? TJ_PROTECT_HTML_CLASS : TJ_PROTECT_NONE, item->text,
                           item->len, item->pins, item->npins);
}

static enum tj_status ms_build(const void *state, const struct tj_batch *batch,
                               struct tj_http_request *out, struct tj_diag *diag)
{
    const struct ms *s = state;
    enum tj_protect_kind kind = kind_for(batch);
    struct tj_provider_limits lim = {0};
    ms_limits(state, &lim);
    enum tj_status rc = tj_batch_check(batch, kind, &lim, MS_NAME, diag);
    if (rc != TJ_OK)
        return rc;
    json_t *body = json_array();
    for (size_t i = 0; i < batch->n; i++) {
        const struct tj_batch_item *it = &batch->items[i];
        size_t n;
        char *t = tj_protect(kind, it->text, it->len, it->pins, it->npins, &n);
        json_array_append_new(body, json_pack("{s:s%}", "Text", t, n));
        free(t);
    }
    char *from = tj_url_escape(s->base.source_lang, strlen(s->base.source_lang));
    char *to = tj_url_escape(s->base.target_lang, strlen(s->base.target_lang));
    char *path = tj_xasprintf("translate?api-version=3.0&from=%s&to=%s%s", from, to,
                              kind == TJ_PROTECT_NONE ? "" : "&textType=html");
    free(from);
    free(to);
    tj_http_request_init(out, "POST", tj_url_join(s->base.url, path));
    free(path);
    tj_http_request_header(out, "Ocp-Apim-Subscription-Key: %s",
                           s->base.api_key ? s->base.api_key : "");
    if (s->base.region)
        tj_http_request_header(out, "Ocp-Apim-Subscription-Region: %s", s->base.region);
    tj_http_request_json(out, body);
    return TJ_OK;
}

static enum tj_perror ms_error(const struct ms *s, const struct tj_http_response *resp,
                               json_t *root, struct tj_provider_error *err)
{
    const char *detail = tj_json_error_text(root);
    json_t *c = json_object_get(json_object_get(root, "error"), "code");
    long code = json_is_integer(c) ? (long)json_integer_value(c) : 0;
    const char *key = s->base.api_key;
    long st = resp->status;
    const char *why = detail ? detail : "";
    switch (code) {
    case 400050:
    case 400072:
    case 400077:
        return tj_perror_set(err, TJ_PERR_TOO_LARGE, st, key, MS_NAME ": %ld: %s", code, why);
    case 401000:
        return tj_perror_set(err, TJ_PERR_AUTH, st, key,
                             MS_NAME ": %ld: %s (check the key and its region%s)", code, why,
                             s->base.region ? "" : ": none was given");
    case 403001:
        return tj_perror_set(err, TJ_PERR_QUOTA, st, key, MS_NAME ": %ld: %s", code, why);
    case 408001:
        tj_perror_set(err, TJ_PERR_RETRYABLE, st, key, MS_NAME ": %ld: %s", code, why);
        err->retry_after = 60; /* the custom system is still loading */
        return TJ_PERR_RETRYABLE;
    default:
        break;
    }
    return tj_perror_from_status(resp, err, MS_NAME, key, detail);
}

static enum tj_perror ms_parse(const void *state, const struct tj_batch *batch,
                               const struct tj_http_response *resp, struct tj_result *results,
                               struct tj_provider_error *err)
{
    const struct ms *s = state;
    json_t *root = tj_http_response_json(resp);
    enum tj_perror kind = TJ_PERR_NONE;
    if (resp->status != 200 || tj_http_response_is_html(resp)) {
        kind = ms_error(s, resp, root, err);
        goto out;
    }
    if (!json_is_array(root) || json_array_size(root) != batch->n) {
        kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                             MS_NAME ": %s (%zu translations for %zu segments)",
                             root ? "unexpected answer" : "an answer that is not JSON",
                             json_is_array(root) ? json_array_size(root) : 0, batch->n);
        goto out;
    }
    enum tj_protect_kind pk = kind_for(batch);
    for (size_t i = 0; i < batch->n; i++) {
        json_t *tr = json_object_get(json_array_get(root, i), "translations");
        json_t *t = json_object_get(json_array_get(tr, 0), "text");
        if (!json_is_string(t)) {
            kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                                 MS_NAME ": element %zu has no translation", i + 1);
            goto out;
        }
        tj_result_restore(&results[i], &batch->items[i], pk, json_string_value(t),
                          json_string_length(t));
    }
out:
    json_decref(root);
    return kind;
}

const struct tj_provider_ops tj_provider_microsoft = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info =
        {
            .name = "microsoft",
            .description = "Microsoft Translator v3 (key and region)",
            .remote = true,
            .needs_key = true,
            .features = TJ_PFEAT_BATCH | TJ_PFEAT_MARKUP_HTML | TJ_PFEAT_NATIVE_GLOSSARY,
            .default_url = "https://api.cognitive.microsofttranslator.com",
            .env =
                (const struct tj_provider_env[]){
                    {"AZURE_TRANSLATOR_KEY", TJ_PCFG_API_KEY},
                    {"AZURE_TRANSLATOR_REGION", TJ_PCFG_REGION},
                },
            .nenv = 2,
        },
    .create = ms_create,
    .destroy = ms_destroy,
    .limits = ms_limits,
    .build_request = ms_build,
    .parse_response = ms_parse,
    .item_bytes = ms_item_bytes,
};
