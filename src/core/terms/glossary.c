/* Glossary storage and TSV loading. */
#include "glossary.h"

#include "input.h"
#include "normalize.h"
#include "strmap.h"
#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A glossary line longer than this is malformed: no name needs it. */
#define TJ_GLOSSARY_LINE_MAX 4096
/* A glossary file larger than this is refused rather than read into memory. */
#define TJ_GLOSSARY_FILE_MAX (64u << 20)

struct tj_glossary {
    struct tj_term **terms;
    size_t nterms;
    struct tj_strmap *keys;
    struct tj_strmap *prefixes; /* every whole-word prefix of every key */
    struct tj_glossary_override *overrides;
    size_t noverrides;
    size_t max_words;
};

struct tj_glossary *tj_glossary_create(void)
{
    struct tj_glossary *g = tj_xcalloc(1, sizeof *g);
    g->keys = tj_strmap_create();
    g->prefixes = tj_strmap_create();
    return g;
}

void tj_glossary_destroy(struct tj_glossary *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nterms; i++) {
        free(g->terms[i]->arabic);
        free(g->terms[i]->english);
        for (size_t k = 0; k < g->terms[i]->naliases; k++)
            free(g->terms[i]->aliases[k]);
        free(g->terms[i]->aliases);
        free(g->terms[i]->note);
        free(g->terms[i]->file);
        free(g->terms[i]);
    }
    free(g->terms);
    tj_strmap_destroy(g->keys);
    tj_strmap_destroy(g->prefixes);
    for (size_t i = 0; i < g->noverrides; i++)
        free(g->overrides[i].spelling);
    free(g->overrides);
    free(g);
}

static bool word_char(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || tj_is_arabic_letter(cp) ||
           (cp >= 0xC0 && cp < 0x2000 && cp != 0xD7 && cp != 0xF7 &&
            !(cp >= 0x0600 && cp <= 0x06FF));
}

size_t tj_glossary_split(const char *s, size_t len, struct tj_word **out)
{
    struct tj_word *w = NULL;
    size_t n = 0, alloc = 0, i = 0;
    bool in_word = false;
    while (i < len) {
        size_t start = i;
        uint32_t cp = tj_utf8_next(s, len, &i);
        bool wc = word_char(cp);
        if (cp == '-' && in_word && i < len) {
            size_t k = i;
            wc = word_char(tj_utf8_next(s, len, &k));
        }
        /* A '+' closing a word belongs to it: أوبك+ (OPEC+) is not أوبك (OPEC). */
        if (cp == '+' && in_word)
            wc = true;
        if (!wc) {
            in_word = false;
            continue;
        }
        if (!in_word) {
            if (n == alloc) {
                alloc = alloc ? alloc * 2 : 16;
                w = tj_xreallocarray(w, alloc, sizeof *w);
            }
            w[n].start = start;
            w[n++].end = i;
            in_word = true;
        } else {
            w[n - 1].end = i;
        }
    }
    *out = w;
    return n;
}

char *tj_glossary_key(const char *text, size_t len, size_t *key_len, size_t *words)
{
    struct tj_mform m;
    tj_mform_init(&m, text, len);
    struct tj_word *w;
    size_t n = tj_glossary_split(m.text, m.len, &w);
    /* Words joined by single spaces never outgrow the matching form they were cut from, but
     * the matching form may be far longer than text: U+FDFA (3 bytes) reads as 18 letters. */
    char *key = tj_xmalloc(m.len + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            key[o++] = ' ';
        memcpy(key + o, m.text + w[i].start, w[i].end - w[i].start);
        o += w[i].end - w[i].start;
    }
    key[o] = '\0';
    *key_len = o;
    *words = n;
    free(w);
    tj_mform_finish(&m);
    return key;
}

enum tj_status tj_glossary_add(struct tj_glossary *g, const char *arabic, const char *english,
                               enum tj_term_type type, const char *note, struct tj_diag *diag)
{
    if (!*english)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "empty English");
    struct tj_term *t = tj_xcalloc(1, sizeof *t);
    const char *bar = strchr(arabic, '|');
    t->arabic = bar ? tj_xstrndup(arabic, (size_t)(bar - arabic)) : tj_xstrdup(arabic);
    /* English spellings: the first canonical, the rest aliases; none may be empty. */
    for (const char *p = english;;) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        while (n && p[0] == ' ')
            p++, n--;
        while (n && p[n - 1] == ' ')
            n--;
        if (n == 0) {
            for (size_t k = 0; k < t->naliases; k++)
                free(t->aliases[k]);
            free(t->aliases);
            free(t->english);
            free(t->arabic);
            free(t->note);
            free(t);
            return tj_diag_set(diag, TJ_ERR_CONFIG, "an empty English spelling in '%s'", english);
        }
        if (!t->english) {
            t->english = tj_xstrndup(p, n);
        } else {
            t->aliases = tj_xreallocarray(t->aliases, t->naliases + 1, sizeof *t->aliases);
            t->aliases[t->naliases++] = tj_xstrndup(p, n);
        }
        if (!e)
            break;
        p = e + 1;
    }
    t->type = type;
    t->note = note && *note ? tj_xstrdup(note) : NULL;
    const char *p = arabic;
    enum tj_status rc = TJ_OK;
    for (size_t spelling = 1;; spelling++) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        size_t klen, words;
        char *key = tj_glossary_key(p, n, &klen, &words);
        if (words == 0) {
            rc = tj_diag_set(diag, TJ_ERR_CONFIG, "spelling %zu of '%s' has no letters", spelling,
                             arabic);
        } else {
            const struct tj_term *prev = tj_strmap_put(g->keys, key, klen, t);
            if (prev && prev != t && strcmp(prev->english, t->english) != 0) {
                g->overrides =
                    tj_xreallocarray(g->overrides, g->noverrides + 1, sizeof *g->overrides);
                g->overrides[g->noverrides++] =
                    (struct tj_glossary_override){prev, t, tj_xstrndup(p, n)};
            }
            for (size_t k = 0; k <= klen; k++)
                if (k == klen || key[k] == ' ')
                    tj_strmap_put(g->prefixes, key, k, g);
            if (words > g->max_words)
                g->max_words = words;
        }
        free(key);
        if (rc != TJ_OK || !e)
            break;
        p = e + 1;
    }
    g->terms = tj_xreallocarray(g->terms, g->nterms + 1, sizeof *g->terms);
    g->terms[g->nterms++] = t;
    return rc;
}

static bool parse_type(const char *s, enum tj_term_type *out)
{
    static const char *const names[] = {"term", "person", "place", "org"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(names); i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum tj_term_type)i;
            return true;
        }
    return false;
}

static void trim(char **s)
{
    char *p = *s;
    while (*p == ' ')
        p++;
    size_t n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\r'))
        p[--n] = '\0';
    *s = p;
}

/* Parses one row (NUL-terminated, no newline) and adds it. */
static enum tj_status load_row(struct tj_glossary *g, const char *name, size_t line_no, char *row,
                               struct tj_diag *diag)
{
    char *fields[4] = {0};
    size_t nf = 0;
    char *p = row;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (nf == 4)
            return tj_diag_set(diag, TJ_ERR_CONFIG,
                               "%s:%zu: too many fields (at most 4: arabic, english, type, note)",
                               name, line_no);
        fields[nf++] = p;
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    for (size_t i = 0; i < nf; i++)
        trim(&fields[i]);
    if (nf < 2)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%zu: expected arabic<TAB>english, found no tab",
                           name, line_no);
    if (!*fields[0] || !*fields[1])
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%zu: empty %s field", name, line_no,
                           *fields[0] ? "English" : "Arabic");
    enum tj_term_type type = TJ_TERM_TERM;
    if (nf >= 3 && *fields[2] && !parse_type(fields[2], &type))
        return tj_diag_set(diag, TJ_ERR_CONFIG,
                           "%s:%zu: unknown type '%.40s' (person, place, org or term)", name,
                           line_no, fields[2]);
    struct tj_diag sub;
    enum tj_status rc =
        tj_glossary_add(g, fields[0], fields[1], type, nf == 4 ? fields[3] : NULL, &sub);
    if (rc != TJ_OK)
        return tj_diag_set(diag, rc, "%s:%zu: %s", name, line_no, sub.message);
    struct tj_term *t = g->terms[g->nterms - 1];
    t->file = tj_xstrdup(name);
    t->line = line_no;
    return TJ_OK;
}

enum tj_status tj_glossary_load_mem(struct tj_glossary *g, const char *name, const char *data,
                                    size_t len, struct tj_diag *diag)
{
    size_t bad;
    bool nul;
    if (!tj_utf8_check_text(data, len, &bad, &nul)) {
        size_t line = 1;
        for (size_t i = 0; i < bad; i++)
            line += data[i] == '\n';
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%zu: %s at byte offset %zu", name, line,
                           nul ? "NUL byte" : "invalid UTF-8", bad);
    }
    size_t pos = tj_input_bom(data, len), line_no = 0;
    char *row = tj_xmalloc(TJ_GLOSSARY_LINE_MAX + 1);
    enum tj_status rc = TJ_OK;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line_no++;
        size_t n = end - pos;
        if (n > TJ_GLOSSARY_LINE_MAX) {
            rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%zu: line longer than %d bytes", name,
                             line_no, TJ_GLOSSARY_LINE_MAX);
            goto out;
        }
        memcpy(row, data + pos, n);
        row[n] = '\0';
        pos = end + 1;
        char *r = row;
        while (*r == ' ' || *r == '\t' || *r == '\r')
            r++;
        if (*r == '\0' || *r == '#')
            continue;
        rc = load_row(g, name, line_no, row, diag);
        if (rc != TJ_OK)
            goto out;
    }
out:
    free(row);
    return rc;
}

enum tj_status tj_glossary_load_file(struct tj_glossary *g, const char *path, struct tj_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return tj_diag_set(diag, errno == ENOENT ? TJ_ERR_NOINPUT : TJ_ERR_CONFIG,
                           "%s: cannot open glossary: %s", path, strerror(errno));
    char *data = NULL;
    size_t len = 0;
    enum tj_status rc = tj_input_slurp(f, TJ_GLOSSARY_FILE_MAX, &data, &len);
    if (rc == TJ_ERR_DATA)
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: glossary larger than %u MiB", path,
                         TJ_GLOSSARY_FILE_MAX >> 20);
    else if (rc != TJ_OK)
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: read error: %s", path, strerror(errno));
    else
        rc = tj_glossary_load_mem(g, path, data, len, diag);
    free(data);
    fclose(f);
    return rc;
}

const struct tj_term *tj_glossary_lookup(const struct tj_glossary *g, const char *key, size_t len)
{
    return tj_strmap_get(g->keys, key, len);
}

size_t tj_glossary_overrides(const struct tj_glossary *g)
{
    return g->noverrides;
}

const struct tj_glossary_override *tj_glossary_override(const struct tj_glossary *g, size_t i)
{
    return &g->overrides[i];
}

bool tj_glossary_has_prefix(const struct tj_glossary *g, const char *key, size_t len)
{
    return tj_strmap_get(g->prefixes, key, len) != NULL;
}

size_t tj_glossary_max_words(const struct tj_glossary *g)
{
    return g->max_words;
}

size_t tj_glossary_spellings(const struct tj_glossary *g)
{
    return tj_strmap_count(g->keys);
}

size_t tj_glossary_terms(const struct tj_glossary *g)
{
    return g->nterms;
}

const struct tj_term *tj_glossary_term(const struct tj_glossary *g, size_t i)
{
    return g->terms[i];
}

const char *tj_term_type_name(enum tj_term_type t)
{
    static const char *const names[] = {"term", "person", "place", "org"};
    return names[t];
}
