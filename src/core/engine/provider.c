/* The wrappers callers go through, and the helpers HTTP providers share. The table of
 * providers is one level up, in providers/table.c, beside the providers it lists. */
#include "provider_int.h"

#include "buf.h"
#include "utf8.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct tj_provider {
    const struct tj_provider_ops *ops;
    void *state;
    double requests_per_sec, chars_per_min; /* the configuration's pacing, 0 when not given */
    bool native;                            /* native_glossary asked for, and the service has one */
};

/* A table written for version v has the fields of version v. */
#define HAS(ops, v, field) ((ops)->version >= (v) && (ops)->field)

const struct tj_provider_info *tj_provider_class_info(const struct tj_provider_ops *ops)
{
    return &ops->info;
}

static const char *env_lookup(const char *name, void *ud)
{
    (void)ud;
    return getenv(name);
}

static const char **config_field(struct tj_provider_config *cfg, enum tj_provider_field f)
{
    switch (f) {
    case TJ_PCFG_URL:
        return &cfg->url;
    case TJ_PCFG_API_KEY:
        return &cfg->api_key;
    case TJ_PCFG_REGION:
        return &cfg->region;
    case TJ_PCFG_MODEL:
        return &cfg->model;
    case TJ_PCFG_EMAIL:
        return &cfg->email;
    }
    return NULL;
}

unsigned tj_provider_env_apply(const struct tj_provider_ops *ops, struct tj_provider_config *cfg,
                               const char *(*lookup)(const char *name, void *ud), void *ud)
{
    if (!lookup)
        lookup = env_lookup;
    unsigned set = 0;
    for (size_t i = 0; i < ops->info.nenv; i++) {
        const char **slot = config_field(cfg, ops->info.env[i].field);
        if (!slot || (*slot && **slot))
            continue;
        const char *v = lookup(ops->info.env[i].var, ud);
        if (v && *v) {
            *slot = v;
            set |= 1u << ops->info.env[i].field;
        }
    }
    return set;
}

const char *tj_provider_env_var(const struct tj_provider_ops *ops, enum tj_provider_field field)
{
    for (size_t i = 0; i < ops->info.nenv; i++)
        if (ops->info.env[i].field == field)
            return ops->info.env[i].var;
    return NULL;
}

enum tj_status tj_provider_check_config(const struct tj_provider_ops *ops,
                                        const struct tj_provider_config *cfg, struct tj_diag *diag)
{
    if (HAS(ops, 2, check_config))
        return ops->check_config(cfg, diag);
    if (ops->info.needs_key && !(cfg && cfg->api_key && *cfg->api_key)) {
        const char *var = tj_provider_env_var(ops, TJ_PCFG_API_KEY);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s needs an API key: --api-key%s%s",
                           ops->info.name, var ? " or " : "", var ? var : "");
    }
    return TJ_OK;
}

enum tj_status tj_provider_create(const struct tj_provider_ops *ops,
                                  const struct tj_provider_config *cfg, struct tj_provider **out,
                                  struct tj_diag *diag)
{
    struct tj_provider_config none = {0};
    if (!cfg)
        cfg = &none;
    enum tj_status rc = tj_provider_check_config(ops, cfg, diag);
    if (rc != TJ_OK)
        return rc;
    void *state = NULL;
    rc = ops->create ? ops->create(cfg, &state, diag) : TJ_OK;
    if (rc != TJ_OK)
        return rc;
    struct tj_provider *p = tj_xcalloc(1, sizeof *p);
    p->ops = ops;
    p->state = state;
    p->requests_per_sec = cfg->requests_per_sec;
    p->chars_per_min = cfg->chars_per_min;
    p->native = cfg->native_glossary && (ops->info.features & TJ_PFEAT_NATIVE_GLOSSARY);
    *out = p;
    return TJ_OK;
}

void tj_provider_destroy(struct tj_provider *p)
{
    if (!p)
        return;
    if (p->ops->destroy)
        p->ops->destroy(p->state);
    free(p);
}

const struct tj_provider_ops *tj_provider_class(const struct tj_provider *p)
{
    return p->ops;
}

const struct tj_provider_info *tj_provider_info(const struct tj_provider *p)
{
    return &p->ops->info;
}

const char *tj_provider_name(const struct tj_provider *p)
{
    return p->ops->info.name;
}

bool tj_provider_is_local(const struct tj_provider *p)
{
    return p->ops->translate_local != NULL;
}

void tj_provider_limits(const struct tj_provider *p, struct tj_provider_limits *out)
{
    memset(out, 0, sizeof *out);
    if (p->ops->limits)
        p->ops->limits(p->state, out);
    if (p->requests_per_sec > 0)
        out->requests_per_sec = p->requests_per_sec;
    if (p->chars_per_min > 0)
        out->chars_per_min = p->chars_per_min;
}

const char *tj_provider_notice(const struct tj_provider *p)
{
    return p->ops->notice ? p->ops->notice(p->state) : NULL;
}

size_t tj_provider_item_bytes(const struct tj_provider *p, const struct tj_batch_item *item)
{
    if (HAS(p->ops, 2, item_bytes))
        return p->ops->item_bytes(p->state, item);
    return item->len;
}

enum tj_status tj_provider_build_request(const struct tj_provider *p, const struct tj_batch *batch,
                                         struct tj_http_request *out, struct tj_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (!p->ops->build_request)
        return tj_diag_set(diag, TJ_ERR_USAGE, "%s is a local engine", p->ops->info.name);
    if (batch->strategy > tj_provider_strategies(p))
        return tj_diag_set(diag, TJ_ERR_USAGE, "%s has no strategy %zu", p->ops->info.name,
                           batch->strategy);
    enum tj_status rc = p->ops->build_request(p->state, batch, out, diag);
    if (rc != TJ_OK)
        tj_http_request_finish(out);
    return rc;
}

enum tj_perror tj_provider_parse_response(const struct tj_provider *p, const struct tj_batch *batch,
                                          const struct tj_http_response *resp,
                                          struct tj_result *results, struct tj_provider_error *err)
{
    memset(err, 0, sizeof *err);
    if (!p->ops->parse_response)
        return tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL, "%s is a local engine",
                             p->ops->info.name);
    enum tj_perror kind = p->ops->parse_response(p->state, batch, resp, results, err);
    if (kind != TJ_PERR_NONE) {
        tj_results_finish(results, batch->n);
        err->kind = kind;
        if (!err->http_status)
            err->http_status = resp->status;
    }
    return kind;
}

size_t tj_provider_strategies(const struct tj_provider *p)
{
    return HAS(p->ops, 4, strategies) && p->ops->nstrategies ? p->ops->nstrategies : 1;
}

enum tj_protect_kind tj_provider_strategy(const struct tj_provider *p, size_t k)
{
    if (!HAS(p->ops, 4, strategies) || p->ops->nstrategies == 0)
        return TJ_PROTECT_NONE;
    if (k == 0)
        k = 1;
    return k <= p->ops->nstrategies ? p->ops->strategies[k - 1] : TJ_PROTECT_NONE;
}

bool tj_provider_native(const struct tj_provider *p)
{
    return p->native;
}

bool tj_provider_native_resource(const struct tj_provider *p)
{
    return p->native && HAS(p->ops, 3, native_request) && HAS(p->ops, 3, native_response);
}

enum tj_status tj_provider_native_request(const struct tj_provider *p, enum tj_native_action action,
                                          const struct tj_native_glossary *g,
                                          struct tj_http_request *out, struct tj_diag *diag)
{
    memset(out, 0, sizeof *out);
    if (!tj_provider_native_resource(p))
        return tj_diag_set(diag, TJ_ERR_USAGE, "%s has no glossary resource to prepare",
                           p->ops->info.name);
    enum tj_status rc = p->ops->native_request(p->state, action, g, out, diag);
    if (rc != TJ_OK)
        tj_http_request_finish(out);
    return rc;
}

enum tj_perror tj_provider_native_response(const struct tj_provider *p,
                                           enum tj_native_action action,
                                           struct tj_native_glossary *g,
                                           const struct tj_http_response *resp,
                                           struct tj_provider_error *err)
{
    memset(err, 0, sizeof *err);
    if (!tj_provider_native_resource(p))
        return tj_perror_set(err, TJ_PERR_PROTOCOL, resp->status, NULL,
                             "%s has no glossary resource", p->ops->info.name);
    enum tj_perror kind = p->ops->native_response(p->state, action, g, resp, err);
    if (kind != TJ_PERR_NONE) {
        err->kind = kind;
        if (!err->http_status)
            err->http_status = resp->status;
    }
    return kind;
}

enum tj_status tj_provider_translate_local(const struct tj_provider *p,
                                           const struct tj_batch *batch, struct tj_result *results,
                                           struct tj_diag *diag)
{
    if (!p->ops->translate_local)
        return tj_diag_set(diag, TJ_ERR_USAGE, "%s is not a local engine", p->ops->info.name);
    return p->ops->translate_local(p->state, batch, results, diag);
}

/* Splitting a long segment. */

static bool inside_pin(const struct tj_batch_item *item, size_t at)
{
    for (size_t i = 0; i < item->npins; i++)
        if (item->pins[i].start < at && at < item->pins[i].end)
            return true;
    return false;
}

/* True when the character ending at text[at) closes a clause. */
static bool clause_end(const char *text, size_t at)
{
    static const char *const marks[] = {".", "!", "?", ";", ":", ",", "؟", "؛", "،", "…"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(marks); i++) {
        size_t k = strlen(marks[i]);
        if (at >= k && memcmp(text + at - k, marks[i], k) == 0)
            return true;
    }
    return false;
}

/* Bytes the part text[from, to) takes as sent. */
static size_t part_bytes(const struct tj_provider *p, const struct tj_batch_item *item, size_t from,
                         size_t to, struct tj_pin *scratch)
{
    size_t n = 0;
    for (size_t i = 0; i < item->npins; i++)
        if (item->pins[i].start >= from && item->pins[i].end <= to) {
            scratch[n] = item->pins[i];
            scratch[n].start -= from;
            scratch[n].end -= from;
            n++;
        }
    struct tj_batch_item part = {item->text + from, to - from, scratch, n};
    return tj_provider_item_bytes(p, &part);
}

enum tj_status tj_provider_split_item(const struct tj_provider *p, const struct tj_batch_item *item,
                                      struct tj_split *out, struct tj_diag *diag)
{
    memset(out, 0, sizeof *out);
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    size_t max = lim.max_segment_bytes;
    struct tj_pin *scratch = tj_xcalloc(item->npins + 1, sizeof *scratch);
    size_t *cuts = tj_xcalloc(item->len + 2, sizeof *cuts); /* part starts */
    size_t ncuts = 0;
    enum tj_status rc = TJ_OK;
    size_t from = 0;
    while (from < item->len) {
        while (from < item->len && item->text[from] == ' ')
            from++;
        if (from >= item->len)
            break;
        cuts[ncuts++] = from;
        if (!max || part_bytes(p, item, from, item->len, scratch) <= max)
            break;
        /* The best cut: after a clause mark, else at a space; the latest that fits. */
        size_t best_clause = 0, best_space = 0;
        for (size_t at = from + 1; at < item->len; at++) {
            unsigned char c = (unsigned char)item->text[at];
            if ((c & 0xC0) == 0x80 || inside_pin(item, at))
                continue;
            bool space = c == ' ';
            bool clause = clause_end(item->text, at);
            if (!space && !clause)
                continue;
            if (part_bytes(p, item, from, at, scratch) > max)
                break;
            if (clause)
                best_clause = at;
            else
                best_space = at;
        }
        size_t cut = best_clause ? best_clause : best_space;
        if (!cut) {
            rc = tj_diag_set(diag, TJ_ERR_DATA,
                             "a word of %zu bytes does not fit the %zu bytes %s takes at once",
                             item->len - from, max, tj_provider_name(p));
            goto out;
        }
        from = cut;
    }
    out->n = ncuts ? ncuts : 1;
    out->parts = tj_xcalloc(out->n, sizeof *out->parts);
    out->pins = tj_xcalloc(item->npins + 1, sizeof *out->pins);
    size_t np = 0;
    for (size_t k = 0; k < out->n; k++) {
        size_t a = ncuts ? cuts[k] : 0;
        size_t b = k + 1 < ncuts ? cuts[k + 1] : item->len;
        while (b > a && item->text[b - 1] == ' ')
            b--;
        struct tj_batch_item *part = &out->parts[k];
        part->text = item->text + a;
        part->len = b - a;
        part->pins = out->pins + np;
        for (size_t i = 0; i < item->npins; i++)
            if (item->pins[i].start >= a && item->pins[i].end <= b) {
                out->pins[np] = item->pins[i];
                out->pins[np].start -= a;
                out->pins[np].end -= a;
                np++;
                part->npins++;
            }
    }
out:
    free(cuts);
    free(scratch);
    if (rc != TJ_OK)
        tj_split_finish(out);
    return rc;
}

void tj_split_finish(struct tj_split *s)
{
    free(s->parts);
    free(s->pins);
    memset(s, 0, sizeof *s);
}

void tj_split_join(const struct tj_split *s, struct tj_result *parts, struct tj_result *out)
{
    memset(out, 0, sizeof *out);
    struct tj_buf text;
    tj_buf_init(&text, 0);
    size_t npins = 0;
    for (size_t k = 0; k < s->n; k++)
        npins += s->parts[k].npins;
    out->pin_back = npins ? tj_xcalloc(npins, sizeof *out->pin_back) : NULL;
    out->pin_report = npins ? tj_xcalloc(npins, sizeof *out->pin_report) : NULL;
    out->npins = npins;
    size_t at = 0;
    for (size_t k = 0; k < s->n; k++) {
        if (parts[k].text && parts[k].text[0]) {
            if (text.len)
                tj_buf_putc(&text, ' ');
            tj_buf_puts(&text, parts[k].text);
        }
        for (size_t i = 0; i < s->parts[k].npins; i++) {
            out->pin_back[at + i] = !parts[k].pin_back || parts[k].pin_back[i];
            if (parts[k].pin_report)
                out->pin_report[at + i] = parts[k].pin_report[i];
            else
                out->pin_report[at + i].how = TJ_PIN_KEPT;
        }
        at += s->parts[k].npins;
        out->flags |= parts[k].flags;
        if (parts[k].qa_code && !out->qa_code) {
            out->qa_code = parts[k].qa_code;
            out->qa_message = parts[k].qa_message;
            parts[k].qa_code = parts[k].qa_message = NULL;
        }
        tj_result_finish(&parts[k]);
    }
    out->text = tj_buf_take(&text, NULL);
}

/* Shared HTTP helpers. */

static char *dup_or_null(const char *s)
{
    return s && *s ? tj_xstrdup(s) : NULL;
}

void tj_http_base_init(struct tj_http_base *b, const struct tj_provider_config *cfg,
                       const char *default_url)
{
    memset(b, 0, sizeof *b);
    const char *url = cfg->url && *cfg->url ? cfg->url : default_url;
    if (url) {
        size_t n = strlen(url);
        while (n > 0 && url[n - 1] == '/')
            n--;
        b->url = tj_xstrndup(url, n);
    }
    b->api_key = dup_or_null(cfg->api_key);
    b->region = dup_or_null(cfg->region);
    b->model = dup_or_null(cfg->model);
    b->email = dup_or_null(cfg->email);
    b->source_lang = tj_xstrdup(cfg->source_lang && *cfg->source_lang ? cfg->source_lang : "ar");
    b->target_lang = tj_xstrdup(cfg->target_lang && *cfg->target_lang ? cfg->target_lang : "en");
    b->variant = dup_or_null(cfg->variant);
    b->langpair = dup_or_null(cfg->langpair);
    b->no_context = cfg->no_context;
    b->native_glossary = cfg->native_glossary;
}

void tj_http_base_finish(struct tj_http_base *b)
{
    free(b->url);
    if (b->api_key) {
        /* Do not leave the key lying in freed memory. */
        volatile char *k = b->api_key;
        while (*k)
            *k++ = 0;
    }
    free(b->api_key);
    free(b->region);
    free(b->model);
    free(b->email);
    free(b->source_lang);
    free(b->target_lang);
    free(b->variant);
    free(b->langpair);
    memset(b, 0, sizeof *b);
}

void tj_http_request_init(struct tj_http_request *r, const char *method, char *url_take)
{
    memset(r, 0, sizeof *r);
    r->method = tj_xstrdup(method);
    r->url = url_take;
    r->headers = tj_xcalloc(1, sizeof *r->headers);
}

void tj_http_request_header(struct tj_http_request *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *line = tj_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(line, (size_t)n + 1, fmt, ap);
    va_end(ap);
    size_t k = 0;
    while (r->headers[k])
        k++;
    r->headers = tj_xreallocarray(r->headers, k + 2, sizeof *r->headers);
    r->headers[k] = line;
    r->headers[k + 1] = NULL;
}

void tj_http_request_json(struct tj_http_request *r, json_t *value_take)
{
    free(r->body);
    r->body = json_dumps(value_take, JSON_COMPACT);
    if (!r->body)
        r->body = tj_xstrdup("null");
    r->body_len = strlen(r->body);
    json_decref(value_take);
    tj_http_request_header(r, "Content-Type: application/json; charset=UTF-8");
}

char *tj_url_join(const char *base, const char *path)
{
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    while (*path == '/')
        path++;
    return tj_xasprintf("%.*s/%s", (int)n, base, path);
}

char *tj_url_escape(const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = tj_xmalloc(3 * len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out[k++] = (char)c;
        } else {
            out[k++] = '%';
            out[k++] = hex[c >> 4];
            out[k++] = hex[c & 15];
        }
    }
    out[k] = '\0';
    return out;
}

bool tj_http_response_is_html(const struct tj_http_response *resp)
{
    size_t n;
    const char *ct = tj_http_header(resp, "Content-Type", &n);
    if (ct && ((n >= 9 && strncasecmp(ct, "text/html", 9) == 0) ||
               (n >= 17 && strncasecmp(ct, "application/xhtml", 17) == 0)))
        return true;
    size_t i = 0;
    while (i < resp->len && isspace((unsigned char)resp->body[i]))
        i++;
    return i < resp->len && resp->body[i] == '<';
}

json_t *tj_http_response_json(const struct tj_http_response *resp)
{
    if (!resp->body || resp->len == 0)
        return NULL;
    return json_loadb(resp->body, resp->len, JSON_DECODE_ANY, NULL);
}

enum tj_perror tj_perror_set(struct tj_provider_error *err, enum tj_perror kind, long status,
                             const char *secret, const char *fmt, ...)
{
    err->kind = kind;
    err->http_status = status;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *full = tj_xmalloc(len > 0 ? (size_t)len + 1 : 1);
    va_start(ap, fmt);
    vsnprintf(full, len > 0 ? (size_t)len + 1 : 1, fmt, ap);
    va_end(ap);
    /* The key is masked in the whole text before it is cut, and so is any piece of it of six
     * characters or more that the service echoed (a key cut short, "abcd1234…"): no part of
     * it survives. */
    struct tj_buf b;
    tj_buf_init(&b, 0);
    size_t sl = secret ? strlen(secret) : 0;
    size_t min_piece = sl < 6 ? sl : 6;
    for (const char *p = full; *p;) {
        size_t piece = 0;
        for (size_t k = 0; sl && k < sl; k++) {
            size_t m = 0;
            while (p[m] && k + m < sl && p[m] == secret[k + m])
                m++;
            if (m > piece)
                piece = m;
        }
        if (sl && piece >= min_piece) {
            tj_buf_puts(&b, "***");
            p += piece;
        } else {
            tj_buf_putc(&b, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
            p++;
        }
    }
    free(full);
    size_t n = b.len < sizeof err->message ? b.len : sizeof err->message - 1;
    /* A cut inside a multibyte character would leave invalid UTF-8. */
    while (n > 0 && n < b.len && ((unsigned char)b.data[n] & 0xC0) == 0x80)
        n--;
    memcpy(err->message, b.data, n);
    err->message[n] = '\0';
    tj_buf_finish(&b);
    return kind;
}

enum tj_perror tj_perror_from_status(const struct tj_http_response *resp,
                                     struct tj_provider_error *err, const char *provider,
                                     const char *secret, const char *detail)
{
    long st = resp->status;
    enum tj_perror kind;
    const char *what;
    if (st == 401 || st == 403) {
        kind = TJ_PERR_AUTH;
        what = "credentials refused";
    } else if (st == 413 || st == 414) {
        kind = TJ_PERR_TOO_LARGE;
        what = "request too large";
    } else if (st == 456) {
        kind = TJ_PERR_QUOTA;
        what = "quota exceeded";
    } else if (st == 408 || st == 429 || st == 529) {
        kind = TJ_PERR_RETRYABLE;
        what = "too many requests";
    } else if (st >= 500) {
        kind = TJ_PERR_RETRYABLE;
        what = "server error";
    } else if (st >= 400) {
        kind = TJ_PERR_BAD_REQUEST;
        what = "request refused";
    } else if (st >= 200 && st < 300 && tj_http_response_is_html(resp)) {
        kind = TJ_PERR_PROTOCOL;
        what = "an HTML page instead of the API's answer";
    } else {
        kind = TJ_PERR_PROTOCOL;
        what = "unexpected answer";
    }
    if (!detail && tj_http_response_is_html(resp))
        detail = "an HTML page";
    tj_perror_set(err, kind, st, secret, "%s: HTTP %ld: %s%s%s", provider, st, what,
                  detail && *detail ? ": " : "", detail ? detail : "");
    if (kind == TJ_PERR_RETRYABLE)
        err->retry_after = tj_http_retry_after(resp, (long long)time(NULL));
    return kind;
}

/* True when s[0..len) is mostly Arabic: at least as many Arabic letters as Latin ones. */
static bool mostly_arabic(const char *s, size_t len)
{
    size_t ar = 0, lat = 0, i = 0;
    while (i < len) {
        uint32_t cp = tj_utf8_next(s, len, &i);
        if (tj_is_arabic_letter(cp))
            ar++;
        else if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            lat++;
    }
    return ar > 0 && ar >= lat;
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isspace((unsigned char)s[i]))
            return false;
    return true;
}

void tj_result_set(struct tj_result *res, const struct tj_batch_item *item, char *english_take,
                   bool *pin_back_take)
{
    tj_result_finish(res);
    res->text = english_take ? english_take : tj_xstrdup("");
    res->pin_back = pin_back_take;
    res->npins = pin_back_take ? item->npins : 0;
    size_t n = strlen(res->text);
    if (blank(res->text, n) && !blank(item->text, item->len))
        res->flags |= TJ_RESULT_EMPTY;
    else if (mostly_arabic(res->text, n) && tj_utf8_has_arabic(item->text, item->len))
        res->flags |= TJ_RESULT_ECHO;
}

void tj_result_restore(struct tj_result *res, const struct tj_batch_item *item,
                       enum tj_protect_kind kind, const char *out, size_t len)
{
    struct tj_pin_report *rep = item->npins ? tj_xcalloc(item->npins, sizeof *rep) : NULL;
    char *english = tj_protect_restore_report(kind, item->pins, item->npins, out, len, rep);
    bool *back = item->npins ? tj_xcalloc(item->npins, sizeof *back) : NULL;
    for (size_t i = 0; i < item->npins; i++)
        back[i] = rep[i].how != TJ_PIN_LOST;
    tj_result_set(res, item, english, back);
    res->pin_report = rep;
}

enum tj_perror tj_results_from_json(const struct tj_batch *batch, const json_t *root, json_t *arr,
                                    const char *field, enum tj_protect_kind kind,
                                    tj_result_fix_fn fix, const void *state, const char *provider,
                                    long status, struct tj_result *results,
                                    struct tj_provider_error *err)
{
    bool list = json_is_array(arr);
    size_t n = list ? json_array_size(arr) : arr && batch->n == 1 ? 1 : 0;
    if (n != batch->n)
        return tj_perror_set(
            err, TJ_PERR_PROTOCOL, status, NULL, "%s: %s (%zu translations for %zu segments)",
            provider, root ? "unexpected answer" : "an answer that is not JSON", n, batch->n);
    for (size_t i = 0; i < n; i++) {
        json_t *e = list ? json_array_get(arr, i) : arr;
        json_t *t = field ? json_object_get(e, field) : e;
        if (!json_is_string(t))
            return tj_perror_set(err, TJ_PERR_PROTOCOL, status, NULL,
                                 "%s: translation %zu has no %s", provider, i + 1,
                                 field ? field : "text");
        if (fix) {
            size_t len;
            char *fixed = fix(state, json_string_value(t), json_string_length(t), &len);
            tj_result_restore(&results[i], &batch->items[i], kind, fixed, len);
            free(fixed);
        } else {
            tj_result_restore(&results[i], &batch->items[i], kind, json_string_value(t),
                              json_string_length(t));
        }
    }
    return TJ_PERR_NONE;
}

enum tj_protect_kind tj_batch_protect(const struct tj_batch *batch,
                                      const enum tj_protect_kind *strategies, size_t n,
                                      enum tj_protect_kind own)
{
    if (!tj_batch_has_pins(batch))
        return TJ_PROTECT_NONE;
    if (batch->strategy >= 1 && batch->strategy <= n)
        return strategies[batch->strategy - 1];
    return own;
}

bool tj_batch_has_pins(const struct tj_batch *batch)
{
    for (size_t i = 0; i < batch->n; i++)
        if (batch->items[i].npins)
            return true;
    return false;
}

enum tj_status tj_batch_check(const struct tj_batch *batch, enum tj_protect_kind kind,
                              const struct tj_provider_limits *lim, const char *provider,
                              struct tj_diag *diag)
{
    if (batch->n == 0)
        return tj_diag_set(diag, TJ_ERR_DATA, "%s: an empty batch", provider);
    if (lim->max_segments && batch->n > lim->max_segments)
        return tj_diag_set(diag, TJ_ERR_DATA, "%s takes at most %zu segments per request, not %zu",
                           provider, lim->max_segments, batch->n);
    size_t chars = 0;
    for (size_t i = 0; i < batch->n; i++) {
        const struct tj_batch_item *it = &batch->items[i];
        chars += tj_utf8_count(it->text, it->len);
        if (lim->max_segment_bytes) {
            size_t b = tj_protect_size(kind, it->text, it->len, it->pins, it->npins);
            if (b > lim->max_segment_bytes)
                return tj_diag_set(diag, TJ_ERR_DATA,
                                   "%s takes at most %zu bytes per segment; segment %zu has %zu "
                                   "(split it)",
                                   provider, lim->max_segment_bytes, i + 1, b);
        }
    }
    if (lim->max_chars && chars > lim->max_chars)
        return tj_diag_set(diag, TJ_ERR_DATA,
                           "%s takes at most %zu characters per request, not %zu", provider,
                           lim->max_chars, chars);
    return TJ_OK;
}

static const char *json_text_at(json_t *obj, const char *key)
{
    json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

const char *tj_json_error_text(json_t *root)
{
    if (!json_is_object(root))
        return NULL;
    json_t *e = json_object_get(root, "error");
    const char *s = json_text_at(e, "message");
    if (!s && json_is_string(e) && json_string_length(e))
        s = json_string_value(e);
    static const char *const keys[] = {"message", "detail", "explanation", "responseDetails"};
    for (size_t i = 0; !s && i < TJ_ARRAY_LEN(keys); i++)
        s = json_text_at(root, keys[i]);
    return s;
}

void tj_results_finish(struct tj_result *results, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tj_result_finish(&results[i]);
}

void tj_http_request_finish(struct tj_http_request *r)
{
    free(r->method);
    free(r->url);
    if (r->headers)
        for (char **h = r->headers; *h; h++)
            free(*h);
    free(r->headers);
    free(r->body);
    memset(r, 0, sizeof *r);
}

void tj_result_finish(struct tj_result *r)
{
    free(r->text);
    free(r->qa_code);
    free(r->qa_message);
    free(r->pin_back);
    free(r->pin_report);
    memset(r, 0, sizeof *r);
}
