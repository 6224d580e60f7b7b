/* DeepL API: POST /v2/translate with a JSON text array.
 *
 * The key goes in "Authorization: DeepL-Auth-Key KEY" only; a key ending in ":fx" is a Free
 * key and goes to api-free.deepl.com unless a URL is given. At most 50 texts and 128 KiB of
 * body per request. Pins travel as <x>English</x> with tag_handling=xml and ignore_tags=x;
 * with a native glossary (a batch that carries glossary_id) the Arabic travels as it is and
 * the glossary, made of the run's pins, gives their English. The target is EN-US unless the
 * variant says en-GB. The article's sentences before the batch go as `context`, which DeepL
 * reads but neither translates nor bills. Errors: 403 bad key, 456 quota used up, 413 body
 * too large, 429 and 529 too many requests, 5xx server; bodies are {"message": ...} or empty.
 *
 * Glossaries (v2, one language pair each): POST /v2/glossaries {name, source_lang,
 * target_lang, entries (TSV), entries_format} answers 201 {glossary_id, ready, entry_count,
 * ...}; GET /v2/glossaries/{id} the same, 404 once deleted; DELETE /v2/glossaries/{id} 204.
 * An "en" glossary serves EN-US and EN-GB; a translation that names one must give
 * source_lang. At most 10 MiB of entries. */
#include "provider_int.h"

#include "buf.h"

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
#define DEEPL_MAX_GLOSSARY (10 * 1024 * 1024)

struct deepl {
    struct tj_http_base base;
    char target[16];                               /* EN-US, EN-GB, ... */
    char source[16];                               /* AR */
    char glossary_source[16], glossary_target[16]; /* ar, en: a glossary's pair */
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

/* The language of a code without its variant, lower-cased: EN-US -> en. */
static void base_lang(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && src[i] != '-' && i + 1 < size; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
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
    base_lang(s->glossary_source, sizeof s->glossary_source, s->source);
    base_lang(s->glossary_target, sizeof s->glossary_target, s->target);
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

/* Pins as markup, unless the run's glossary gives their English; a retry names another
 * strategy (and then no glossary is sent). */
static const enum tj_protect_kind deepl_strategies[] = {TJ_PROTECT_XML, TJ_PROTECT_PLACEHOLDER,
                                                        TJ_PROTECT_INLINE};

static bool use_glossary(const struct tj_batch *batch)
{
    return batch->glossary_id && batch->strategy == 0;
}

static enum tj_protect_kind kind_for(const struct tj_batch *batch)
{
    return tj_batch_protect(batch, deepl_strategies, TJ_ARRAY_LEN(deepl_strategies),
                            use_glossary(batch) ? TJ_PROTECT_NONE : TJ_PROTECT_XML);
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
    if (use_glossary(batch))
        json_object_set_new(body, "glossary_id", json_string(batch->glossary_id));
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

/* The classified error of a failed answer (root: its JSON body, or NULL). */
static enum tj_perror deepl_error(const struct deepl *s, const struct tj_http_response *resp,
                                  json_t *root, struct tj_provider_error *err)
{
    const char *detail = tj_json_error_text(root);
    if (resp->status == 403)
        return tj_perror_set(err, TJ_PERR_AUTH, resp->status, s->base.api_key,
                             DEEPL_NAME ": HTTP 403: the key was refused%s%s%s",
                             free_key(s->base.api_key) ? " (a Free key, sent to " : "",
                             free_key(s->base.api_key) ? s->base.url : "",
                             free_key(s->base.api_key) ? ")" : "");
    if (resp->status == 456)
        return tj_perror_set(err, TJ_PERR_QUOTA, resp->status, s->base.api_key,
                             DEEPL_NAME ": HTTP 456: quota exceeded%s%s", detail ? ": " : "",
                             detail ? detail : "");
    return tj_perror_from_status(resp, err, DEEPL_NAME, s->base.api_key, detail);
}

static enum tj_perror deepl_parse(const void *state, const struct tj_batch *batch,
                                  const struct tj_http_response *resp, struct tj_result *results,
                                  struct tj_provider_error *err)
{
    const struct deepl *s = state;
    json_t *root = tj_http_response_json(resp);
    enum tj_perror kind = TJ_PERR_NONE;
    if (resp->status != 200 || tj_http_response_is_html(resp)) {
        kind = deepl_error(s, resp, root, err);
        goto out;
    }
    json_t *tr = json_is_object(root) ? json_object_get(root, "translations") : NULL;
    kind = tj_results_from_json(batch, root, json_is_array(tr) ? tr : NULL, "text", kind_for(batch),
                                NULL, NULL, DEEPL_NAME, resp->status, results, err);
out:
    json_decref(root);
    return kind;
}

/* Glossaries. */

/* The entries as DeepL's TSV: one "source<TAB>target" line each. */
static char *entries_tsv(const struct tj_native_glossary *g)
{
    struct tj_buf b;
    tj_buf_init(&b, 0);
    for (size_t i = 0; i < g->n; i++)
        tj_buf_printf(&b, "%s%s\t%s", i ? "\n" : "", g->entries[i].source, g->entries[i].target);
    return tj_buf_take(&b, NULL);
}

static enum tj_status deepl_native_request(const void *state, enum tj_native_action action,
                                           const struct tj_native_glossary *g,
                                           struct tj_http_request *out, struct tj_diag *diag)
{
    const struct deepl *s = state;
    if (action == TJ_NATIVE_CREATE) {
        char *tsv = entries_tsv(g);
        size_t n = strlen(tsv);
        if (n > DEEPL_MAX_GLOSSARY) {
            free(tsv);
            return tj_diag_set(diag, TJ_ERR_DATA,
                               DEEPL_NAME " glossaries hold at most %d bytes of entries, not %zu",
                               DEEPL_MAX_GLOSSARY, n);
        }
        json_t *body = json_pack("{s:s,s:s,s:s,s:s%,s:s}", "name", g->name, "source_lang",
                                 s->glossary_source, "target_lang", s->glossary_target, "entries",
                                 tsv, n, "entries_format", "tsv");
        free(tsv);
        tj_http_request_init(out, "POST", tj_url_join(s->base.url, "v2/glossaries"));
        tj_http_request_header(out, "Authorization: DeepL-Auth-Key %s",
                               s->base.api_key ? s->base.api_key : "");
        tj_http_request_json(out, body);
        return TJ_OK;
    }
    if (!g->id)
        return tj_diag_set(diag, TJ_ERR_USAGE, DEEPL_NAME ": no glossary id to ask about");
    char *id = tj_url_escape(g->id, strlen(g->id));
    char *path = tj_xasprintf("v2/glossaries/%s", id);
    free(id);
    tj_http_request_init(out, action == TJ_NATIVE_DELETE ? "DELETE" : "GET",
                         tj_url_join(s->base.url, path));
    free(path);
    tj_http_request_header(out, "Authorization: DeepL-Auth-Key %s",
                           s->base.api_key ? s->base.api_key : "");
    return TJ_OK;
}

/* True when a glossary described by info (CREATE's and CHECK's answer) holds g's pair. */
static bool same_pair(const struct deepl *s, json_t *info)
{
    const char *src = json_string_value(json_object_get(info, "source_lang"));
    const char *tgt = json_string_value(json_object_get(info, "target_lang"));
    return (!src || strcasecmp(src, s->glossary_source) == 0) &&
           (!tgt || strcasecmp(tgt, s->glossary_target) == 0);
}

static enum tj_perror deepl_native_response(const void *state, enum tj_native_action action,
                                            struct tj_native_glossary *g,
                                            const struct tj_http_response *resp,
                                            struct tj_provider_error *err)
{
    const struct deepl *s = state;
    json_t *root = tj_http_response_json(resp);
    enum tj_perror kind = TJ_PERR_NONE;
    bool ok = resp->status >= 200 && resp->status < 300 && !tj_http_response_is_html(resp);
    if (action == TJ_NATIVE_DELETE) {
        if (ok || resp->status == 404)
            g->gone = true;
        else
            kind = deepl_error(s, resp, root, err);
        goto out;
    }
    if (action == TJ_NATIVE_CHECK && (resp->status == 404 || resp->status == 400)) {
        /* Deleted, never this account's, or not an id DeepL knows the form of. */
        g->gone = true;
        g->ready = false;
        goto out;
    }
    if (!ok) {
        kind = deepl_error(s, resp, root, err);
        goto out;
    }
    json_t *id = json_object_get(root, "glossary_id");
    if (!json_is_string(id) || json_string_length(id) == 0) {
        kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                             DEEPL_NAME ": %s (no glossary_id)",
                             root ? "unexpected answer" : "an answer that is not JSON");
        goto out;
    }
    json_t *ready = json_object_get(root, "ready");
    json_t *count = json_object_get(root, "entry_count");
    if (action == TJ_NATIVE_CREATE) {
        free(g->id);
        g->id = tj_xstrdup(json_string_value(id));
        g->gone = false;
    } else if (!same_pair(s, root) ||
               (json_is_integer(count) && (size_t)json_integer_value(count) != g->n)) {
        /* Not the glossary this run needs: make a new one. */
        g->gone = true;
        g->ready = false;
        goto out;
    }
    /* v3 answers have no "ready": their glossaries are usable at once. */
    g->ready = !ready || json_is_true(ready);
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
    .native_request = deepl_native_request,
    .native_response = deepl_native_response,
    .strategies = deepl_strategies,
    .nstrategies = TJ_ARRAY_LEN(deepl_strategies),
};
