/* OpenAI-compatible POST /v1/chat/completions (providers.md §7): Authorization: Bearer (checked
 * only when the fake was given --key, as llama.cpp's server does), a model (--model: the only
 * one that exists), messages. The segments are the first JSON array found in the last user
 * message: an array of strings gets an array of strings back, an array of objects with a
 * "text" gets the same objects with "text" translated; without an array the whole message is
 * translated as prose. The glossary a system message gives ("Arabic = English" lines after
 * "Always render these names and terms") is followed, as a model mostly does: each Arabic
 * entry in a segment is written as its English (a clitic before it set apart with a tatweel).
 * The reply is choices[0].message.content; faults: fence (```json ...```), chatter (a sentence
 * before the fence), length (content cut, finish_reason "length"), mangle (the glossary's
 * names dropped, moved, repeated, misspelt or transliterated). */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void error(struct fake_resp *resp, int status, const char *msg, const char *type,
                  const char *code)
{
    fake_resp_json(resp, status,
                   json_pack("{s:{s:s,s:s,s:n,s:s?}}", "error", "message", msg, "type", type,
                             "param", "code", code));
}

static void openai_fail(struct fake_req *req, struct fake_resp *resp, int status)
{
    (void)req;
    switch (status) {
    case FAKE_QUOTA:
        error(resp, 429,
              "You exceeded your current quota, please check your plan and billing details.",
              "insufficient_quota", "insufficient_quota");
        break;
    case FAKE_USER_RATE:
    case 429:
        error(resp, 429,
              "Rate limit reached for requests. Limit: 60 / min. Please try again in 1s.",
              "requests", "rate_limit_exceeded");
        fake_resp_header(resp, "x-ratelimit-remaining-requests", "0");
        fake_resp_header(resp, "x-ratelimit-reset-requests", "1s");
        break;
    case 503:
        error(resp, 503, "The engine is currently overloaded, please try again later.",
              "server_error", NULL);
        break;
    default:
        error(resp, status,
              "The server had an error while processing your request. Sorry about that!",
              "server_error", NULL);
    }
}

/* The first JSON array in s (a borrowed position: *at, *len), parsed; NULL when none. */
static json_t *find_array(const char *s, size_t *at, size_t *len)
{
    for (const char *p = strchr(s, '['); p; p = strchr(p + 1, '[')) {
        json_error_t err;
        json_t *a = json_loads(p, JSON_DISABLE_EOF_CHECK, &err);
        if (json_is_array(a)) {
            *at = (size_t)(p - s);
            *len = (size_t)err.position;
            return a;
        }
        json_decref(a);
    }
    return NULL;
}

static const char *last_user_message(json_t *messages)
{
    const char *content = NULL;
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m)
    {
        const char *role = json_string_value(json_object_get(m, "role"));
        const char *c = json_string_value(json_object_get(m, "content"));
        if (role && c && strcmp(role, "user") == 0)
            content = c;
    }
    return content;
}

/* The glossary of a system message: "Arabic = English" lines after the line that announces
 * them. Returns how many; ar and en are malloc'd arrays of malloc'd strings. */
static size_t prompt_glossary(json_t *messages, char ***ar, char ***en)
{
    size_t n = 0;
    *ar = *en = NULL;
    size_t i;
    json_t *m;
    json_array_foreach(messages, i, m)
    {
        const char *role = json_string_value(json_object_get(m, "role"));
        const char *c = json_string_value(json_object_get(m, "content"));
        if (!role || !c || strcmp(role, "system") != 0)
            continue;
        const char *p = strstr(c, "Always render these names and terms");
        p = p ? strchr(p, '\n') : NULL;
        while (p && *p == '\n') {
            p++;
            const char *eol = strchr(p, '\n');
            size_t ll = eol ? (size_t)(eol - p) : strlen(p);
            const char *eq = NULL;
            for (size_t k = 0; k + 3 <= ll; k++)
                if (memcmp(p + k, " = ", 3) == 0) {
                    eq = p + k;
                    break;
                }
            if (!eq)
                break;
            *ar = fake_xrealloc(*ar, (n + 1) * sizeof **ar);
            *en = fake_xrealloc(*en, (n + 1) * sizeof **en);
            (*ar)[n] = fake_xstrndup(p, (size_t)(eq - p));
            (*en)[n] = fake_xstrndup(eq + 3, ll - (size_t)(eq - p) - 3);
            n++;
            p = eol;
        }
    }
    return n;
}

/* True when the two bytes at s are an Arabic letter. */
static bool arabic_letter_at(const unsigned char *s)
{
    if (s[0] < 0xD8 || s[0] > 0xDB || (s[1] & 0xC0) != 0x80)
        return false;
    unsigned cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
    return (cp >= 0x0621 && cp <= 0x064A) || (cp >= 0x0671 && cp <= 0x06D3);
}

/* text with each glossary entry's Arabic (longest first) written as its English. */
static char *apply_glossary(const char *text, char **ar, char **en, size_t n)
{
    char *cur = fake_xstrdup(text);
    bool *done = calloc(n + 1, 1);
    if (!done)
        abort();
    for (size_t round = 0; round < n; round++) {
        size_t best = n;
        for (size_t k = 0; k < n; k++)
            if (!done[k] && (best == n || strlen(ar[k]) > strlen(ar[best])))
                best = k;
        done[best] = true;
        size_t al = strlen(ar[best]);
        if (!al)
            continue;
        struct fbuf b = {0};
        const char *p = cur;
        for (const char *hit; (hit = strstr(p, ar[best]));) {
            /* Not inside a longer Arabic word. */
            bool arabic_after = hit[al] && arabic_letter_at((const unsigned char *)hit + al);
            fbuf_add(&b, p, (size_t)(hit - p));
            if (arabic_after) {
                fbuf_add(&b, hit, al);
            } else {
                if (hit - cur >= 2 && arabic_letter_at((const unsigned char *)hit - 2))
                    fbuf_puts(&b, "\u0640"); /* لـ before a foreign word */
                fbuf_puts(&b, en[best]);
            }
            p = hit + al;
        }
        fbuf_puts(&b, p);
        free(cur);
        cur = fbuf_take(&b);
    }
    free(done);
    return cur;
}

static void openai_handle(struct fake_req *req, struct fake_resp *resp)
{
    json_t *root = NULL, *segs = NULL;
    const char **texts_in = NULL;
    size_t n = 0;
    char **texts = NULL;
    size_t nt = 0;
    char msg[256];

    if (strcmp(req->path, "/v1/chat/completions") != 0 && strcmp(req->path, "/chat/completions")) {
        if (!req->count_only)
            error(resp, 404, "Invalid URL", "invalid_request_error", NULL);
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        if (!req->count_only)
            error(resp, 405, "Method not allowed", "invalid_request_error", NULL);
        return;
    }
    root = json_loadb(req->body, req->body_len, 0, NULL);
    json_t *messages = json_object_get(root, "messages");
    const char *user = json_is_array(messages) ? last_user_message(messages) : NULL;
    size_t arr_at = 0, arr_len = 0;
    if (user) {
        segs = find_array(user, &arr_at, &arr_len);
        size_t count = segs ? json_array_size(segs) : 1;
        texts_in = fake_xmalloc((count + 1) * sizeof *texts_in);
        if (segs) {
            size_t i;
            json_t *v;
            json_array_foreach(segs, i, v)
            {
                const char *t = json_is_string(v) ? json_string_value(v)
                                                  : json_string_value(json_object_get(v, "text"));
                texts_in[n++] = t ? t : "";
            }
        } else {
            texts_in[n++] = user;
        }
        req->segments = (long)n;
        for (size_t k = 0; k < n; k++)
            req->chars += (long)fake_utf8_chars(texts_in[k], strlen(texts_in[k]));
    }
    if (req->count_only)
        goto out;

    if (fake_cfg.key) {
        const char *auth = fake_header(req, "Authorization");
        const char *key = auth && strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
        if (!key || !*key) {
            error(resp, 401,
                  "You didn't provide an API key. You need to provide your API key in an "
                  "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                  "invalid_request_error", NULL);
            goto out;
        }
        if (strcmp(key, fake_cfg.key) != 0) {
            size_t kl = strlen(key);
            snprintf(msg, sizeof msg,
                     "Incorrect API key provided: %.3s%s%.2s. You can find your API key at "
                     "https://platform.openai.com/account/api-keys.",
                     key, "***", kl > 2 ? key + kl - 2 : "");
            error(resp, 401, msg, "invalid_request_error", "invalid_api_key");
            goto out;
        }
    }
    if (!json_is_object(root)) {
        error(resp, 400, "We could not parse the JSON body of your request.",
              "invalid_request_error", NULL);
        goto out;
    }
    const char *model = json_string_value(json_object_get(root, "model"));
    if (!model || !*model) {
        error(resp, 400, "you must provide a model parameter", "invalid_request_error", NULL);
        goto out;
    }
    if (fake_cfg.model && strcmp(model, fake_cfg.model) != 0) {
        snprintf(msg, sizeof msg,
                 "The model `%.64s` does not exist or you do not have access to it.", model);
        error(resp, 404, msg, "invalid_request_error", "model_not_found");
        goto out;
    }
    if (!json_is_array(messages) || json_array_size(messages) == 0) {
        error(resp, 400, "[] is too short - 'messages'", "invalid_request_error", NULL);
        goto out;
    }
    if (json_is_true(json_object_get(root, "stream"))) {
        error(resp, 400, "stream is not supported by this server", "invalid_request_error", NULL);
        goto out;
    }
    if (!user) {
        error(resp, 400, "messages must contain a user message", "invalid_request_error", NULL);
        goto out;
    }
    if (!fake_quota_take(req, req->chars)) {
        openai_fail(req, resp, FAKE_QUOTA);
        goto out;
    }

    struct fake_tr_opts o = {.markup = FM_HTML,
                             .translate_no = true,
                             .notranslate_class = true,
                             .flags = req->faults.flags};
    fake_mangle_opts(&o, &req->faults);
    char **gar, **gen;
    size_t ng = prompt_glossary(messages, &gar, &gen);
    char **glossed = fake_xmalloc((n + 1) * sizeof *glossed);
    for (size_t k = 0; k < n; k++)
        glossed[k] = apply_glossary(texts_in[k], gar, gen, ng);
    o.names_en = (const char *const *)gen;
    o.names_ar = (const char *const *)gar;
    o.nnames = ng;
    /* Each segment is mangled as the text it came as: the Arabic with a glossary in the
     * prompt, or the English already written in place, are different requests. */
    texts = fake_xmalloc((n + 1) * sizeof *texts);
    for (size_t k = 0; k < n; k++) {
        struct fake_tr_opts ok = o;
        for (const char *c = texts_in[k]; *c; c++)
            ok.seed = ok.seed * 31 + (unsigned char)*c;
        texts[k] = fake_translate(glossed[k], strlen(glossed[k]), &ok);
    }
    fake_free_all(glossed, n);
    fake_free_all(gar, ng);
    fake_free_all(gen, ng);
    unsigned flags = req->faults.flags;
    nt = fake_mangle_list(segs ? flags : flags & ~FK_WRONG_COUNT, &texts, n, texts_in);
    struct fbuf content = {0};
    if (flags & FK_CHATTER)
        fbuf_puts(&content, "Sure! Here are the translations, in the same order:\n\n");
    if (flags & (FK_FENCE | FK_CHATTER))
        fbuf_puts(&content, "```json\n");
    if (segs) {
        json_t *out = json_array();
        for (size_t i = 0; i < nt; i++) {
            json_t *orig = json_array_get(segs, i < n ? i : n - 1);
            if (json_is_object(orig)) {
                json_t *copy = json_deep_copy(orig);
                json_object_set_new(copy, "text", json_string(texts[i]));
                json_array_append_new(out, copy);
            } else {
                json_array_append_new(out, json_string(texts[i]));
            }
        }
        char *dump = json_dumps(out, JSON_COMPACT);
        json_decref(out);
        fbuf_puts(&content, dump ? dump : "[]");
        free(dump);
    } else {
        fbuf_puts(&content, texts[0]);
    }
    if (flags & (FK_FENCE | FK_CHATTER))
        fbuf_puts(&content, "\n```");
    const char *finish = "stop";
    if ((flags & FK_LENGTH) && content.len > 1) {
        content.len /= 2;
        while (content.len && ((unsigned char)content.p[content.len] & 0xC0) == 0x80)
            content.len--; /* keep the text UTF-8 */
        content.p[content.len] = '\0';
        finish = "length";
    }
    long prompt_tokens = (long)(req->body_len / 4) + 1;
    long completion_tokens = (long)(content.len / 4) + 1;
    json_t *body =
        json_pack("{s:s,s:s,s:I,s:s,s:[{s:i,s:{s:s,s:s},s:s}],s:{s:I,s:I,s:I}}", "id",
                  "chatcmpl-fake", "object", "chat.completion", "created", (json_int_t)time(NULL),
                  "model", model, "choices", "index", 0, "message", "role", "assistant", "content",
                  content.p ? content.p : "", "finish_reason", finish, "usage", "prompt_tokens",
                  (json_int_t)prompt_tokens, "completion_tokens", (json_int_t)completion_tokens,
                  "total_tokens", (json_int_t)(prompt_tokens + completion_tokens));
    fbuf_free(&content);
    fake_resp_json(resp, 200, body);
    req->billed = true;
out:
    fake_free_all(texts, nt);
    free(texts_in);
    json_decref(segs);
    json_decref(root);
}

const struct fake_proto fake_openai = {"openai", openai_handle, openai_fail};
