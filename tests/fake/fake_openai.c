/* OpenAI-compatible POST /v1/chat/completions (providers.md §7): Authorization: Bearer (checked
 * only when the fake was given --key, as llama.cpp's server does), a model (--model: the only
 * one that exists), messages. The segments are the first JSON array found in the last user
 * message: an array of strings gets an array of strings back, an array of objects with a
 * "text" gets the same objects with "text" translated; without an array the whole message is
 * translated as prose. The reply is choices[0].message.content; faults: fence (```json ...```),
 * chatter (a sentence before the fence), length (content cut, finish_reason "length"). */
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
    texts = fake_translate_all(texts_in, n, &o);
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
