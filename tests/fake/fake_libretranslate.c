/* LibreTranslate 1.9 POST /translate (providers.md §1): JSON or form; q a string or (JSON
 * only) an array; api_key in the body; errors {"error": "..."}; translatedText mirrors the
 * shape of q; html.unescape on every output; with format=html only translate="no" elements
 * are kept (class="notranslate" is not recognised). */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const langs[] = {"ar", "en", "es", "fr", "de", "it", "ru", "tr", "fa", "zh"};

static bool supported(const char *code)
{
    for (size_t k = 0; k < sizeof langs / sizeof langs[0]; k++)
        if (strcasecmp(langs[k], code) == 0)
            return true;
    return false;
}

static void error(struct fake_resp *resp, int status, const char *msg)
{
    fake_resp_json(resp, status, json_pack("{s:s}", "error", msg));
}

static void lt_fail(struct fake_req *req, struct fake_resp *resp, int status)
{
    (void)req;
    char msg[64];
    switch (status) {
    case 429:
    case FAKE_USER_RATE:
        error(resp, 429, "Slowdown: 20 per 1 minute");
        break;
    case FAKE_QUOTA:
        error(resp, 429, "Slowdown: 100 per 1 day");
        break;
    case 403:
        error(resp, 403, "Invalid API key");
        break;
    default:
        snprintf(msg, sizeof msg, "%d %s", status,
                 status == 500 ? "Internal Server Error" : "Service Unavailable");
        error(resp, status, msg);
    }
}

static void lt_handle(struct fake_req *req, struct fake_resp *resp)
{
    json_t *root = NULL;
    struct fake_form form = {0};
    const char **qs = NULL;
    size_t nq = 0;
    bool q_array = false;
    const char *source = NULL, *target = NULL, *format = NULL, *key = NULL;
    char **texts = NULL;
    size_t nt = 0;
    char msg[160];

    if (strcmp(req->path, "/translate") != 0) {
        if (!req->count_only)
            error(resp, 404, "Not Found");
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        if (!req->count_only)
            error(resp, 405, "Method Not Allowed");
        return;
    }
    if (fake_is_json(req)) {
        json_error_t jerr;
        root = json_loadb(req->body, req->body_len, 0, &jerr);
        if (!root || !json_is_object(root)) {
            if (!req->count_only)
                error(resp, 400,
                      root ? "Invalid JSON format"
                           : "The browser (or proxy) sent a request that this server could not "
                             "understand.");
            goto out;
        }
        json_t *q = json_object_get(root, "q");
        if (json_is_string(q) && json_string_length(q) > 0) {
            qs = fake_xmalloc(sizeof *qs);
            qs[nq++] = json_string_value(q);
        } else if (json_is_array(q)) {
            q_array = true;
            qs = fake_xmalloc((json_array_size(q) + 1) * sizeof *qs);
            size_t i;
            json_t *v;
            json_array_foreach(q, i, v)
            {
                if (!json_is_string(v)) {
                    if (!req->count_only)
                        error(resp, 500, "Cannot translate text: q items must be strings");
                    goto out;
                }
                qs[nq++] = json_string_value(v);
            }
        }
        source = json_string_value(json_object_get(root, "source"));
        target = json_string_value(json_object_get(root, "target"));
        format = json_string_value(json_object_get(root, "format"));
        key = json_string_value(json_object_get(root, "api_key"));
    } else {
        fake_form_parse(&form, req->body, req->body_len);
        const char *q = fake_form_get(&form, "q");
        if (q && *q) {
            qs = fake_xmalloc(sizeof *qs);
            qs[nq++] = q;
        }
        source = fake_form_get(&form, "source");
        target = fake_form_get(&form, "target");
        format = fake_form_get(&form, "format");
        key = fake_form_get(&form, "api_key");
    }
    req->segments = (long)nq;
    for (size_t i = 0; i < nq; i++)
        req->chars += (long)fake_utf8_chars(qs[i], strlen(qs[i]));
    if (req->count_only)
        goto out;

    if (fake_cfg.key) {
        if (key && *key && strcmp(key, fake_cfg.key) != 0) {
            error(resp, 403, "Invalid API key");
            goto out;
        }
        if (!key || !*key) {
            error(resp, 400, "Please contact the server operator to get an API key");
            goto out;
        }
    }
    if (!nq) {
        error(resp, 400, "Invalid request: missing q parameter");
        goto out;
    }
    if (!source || !*source) {
        error(resp, 400, "Invalid request: missing source parameter");
        goto out;
    }
    if (!target || !*target) {
        error(resp, 400, "Invalid request: missing target parameter");
        goto out;
    }
    if (q_array && fake_cfg.lt_batch_limit >= 0 && (long)nq > fake_cfg.lt_batch_limit) {
        snprintf(msg, sizeof msg, "Invalid request: request (%zu) exceeds text limit (%ld)", nq,
                 fake_cfg.lt_batch_limit);
        error(resp, 400, msg);
        goto out;
    }
    for (size_t i = 0; fake_cfg.lt_char_limit >= 0 && i < nq; i++) {
        size_t c = fake_utf8_chars(qs[i], strlen(qs[i]));
        if ((long)c > fake_cfg.lt_char_limit) {
            snprintf(msg, sizeof msg, "Invalid request: request (%zu) exceeds text limit (%ld)", c,
                     fake_cfg.lt_char_limit);
            error(resp, 400, msg);
            goto out;
        }
    }
    if (!format || !*format)
        format = "text";
    if (strcmp(format, "text") != 0 && strcmp(format, "html") != 0) {
        snprintf(msg, sizeof msg, "%.64s format is not supported", format);
        error(resp, 400, msg);
        goto out;
    }
    if (strcasecmp(source, "auto") != 0 && !supported(source)) {
        snprintf(msg, sizeof msg, "%.32s is not supported", source);
        error(resp, 400, msg);
        goto out;
    }
    if (!supported(target)) {
        snprintf(msg, sizeof msg, "%.32s is not supported", target);
        error(resp, 400, msg);
        goto out;
    }
    if (!fake_quota_take(req, req->chars)) {
        lt_fail(req, resp, FAKE_QUOTA);
        goto out;
    }

    struct fake_tr_opts o = {.markup = strcmp(format, "html") == 0 ? FM_HTML : FM_TEXT,
                             .translate_no = true,
                             .flags = req->faults.flags};
    fake_mangle_opts(&o, &req->faults);
    texts = fake_translate_all(qs, nq, &o);
    nt = fake_mangle_list(req->faults.flags, &texts, nq, qs);
    json_t *out;
    if (q_array || nt != 1) {
        out = json_array();
        for (size_t i = 0; i < nt; i++) {
            fake_html_unescape(texts[i]);
            json_array_append_new(out, json_string(texts[i]));
        }
    } else {
        fake_html_unescape(texts[0]);
        out = json_string(texts[0]);
    }
    json_t *body = json_pack("{s:o}", "translatedText", out);
    if (strcasecmp(source, "auto") == 0) {
        json_t *d = json_pack("{s:f,s:s}", "confidence", 90.0, "language", "ar");
        if (q_array) {
            json_t *a = json_array();
            for (size_t i = 0; i < nt; i++)
                json_array_append(a, d);
            json_decref(d);
            d = a;
        }
        json_object_set_new(body, "detectedLanguage", d);
    }
    fake_resp_json(resp, 200, body);
    req->billed = true;
out:
    fake_free_all(texts, nt);
    free(qs);
    json_decref(root);
    fake_form_free(&form);
}

const struct fake_proto fake_libretranslate = {"libretranslate", lt_handle, lt_fail};
