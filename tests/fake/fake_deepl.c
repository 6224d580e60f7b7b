/* DeepL POST /v2/translate and /v2/usage (providers.md §2): Authorization: DeepL-Auth-Key
 * (the auth_key parameter is gone), a User-Agent required (as DeepL's own mock server
 * requires), JSON or form bodies, at most 50 texts and 128 KiB, tag_handling xml with
 * ignore_tags or html with translate="no"/class="notranslate", EN-US / EN-GB targets, a
 * context that is not billed, 456 when the quota is used up. 403, 429 and 5xx answers have
 * an empty body, as DeepL's mock server sends them.
 *
 * Glossaries (v2): POST /v2/glossaries (name, source_lang, target_lang, entries,
 * entries_format tsv), GET /v2/glossaries, GET and DELETE /v2/glossaries/{id}, GET
 * /v2/glossaries/{id}/entries, each key seeing only its own. A translation with glossary_id
 * needs source_lang and a glossary of the same pair; its entries are applied before the
 * word table: a source found as a whole word (after the clitics و ف and ب ل ك, which become
 * "and", "so", "in", "to", "like") comes out as its target; the faults unwrap and
 * drop-protected leave the entries unapplied or drop their terms. Glossaries outlive
 * /_reset. */
#include "fake.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

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

/* ---- glossaries ---------------------------------------------------------------------------- */

#define GLOSSARIES_MAX 1000            /* per key, as DeepL allows per account */
#define TERM_MAX 1024                  /* bytes of a source, a target or the name */
#define ENTRIES_MAX (10 * 1024 * 1024) /* bytes of entries */
static const char *const glossary_langs[] = {"AR", "DE", "EN", "ES", "FR",
                                             "IT", "JA", "RU", "TR", "ZH"};

struct gentry {
    char *source, *target;
};

struct glossary {
    char id[40];
    char *name, *owner;
    char source[8], target[8]; /* lower-case */
    char created[32];
    struct gentry *e;
    size_t n;
};

static pthread_mutex_t glock = PTHREAD_MUTEX_INITIALIZER;
static struct glossary **gls;
static size_t ngls;
static unsigned long gseq;

static void glossary_free(struct glossary *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->e[i].source);
        free(g->e[i].target);
    }
    free(g->e);
    free(g->name);
    free(g->owner);
    free(g);
}

/* The glossary id of key's (under glock), or NULL. */
static struct glossary *glossary_find(const char *id, const char *key)
{
    for (size_t i = 0; i < ngls; i++)
        if (strcmp(gls[i]->id, id) == 0 && strcmp(gls[i]->owner, key) == 0)
            return gls[i];
    return NULL;
}

static json_t *glossary_info(const struct glossary *g)
{
    return json_pack("{s:s,s:s,s:b,s:s,s:s,s:s,s:I}", "glossary_id", g->id, "name", g->name,
                     "ready", 1, "source_lang", g->source, "target_lang", g->target,
                     "creation_time", g->created, "entry_count", (json_int_t)g->n);
}

/* True when the UUID-shaped id could be one of ours. */
static bool id_shape(const char *id)
{
    if (strlen(id) != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = id[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

/* A term as DeepL takes it: not empty, at most TERM_MAX bytes, no C0 or C1 control character
 * (tabs and newlines included) and no Unicode line separator. */
static bool term_ok(const char *s, size_t n)
{
    if (n == 0 || n > TERM_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            return false;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F)
            return false; /* U+0080..U+009F */
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9))
            return false; /* U+2028, U+2029 */
    }
    return true;
}

/* Parses TSV entries into g (one "source<TAB>target" per line, blank lines skipped, each line
 * trimmed as DeepL's mock server does). False with the detail in err when they are invalid. */
static bool parse_entries(struct glossary *g, const char *tsv, char *err, size_t errlen)
{
    size_t index = 0;
    for (const char *line = tsv; *line; index++) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        const char *next = eol ? eol + 1 : line + len;
        while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
            len--;
        while (len && *line == ' ')
            line++, len--;
        if (!len) {
            line = next;
            continue;
        }
        const char *tab = memchr(line, '\t', len);
        if (!tab) {
            snprintf(err, errlen, "Key with the index %zu misses tab separator", index);
            return false;
        }
        size_t sl = (size_t)(tab - line), tl = len - sl - 1;
        if (memchr(tab + 1, '\t', tl)) {
            snprintf(err, errlen, "Entry with the index %zu has more than one tab", index);
            return false;
        }
        if (!term_ok(line, sl) || !term_ok(tab + 1, tl)) {
            snprintf(err, errlen,
                     "Entry with the index %zu is empty, too long or has a "
                     "character not allowed",
                     index);
            return false;
        }
        for (size_t k = 0; k < g->n; k++)
            if (strlen(g->e[k].source) == sl && memcmp(g->e[k].source, line, sl) == 0) {
                snprintf(err, errlen, "Key with the index %zu duplicates key with the index %zu",
                         index, k);
                return false;
            }
        g->e = fake_xrealloc(g->e, (g->n + 1) * sizeof *g->e);
        g->e[g->n].source = fake_xstrndup(line, sl);
        g->e[g->n].target = fake_xstrndup(tab + 1, tl);
        g->n++;
        line = next;
    }
    return true;
}

static void lower_copy(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < size; i++)
        dst[i] = (char)(src[i] >= 'A' && src[i] <= 'Z' ? src[i] + 32 : src[i]);
    dst[i] = '\0';
}

static void glossary_create(struct fake_req *req, struct fake_resp *resp, const char *key,
                            json_t *root, const struct fake_form *form)
{
    const char *name = param(root, form, "name");
    const char *src = param(root, form, "source_lang");
    const char *tgt = param(root, form, "target_lang");
    const char *entries = param(root, form, "entries");
    const char *format = param(root, form, "entries_format");
    size_t nl = sizeof glossary_langs / sizeof glossary_langs[0];
    if (!name || !*name || strlen(name) > TERM_MAX) {
        message(resp, 400, "Missing or invalid argument: name");
        return;
    }
    if (!src || !in(glossary_langs, nl, src)) {
        message(resp, 400, "Missing or invalid argument: source_lang");
        return;
    }
    if (!tgt || !in(glossary_langs, nl, tgt)) {
        message(resp, 400, "Missing or invalid argument: target_lang");
        return;
    }
    if (strcasecmp(src, tgt) == 0) {
        message(resp, 400, "Unsupported glossary source and target language pair");
        return;
    }
    if (!entries) {
        message(resp, 400, "Missing or invalid argument: entries");
        return;
    }
    if (!format || strcmp(format, "tsv") != 0) {
        /* csv is DeepL's other format; this fake reads tsv only. */
        message(resp, 400, "Missing or invalid argument: entries_format");
        return;
    }
    if (strlen(entries) > ENTRIES_MAX) {
        message(resp, 413, "Request Entity Too Large");
        return;
    }
    struct glossary *g = fake_xmalloc(sizeof *g);
    memset(g, 0, sizeof *g);
    char err[200];
    if (!parse_entries(g, entries, err, sizeof err)) {
        fake_resp_json(
            resp, 400,
            json_pack("{s:s,s:s}", "message", "Invalid glossary entries provided", "detail", err));
        glossary_free(g);
        return;
    }
    if (!g->n) {
        message(resp, 400, "Missing or invalid argument: entries");
        glossary_free(g);
        return;
    }
    g->name = fake_xstrdup(name);
    g->owner = fake_xstrdup(key);
    lower_copy(g->source, sizeof g->source, src);
    lower_copy(g->target, sizeof g->target, tgt);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(g->created, sizeof g->created, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    pthread_mutex_lock(&glock);
    size_t mine = 0;
    for (size_t i = 0; i < ngls; i++)
        mine += strcmp(gls[i]->owner, key) == 0;
    if (mine >= GLOSSARIES_MAX) {
        pthread_mutex_unlock(&glock);
        message(resp, 400, "Too many glossaries");
        glossary_free(g);
        return;
    }
    /* Ids unique across the fake's runs too, so an id cached by an earlier run is unknown. */
    unsigned long seq = ++gseq;
    snprintf(g->id, sizeof g->id, "%08lx-%04lx-4%03lx-8%03lx-%012lx",
             (unsigned long)now & 0xffffffffUL, (unsigned long)getpid() & 0xffff,
             (seq >> 12) & 0xfff, seq & 0xfff, seq);
    gls = fake_xrealloc(gls, (ngls + 1) * sizeof *gls);
    gls[ngls++] = g;
    json_t *info = glossary_info(g);
    pthread_mutex_unlock(&glock);
    (void)req;
    fake_resp_json(resp, 201, info);
}

/* The glossary routes: path is "/v2/glossaries" or below it. */
static void glossary_route(struct fake_req *req, struct fake_resp *resp, const char *key,
                           json_t *root, const struct fake_form *form)
{
    const char *rest = req->path + strlen("/v2/glossaries");
    bool get = strcmp(req->method, "GET") == 0;
    if (!*rest) {
        if (strcmp(req->method, "POST") == 0) {
            glossary_create(req, resp, key, root, form);
        } else if (get) {
            json_t *list = json_array();
            pthread_mutex_lock(&glock);
            for (size_t i = 0; i < ngls; i++)
                if (strcmp(gls[i]->owner, key) == 0)
                    json_array_append_new(list, glossary_info(gls[i]));
            pthread_mutex_unlock(&glock);
            fake_resp_json(resp, 200, json_pack("{s:o}", "glossaries", list));
        } else {
            message(resp, 405, "Method not allowed");
        }
        return;
    }
    char id[64];
    size_t n = strcspn(rest + 1, "/");
    if (rest[0] != '/' || n == 0 || n >= sizeof id) {
        empty(resp, 404);
        return;
    }
    memcpy(id, rest + 1, n);
    id[n] = '\0';
    const char *sub = rest + 1 + n;
    bool entries = strcmp(sub, "/entries") == 0;
    if (*sub && !entries) {
        empty(resp, 404);
        return;
    }
    if (!id_shape(id)) {
        message(resp, 400, "Value for 'glossary_id' not supported.");
        return;
    }
    bool del = strcmp(req->method, "DELETE") == 0;
    if (!get && !(del && !entries)) {
        message(resp, 405, "Method not allowed");
        return;
    }
    pthread_mutex_lock(&glock);
    struct glossary *g = glossary_find(id, key);
    if (!g) {
        pthread_mutex_unlock(&glock);
        message(resp, 404, "Glossary not found");
        return;
    }
    if (del) {
        for (size_t i = 0; i < ngls; i++)
            if (gls[i] == g) {
                gls[i] = gls[--ngls];
                break;
            }
        pthread_mutex_unlock(&glock);
        glossary_free(g);
        fake_resp_text(resp, 204, "application/json", "");
        return;
    }
    if (entries) {
        const char *accept = fake_header(req, "Accept");
        if (accept && *accept && !strstr(accept, "text/tab-separated-values") &&
            !strstr(accept, "*/*")) {
            pthread_mutex_unlock(&glock);
            message(resp, 415, "No supported media type specified in Accept header");
            return;
        }
        struct fbuf b = {0};
        for (size_t i = 0; i < g->n; i++)
            fbuf_printf(&b, "%s%s\t%s", i ? "\n" : "", g->e[i].source, g->e[i].target);
        pthread_mutex_unlock(&glock);
        char *tsv = fbuf_take(&b);
        fake_resp_text(resp, 200, "text/tab-separated-values; charset=UTF-8", tsv);
        free(tsv);
        return;
    }
    json_t *info = glossary_info(g);
    pthread_mutex_unlock(&glock);
    fake_resp_json(resp, 200, info);
}

/* Applying a glossary: each entry found in a text is replaced by a token the word table keeps
 * (Latin letters only), and the token by the entry's target once the text is translated. */

/* The code point at s[*i] (valid UTF-8, from a JSON string); advances *i. */
static uint32_t utf8_at(const char *s, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    if (u[0] < 0x80) {
        (*i)++;
        return u[0];
    }
    if (u[0] < 0xE0) {
        *i += 2;
        return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    }
    if (u[0] < 0xF0) {
        *i += 3;
        return (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 | (u[2] & 0x3F);
    }
    *i += 4;
    return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3F) << 12 |
           (uint32_t)(u[2] & 0x3F) << 6 | (u[3] & 0x3F);
}

static bool in_word(uint32_t cp)
{
    return (cp >= 0x0621 && cp <= 0x065F) || (cp >= 0x0670 && cp <= 0x06D5) || cp == 0x0640;
}

/* The English of a preposition written before a term (ب ل ك), or NULL. */
static const char *prep_english(uint32_t cp)
{
    return cp == 0x0628 ? "in" : cp == 0x0644 ? "to" : cp == 0x0643 ? "like" : NULL;
}

/* The longest entry of g whose source is all of s[at..) up to a word's end; its index or -1,
 * its length in *len. */
static long entry_at(const struct glossary *g, const char *s, size_t at, size_t *len)
{
    long best = -1;
    size_t best_len = 0;
    for (size_t k = 0; k < g->n; k++) {
        size_t n = strlen(g->e[k].source);
        if (n <= best_len || strncmp(s + at, g->e[k].source, n) != 0)
            continue;
        size_t j = at + n;
        if (s[j] && in_word(utf8_at(s, &j)))
            continue;
        best = (long)k;
        best_len = n;
    }
    *len = best_len;
    return best;
}

/* text with g's entries replaced by tokens (their targets in ap). The faults that undo
 * protection undo the glossary too: with unwrap no entry is applied (the Arabic is translated
 * as any), with drop-protected the terms vanish. */
static char *glossary_apply(const struct glossary *g, const char *text, struct fake_terms *ap,
                            unsigned flags)
{
    ap->tag = "ZQGL";
    if (flags & FK_UNWRAP)
        return fake_xstrdup(text);
    struct fbuf b = {0};
    size_t i = 0;
    bool word_start = true;
    while (text[i]) {
        if (word_start) {
            /* The term itself, or after a conjunction, a preposition or both. */
            size_t at = i, len, j = i;
            const char *pre[2] = {NULL, NULL};
            long k = entry_at(g, text, at, &len);
            uint32_t c0 = utf8_at(text, &j);
            if (k < 0 && (c0 == 0x0648 || c0 == 0x0641)) {
                pre[0] = c0 == 0x0648 ? "and" : "so";
                at = j;
                k = entry_at(g, text, at, &len);
                uint32_t c1 = text[at] ? utf8_at(text, &j) : 0;
                if (k < 0 && prep_english(c1)) {
                    pre[1] = prep_english(c1);
                    at = j;
                    k = entry_at(g, text, at, &len);
                }
            } else if (k < 0 && prep_english(c0)) {
                pre[0] = prep_english(c0);
                at = j;
                k = entry_at(g, text, at, &len);
            }
            if (k >= 0) {
                for (int c = 0; c < 2; c++)
                    if (pre[c])
                        fbuf_printf(&b, "%s ", pre[c]);
                if (!(flags & FK_DROP_PROTECTED)) {
                    fake_terms_add(ap, &b, g->e[k].target, strlen(g->e[k].target));
                }
                i = at + len;
                word_start = false;
                continue;
            }
        }
        size_t j = i;
        uint32_t cp = utf8_at(text, &j);
        fbuf_add(&b, text + i, j - i);
        word_start = !in_word(cp);
        i = j;
    }
    return fbuf_take(&b);
}

/* The glossary a translation names, applied to its texts. */
struct glossary_use {
    char **texts;          /* the texts with the entries as tokens, or NULL */
    struct fake_terms *ap; /* per text */
};

/* Applies glossary id (key's) to texts[0..n) into use; false after answering an error (an id
 * DeepL would not know, or a glossary of another language pair). */
static bool glossary_use(struct glossary_use *use, const char *id, const char *key,
                         const char *source, const char *target, const char *const *texts, size_t n,
                         unsigned flags, struct fake_resp *resp)
{
    if (!id_shape(id)) {
        message(resp, 400, "Value for 'glossary_id' not supported.");
        return false;
    }
    pthread_mutex_lock(&glock);
    const struct glossary *g = glossary_find(id, key);
    if (!g) {
        pthread_mutex_unlock(&glock);
        message(resp, 400, "Glossary not found.");
        return false;
    }
    char src[8], tgt[8];
    lower_copy(src, sizeof src, source);
    lower_copy(tgt, sizeof tgt, target);
    tgt[strcspn(tgt, "-")] = '\0';
    if (strcmp(g->source, src) != 0 || strcmp(g->target, tgt) != 0) {
        pthread_mutex_unlock(&glock);
        message(resp, 400, "The glossary's language pair does not match the translation's.");
        return false;
    }
    use->texts = fake_xmalloc((n ? n : 1) * sizeof *use->texts);
    use->ap = fake_xmalloc((n ? n : 1) * sizeof *use->ap);
    memset(use->ap, 0, (n ? n : 1) * sizeof *use->ap);
    for (size_t i = 0; i < n; i++)
        use->texts[i] = glossary_apply(g, texts[i], &use->ap[i], flags);
    pthread_mutex_unlock(&glock);
    return true;
}

static void glossary_use_free(struct glossary_use *use, size_t n)
{
    if (!use->texts)
        return;
    for (size_t i = 0; i < n; i++) {
        free(use->texts[i]);
        fake_terms_free(&use->ap[i]);
    }
    free(use->texts);
    free(use->ap);
}

/* Everything under /v2/glossaries: the key and User-Agent checks of every route, then the
 * glossary route itself. */
static void glossary_handle(struct fake_req *req, struct fake_resp *resp)
{
    if (req->count_only)
        return;
    const char *auth = fake_header(req, "Authorization");
    const char *key = auth && strncmp(auth, "DeepL-Auth-Key ", 15) == 0 ? auth + 15 : NULL;
    if (!key || !*key || (fake_cfg.key && strcmp(key, fake_cfg.key) != 0)) {
        empty(resp, 403);
        return;
    }
    const char *ua = fake_header(req, "User-Agent");
    if (!ua || !*ua) {
        message(resp, 400, "User-Agent header missing.");
        return;
    }
    json_t *root = NULL;
    struct fake_form form = {0};
    if (strcmp(req->method, "POST") == 0) {
        if (fake_is_json(req)) {
            root = json_loadb(req->body, req->body_len, 0, NULL);
            if (!json_is_object(root)) {
                message(resp, 400, "Invalid request: expected a JSON object");
                json_decref(root);
                return;
            }
        } else {
            fake_form_parse(&form, req->body, req->body_len);
        }
    }
    glossary_route(req, resp, key, root, &form);
    json_decref(root);
    fake_form_free(&form);
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

    const char *gp = req->path + strlen("/v2/glossaries");
    if (strncmp(req->path, "/v2/glossaries", 14) == 0 && (!*gp || *gp == '/')) {
        glossary_handle(req, resp);
        return;
    }
    struct glossary_use use = {0};
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
    const char *gid = param(root, &form, "glossary_id");
    if (gid && !glossary_use(&use, gid, key, source, target, texts_in, n, req->faults.flags, resp))
        goto out;
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
    fake_mangle_opts(&o, &req->faults);
    texts = fake_translate_all(use.texts ? (const char *const *)use.texts : texts_in, n, &o);
    for (size_t i = 0; use.texts && i < n; i++)
        fake_terms_restore(&use.ap[i], &texts[i]);
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
    glossary_use_free(&use, n);
    fake_free_all(texts, nt);
    free(texts_in);
    free(tagbuf);
    json_decref(root);
    fake_form_free(&form);
}

const struct fake_proto fake_deepl = {"deepl", deepl_handle, deepl_fail};
