/* Microsoft Translator v3: POST /translate?api-version=3.0&from=ar&to=en, body [{"Text": ...}].
 *
 * Headers Ocp-Apim-Subscription-Key and, for regional or multi-service resources,
 * Ocp-Apim-Subscription-Region. At most 1,000 elements and 50,000 characters per request.
 * Pins travel as <span class="notranslate" translate="no"> with textType=html (only then is
 * markup honoured); a batch without pins goes as plain text. Errors are {"error": {"code":
 * NNNNNN, "message"}} where the six-digit code is the status and three digits: 400050,
 * 400072 and 400077 ask for a smaller request, 401000 is the key (or its region), 403001 the
 * free tier's quota, 408001 a custom system still loading, 429xxx the rate limits.
 *
 * With a native glossary, pins travel as Microsoft's dynamic dictionary instead:
 * <mstrans:dictionary translation="English">Arabic</mstrans:dictionary> in plain text (it
 * needs an explicit `from`, which is always sent), and the service writes the English in
 * place of the element. A batch where some pin's English or Arabic cannot stand in that
 * markup (a quote or an angle bracket) goes with notranslate markup as usual. */
#include "provider_int.h"

#include "buf.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

#define DICT_OPEN "<mstrans:dictionary translation=\""
#define DICT_CLOSE "</mstrans:dictionary>"
#define TATWEEL 0x0640

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

/* Dynamic dictionary. */

/* True when every pin of item can be written as a dictionary element: its English fits in
 * the attribute and its Arabic in the element, with no escaping. */
static bool dictionary_fits(const struct tj_batch_item *item)
{
    for (size_t i = 0; i < item->npins; i++) {
        const struct tj_pin *p = &item->pins[i];
        const char *en = tj_protect_english(p);
        if (!*en || strpbrk(en, "\"<>&") || p->end > item->len || p->start > p->end ||
            (i && p->start < item->pins[i - 1].end))
            return false;
        for (size_t k = p->start; k < p->end; k++)
            if (item->text[k] == '<' || item->text[k] == '>')
                return false;
    }
    return true;
}

/* notranslate spans with textType=html; placeholders; the dynamic dictionary (needing no
 * glossary on the service, it is a retry's strategy too when the run has no native glossary);
 * the English in place as plain text. */
static const enum tj_protect_kind ms_strategies[] = {TJ_PROTECT_HTML_CLASS, TJ_PROTECT_PLACEHOLDER,
                                                     TJ_PROTECT_NATIVE, TJ_PROTECT_INLINE};

/* True when the batch's pins travel as dictionary elements: with a native glossary, unless a
 * retry names another strategy; on a retry that names the dictionary. */
static bool use_dictionary(const struct ms *s, const struct tj_batch *batch)
{
    bool asked = batch->strategy
                     ? tj_batch_protect(batch, ms_strategies, TJ_ARRAY_LEN(ms_strategies),
                                        TJ_PROTECT_HTML_CLASS) == TJ_PROTECT_NATIVE
                     : s->base.native_glossary;
    if (!asked || !tj_batch_has_pins(batch))
        return false;
    for (size_t i = 0; i < batch->n; i++)
        if (!dictionary_fits(&batch->items[i]))
            return false;
    return true;
}

/* The text of item with each pin as a dictionary element. Clitics written before a pin inside
 * its word (وبوتين) are set apart with a tatweel, as Arabic writes them before a foreign word
 * and as the other strategies send them. Returns a new string, its length in *len. */
static char *dictionary_text(const struct tj_batch_item *item, size_t *len)
{
    struct tj_buf b;
    tj_buf_init(&b, 0);
    size_t at = 0;
    for (size_t i = 0; i < item->npins; i++) {
        const struct tj_pin *p = &item->pins[i];
        tj_buf_append(&b, item->text + at, p->start - at);
        size_t k = p->start;
        uint32_t before = k > at ? tj_utf8_prev(item->text, &k) : 0;
        if (tj_is_arabic_letter(before) && before != TATWEEL)
            tj_buf_puts(&b, "\u0640");
        tj_buf_printf(&b, DICT_OPEN "%s\">", tj_protect_english(p));
        tj_buf_append(&b, item->text + p->start, p->end - p->start);
        tj_buf_puts(&b, DICT_CLOSE);
        at = p->end;
    }
    tj_buf_append(&b, item->text + at, item->len - at);
    return tj_buf_take(&b, len);
}

/* out[0..len) with any dictionary element the service left in place replaced by its
 * translation attribute. Returns a new string, its length in *n. (A tj_result_fix_fn.) */
static char *strip_dictionary(const void *state, const char *out, size_t len, size_t *n)
{
    (void)state;
    struct tj_buf b;
    tj_buf_init(&b, 0);
    size_t at = 0;
    const size_t open_len = strlen(DICT_OPEN), close_len = strlen(DICT_CLOSE);
    for (;;) {
        const char *o = memmem(out + at, len - at, DICT_OPEN, open_len);
        if (!o)
            break;
        size_t a = (size_t)(o - out) + open_len;
        const char *q = memchr(out + a, '"', len - a);
        const char *gt = q ? memchr(q, '>', len - (size_t)(q - out)) : NULL;
        const char *c = gt ? memmem(gt, len - (size_t)(gt - out), DICT_CLOSE, close_len) : NULL;
        if (!c)
            break;
        tj_buf_append(&b, out + at, (size_t)(o - out) - at);
        tj_buf_append(&b, out + a, (size_t)(q - out) - a);
        at = (size_t)(c - out) + close_len;
    }
    tj_buf_append(&b, out + at, len - at);
    return tj_buf_take(&b, n);
}

static enum tj_protect_kind kind_for(const struct ms *s, const struct tj_batch *batch)
{
    if (use_dictionary(s, batch))
        return TJ_PROTECT_NONE; /* the service writes the English */
    enum tj_protect_kind kind =
        tj_batch_protect(batch, ms_strategies, TJ_ARRAY_LEN(ms_strategies), TJ_PROTECT_HTML_CLASS);
    /* The dictionary asked for where some pin cannot stand in its markup. */
    return kind == TJ_PROTECT_NATIVE ? TJ_PROTECT_INLINE : kind;
}

static size_t ms_item_bytes(const void *state, const struct tj_batch_item *item)
{
    const struct ms *s = state;
    if (s->base.native_glossary && item->npins && dictionary_fits(item)) {
        size_t n;
        free(dictionary_text(item, &n));
        return n;
    }
    return tj_protect_size(item->npins ? TJ_PROTECT_HTML_CLASS : TJ_PROTECT_NONE, item->text,
                           item->len, item->pins, item->npins);
}

static enum tj_status ms_build(const void *state, const struct tj_batch *batch,
                               struct tj_http_request *out, struct tj_diag *diag)
{
    const struct ms *s = state;
    bool dict = use_dictionary(s, batch);
    enum tj_protect_kind kind = kind_for(s, batch);
    struct tj_provider_limits lim = {0};
    ms_limits(state, &lim);
    /* The dictionary's elements are checked as notranslate markup of the same pins would be,
     * then the characters actually sent. */
    enum tj_status rc =
        tj_batch_check(batch, dict ? TJ_PROTECT_HTML_CLASS : kind, &lim, MS_NAME, diag);
    if (rc != TJ_OK)
        return rc;
    json_t *body = json_array();
    size_t chars = 0;
    for (size_t i = 0; i < batch->n; i++) {
        const struct tj_batch_item *it = &batch->items[i];
        size_t n;
        char *t = dict ? dictionary_text(it, &n)
                       : tj_protect(kind, it->text, it->len, it->pins, it->npins, &n);
        chars += tj_utf8_count(t, n);
        json_array_append_new(body, json_pack("{s:s%}", "Text", t, n));
        free(t);
    }
    if (dict && chars > lim.max_chars) {
        json_decref(body);
        return tj_diag_set(diag, TJ_ERR_DATA,
                           MS_NAME " takes at most %zu characters per request, this batch has %zu",
                           lim.max_chars, chars);
    }
    char *from = tj_url_escape(s->base.source_lang, strlen(s->base.source_lang));
    char *to = tj_url_escape(s->base.target_lang, strlen(s->base.target_lang));
    char *path = tj_xasprintf("translate?api-version=3.0&from=%s&to=%s%s", from, to,
                              kind == TJ_PROTECT_HTML_CLASS ? "&textType=html" : "");
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
    /* [{"translations": [{"text", "to"}]}]: the first translation of each element. */
    json_t *texts = NULL;
    if (json_is_array(root)) {
        texts = json_array();
        for (size_t i = 0; i < json_array_size(root); i++) {
            json_t *tr = json_object_get(json_array_get(root, i), "translations");
            json_t *t = json_object_get(json_array_get(tr, 0), "text");
            json_array_append(texts, t ? t : json_null());
        }
    }
    kind = tj_results_from_json(batch, root, texts, NULL, kind_for(s, batch),
                                use_dictionary(s, batch) ? strip_dictionary : NULL, NULL, MS_NAME,
                                resp->status, results, err);
    json_decref(texts);
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
    .strategies = ms_strategies,
    .nstrategies = TJ_ARRAY_LEN(ms_strategies),
};
