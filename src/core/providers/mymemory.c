/* MyMemory: GET /get?q=...&langpair=ar|en, one text of at most 500 bytes per call.
 *
 * Pins travel as placeholders ⟦N⟧ (MyMemory has no markup). A segment longer than 500 bytes
 * is refused by build_request: the caller cuts it with tj_provider_split_item and rejoins the
 * parts with tj_split_join. An e-mail address (de=) raises the daily quota; a key (key=)
 * reaches a private memory; MyMemory reads both from the query string only. When the day's
 * quota is used up MyMemory still answers 200, with quotaFinished and a "MYMEMORY WARNING"
 * in place of the translation: that is a quota error, never a translation. */
#include "provider_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MM_NAME "mymemory"
#define MM_MAX_Q 500

struct mm {
    struct tj_http_base base;
};

static enum tj_status mm_create(const struct tj_provider_config *cfg, void **state,
                                struct tj_diag *diag)
{
    (void)diag;
    struct mm *s = tj_xcalloc(1, sizeof *s);
    tj_http_base_init(&s->base, cfg, "https://api.mymemory.translated.net");
    *state = s;
    return TJ_OK;
}

static void mm_destroy(void *state)
{
    struct mm *s = state;
    if (!s)
        return;
    tj_http_base_finish(&s->base);
    free(s);
}

static void mm_limits(const void *state, struct tj_provider_limits *out)
{
    (void)state;
    out->max_segments = 1;
    out->max_segment_bytes = MM_MAX_Q;
    /* A free service with a daily quota (5,000 characters anonymous, 50,000 with an
     * address) that answers 429 under load: gently. */
    out->requests_per_sec = 2;
    out->concurrency = 2;
}

/* No markup: placeholders, else the English written in place. */
static const enum tj_protect_kind mm_strategies[] = {TJ_PROTECT_PLACEHOLDER, TJ_PROTECT_INLINE};

static enum tj_protect_kind kind_for(const struct tj_batch *batch)
{
    return tj_batch_protect(batch, mm_strategies, TJ_ARRAY_LEN(mm_strategies),
                            TJ_PROTECT_PLACEHOLDER);
}

static size_t mm_item_bytes(const void *state, const struct tj_batch_item *item)
{
    (void)state;
    return tj_protect_size(TJ_PROTECT_PLACEHOLDER, item->text, item->len, item->pins, item->npins);
}

static enum tj_status mm_build(const void *state, const struct tj_batch *batch,
                               struct tj_http_request *out, struct tj_diag *diag)
{
    const struct mm *s = state;
    struct tj_provider_limits lim = {0};
    mm_limits(state, &lim);
    enum tj_status rc = tj_batch_check(batch, kind_for(batch), &lim, MM_NAME, diag);
    if (rc != TJ_OK)
        return rc;
    const struct tj_batch_item *it = &batch->items[0];
    size_t n;
    char *q = tj_protect(kind_for(batch), it->text, it->len, it->pins, it->npins, &n);
    char *eq = tj_url_escape(q, n);
    char *pair = tj_xasprintf("%s|%s", s->base.source_lang, s->base.target_lang);
    char *epair = tj_url_escape(pair, strlen(pair));
    char *path = tj_xasprintf("get?q=%s&langpair=%s", eq, epair);
    free(q);
    free(eq);
    free(pair);
    free(epair);
    if (s->base.email) {
        char *e = tj_url_escape(s->base.email, strlen(s->base.email));
        char *p2 = tj_xasprintf("%s&de=%s", path, e);
        free(e);
        free(path);
        path = p2;
    }
    if (s->base.api_key) {
        char *k = tj_url_escape(s->base.api_key, strlen(s->base.api_key));
        char *p2 = tj_xasprintf("%s&key=%s", path, k);
        free(k);
        free(path);
        path = p2;
    }
    tj_http_request_init(out, "GET", tj_url_join(s->base.url, path));
    free(path);
    tj_http_request_header(out, "Accept: application/json");
    return TJ_OK;
}

/* The wait a quota warning names ("NEXT AVAILABLE IN 11 HOURS 29 MINUTES 04 SECONDS"), in
 * seconds; 0 when it names none. */
static double quota_wait(const char *text)
{
    const char *p = text ? strstr(text, "NEXT AVAILABLE IN") : NULL;
    if (!p)
        return 0;
    p += strlen("NEXT AVAILABLE IN");
    double secs = 0;
    for (int k = 0; k < 3; k++) {
        while (*p == ' ')
            p++;
        if (!isdigit((unsigned char)*p))
            break;
        long v = 0;
        while (isdigit((unsigned char)*p) && v < 100000)
            v = v * 10 + (*p++ - '0');
        while (*p == ' ')
            p++;
        if (strncmp(p, "HOUR", 4) == 0)
            secs += 3600.0 * (double)v;
        else if (strncmp(p, "MINUTE", 6) == 0)
            secs += 60.0 * (double)v;
        else if (strncmp(p, "SECOND", 6) == 0)
            secs += (double)v;
        while (isalpha((unsigned char)*p))
            p++;
    }
    return secs;
}

/* responseStatus as a number (MyMemory sends a number or a string). */
static long response_status(json_t *root)
{
    json_t *v = json_object_get(root, "responseStatus");
    if (json_is_integer(v))
        return (long)json_integer_value(v);
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        long n = strtol(s, &end, 10);
        return end != s ? n : -1;
    }
    return -1;
}

static enum tj_perror mm_parse(const void *state, const struct tj_batch *batch,
                               const struct tj_http_response *resp, struct tj_result *results,
                               struct tj_provider_error *err)
{
    const struct mm *s = state;
    const char *key = s->base.api_key;
    json_t *root = tj_http_response_json(resp);
    enum tj_perror kind = TJ_PERR_NONE;
    if (resp->status != 200 || tj_http_response_is_html(resp)) {
        kind = tj_perror_from_status(resp, err, MM_NAME, key, tj_json_error_text(root));
        goto out;
    }
    if (!json_is_object(root)) {
        kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                             MM_NAME ": an answer that is not JSON");
        goto out;
    }
    json_t *data = json_object_get(root, "responseData");
    const char *text = json_string_value(json_object_get(data, "translatedText"));
    const char *details = json_string_value(json_object_get(root, "responseDetails"));
    json_t *qf = json_object_get(root, "quotaFinished");
    bool warning = (text && strncmp(text, "MYMEMORY WARNING", 16) == 0) ||
                   (details && strncmp(details, "MYMEMORY WARNING", 16) == 0);
    if (json_is_true(qf) || warning) {
        kind = tj_perror_set(err, TJ_PERR_QUOTA, resp->status, key,
                             MM_NAME ": the day's free translations are used up%s",
                             s->base.email ? "" : " (MYMEMORY_EMAIL raises the quota)");
        err->retry_after =
            quota_wait(warning && text && strncmp(text, "MYMEMORY", 8) == 0 ? text : details);
        goto out;
    }
    long rs = response_status(root);
    if (rs != 200) {
        const char *why = details && *details ? details : text ? text : "no details";
        enum tj_perror k = TJ_PERR_BAD_REQUEST;
        if (strstr(why, "LENGTH LIMIT") || strstr(why, "TOO LONG"))
            k = TJ_PERR_TOO_LARGE;
        else if (rs == 429)
            k = TJ_PERR_RETRYABLE;
        else if (rs >= 500)
            k = TJ_PERR_RETRYABLE;
        else if (rs == 401 || strstr(why, "INVALID KEY") || strstr(why, "AUTHENTICATION"))
            k = TJ_PERR_AUTH;
        kind = tj_perror_set(err, k, resp->status, key, MM_NAME ": status %ld: %s", rs, why);
        goto out;
    }
    if (!text || !*text) {
        /* An empty translation: the best match, if any, stands in. */
        json_t *m0 = json_array_get(json_object_get(root, "matches"), 0);
        text = json_string_value(json_object_get(m0, "translation"));
    }
    if (!text || batch->n != 1) {
        kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                             MM_NAME ": no translation in the answer");
        goto out;
    }
    tj_result_restore(&results[0], &batch->items[0], kind_for(batch), text, strlen(text));
out:
    json_decref(root);
    return kind;
}

const struct tj_provider_ops tj_provider_mymemory = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info =
        {
            .name = "mymemory",
            .description = "MyMemory (one sentence of at most 500 bytes per call; daily quota)",
            .remote = true,
            .features = TJ_PFEAT_PLACEHOLDERS,
            .default_url = "https://api.mymemory.translated.net",
            .env =
                (const struct tj_provider_env[]){
                    {"MYMEMORY_EMAIL", TJ_PCFG_EMAIL},
                    {"MYMEMORY_KEY", TJ_PCFG_API_KEY},
                },
            .nenv = 2,
        },
    .create = mm_create,
    .destroy = mm_destroy,
    .limits = mm_limits,
    .build_request = mm_build,
    .parse_response = mm_parse,
    .item_bytes = mm_item_bytes,
    .strategies = mm_strategies,
    .nstrategies = TJ_ARRAY_LEN(mm_strategies),
};
