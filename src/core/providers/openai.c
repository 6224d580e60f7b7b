/* OpenAI-compatible chat completions (OpenAI, llama.cpp's server, Ollama, vLLM):
 * POST {base}/chat/completions, the base including /v1 (OPENAI_BASE_URL's convention).
 *
 * The system message holds the instructions, the glossary entries that occur in the batch
 * (the Arabic as written and its English) and the article's text before the batch, marked as
 * context not to translate. The user message is the segments as a JSON array of strings; the
 * reply must be a JSON array of as many strings (a fenced code block around it, or an object
 * holding just that array, is accepted). A wrong count is a protocol error (the client retries
 * the batch, then halves it); output cut at the token limit (finish_reason "length") asks for
 * a smaller batch. Errors are {"error": {"message", "type", "code"}}: a 429 is the rate limit
 * (retry, honouring retry-after-ms or Retry-After) unless it says insufficient_quota (stop);
 * a prompt over the model's context is too large. */
#include "provider_int.h"

#include "buf.h"

#include <stdlib.h>
#include <string.h>

#define OAI_NAME "openai"
#define OAI_DEFAULT_URL "https://api.openai.com/v1"
#define OAI_DEFAULT_MODEL "gpt-4o-mini"
#define OAI_MAX_CONTEXT 2000
#define OAI_MAX_TERMS 200

struct oai {
    struct tj_http_base base;
};

static bool official_host(const char *url)
{
    return url == NULL || *url == '\0' || strstr(url, "api.openai.com") != NULL;
}

static enum tj_status oai_check(const struct tj_provider_config *cfg, struct tj_diag *diag)
{
    if (official_host(cfg->url) && !(cfg->api_key && *cfg->api_key))
        return tj_diag_set(diag, TJ_ERR_CONFIG,
                           OAI_NAME " needs an API key: --api-key or OPENAI_API_KEY (a local "
                                    "server named with --url or OPENAI_BASE_URL needs none)");
    return TJ_OK;
}

static enum tj_status oai_create(const struct tj_provider_config *cfg, void **state,
                                 struct tj_diag *diag)
{
    (void)diag;
    struct oai *s = tj_xcalloc(1, sizeof *s);
    tj_http_base_init(&s->base, cfg, OAI_DEFAULT_URL);
    if (!s->base.model)
        s->base.model = tj_xstrdup(OAI_DEFAULT_MODEL);
    *state = s;
    return TJ_OK;
}

static void oai_destroy(void *state)
{
    struct oai *s = state;
    if (!s)
        return;
    tj_http_base_finish(&s->base);
    free(s);
}

static void oai_limits(const void *state, struct tj_provider_limits *out)
{
    (void)state;
    /* Small batches: a model keeps count of a short array reliably, and a failed batch costs
     * little to retry. Local servers have few slots. */
    out->max_segments = 20;
    out->max_chars = 4000;
    out->concurrency = 2;
}

/* The glossary in the prompt; on a retry, the English also written in place of the Arabic. */
static const enum tj_protect_kind oai_strategies[] = {TJ_PROTECT_PROMPT, TJ_PROTECT_INLINE};

static enum tj_protect_kind kind_for(const struct tj_batch *batch)
{
    return tj_batch_protect(batch, oai_strategies, TJ_ARRAY_LEN(oai_strategies), TJ_PROTECT_PROMPT);
}

/* Appends the glossary lines for the pins of the batch, each pair once. */
static void put_terms(struct tj_buf *b, const struct tj_batch *batch)
{
    struct tj_buf seen;
    tj_buf_init(&seen, 0);
    size_t count = 0;
    for (size_t i = 0; i < batch->n && count < OAI_MAX_TERMS; i++) {
        const struct tj_batch_item *it = &batch->items[i];
        for (size_t k = 0; k < it->npins && count < OAI_MAX_TERMS; k++) {
            const struct tj_pin *p = &it->pins[k];
            if (p->end > it->len || p->start >= p->end)
                continue;
            const char *en = tj_protect_english(p);
            char *line =
                tj_xasprintf("%.*s = %s\n", (int)(p->end - p->start), it->text + p->start, en);
            char *key = tj_xasprintf("\n%s", line);
            bool dup = seen.len && strstr(seen.data, key);
            if (!dup) {
                tj_buf_puts(&seen, key);
                tj_buf_puts(b, line);
                count++;
            }
            free(line);
            free(key);
        }
    }
    tj_buf_finish(&seen);
}

static char *system_prompt(const struct oai *s, const struct tj_batch *batch)
{
    struct tj_buf b;
    tj_buf_init(&b, 0);
    tj_buf_printf(&b,
                  "You translate news articles from Arabic (%s) into English (%s) for a news "
                  "desk. The user sends a JSON array of %zu strings: consecutive segments of "
                  "one article. Reply with only a JSON array of exactly %zu strings, the "
                  "translation of each segment in the same order, one for one: never merge, "
                  "split, drop or add segments, and add no notes. Keep numbers, dates and "
                  "quotations faithful.\n",
                  s->base.source_lang, s->base.variant ? s->base.variant : s->base.target_lang,
                  batch->n, batch->n);
    if (tj_batch_has_pins(batch)) {
        tj_buf_puts(&b, "Always render these names and terms exactly as given (Arabic = "
                        "English), with the article or preposition English needs around "
                        "them:\n");
        put_terms(&b, batch);
    }
    if (!s->base.no_context && batch->context && batch->context_len) {
        const char *c = batch->context;
        size_t n = batch->context_len;
        if (n > OAI_MAX_CONTEXT) {
            size_t from = n - OAI_MAX_CONTEXT;
            while (from < n && c[from] != ' ')
                from++;
            c += from;
            n -= from;
        }
        tj_buf_puts(&b, "The article's text just before these segments, for context only "
                        "(do not translate it):\n<<<\n");
        tj_buf_append(&b, c, n);
        tj_buf_puts(&b, "\n>>>\n");
    }
    return tj_buf_take(&b, NULL);
}

static enum tj_status oai_build(const void *state, const struct tj_batch *batch,
                                struct tj_http_request *out, struct tj_diag *diag)
{
    const struct oai *s = state;
    struct tj_provider_limits lim = {0};
    oai_limits(state, &lim);
    enum tj_status rc = tj_batch_check(batch, kind_for(batch), &lim, OAI_NAME, diag);
    if (rc != TJ_OK)
        return rc;
    enum tj_protect_kind kind = kind_for(batch);
    json_t *segs = json_array();
    for (size_t i = 0; i < batch->n; i++) {
        const struct tj_batch_item *it = &batch->items[i];
        size_t n;
        char *t = tj_protect(kind, it->text, it->len, it->pins, it->npins, &n);
        json_array_append_new(segs, json_stringn(t, n));
        free(t);
    }
    char *user = json_dumps(segs, JSON_COMPACT);
    json_decref(segs);
    char *sys = system_prompt(s, batch);
    json_t *body = json_pack("{s:s,s:[{s:s,s:s},{s:s,s:s}],s:i,s:b}", "model", s->base.model,
                             "messages", "role", "system", "content", sys, "role", "user",
                             "content", user ? user : "[]", "temperature", 0, "stream", 0);
    free(sys);
    free(user);
    tj_http_request_init(out, "POST", tj_url_join(s->base.url, "chat/completions"));
    if (s->base.api_key)
        tj_http_request_header(out, "Authorization: Bearer %s", s->base.api_key);
    tj_http_request_json(out, body);
    return TJ_OK;
}

/* The JSON array in a model's reply: the whole content, or inside a fenced code block, or
 * between its first '[' and last ']'. New reference, or NULL. */
static json_t *reply_array(const char *content, size_t len)
{
    const char *a = content, *e = content + len;
    const char *fence = NULL;
    for (const char *p = a; p + 3 <= e; p++)
        if (memcmp(p, "```", 3) == 0) {
            fence = p;
            break;
        }
    if (fence) {
        const char *nl = memchr(fence, '\n', (size_t)(e - fence));
        a = nl ? nl + 1 : fence + 3;
        for (const char *p = e - 3; p >= a; p--)
            if (memcmp(p, "```", 3) == 0) {
                e = p;
                break;
            }
    }
    json_t *v = json_loadb(a, (size_t)(e - a), JSON_DECODE_ANY, NULL);
    if (!v) {
        const char *open = memchr(a, '[', (size_t)(e - a));
        const char *close = NULL;
        for (const char *p = e; p > a; p--)
            if (p[-1] == ']') {
                close = p;
                break;
            }
        if (open && close && close > open)
            v = json_loadb(open, (size_t)(close - open), 0, NULL);
    }
    if (json_is_object(v) && json_object_size(v) == 1) {
        json_t *only = json_object_iter_value(json_object_iter(v));
        if (json_is_array(only)) {
            json_incref(only);
            json_decref(v);
            v = only;
        }
    }
    if (!json_is_array(v)) {
        json_decref(v);
        return NULL;
    }
    return v;
}

static enum tj_perror oai_error(const struct oai *s, const struct tj_http_response *resp,
                                json_t *root, struct tj_provider_error *err)
{
    json_t *e = json_object_get(root, "error");
    const char *detail = tj_json_error_text(root);
    const char *type = json_string_value(json_object_get(e, "type"));
    const char *code = json_string_value(json_object_get(e, "code"));
    const char *key = s->base.api_key;
    long st = resp->status;
    bool quota = (type && strcmp(type, "insufficient_quota") == 0) ||
                 (code && strcmp(code, "insufficient_quota") == 0);
    if (quota)
        return tj_perror_set(err, TJ_PERR_QUOTA, st, key, OAI_NAME ": HTTP %ld: %s", st,
                             detail ? detail : "insufficient_quota");
    bool too_long = (code && strcmp(code, "context_length_exceeded") == 0) ||
                    (type && strcmp(type, "exceed_context_size_error") == 0) ||
                    (st == 400 && detail &&
                     (strstr(detail, "context length") || strstr(detail, "context size") ||
                      strstr(detail, "maximum context")));
    if (too_long)
        return tj_perror_set(err, TJ_PERR_TOO_LARGE, st, key, OAI_NAME ": HTTP %ld: %s", st,
                             detail ? detail : "the prompt is over the model's context");
    return tj_perror_from_status(resp, err, OAI_NAME, key, detail);
}

static enum tj_perror oai_parse(const void *state, const struct tj_batch *batch,
                                const struct tj_http_response *resp, struct tj_result *results,
                                struct tj_provider_error *err)
{
    const struct oai *s = state;
    json_t *root = tj_http_response_json(resp);
    json_t *arr = NULL;
    enum tj_perror kind = TJ_PERR_NONE;
    if (resp->status != 200 || tj_http_response_is_html(resp)) {
        kind = oai_error(s, resp, root, err);
        goto out;
    }
    json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
    json_t *content = json_object_get(json_object_get(choice, "message"), "content");
    const char *finish = json_string_value(json_object_get(choice, "finish_reason"));
    if (finish && strcmp(finish, "length") == 0) {
        kind = tj_perror_set(err, TJ_PERR_TOO_LARGE, resp->status, NULL,
                             OAI_NAME ": the reply was cut at the model's token limit");
        goto out;
    }
    if (!json_is_string(content)) {
        kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL, OAI_NAME ": %s",
                             root ? "no message in the answer" : "an answer that is not JSON");
        goto out;
    }
    arr = reply_array(json_string_value(content), json_string_length(content));
    if (!arr || json_array_size(arr) != batch->n) {
        kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                             OAI_NAME ": the reply is %s%zu strings for %zu segments",
                             arr ? "" : "not a JSON array of ", arr ? json_array_size(arr) : 0,
                             batch->n);
        goto out;
    }
    for (size_t i = 0; i < batch->n; i++) {
        json_t *t = json_array_get(arr, i);
        if (!json_is_string(t)) {
            kind = tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                                 OAI_NAME ": item %zu of the reply is not a string", i + 1);
            goto out;
        }
        tj_result_restore(&results[i], &batch->items[i], kind_for(batch), json_string_value(t),
                          json_string_length(t));
    }
out:
    json_decref(arr);
    json_decref(root);
    return kind;
}

const struct tj_provider_ops tj_provider_openai = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info =
        {
            .name = "openai",
            .description = "OpenAI-compatible chat completions (OpenAI, llama.cpp, Ollama)",
            .remote = true,
            .features = TJ_PFEAT_BATCH | TJ_PFEAT_PROMPT | TJ_PFEAT_CONTEXT,
            .default_url = OAI_DEFAULT_URL,
            .env =
                (const struct tj_provider_env[]){
                    {"OPENAI_API_KEY", TJ_PCFG_API_KEY},
                    {"OPENAI_BASE_URL", TJ_PCFG_URL},
                    {"OPENAI_MODEL", TJ_PCFG_MODEL},
                },
            .nenv = 3,
        },
    .create = oai_create,
    .destroy = oai_destroy,
    .limits = oai_limits,
    .build_request = oai_build,
    .parse_response = oai_parse,
    .check_config = oai_check,
    .strategies = oai_strategies,
    .nstrategies = TJ_ARRAY_LEN(oai_strategies),
};
