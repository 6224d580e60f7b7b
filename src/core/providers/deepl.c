/* DeepL API: POST /v2/translate with a JSON text array.
 *
 * The key goes in "Authorization: DeepL-Auth-Key KEY" only; a key ending in ":fx" is a Free
 * key and goes to api-free.deepl.com unless a URL is given. At most 50 texts and 128 KiB of
 * body per request. Pins travel as <x>English</x> with tag_handling=xml and ignore_tags=x.
 * The target is EN-US unless the variant says en-GB. The article's sentences before the batch
 * go as `context`, which DeepL reads but neither translates nor bills. Errors: 403 bad key,
 * 456 quota used up, 413 body too large, 429 and 529 too many requests, 5xx server; bodies
 * are {"message": ...} or empty. */
#include "provider_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEEPL_NAME "deepl"
#define DEEPL_PRO "https://api.deepl.com"
#define DEEPL_FREE "https://api-free.deepl.com"
#define DEEPL_MAX_BODY (128 * 1024)
/* Context beyond this many bytes is cut at a space from its start (the nearest text is at
 * its end). */
#define DEEPL_MAX_CONTEXT 4000

struct deepl {
    struct tj_http_base base;
    char target[16]; /* EN-US, EN-GB, ... */
    char source[16]; /* AR */
};

static bool free_key(const char *key)
{
    size_t n = key ? strlen(key) : 0;
    return n >= 3 && strcmp(key + n - 3, ":fx") == 0;
}

static void upper(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = src[i] == '_' ? '-' : (char)toupper((unsigned char)src[i]);
    dst[i] = '\0';
}

static enum tj_status deepl_create(const struct tj_provider_config *cfg, void **state,
                                   struct tj_diag *diag)
{
    (void)diag;
    struct deepl *s = tj_xcalloc(1, sizeof *s);
    tj_http_base_init(&s->base, cfg, free_key(cfg->api_key) ? DEEPL_FREE : DEEPL_PRO);
    upper(s->source, sizeof s->source, s->base.source_lang);
    const char *v = s->base.variant;
    if (v)
        upper(s->target, sizeof s->target, v);
    else if (strcasecmp(s->base.target_lang, "en") == 0)
        snprintf(s->target, sizeof s->target, "EN-US");
    else
        upper(s->target, sizeof s->target, s->base.target_lang);
    *state = s;
    return TJ_OK;
}

static void deepl_destroy(void *state)
{
    struct deepl *s = state;
    if (!s)
        return;
    tj_http_base_finish(&s->base);
    free(s);
}

static void deepl_limits(const void *state, struct tj_provider_limits *out)
{
    (void)state;
    out->max_segments = 50;
    out->max_bytes = DEEPL_MAX_BODY;
    /* No documented rate; deepl-node backs off on 429 alone. A steady pace well below the
     * point where DeepL answers 429 on a Free key. */
    out->requests_per_sec = 5;
    out->concurrency = 4;
}

static enum tj_protect_kind kind_for(const struct tj_batch *batch)
{
    return tj_batch_has_pins(batch) ? TJ_PROTECT_XML : TJ_PROTECT_NONE;
}

static size_t deepl_item_bytes(const void *state, const struct tj_batch_item *item)
{
    (void)state;
    return tj_protect_size(item->npins ? TJ_PROTECT_XML : TJ_PROTECT_NONE, item->text, item->len,
                           item->pins, item->npins);
}

/* The last DEEPL_MAX_CONTEXT bytes of the context, starting after a space. */
static json_t *context_json(const struct tj_batch *batch)
{
    const char *c = batch->context;
    size_t n = batch->context_len;
    if (n > DEEPL_MAX_CONTEXT) {
        size_t from = n - DEEPL_MAX_CONTEXT;
        while (from < n && c[from] != ' ')
            from++;
        c += from;
        n -= from;
    }
    while (n && *c == ' ')
        c++, n--;
    return n ? json_stringn(c, n) : NULL;
}

static enum tj_status deepl_build(const void *state, const struct tj_batch *batch,
                                  struct tj_http_request *out, struct tj_diag *diag)
{
    const struct deepl *s = state;
    enum tj_protect_kind kind = kind_for(batch);
    struct tj_provider_limits lim = {0};
    deepl_limits(state, &lim);
    enum tj_status rc = tj_batch_check(batch, kind, &lim, DEEPL_NAME, diag);
    if (rc != TJ_OK)
        return rc;
    json_t *text = json_array();
    for (size_t i = 0; i < batch->n; i++) {
        const struct tj_batch_item *it = &batch->items[i];
        size_t n;
        char *t = tj_protect(kind, it->text, it->len, it->pins, it->npins, &n);
        json_array_append_new(text, json_stringn(t, n));
        free(t);
    }
    json_t *body = json_pack("{s:o,s:s,s:s}", "text", text, "source_lang", s->source, "target_lang",
                             s->target);
    if (kind == TJ_PROTECT_XML) {
        json_object_set_new(body, "tag_handling", json_string("xml"));
        json_object_set_new(body, "ignore_tags", json_pack("[s]", "x"));
    }
    json_t *ctx = s->base.no_context ? NULL : context_json(batch);
    if (ctx)
        json_object_set_new(body, "context", ctx);
    tj_http_request_init(out, "POST", tj_url_join(s->base.url, "v2/translate"));
    tj_http_request_header(out, "Authorization: DeepL-Auth-Key %s",
                           s->base.api_key ? s->base.api_key : "");
    tj_http_request_json(out, body);
    if (out->body_len > DEEPL_MAX_BODY)
        return tj_diag_set(diag, TJ_ERR_DATA,
                           DEEPL_NAME " takes at most %d bytes per request, this batch has %zu",
                           DEEPL_MAX_BODY, out->body_len);
    return TJ_OK;
}

static enum tj_perror deepl_parse(const void *state, const struct tj_batch *batch,
                                  const struct tj_http_response *resp, struct tj_result *results,
                                  struct tj_provider_error *err)
{
    const struct deepl *s = state;
    json_t *root = tj_http_response_json(resp);
    enum tj_perror kind = TJ_PERR_NONE;
    if (resp->status != 200 || tj_http_response_is_html(resp)) {
        const char *detail = tj_json_error_text(root);
        if (resp->status == 403)
            kind = tj_perror_set(err, TJ_PERR_AUTH, resp->status, s->base.api_key,
                                 DEEPL_NAME ": HTTP 403: the key was refused%s%s%s",
                                 free_key(s->base.api_key) ? " (a Free key, sent to " : "",
                                 free_key(s->base.api_key) ? s->base.url : "",
                                 free_key(s->base.api_key) ? ")" : "");
        else if (resp->status == 456)
            kind = tj_perror_set(err, TJ_PERR_QUOTA, resp->status, s->base.api_key,
                                 DEEPL_NAME ": HTTP 456: quota exceeded%s%s", detail ? ": " : "",
                                 detail ? detail : "");
        else
            kind = tj_perror_from_status(resp, err, DEEPL_NAME, s->base.api_key, detail);
        goto out;
    }
    json_t *tr = json_is_object(root) ? json_object_get(root, "translations") : NULL;
    if (!json_is_array(tr) || json_array_size(tr) != batch->n) {
        kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                             DEEPL_NAME ": %s (%zu translations for %zu segments)",
                             root ? "unexpected answer" : "an answer that is not JSON",
                             json_is_array(tr) ? json_array_size(tr) : 0, batch->n);
        goto out;
    }
    enum tj_protect_kind pk = kind_for(batch);
    for (size_t i = 0; i < batch->n; i++) {
        json_t *t = json_object_get(json_array_get(tr, i), "text");
        if (!json_is_string(t)) {
            kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                                 DEEPL_NAME ": translation %zu has no text", i + 1);
            goto out;
        }
        tj_result_restore(&results[i], &batch->items[i], pk, json_string_value(t),
                          json_string_length(t));
    }
out:
    json_decref(root);
    return kind;
}

const struct tj_provider_ops tj_provider_deepl = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info =
        {
            .name = "deepl",
            .description = "DeepL API (a key ending in :fx uses the Free host)",
            .remote = true,
            .needs_key = true,
            .features =
                TJ_PFEAT_BATCH | TJ_PFEAT_MARKUP_XML | TJ_PFEAT_NATIVE_GLOSSARY | TJ_PFEAT_CONTEXT,
            .default_url = DEEPL_PRO,
            .env = (const struct tj_provider_env[]){{"DEEPL_AUTH_KEY", TJ_PCFG_API_KEY}},
            .nenv = 1,
        },
    .create = deepl_create,
    .destroy = deepl_destroy,
    .limits = deepl_limits,
    .build_request = deepl_build,
    .parse_response = deepl_parse,
    .item_bytes = deepl_item_bytes,
};
