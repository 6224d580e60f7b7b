/* Apertium APy: POST /translate with langpair (default ara|eng) and one q, as a form.
 *
 * APy takes the same parameters as query or form, and a form keeps long text out of the URL.
 * Text goes as format=txt with markUnknown=no (unknown words stay as written, without the
 * '*' mark). Pins travel as placeholders ⟦N⟧, which Apertium passes through untouched.
 * Errors are {"status": "error", "code": 400, "message", "explanation"} ("That pair is not
 * installed"), and 503 when the pipeline timed out. Debian ships no Arabic-English pair: the
 * pair is configurable (e.g. eng|spa for a test server). */
#include "provider_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AP_NAME "apertium"

struct ap {
    struct tj_http_base base;
    char *langpair;
};

static enum tj_status ap_create(const struct tj_provider_config *cfg, void **state,
                                struct tj_diag *diag)
{
    struct ap *s = tj_xcalloc(1, sizeof *s);
    tj_http_base_init(&s->base, cfg, "http://127.0.0.1:2737");
    const char *lp = s->base.langpair ? s->base.langpair : "ara|eng";
    const char *bar = strchr(lp, '|');
    if (!bar || bar == lp || !bar[1] || strchr(bar + 1, '|')) {
        tj_diag_set(diag, TJ_ERR_CONFIG,
                    AP_NAME ": language pair '%s' is not SOURCE|TARGET (e.g. ara|eng)", lp);
        tj_http_base_finish(&s->base);
        free(s);
        return TJ_ERR_CONFIG;
    }
    s->langpair = tj_xstrdup(lp);
    *state = s;
    return TJ_OK;
}

static void ap_destroy(void *state)
{
    struct ap *s = state;
    if (!s)
        return;
    tj_http_base_finish(&s->base);
    free(s->langpair);
    free(s);
}

static void ap_limits(const void *state, struct tj_provider_limits *out)
{
    (void)state;
    out->max_segments = 1;
    /* APy cuts q into at most 10 chunks of up to 4096 bytes (1000 characters when others share
     * the pipeline, cut as early as half that at a '.' or space) and silently drops the rest:
     * anything up to about 5,000 characters always comes back whole. Longer segments are cut
     * into parts of at most PIPE_BUF bytes and their translations joined. */
    out->max_segment_bytes = 4096;
    /* A local server with a few worker processes (-j); its pipeline times out after 10 s. */
    out->concurrency = 2;
}

/* No markup: placeholders, else the English written in place. */
static const enum tj_protect_kind ap_strategies[] = {TJ_PROTECT_PLACEHOLDER, TJ_PROTECT_INLINE};

static enum tj_protect_kind kind_for(const struct tj_batch *batch)
{
    return tj_batch_protect(batch, ap_strategies, TJ_ARRAY_LEN(ap_strategies),
                            TJ_PROTECT_PLACEHOLDER);
}

static size_t ap_item_bytes(const void *state, const struct tj_batch_item *item)
{
    (void)state;
    return tj_protect_size(TJ_PROTECT_PLACEHOLDER, item->text, item->len, item->pins, item->npins);
}

static enum tj_status ap_build(const void *state, const struct tj_batch *batch,
                               struct tj_http_request *out, struct tj_diag *diag)
{
    const struct ap *s = state;
    struct tj_provider_limits lim = {0};
    ap_limits(state, &lim);
    enum tj_status rc = tj_batch_check(batch, kind_for(batch), &lim, AP_NAME, diag);
    if (rc != TJ_OK)
        return rc;
    const struct tj_batch_item *it = &batch->items[0];
    size_t n;
    char *q = tj_protect(kind_for(batch), it->text, it->len, it->pins, it->npins, &n);
    char *eq = tj_url_escape(q, n);
    char *pair = tj_url_escape(s->langpair, strlen(s->langpair));
    tj_http_request_init(out, "POST", tj_url_join(s->base.url, "translate"));
    tj_http_request_header(out, "Content-Type: application/x-www-form-urlencoded");
    tj_http_request_header(out, "Accept: application/json");
    out->body = tj_xasprintf("langpair=%s&format=txt&markUnknown=no&q=%s", pair, eq);
    out->body_len = strlen(out->body);
    free(q);
    free(eq);
    free(pair);
    return TJ_OK;
}

static enum tj_perror ap_parse(const void *state, const struct tj_batch *batch,
                               const struct tj_http_response *resp, struct tj_result *results,
                               struct tj_provider_error *err)
{
    const struct ap *s = state;
    json_t *root = tj_http_response_json(resp);
    enum tj_perror kind = TJ_PERR_NONE;
    if (resp->status != 200 || tj_http_response_is_html(resp)) {
        const char *detail = json_string_value(json_object_get(root, "explanation"));
        if (!detail)
            detail = tj_json_error_text(root);
        /* APy takes no key, but one given by mistake must not come back in a message. */
        kind = tj_perror_from_status(resp, err, AP_NAME, s->base.api_key, detail);
        if (detail && strstr(detail, "pair"))
            snprintf(err->message + strlen(err->message),
                     sizeof err->message - strlen(err->message), " (%s)", s->langpair);
        goto out;
    }
    json_t *t = json_object_get(json_object_get(root, "responseData"), "translatedText");
    if (!json_is_string(t) || batch->n != 1) {
        kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL, AP_NAME ": %s",
                             root ? "no translation in the answer" : "an answer that is not JSON");
        goto out;
    }
    tj_result_restore(&results[0], &batch->items[0], kind_for(batch), json_string_value(t),
                      json_string_length(t));
out:
    json_decref(root);
    return kind;
}

const struct tj_provider_ops tj_provider_apertium = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info =
        {
            .name = "apertium",
            .description = "Apertium APy server (--url, default http://127.0.0.1:2737; "
                           "pair ara|eng)",
            .remote = true,
            .features = TJ_PFEAT_PLACEHOLDERS,
            .default_url = "http://127.0.0.1:2737",
        },
    .create = ap_create,
    .destroy = ap_destroy,
    .limits = ap_limits,
    .build_request = ap_build,
    .parse_response = ap_parse,
    .item_bytes = ap_item_bytes,
    .strategies = ap_strategies,
    .nstrategies = TJ_ARRAY_LEN(ap_strategies),
};
