/* Google Cloud Translation v2 Basic, POST /language/translate/v2 (providers.md §3): the key in
 * the query (key=) or the X-goog-api-key header; q a string or an array of at most 128; format
 * html by default, in which text comes back HTML-escaped (&#39; &quot; &amp; &gt;) and
 * translate="no" / class="notranslate" elements are kept; the standard error envelope: a bad
 * key 400 API_KEY_INVALID, a missing key 403 PERMISSION_DENIED, quota 403 dailyLimitExceeded,
 * per-user rate 403 userRateLimitExceeded, requests over 100 KB 400. */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define GOOGLE_Q_MAX 128
#define GOOGLE_BODY_MAX 102400

static const char *const langs[] = {"ar", "en", "es", "fr", "de", "it", "ru", "tr", "fa", "zh-CN"};

static bool supported(const char *code)
{
    for (size_t k = 0; k < sizeof langs / sizeof langs[0]; k++)
        if (strcasecmp(langs[k], code) == 0)
            return true;
    return false;
}

/* {"error":{"code","message","errors":[{"message","domain","reason"}],"status"}} */
static void envelope(struct fake_resp *resp, int code, const char *msg, const char *domain,
                     const char *reason, const char *status, json_t *details)
{
    json_t *err = json_pack("{s:i,s:s,s:[{s:s,s:s,s:s}]}", "code", code, "message", msg, "errors",
                            "message", msg, "domain", domain, "reason", reason);
    if (status)
        json_object_set_new(err, "status", json_string(status));
    if (details)
        json_object_set_new(err, "details", details);
    fake_resp_json_pretty(resp, code, json_pack("{s:o}", "error", err));
}

static void google_fail(struct fake_req *req, struct fake_resp *resp, int status)
{
    (void)req;
    switch (status) {
    case FAKE_QUOTA:
        envelope(resp, 403, "Daily Limit Exceeded", "usageLimits", "dailyLimitExceeded", NULL,
                 NULL);
        break;
    case FAKE_USER_RATE:
        envelope(resp, 403, "User Rate Limit Exceeded", "usageLimits", "userRateLimitExceeded",
                 NULL, NULL);
        break;
    case 429:
        envelope(resp, 429,
                 "Quota exceeded for quota metric 'v2 and v3 general model characters' and limit "
                 "'v2 and v3 general model characters per minute per user' of service "
                 "'translate.googleapis.com'.",
                 "global", "rateLimitExceeded", "RESOURCE_EXHAUSTED", NULL);
        break;
    case 403:
        envelope(resp, 403, "The request is missing a valid API key.", "global", "forbidden",
                 "PERMISSION_DENIED", NULL);
        break;
    case 500:
        envelope(resp, 500, "Internal error encountered.", "global", "backendError", "INTERNAL",
                 NULL);
        break;
    case 503:
        envelope(resp, 503, "The service is currently unavailable.", "global", "backendError",
                 "UNAVAILABLE", NULL);
        break;
    default:
        envelope(resp, status, "Backend Error", "global", "backendError", "UNKNOWN", NULL);
    }
}

static void invalid(struct fake_resp *resp, const char *msg, const char *reason)
{
    envelope(resp, 400, msg, "global", reason, "INVALID_ARGUMENT", NULL);
}

static void google_handle(struct fake_req *req, struct fake_resp *resp)
{
    json_t *root = NULL;
    struct fake_form form = {0};
    const char **qs = NULL;
    size_t nq = 0;
    char **texts = NULL;
    size_t nt = 0;
    const char *target = NULL, *source = NULL, *format = NULL;

    if (strcmp(req->path, "/language/translate/v2") != 0) {
        if (!req->count_only)
            envelope(resp, 404, "Method not found.", "global", "notFound", "NOT_FOUND", NULL);
        return;
    }
    if (strcmp(req->method, "POST") != 0 && strcmp(req->method, "GET") != 0) {
        if (!req->count_only)
            envelope(resp, 405, "Method not allowed.", "global", "badRequest", NULL, NULL);
        return;
    }
    /* q from the body (JSON or form) and the query, in that order */
    size_t nquery = fake_args(req, "q", NULL, 0);
    size_t cap = nquery + 1;
    if (req->body_len && fake_is_json(req)) {
        root = json_loadb(req->body, req->body_len, 0, NULL);
        if (!json_is_object(root)) {
            if (!req->count_only)
                invalid(resp, "Invalid JSON payload received.", "parseError");
            goto out;
        }
        json_t *q = json_object_get(root, "q");
        cap += json_is_array(q) ? json_array_size(q) : 1;
        qs = fake_xmalloc(cap * sizeof *qs);
        if (json_is_string(q)) {
            qs[nq++] = json_string_value(q);
        } else if (json_is_array(q)) {
            size_t i;
            json_t *v;
            json_array_foreach(q, i, v)
            {
                if (json_is_string(v))
                    qs[nq++] = json_string_value(v);
            }
        }
        target = json_string_value(json_object_get(root, "target"));
        source = json_string_value(json_object_get(root, "source"));
        format = json_string_value(json_object_get(root, "format"));
    } else {
        fake_form_parse(&form, req->body, req->body_len);
        size_t nf = fake_form_all(&form, "q", NULL, 0);
        cap += nf;
        qs = fake_xmalloc(cap * sizeof *qs);
        nq = fake_form_all(&form, "q", qs, nf);
        target = fake_form_get(&form, "target");
        source = fake_form_get(&form, "source");
        format = fake_form_get(&form, "format");
    }
    nq += fake_args(req, "q", qs + nq, nquery);
    if (!target)
        target = fake_arg(req, "target");
    if (!source)
        source = fake_arg(req, "source");
    if (!format)
        format = fake_arg(req, "format");
    req->segments = (long)nq;
    for (size_t i = 0; i < nq; i++)
        req->chars += (long)fake_utf8_chars(qs[i], strlen(qs[i]));
    if (req->count_only)
        goto out;

    const char *key = fake_arg(req, "key");
    if (!key)
        key = fake_header(req, "X-goog-api-key");
    if (!key || !*key) {
        google_fail(req, resp, 403);
        goto out;
    }
    if (fake_cfg.key && strcmp(key, fake_cfg.key) != 0) {
        envelope(resp, 400, "API key not valid. Please pass a valid API key.", "global",
                 "badRequest", "INVALID_ARGUMENT",
                 json_pack("[{s:s,s:s,s:s,s:{s:s}}]", "@type",
                           "type.googleapis.com/google.rpc.ErrorInfo", "reason", "API_KEY_INVALID",
                           "domain", "googleapis.com", "metadata", "service",
                           "translate.googleapis.com"));
        goto out;
    }
    if (req->body_len > GOOGLE_BODY_MAX) {
        invalid(resp, "Request payload size exceeds the limit: 102400 bytes.", "badRequest");
        goto out;
    }
    if (!nq) {
        invalid(resp, "Required Text", "required");
        goto out;
    }
    if (nq > GOOGLE_Q_MAX) {
        invalid(resp, "Too many text segments", "invalid");
        goto out;
    }
    if (!target || !*target) {
        invalid(resp, "Required Target", "required");
        goto out;
    }
    if (!supported(target) || (source && *source && !supported(source))) {
        invalid(resp, "Invalid Value", "invalid");
        goto out;
    }
    if (!format || !*format)
        format = "html";
    if (strcmp(format, "html") != 0 && strcmp(format, "text") != 0) {
        invalid(resp, "Invalid Value", "invalid");
        goto out;
    }
    if (!fake_quota_take(req, req->chars)) {
        google_fail(req, resp, FAKE_QUOTA);
        goto out;
    }

    bool html = strcmp(format, "html") == 0;
    struct fake_tr_opts o = {.markup = html ? FM_HTML : FM_TEXT,
                             .translate_no = true,
                             .notranslate_class = true,
                             .google_escape = html,
                             .flags = req->faults.flags};
    fake_mangle_opts(&o, &req->faults);
    texts = fake_translate_all(qs, nq, &o);
    nt = fake_mangle_list(req->faults.flags, &texts, nq, qs);
    json_t *arr = json_array();
    for (size_t i = 0; i < nt; i++) {
        json_t *item = json_pack("{s:s}", "translatedText", texts[i]);
        if (!source || !*source)
            json_object_set_new(item, "detectedSourceLanguage", json_string("ar"));
        json_array_append_new(arr, item);
    }
    fake_resp_json_pretty(resp, 200, json_pack("{s:{s:o}}", "data", "translations", arr));
    req->billed = true;
out:
    fake_free_all(texts, nt);
    free(qs);
    json_decref(root);
    fake_form_free(&form);
}

const struct fake_proto fake_google = {"google", google_handle, google_fail};
