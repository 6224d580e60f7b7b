/* DeepL POST /v2/translate and /v2/usage (providers.md §2): Authorization: DeepL-Auth-Key
 * (the auth_key parameter is gone), a User-Agent required (as DeepL's own mock server
 * requires), JSON or form bodies, at most 50 texts and 128 KiB, tag_handling xml with
 * ignore_tags or html with translate="no"/class="notranslate", EN-US / EN-GB targets, a
 * context that is not billed, 456 when the quota is used up. 403, 429 and 5xx answers have
 * an empty body, as DeepL's mock server sends them. */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEEPL_BODY_MAX (128 * 1024)
#define DEEPL_TEXTS_MAX 50
#define IGNORE_MAX 16

static const char *const targets[] = {"AR", "DE", "EN", "EN-GB", "EN-US", "ES",
                                      "FR", "IT", "JA", "RU",    "TR",    "ZH"};
static const char *const sources[] = {"AR", "DE", "EN", "ES", "FR", "IT", "JA", "RU", "TR", "ZH"};

static bool in(const char *const *list, size_t n, const char *v)
{
    for (size_t k = 0; k < n; k++)
        if (strcasecmp(list[k], v) == 0)
            return true;
    return false;
}

static void message(struct fake_resp *resp, int status, const char *msg)
{
    fake_resp_json(resp, status, json_pack("{s:s}", "message", msg));
}

static void empty(struct fake_resp *resp, int status)
{
    fake_resp_text(resp, status, "application/json", "");
}

static void deepl_fail(struct fake_req *req, struct fake_resp *resp, int status)
{
    (void)req;
    if (status == FAKE_QUOTA)
        message(resp, 456, "Quota Exceeded");
    else
        empty(resp, status == FAKE_USER_RATE ? 429 : status);
}

/* A parameter from the JSON object or the form: string values only. */
static const char *param(json_t *root, const struct fake_form *form, const char *name)
{
    if (root)
        return json_string_value(json_object_get(root, name));
    return fake_form_get(form, name);
}

/* Booleans arrive as JSON true/false or "0"/"1" (form). */
static bool param_bool(json_t *root, const struct fake_form *form, const char *name)
{
    if (root) {
        json_t *v = json_object_get(root, name);
        return json_is_true(v) ||
               (json_is_string(v) && (strcmp(json_string_value(v), "1") == 0 ||
                                      strcmp(json_string_value(v), "true") == 0));
    }
    const char *v = fake_form_get(form, name);
    return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* Splits a comma list into tags (pointers into buf). */
static size_t split_tags(char *buf, const char **tags, size_t n, size_t max)
{
    for (char *p = buf; *p && n < max;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        tags[n++] = p;
        p += strcspn(p, ", ");
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static void usage(struct fake_req *req, struct fake_resp *resp)
{
    long limit = req->faults.quota_chars > 0 ? req->faults.quota_chars : 500000;
    fake_resp_json(resp, 200,
                   json_pack("{s:I,s:I}", "character_count", (json_int_t)fake_quota_used(),
                             "character_limit", (json_int_t)limit));
}

static void deepl_handle(struct fake_req *req, struct fake_resp *resp)
{
    json_t *root = NULL;
    struct fake_form form = {0};
    const char **texts_in = NULL;
    size_t n = 0;
    char **texts = NULL;
    size_t nt = 0;
    char *tagbuf = NULL;
    const char *ignore[IGNORE_MAX];
    size_t n_ignore = 0;

    bool is_usage = strcmp(req->path, "/v2/usage") == 0;
    if (!is_usage && strcmp(req->path, "/v2/translate") != 0) {
        if (!req->count_only)
            empty(resp, 404);
        return;
    }
    if (strcmp(req->method, "POST") != 0 && !(is_usage && strcmp(req->method, "GET") == 0)) {
        if (!req->count_only)
            message(resp, 405, "Method not allowed");
        return;
    }
    if (!is_usage) {
        if (fake_is_json(req)) {
            root = json_loadb(req->body, req->body_len, 0, NULL);
            if (!json_is_object(root)) {
                if (!req->count_only)
                    message(resp, 400, "Invalid request: expected a JSON object");
                goto out;
            }
            json_t *t = json_object_get(root, "text");
            if (json_is_string(t)) {
                texts_in = fake_xmalloc(sizeof *texts_in);
                texts_in[n++] = json_string_value(t);
            } else if (json_is_array(t)) {
                texts_in = fake_xmalloc((json_array_size(t) + 1) * sizeof *texts_in);
                size_t i;
                json_t *v;
                json_array_foreach(t, i, v)
                {
                    if (!json_is_string(v)) {
                        if (!req->count_only)
                            message(resp, 400, "Value for 'text' not supported.");
                        goto out;
                    }
                    texts_in[n++] = json_string_value(v);
                }
            }
        } else {
            fake_form_parse(&form, req->body, req->body_len);
            size_t k = fake_form_all(&form, "text", NULL, 0);
            texts_in = fake_xmalloc((k + 1) * sizeof *texts_in);
            n = fake_form_all(&form, "text", texts_in, k);
        }
        req->segments = (long)n;
        for (size_t i = 0; i < n; i++)
            req->chars += (long)fake_utf8_chars(texts_in[i], strlen(texts_in[i]));
    }
    if (req->count_only)
        goto out;

    const char *auth = fake_header(req, "Authorization");
    const char *key = auth && strncmp(auth, "DeepL-Auth-Key ", 15) == 0 ? auth + 15 : NULL;
    if (!key || !*key || (fake_cfg.key && strcmp(key, fake_cfg.key) != 0)) {
        empty(resp, 403);
        goto out;
    }
    const char *ua = fake_header(req, "User-Agent");
    if (!ua || !*ua) {
        message(resp, 400, "User-Agent header missing.");
        goto out;
    }
    if (is_usage) {
        usage(req, resp);
        goto out;
    }
    if (req->body_len > DEEPL_BODY_MAX) {
        message(resp, 413, "Request Entity Too Large");
        goto out;
    }
    if (!n) {
        message(resp, 400, "Parameter 'text' not specified.");
        goto out;
    }
    if (n > DEEPL_TEXTS_MAX) {
        message(resp, 413, "Too many texts in the request: at most 50.");
        goto out;
    }
    const char *target = param(root, &form, "target_lang");
    if (!target || !*target) {
        message(resp, 400, "Parameter 'target_lang' not specified.");
        goto out;
    }
    if (!in(targets, sizeof targets / sizeof targets[0], target)) {
        message(resp, 400, "Value for 'target_lang' not supported.");
        goto out;
    }
    const char *source = param(root, &form, "source_lang");
    if (source && !in(sources, sizeof sources / sizeof sources[0], source)) {
        message(resp, 400, "Value for 'source_lang' not supported.");
        goto out;
    }
    const char *split = param(root, &form, "split_sentences");
    if (split && strcmp(split, "0") != 0 && strcmp(split, "1") != 0 &&
        strcmp(split, "nonewlines") != 0) {
        message(resp, 400, "Value for 'split_sentences' not supported.");
        goto out;
    }
    const char *formality = param(root, &form, "formality");
    if (formality && strcmp(formality, "default") != 0 && strcmp(formality, "prefer_more") != 0 &&
        strcmp(formality, "prefer_less") != 0) {
        if (strcmp(formality, "more") == 0 || strcmp(formality, "less") == 0)
            message(resp, 400, "'formality' is not supported for given 'target_lang'.");
        else
            message(resp, 400, "Value for 'formality' not supported.");
        goto out;
    }
    const char *tag_handling = param(root, &form, "tag_handling");
    if (tag_handling && strcmp(tag_handling, "xml") != 0 && strcmp(tag_handling, "html") != 0) {
        message(resp, 400, "Value for 'tag_handling' not supported.");
        goto out;
    }
    if ((root ? json_object_get(root, "glossary_id") != NULL
              : fake_form_get(&form, "glossary_id") != NULL) &&
        !source) {
        message(resp, 400, "Use of a glossary requires the source_lang parameter to be specified");
        goto out;
    }
    json_t *ig = root ? json_object_get(root, "ignore_tags") : NULL;
    if (json_is_array(ig)) {
        size_t i;
        json_t *v;
        json_array_foreach(ig, i, v)
        {
            if (json_is_string(v) && n_ignore < IGNORE_MAX)
                ignore[n_ignore++] = json_string_value(v);
        }
    } else {
        const char *list = param(root, &form, "ignore_tags");
        if (list) {
            tagbuf = fake_xstrdup(list);
            n_ignore = split_tags(tagbuf, ignore, 0, IGNORE_MAX);
        }
    }
    if (!fake_quota_take(req, req->chars)) {
        deepl_fail(req, resp, FAKE_QUOTA);
        goto out;
    }

    struct fake_tr_opts o = {.markup = !tag_handling                      ? FM_TEXT
                                       : strcmp(tag_handling, "xml") == 0 ? FM_XML
                                                                          : FM_HTML,
                             .translate_no = true,
                             .notranslate_class = true,
                             .ignore_tags = ignore,
                             .n_ignore = n_ignore,
                             .en_gb = strcasecmp(target, "EN-GB") == 0,
                             .flags = req->faults.flags};
    texts = fake_translate_all(texts_in, n, &o);
    nt = fake_mangle_list(req->faults.flags, &texts, n, texts_in);
    bool billed_chars = param_bool(root, &form, "show_billed_characters");
    json_t *arr = json_array();
    for (size_t i = 0; i < nt; i++) {
        const char *detected = source                                     ? source
                               : fake_has_arabic(texts_in[i < n ? i : 0]) ? "AR"
                                                                          : "EN";
        char up[8];
        snprintf(up, sizeof up, "%s", detected);
        for (char *c = up; *c; c++)
            *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
        json_t *item = json_pack("{s:s,s:s}", "detected_source_language", up, "text", texts[i]);
        if (billed_chars)
            json_object_set_new(item, "billed_characters",
                                json_integer((json_int_t)fake_utf8_chars(
                                    texts_in[i < n ? i : 0], strlen(texts_in[i < n ? i : 0]))));
        json_array_append_new(arr, item);
    }
    fake_resp_json(resp, 200, json_pack("{s:o}", "translations", arr));
    req->billed = true;
out:
    fake_free_all(texts, nt);
    free(texts_in);
    free(tagbuf);
    json_decref(root);
    fake_form_free(&form);
}

const struct fake_proto fake_deepl = {"deepl", deepl_handle, deepl_fail};
