/* Microsoft Translator v3, POST /translate?api-version=3.0&from=ar&to=en (providers.md §4):
 * Ocp-Apim-Subscription-Key (and -Region when the fake was given --region); a body
 * [{"Text": ...}] of at most 1,000 elements and 50,000 characters per target language;
 * textType=html keeps class="notranslate" / translate="no" elements; errors
 * {"error":{"code":NNNxxx,"message":...}} whose first three digits are the HTTP status.
 *
 * Dynamic dictionary: with an explicit `from`, in plain text and HTML alike, each
 * <mstrans:dictionary translation="English">Arabic</mstrans:dictionary> comes out as its
 * translation attribute, markup gone; clitics written before it with a tatweel (وـ) come out
 * in English ("and"). Without `from` the markup is not read: it stays as it is, its Arabic
 * transliterated. The faults unwrap and drop-protected leave an element's Arabic to the word
 * table or drop it. */
#include "fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MS_ELEMENTS_MAX 1000
#define MS_CHARS_MAX 50000
#define TO_MAX 8

static const char *const langs[] = {"ar", "en", "es", "fr", "de",
                                    "it", "ru", "tr", "fa", "zh-Hans"};

static bool supported(const char *code)
{
    for (size_t k = 0; k < sizeof langs / sizeof langs[0]; k++)
        if (strcasecmp(langs[k], code) == 0)
            return true;
    return false;
}

static void error(struct fake_resp *resp, long code, const char *msg)
{
    fake_resp_json(resp, (int)(code / 1000),
                   json_pack("{s:{s:I,s:s}}", "error", "code", (json_int_t)code, "message", msg));
}

static void ms_fail(struct fake_req *req, struct fake_resp *resp, int status)
{
    (void)req;
    switch (status) {
    case FAKE_QUOTA:
        error(resp, 403001,
              "The operation is not allowed because the subscription has exceeded its free "
              "quota.");
        break;
    case FAKE_USER_RATE:
    case 429:
        error(resp, 429001,
              "The server rejected the request because the client has exceeded request limits.");
        break;
    case 401:
    case 403:
        error(resp, 401000,
              "The request is not authorized because credentials are missing or invalid.");
        break;
    case 503:
        error(resp, 503000, "Service is temporarily unavailable. Please retry.");
        break;
    default:
        error(resp, (long)status * 1000, "An unexpected error occurred.");
    }
}

/* ---- dynamic dictionary --------------------------------------------------------------------- */

#define DICT_OPEN "<mstrans:dictionary translation=\""
#define DICT_CLOSE "</mstrans:dictionary>"

/* The English of clitic letters written apart before a term (و ف ب ل ك and a tatweel, two
 * bytes each), or NULL. */
static const char *clitic_english(const char *s, size_t n)
{
    static const struct {
        const char *ar, *en;
    } table[] = {{"\u0648", "and"},          {"\u0641", "so"},         {"\u0628", "in"},
                 {"\u0644", "to"},           {"\u0643", "like"},       {"\u0648\u0628", "and in"},
                 {"\u0648\u0644", "and to"}, {"\u0641\u0644", "so to"}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strlen(table[i].ar) == n && memcmp(table[i].ar, s, n) == 0)
            return table[i].en;
    return NULL;
}

/* text with its dictionary elements as tokens (translations in d); with unwrap an element
 * becomes its Arabic, with drop-protected nothing. */
static char *dict_apply(const char *text, struct fake_terms *d, unsigned flags)
{
    d->tag = "ZQMD";
    struct fbuf b = {0};
    const char *s = text;
    const size_t open_len = strlen(DICT_OPEN), close_len = strlen(DICT_CLOSE);
    for (;;) {
        const char *o = strstr(s, DICT_OPEN);
        const char *q = o ? strchr(o + open_len, '"') : NULL;
        const char *c = q && q[1] == '>' ? strstr(q + 2, DICT_CLOSE) : NULL;
        if (!c) {
            fbuf_puts(&b, s);
            break;
        }
        /* Clitics set apart with a tatweel just before the element, at a word's start. */
        const char *from = o;
        const char *en = NULL;
        if (o - s >= 4 && memcmp(o - 2, "\u0640", 2) == 0) {
            for (size_t n = 2; n <= 4 && !en; n += 2) {
                const char *w = o - 2 - n;
                if (w < s)
                    break;
                bool at_start = w == text || (unsigned char)w[-1] < 0x80;
                if (at_start && (en = clitic_english(w, n)) != NULL)
                    from = w;
            }
        }
        fbuf_add(&b, s, (size_t)(from - s));
        if (en)
            fbuf_printf(&b, "%s ", en);
        if (flags & FK_UNWRAP) {
            fbuf_add(&b, q + 2, (size_t)(c - q - 2));
        } else if (!(flags & FK_DROP_PROTECTED)) {
            fake_terms_add(d, &b, o + open_len, (size_t)(q - o - open_len));
        }
        s = c + close_len;
    }
    return fbuf_take(&b);
}

static void ms_handle(struct fake_req *req, struct fake_resp *resp)
{
    json_t *root = NULL;
    const char **texts_in = NULL;
    size_t n = 0;
    char **texts = NULL;
    size_t nt = 0;

    if (strcmp(req->path, "/translate") != 0) {
        if (!req->count_only)
            error(resp, 404000, "The requested resource was not found.");
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        if (!req->count_only)
            error(resp, 405000, "The request method is not supported for the requested resource.");
        return;
    }
    root = json_loadb(req->body, req->body_len, 0, NULL);
    bool body_ok = json_is_array(root);
    if (body_ok) {
        texts_in = fake_xmalloc((json_array_size(root) + 1) * sizeof *texts_in);
        size_t i;
        json_t *v;
        json_array_foreach(root, i, v)
        {
            const char *t = json_string_value(json_object_get(v, "Text"));
            if (!t) {
                body_ok = false;
                break;
            }
            texts_in[n++] = t;
        }
        req->segments = (long)n;
        for (size_t k = 0; k < n; k++)
            req->chars += (long)fake_utf8_chars(texts_in[k], strlen(texts_in[k]));
    }
    if (req->count_only)
        goto out;

    const char *key = fake_header(req, "Ocp-Apim-Subscription-Key");
    const char *region = fake_header(req, "Ocp-Apim-Subscription-Region");
    if (!key || !*key || (fake_cfg.key && strcmp(key, fake_cfg.key) != 0) ||
        (fake_cfg.region && (!region || strcasecmp(region, fake_cfg.region) != 0))) {
        ms_fail(req, resp, 401);
        goto out;
    }
    const char *version = fake_arg(req, "api-version");
    if (!version || strcmp(version, "3.0") != 0) {
        error(resp, 400021, "The API version parameter is missing or invalid.");
        goto out;
    }
    const char *to[TO_MAX];
    size_t nto = fake_args(req, "to", to, TO_MAX);
    if (nto > TO_MAX)
        nto = TO_MAX;
    if (!nto) {
        error(resp, 400036, "The target language is not valid.");
        goto out;
    }
    for (size_t k = 0; k < nto; k++)
        if (!supported(to[k])) {
            error(resp, 400036, "The target language is not valid.");
            goto out;
        }
    const char *from = fake_arg(req, "from");
    if (from && !supported(from)) {
        error(resp, 400035, "The source language is not valid.");
        goto out;
    }
    const char *text_type = fake_arg(req, "textType");
    if (text_type && strcasecmp(text_type, "plain") != 0 && strcasecmp(text_type, "html") != 0) {
        error(resp, 400000, "One of the request inputs is not valid.");
        goto out;
    }
    if (!json_is_array(root)) {
        error(resp, 400074, "The body of the request is not valid JSON.");
        goto out;
    }
    if (!body_ok) {
        error(resp, 400000, "One of the request inputs is not valid.");
        goto out;
    }
    if (n > MS_ELEMENTS_MAX) {
        error(resp, 400072, "The number of elements in the array exceeds the maximum.");
        goto out;
    }
    for (size_t k = 0; k < n; k++)
        if (fake_utf8_chars(texts_in[k], strlen(texts_in[k])) > MS_CHARS_MAX) {
            error(resp, 400050, "The input text is too long.");
            goto out;
        }
    if (req->chars * (long)nto > MS_CHARS_MAX) {
        error(resp, 400077, "The maximum request size has been exceeded.");
        goto out;
    }
    if (!fake_quota_take(req, req->chars * (long)nto)) {
        ms_fail(req, resp, FAKE_QUOTA);
        goto out;
    }

    bool html = text_type && strcasecmp(text_type, "html") == 0;
    struct fake_tr_opts o = {.markup = html ? FM_HTML : FM_TEXT,
                             .translate_no = true,
                             .notranslate_class = true,
                             .flags = req->faults.flags};
    /* The dynamic dictionary needs an explicit source language. */
    char **marked = from ? fake_xmalloc((n ? n : 1) * sizeof *marked) : NULL;
    struct fake_terms *dicts = from ? fake_xmalloc((n ? n : 1) * sizeof *dicts) : NULL;
    for (size_t k = 0; marked && k < n; k++) {
        memset(&dicts[k], 0, sizeof dicts[k]);
        marked[k] = dict_apply(texts_in[k], &dicts[k], req->faults.flags);
    }
    fake_mangle_opts(&o, &req->faults);
    texts = fake_translate_all(marked ? (const char *const *)marked : texts_in, n, &o);
    for (size_t k = 0; marked && k < n; k++) {
        fake_terms_restore(&dicts[k], &texts[k]);
        fake_terms_free(&dicts[k]);
        free(marked[k]);
    }
    free(marked);
    free(dicts);
    nt = fake_mangle_list(req->faults.flags, &texts, n, texts_in);
    json_t *arr = json_array();
    for (size_t i = 0; i < nt; i++) {
        json_t *tr = json_array();
        for (size_t k = 0; k < nto; k++)
            json_array_append_new(tr, json_pack("{s:s,s:s}", "text", texts[i], "to", to[k]));
        json_t *item = json_pack("{s:o}", "translations", tr);
        if (!from)
            json_object_set_new(item, "detectedLanguage",
                                json_pack("{s:s,s:f}", "language", "ar", "score", 1.0));
        json_array_append_new(arr, item);
    }
    fake_resp_json(resp, 200, arr);
    char v[32];
    snprintf(v, sizeof v, "%ld", req->chars * (long)nto);
    fake_resp_header(resp, "X-Metered-Usage", v);
    fake_resp_header(resp, "X-MT-System", "Team");
    req->billed = true;
out:
    fake_free_all(texts, nt);
    free(texts_in);
    json_decref(root);
}

const struct fake_proto fake_microsoft = {"microsoft", ms_handle, ms_fail};
