/* Glossary storage, TSV loading, dates and status, and the checks of `glossary check`. */
#include "glossary.h"

#include "glossary_int.h"
#include "input.h"
#include "normalize.h"
#include "strmap.h"
#include "utf8.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* A glossary file larger than this is refused rather than read into memory. */
#define TJ_GLOSSARY_FILE_MAX (64u << 20)

/* Every row that gives one key, in load order, with the spelling of the row that gave it. */
struct slot_entry {
    struct tj_term *term;
    size_t spelling;
};
struct slot {
    struct slot_entry *v;
    size_t n;
};

struct findings {
    struct tj_glossary_finding *v;
    size_t n;
};

struct tj_glossary {
    struct tj_term **terms;
    size_t nterms;
    struct tj_strmap *keys; /* key → struct slot */
    struct slot **slots;    /* every slot, in the order keys were first seen */
    size_t nslots;
    struct tj_strmap *prefixes; /* every whole-word prefix of every key */
    struct tj_glossary_override *overrides;
    size_t noverrides;
    size_t max_words;
    uint32_t date; /* 0: today */
    bool proposed;
    bool keep_going;
    char **files; /* names of the files loaded, each once; terms and findings point here */
    size_t nfiles;
    struct findings loaded;  /* found while loading */
    struct findings checked; /* the last tj_glossary_check */
};

struct tj_glossary *tj_glossary_create(void)
{
    struct tj_glossary *g = tj_xcalloc(1, sizeof *g);
    g->keys = tj_strmap_create();
    g->prefixes = tj_strmap_create();
    return g;
}

static void free_term(struct tj_term *t)
{
    for (size_t k = 0; k < t->nspellings; k++)
        free(t->spellings[k]);
    free(t->spellings);
    free(t->english);
    for (size_t k = 0; k < t->naliases; k++)
        free(t->aliases[k]);
    free(t->aliases);
    free(t->note);
    free(t);
}

static void findings_clear(struct findings *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].message);
    free(f->v);
    f->v = NULL;
    f->n = 0;
}

void tj_glossary_destroy(struct tj_glossary *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->nterms; i++)
        free_term(g->terms[i]);
    free(g->terms);
    for (size_t i = 0; i < g->nslots; i++) {
        free(g->slots[i]->v);
        free(g->slots[i]);
    }
    free(g->slots);
    tj_strmap_destroy(g->keys);
    tj_strmap_destroy(g->prefixes);
    for (size_t i = 0; i < g->noverrides; i++)
        free(g->overrides[i].spelling);
    free(g->overrides);
    for (size_t i = 0; i < g->nfiles; i++)
        free(g->files[i]);
    free(g->files);
    findings_clear(&g->loaded);
    findings_clear(&g->checked);
    free(g);
}

/* The glossary's copy of a file name, made once. */
static const char *intern(struct tj_glossary *g, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < g->nfiles; i++)
        if (strcmp(g->files[i], name) == 0)
            return g->files[i];
    g->files = tj_xreallocarray(g->files, g->nfiles + 1, sizeof *g->files);
    g->files[g->nfiles] = tj_xstrdup(name);
    return g->files[g->nfiles++];
}

static size_t file_index(const struct tj_glossary *g, const char *file)
{
    for (size_t i = 0; i < g->nfiles; i++)
        if (g->files[i] == file)
            return i;
    return g->nfiles;
}

static void add_finding(struct findings *f, enum tj_finding_level level, const char *kind,
                        const char *file, size_t line, char *message)
{
    f->v = tj_xreallocarray(f->v, f->n + 1, sizeof *f->v);
    f->v[f->n++] = (struct tj_glossary_finding){level, kind, file, line, message};
}

static char *vformat(const char *fmt, va_list ap)
{
    char buf[TJ_DIAG_MAX];
    vsnprintf(buf, sizeof buf, fmt, ap);
    return tj_xstrdup(buf);
}

enum tj_status tj_glossary_row_error(struct tj_glossary *g, const char *name, size_t line,
                                     struct tj_diag *diag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = vformat(fmt, ap);
    va_end(ap);
    if (g->keep_going) {
        add_finding(&g->loaded, TJ_FINDING_ERROR, "bad-row", intern(g, name), line, what);
        return TJ_OK;
    }
    enum tj_status rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%zu: %s", name, line, what);
    free(what);
    return rc;
}

void tj_glossary_warn(struct tj_glossary *g, const char *name, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = vformat(fmt, ap);
    va_end(ap);
    add_finding(&g->loaded, TJ_FINDING_WARNING, "skipped", intern(g, name), line, what);
}

void tj_glossary_keep_going(struct tj_glossary *g, bool on)
{
    g->keep_going = on;
}

bool tj_glossary_keeps_going(const struct tj_glossary *g)
{
    return g->keep_going;
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

/* --- Dates ------------------------------------------------------------------------------ */

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool tj_glossary_parse_date(const char *s, uint32_t *out)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (size_t i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !(s[i] >= '0' && s[i] <= '9'))
            return false;
    }
    if (s[10] != '\0')
        return false;
    unsigned y =
        (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0'));
    unsigned m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
    unsigned d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
    if (y < 1000 || m < 1 || m > 12 || d < 1)
        return false;
    if (d > mdays[m - 1] + (m == 2 && leap(y)))
        return false;
    *out = y * 10000 + m * 100 + d;
    return true;
}

uint32_t tj_glossary_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm))
        return 0;
    return (uint32_t)(tm.tm_year + 1900) * 10000 + (uint32_t)(tm.tm_mon + 1) * 100 +
           (uint32_t)tm.tm_mday;
}

/* Days since 1970-01-01 of a YYYYMMDD date (Howard Hinnant's days_from_civil), for counting
 * whole days across month ends. */
static int64_t day_number(uint32_t date)
{
    int64_t y = date / 10000, m = date / 100 % 100, d = date % 100;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

#define OPEN_FROM INT64_MIN / 4
#define OPEN_TO INT64_MAX / 4

static int64_t from_day(const struct tj_term *t)
{
    return t->valid_from ? day_number(t->valid_from) : OPEN_FROM;
}

static int64_t to_day(const struct tj_term *t)
{
    return t->valid_to ? day_number(t->valid_to) : OPEN_TO;
}

bool tj_term_in_force(const struct tj_term *t, uint32_t date)
{
    return (!t->valid_from || date >= t->valid_from) && (!t->valid_to || date <= t->valid_to);
}

static bool overlap(const struct tj_term *a, const struct tj_term *b)
{
    int64_t from = from_day(a) > from_day(b) ? from_day(a) : from_day(b);
    int64_t to = to_day(a) < to_day(b) ? to_day(a) : to_day(b);
    return from <= to;
}

void tj_glossary_set_date(struct tj_glossary *g, uint32_t date)
{
    g->date = date;
}

void tj_glossary_set_proposed(struct tj_glossary *g, bool pin)
{
    g->proposed = pin;
}

/* --- Adding rows ------------------------------------------------------------------------- */

/* A control character, or U+FFFE or U+FFFF, which XML (a TBX file) cannot hold. */
static bool bad_char_at(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    return c < 0x20 || c == 0x7F ||
           (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF));
}

static bool has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (bad_char_at(s, n, i))
            return true;
    return false;
}

/* The '|'-separated spellings of s, each without the spaces around it, as new strings in
 * *out. Returns their count; *bad is the 1-based index of the first empty one (0: none). */
static size_t split_bars(const char *s, char ***out, size_t *bad)
{
    char **v = NULL;
    size_t n = 0;
    *bad = 0;
    for (const char *p = s;;) {
        const char *e = strchr(p, '|');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && p[0] == ' ')
            p++, len--;
        while (len && p[len - 1] == ' ')
            len--;
        if (len == 0 && !*bad)
            *bad = n + 1;
        v = tj_xreallocarray(v, n + 1, sizeof *v);
        v[n++] = tj_xstrndup(p, len);
        if (!e)
            break;
        p = e + 1;
    }
    *out = v;
    return n;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* A note as stored: control characters (a CSV or TBX note may hold line breaks and tabs) become
 * spaces so that the note fits a TSV field; NULL when empty. */
static char *clean_note(const char *note)
{
    if (!note)
        return NULL;
    while (*note == ' ' || *note == '\t' || *note == '\n' || *note == '\r')
        note++;
    char *n = tj_xstrdup(note);
    size_t len = strlen(n);
    for (size_t i = 0; i < len; i++)
        if (bad_char_at(n, len, i)) {
            bool wide = (unsigned char)n[i] == 0xEF;
            if (wide) /* U+FFFE, U+FFFF: three bytes become one space */
                memmove(n + i + 1, n + i + 3, len - i - 2), len -= 2;
            n[i] = ' ';
        }
    while (len && n[len - 1] == ' ')
        n[--len] = '\0';
    if (!len) {
        free(n);
        return NULL;
    }
    return n;
}

static void add_key(struct tj_glossary *g, struct tj_term *t, size_t spelling, const char *key,
                    size_t klen, size_t words)
{
    struct slot *s = tj_strmap_get(g->keys, key, klen);
    if (!s) {
        s = tj_xcalloc(1, sizeof *s);
        tj_strmap_put(g->keys, key, klen, s);
        g->slots = tj_xreallocarray(g->slots, g->nslots + 1, sizeof *g->slots);
        g->slots[g->nslots++] = s;
    }
    for (size_t k = 0; k < s->n; k++)
        if (s->v[k].term == t)
            return; /* the row spells the key twice */
    for (size_t k = s->n; k-- > 0;) {
        const struct tj_term *p = s->v[k].term;
        if (!overlap(p, t))
            continue;
        if (strcmp(p->english, t->english) != 0) {
            g->overrides = tj_xreallocarray(g->overrides, g->noverrides + 1, sizeof *g->overrides);
            g->overrides[g->noverrides++] =
                (struct tj_glossary_override){p, t, tj_xstrdup(t->spellings[spelling])};
        }
        break;
    }
    s->v = tj_xreallocarray(s->v, s->n + 1, sizeof *s->v);
    s->v[s->n++] = (struct slot_entry){t, spelling};
    for (size_t k = 0; k <= klen; k++)
        if (k == klen || key[k] == ' ')
            tj_strmap_put(g->prefixes, key, k, g);
    if (words > g->max_words)
        g->max_words = words;
}

enum tj_status tj_glossary_add_row(struct tj_glossary *g, const struct tj_glossary_row *row,
                                   const char *file, size_t line, struct tj_diag *diag)
{
    if (!row->english || !*row->english)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "empty English");
    enum tj_status rc = TJ_OK;
    struct tj_term *t = tj_xcalloc(1, sizeof *t);
    char **keys = NULL;
    size_t *klens = NULL, *words = NULL, bad;
    /* English spellings: the first canonical, the rest aliases; none may be empty. */
    char **en;
    size_t nen = split_bars(row->english, &en, &bad);
    t->english = en[0];
    t->aliases = nen > 1 ? tj_xreallocarray(NULL, nen - 1, sizeof *t->aliases) : NULL;
    for (size_t i = 1; i < nen; i++)
        t->aliases[t->naliases++] = en[i];
    free(en);
    if (bad) {
        rc =
            tj_diag_set(diag, TJ_ERR_CONFIG, "an empty English spelling in '%.200s'", row->english);
        goto out;
    }
    if (has_control(row->english, strlen(row->english))) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "a control character in the English");
        goto out;
    }
    t->nspellings = split_bars(row->arabic, &t->spellings, &bad);
    t->arabic = t->spellings[0];
    keys = tj_xcalloc(t->nspellings, sizeof *keys);
    klens = tj_xcalloc(t->nspellings, sizeof *klens);
    words = tj_xcalloc(t->nspellings, sizeof *words);
    for (size_t i = 0; i < t->nspellings; i++) {
        const char *sp = t->spellings[i];
        keys[i] = tj_glossary_key(sp, strlen(sp), &klens[i], &words[i]);
        if (words[i] == 0) {
            rc = tj_diag_set(diag, TJ_ERR_CONFIG, "spelling %zu of '%.200s' has no letters", i + 1,
                             row->arabic);
            goto out;
        }
        if (has_control(sp, strlen(sp))) {
            rc = tj_diag_set(diag, TJ_ERR_CONFIG, "a control character in Arabic spelling %zu",
                             i + 1);
            goto out;
        }
    }
    t->type = row->type;
    t->note = clean_note(row->note);
    t->valid_from = row->valid_from;
    t->valid_to = row->valid_to;
    t->status = row->status;
    if (t->spellings[0][0] == '#') {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "an Arabic spelling starting with '#' (a comment)");
        goto out;
    }
    struct tj_buf row_tsv;
    tj_buf_init(&row_tsv, 0);
    tj_glossary_write_row(t, &row_tsv);
    size_t row_len = row_tsv.len - 1;
    tj_buf_finish(&row_tsv);
    if (row_len > TJ_GLOSSARY_LINE_MAX) {
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "a row longer than %d bytes as TSV",
                         TJ_GLOSSARY_LINE_MAX);
        goto out;
    }
    t->file = intern(g, file);
    t->line = line;
    for (size_t i = 0; i < t->nspellings; i++)
        add_key(g, t, i, keys[i], klens[i], words[i]);
    g->terms = tj_xreallocarray(g->terms, g->nterms + 1, sizeof *g->terms);
    g->terms[g->nterms++] = t;
out:
    if (keys)
        free_strings(keys, t->nspellings);
    free(klens);
    free(words);
    if (rc != TJ_OK)
        free_term(t);
    return rc;
}

enum tj_status tj_glossary_add(struct tj_glossary *g, const char *arabic, const char *english,
                               enum tj_term_type type, const char *note, struct tj_diag *diag)
{
    struct tj_glossary_row row = {.arabic = arabic, .english = english, .type = type, .note = note};
    return tj_glossary_add_row(g, &row, NULL, 0, diag);
}

bool tj_term_type_parse(const char *s, enum tj_term_type *out)
{
    static const char *const names[] = {"term", "person", "place", "org"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(names); i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (enum tj_term_type)i;
            return true;
        }
    return false;
}

bool tj_glossary_row_field(struct tj_glossary_row *row, const char *key, const char *value,
                           char *why, size_t why_len)
{
    if (strcmp(key, "valid_from") == 0 || strcmp(key, "valid_to") == 0) {
        uint32_t *d = key[6] == 'f' ? &row->valid_from : &row->valid_to;
        if (!*value) {
            *d = 0;
            return true;
        }
        if (tj_glossary_parse_date(value, d))
            return true;
        snprintf(why, why_len, "%s '%.40s' is not a date (YYYY-MM-DD)", key, value);
        return false;
    }
    if (strcmp(key, "status") == 0) {
        if (!*value || strcmp(value, "approved") == 0)
            row->status = TJ_TERM_APPROVED;
        else if (strcmp(value, "proposed") == 0)
            row->status = TJ_TERM_PROPOSED;
        else {
            snprintf(why, why_len, "status '%.40s': approved or proposed", value);
            return false;
        }
        return true;
    }
    if (strcmp(key, "type") == 0) {
        if (!*value) {
            row->type = TJ_TERM_TERM;
            return true;
        }
        if (tj_term_type_parse(value, &row->type))
            return true;
        snprintf(why, why_len, "unknown type '%.40s' (person, place, org or term)", value);
        return false;
    }
    if (strcmp(key, "note") == 0) {
        row->note = value;
        return true;
    }
    snprintf(why, why_len, "unknown field '%.40s' (valid_from, valid_to or status)", key);
    return false;
}

void tj_glossary_format_date(uint32_t d, char out[16])
{
    snprintf(out, 16, "%04u-%02u-%02u", (unsigned)(d / 10000 % 10000), (unsigned)(d / 100 % 100),
             (unsigned)(d % 100));
}

bool tj_glossary_row_finish(const struct tj_glossary_row *row, char *why, size_t why_len)
{
    if (row->valid_from && row->valid_to && row->valid_from > row->valid_to) {
        char a[16], b[16];
        tj_glossary_format_date(row->valid_from, a);
        tj_glossary_format_date(row->valid_to, b);
        snprintf(why, why_len, "valid_from %s is after valid_to %s", a, b);
        return false;
    }
    return true;
}

/* --- TSV --------------------------------------------------------------------------------- */

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

/* The most fields a row can have: four in place and one of each key=value field. */
#define TSV_FIELDS_MAX 7

/* Parses one row (NUL-terminated, no newline) and adds it. */
static enum tj_status load_row(struct tj_glossary *g, const char *name, size_t line_no, char *row,
                               struct tj_diag *diag)
{
    char *fields[TSV_FIELDS_MAX] = {0};
    size_t nf = 0;
    char *p = row;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (nf == TSV_FIELDS_MAX)
            return tj_glossary_row_error(g, name, line_no, diag,
                                         "too many fields (arabic, english, type, note, then "
                                         "valid_from=, valid_to= and status= once each)");
        fields[nf++] = p;
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    for (size_t i = 0; i < nf; i++)
        trim(&fields[i]);
    if (nf < 2)
        return tj_glossary_row_error(g, name, line_no, diag,
                                     "expected arabic<TAB>english, found no tab");
    if (!*fields[0] || !*fields[1])
        return tj_glossary_row_error(g, name, line_no, diag, "empty %s field",
                                     *fields[0] ? "English" : "Arabic");
    struct tj_glossary_row r = {.arabic = fields[0], .english = fields[1]};
    char why[160];
    if (nf >= 3 && *fields[2] && !tj_term_type_parse(fields[2], &r.type))
        return tj_glossary_row_error(
            g, name, line_no, diag, "unknown type '%.40s' (person, place, org or term)", fields[2]);
    r.note = nf >= 4 ? fields[3] : NULL;
    unsigned seen = 0;
    for (size_t i = 4; i < nf; i++) {
        if (!*fields[i])
            continue;
        char *eq = strchr(fields[i], '=');
        if (!eq)
            return tj_glossary_row_error(
                g, name, line_no, diag,
                "field %zu '%.40s' is not key=value (valid_from, valid_to or status)", i + 1,
                fields[i]);
        *eq = '\0';
        char *key = fields[i], *value = eq + 1;
        trim(&key);
        trim(&value);
        static const char *const keys[] = {"valid_from", "valid_to", "status"};
        size_t k = 0;
        while (k < TJ_ARRAY_LEN(keys) && strcmp(key, keys[k]) != 0)
            k++;
        if (k == TJ_ARRAY_LEN(keys))
            return tj_glossary_row_error(g, name, line_no, diag,
                                         "unknown field '%.40s' (valid_from, valid_to or status)",
                                         key);
        if (seen & (1u << k))
            return tj_glossary_row_error(g, name, line_no, diag, "%s given twice", key);
        seen |= 1u << k;
        if (!tj_glossary_row_field(&r, key, value, why, sizeof why))
            return tj_glossary_row_error(g, name, line_no, diag, "%s", why);
    }
    if (!tj_glossary_row_finish(&r, why, sizeof why))
        return tj_glossary_row_error(g, name, line_no, diag, "%s", why);
    struct tj_diag sub;
    if (tj_glossary_add_row(g, &r, name, line_no, &sub) != TJ_OK)
        return tj_glossary_row_error(g, name, line_no, diag, "%s", sub.message);
    return TJ_OK;
}

enum tj_status tj_glossary_load_mem(struct tj_glossary *g, const char *name, const char *data,
                                    size_t len, struct tj_diag *diag)
{
    size_t pos = tj_input_bom(data, len), line_no = 0;
    char *row = tj_xmalloc(TJ_GLOSSARY_LINE_MAX + 1);
    enum tj_status rc = TJ_OK;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line_no++;
        size_t n = end - pos, bad;
        bool nul;
        const char *line = data + pos;
        pos = end + 1;
        if (!tj_utf8_check_text(line, n, &bad, &nul)) {
            rc = tj_glossary_row_error(g, name, line_no, diag, "%s at byte offset %zu",
                                       nul ? "NUL byte" : "invalid UTF-8",
                                       (size_t)(line - data) + bad);
        } else if (n > TJ_GLOSSARY_LINE_MAX) {
            rc = tj_glossary_row_error(g, name, line_no, diag, "line longer than %d bytes",
                                       TJ_GLOSSARY_LINE_MAX);
        } else {
            memcpy(row, line, n);
            row[n] = '\0';
            char *r = row;
            while (*r == ' ' || *r == '\t' || *r == '\r')
                r++;
            if (*r == '\0' || *r == '#')
                continue;
            rc = load_row(g, name, line_no, row, diag);
        }
        if (rc != TJ_OK)
            break;
    }
    free(row);
    return rc;
}

enum tj_glossary_format tj_glossary_format_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return TJ_GLOSSARY_TSV;
    if (strcasecmp(dot, ".csv") == 0)
        return TJ_GLOSSARY_CSV;
    if (strcasecmp(dot, ".tbx") == 0)
        return TJ_GLOSSARY_TBX;
    return TJ_GLOSSARY_TSV;
}

enum tj_status tj_glossary_load_mem_as(struct tj_glossary *g, enum tj_glossary_format fmt,
                                       const char *name, const char *data, size_t len,
                                       struct tj_diag *diag)
{
    switch (fmt) {
    case TJ_GLOSSARY_CSV:
        return tj_glossary_load_csv(g, name, data, len, diag);
    case TJ_GLOSSARY_TBX:
        return tj_glossary_load_tbx(g, name, data, len, diag);
    case TJ_GLOSSARY_TSV:
        break;
    }
    return tj_glossary_load_mem(g, name, data, len, diag);
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
        rc = tj_glossary_load_mem_as(g, tj_glossary_format_of(path), path, data, len, diag);
    free(data);
    fclose(f);
    return rc;
}

/* --- Lookup ------------------------------------------------------------------------------ */

static const struct tj_term *pick(const struct tj_glossary *g, const struct slot *s, uint32_t date)
{
    if (!s)
        return NULL;
    for (size_t k = s->n; k-- > 0;) {
        const struct tj_term *t = s->v[k].term;
        if (t->status == TJ_TERM_PROPOSED && !g->proposed)
            continue;
        if (!t->valid_from && !t->valid_to)
            return t;
        /* The clock is read only for dated rows, and once per lookup. */
        if (!date)
            date = g->date ? g->date : tj_glossary_today();
        if (tj_term_in_force(t, date))
            return t;
    }
    return NULL;
}

const struct tj_term *tj_glossary_lookup(const struct tj_glossary *g, const char *key, size_t len)
{
    return pick(g, tj_strmap_get(g->keys, key, len), g->date);
}

const struct tj_term *tj_glossary_lookup_on(const struct tj_glossary *g, const char *key,
                                            size_t len, uint32_t date)
{
    return pick(g, tj_strmap_get(g->keys, key, len), date ? date : tj_glossary_today());
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

/* --- Checks ------------------------------------------------------------------------------ */

static void finding(struct tj_glossary *g, enum tj_finding_level level, const char *kind,
                    const struct tj_term *t, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void finding(struct tj_glossary *g, enum tj_finding_level level, const char *kind,
                    const struct tj_term *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = vformat(fmt, ap);
    va_end(ap);
    add_finding(&g->checked, level, kind, t->file, t->line, what);
}

/* "line N" for a row of the same file as here, else "FILE:N". */
static void where(const struct tj_term *t, const struct tj_term *here, char *out, size_t n)
{
    if (t->file == here->file || !t->file)
        snprintf(out, n, "line %zu", t->line);
    else
        snprintf(out, n, "%s:%zu", t->file, t->line);
}

/* " (both in force from A to B)" when either row is dated, else "". */
static void common_days(const struct tj_term *a, const struct tj_term *b, char *out, size_t n)
{
    out[0] = '\0';
    if (!a->valid_from && !a->valid_to && !b->valid_from && !b->valid_to)
        return;
    uint32_t from = a->valid_from > b->valid_from ? a->valid_from : b->valid_from;
    uint32_t to = !a->valid_to                ? b->valid_to
                  : !b->valid_to              ? a->valid_to
                  : a->valid_to < b->valid_to ? a->valid_to
                                              : b->valid_to;
    char f[16] = "", t[16] = "";
    if (from)
        tj_glossary_format_date(from, f);
    if (to)
        tj_glossary_format_date(to, t);
    if (from && to)
        snprintf(out, n, " (both in force from %s to %s)", f, t);
    else if (from)
        snprintf(out, n, " (both in force from %s on)", f);
    else
        snprintf(out, n, " (both in force until %s)", t);
}

/* Conflicts, overrides and duplicates: every pair of rows giving one key on a common day,
 * reported once per pair at the later row, naming the first key they share. */
static void check_pairs(struct tj_glossary *g)
{
    struct tj_strmap *seen = tj_strmap_create();
    for (size_t si = 0; si < g->nslots; si++) {
        const struct slot *s = g->slots[si];
        for (size_t j = 1; j < s->n; j++)
            for (size_t i = 0; i < j; i++) {
                const struct tj_term *a = s->v[i].term, *b = s->v[j].term;
                if (!overlap(a, b))
                    continue;
                const void *pair[2] = {a, b};
                if (tj_strmap_put(seen, (const char *)pair, sizeof pair, g))
                    continue;
                const char *sp = b->spellings[s->v[j].spelling];
                char at[512], days[80];
                where(a, b, at, sizeof at);
                common_days(a, b, days, sizeof days);
                if (strcmp(a->english, b->english) == 0)
                    finding(g, TJ_FINDING_WARNING, "duplicate", b,
                            "duplicate: '%s' is '%s' on %s too%s", sp, b->english, at, days);
                else if (a->file != b->file)
                    finding(g, TJ_FINDING_WARNING, "override", b,
                            "override: '%s' is '%s' here, '%s' in %s%s; this file wins", sp,
                            b->english, a->english, at, days);
                else if (a->status == TJ_TERM_PROPOSED || b->status == TJ_TERM_PROPOSED)
                    finding(g, TJ_FINDING_WARNING, "conflict", b,
                            "proposal: '%s' is '%s' here (%s), '%s' on %s (%s)%s", sp, b->english,
                            b->status == TJ_TERM_PROPOSED ? "proposed" : "approved", a->english, at,
                            a->status == TJ_TERM_PROPOSED ? "proposed" : "approved", days);
                else
                    finding(g, TJ_FINDING_ERROR, "conflict", b,
                            "conflict: '%s' is '%s' here, '%s' on %s%s", sp, b->english, a->english,
                            at, days);
            }
    }
    tj_strmap_destroy(seen);
}

struct span {
    int64_t from, to;
};

static int span_cmp(const void *x, const void *y)
{
    const struct span *a = x, *b = y;
    return a->from < b->from ? -1 : a->from > b->from;
}

/* True when the spans cover every day from `from` to `to`. Sorts them. */
static bool covers(struct span *v, size_t n, int64_t from, int64_t to)
{
    if (n == 0)
        return false; /* a row holds on one day at least */
    qsort(v, n, sizeof *v, span_cmp);
    int64_t next = from; /* the first day not yet covered */
    for (size_t i = 0; i < n && next <= to; i++) {
        if (v[i].from > next)
            return false;
        if (v[i].to + 1 > next)
            next = v[i].to + 1;
    }
    return next > to;
}

/* Shadowed rows: a row can lose a key only to a later row giving the same key (a longer entry
 * wins only where its further words stand in the text, so it never covers a shorter one
 * everywhere); a row none of whose keys it keeps on any day it is in force is never pinned. An
 * approved row loses to later approved rows (what a run pins by default); a proposed one to
 * any later row (what a run pinning proposals sees). Only rows of its own file count: a later
 * file overriding a row does so on purpose, and is reported as an override. */
static void check_shadowed(struct tj_glossary *g)
{
    struct span *spans = NULL;
    size_t alloc = 0;
    for (size_t ti = 0; ti < g->nterms; ti++) {
        const struct tj_term *t = g->terms[ti];
        const struct tj_term *by = NULL;
        bool shadowed = true;
        for (size_t sp = 0; sp < t->nspellings && shadowed; sp++) {
            size_t klen, words;
            char *key = tj_glossary_key(t->spellings[sp], strlen(t->spellings[sp]), &klen, &words);
            const struct slot *s = tj_strmap_get(g->keys, key, klen);
            free(key);
            size_t k = 0, n = 0;
            while (k < s->n && s->v[k].term != t)
                k++;
            for (k++; k < s->n; k++) {
                const struct tj_term *l = s->v[k].term;
                if (l->file != t->file ||
                    (t->status == TJ_TERM_APPROVED && l->status == TJ_TERM_PROPOSED))
                    continue;
                if (!overlap(l, t))
                    continue;
                if (n == alloc) {
                    alloc = alloc ? alloc * 2 : 8;
                    spans = tj_xreallocarray(spans, alloc, sizeof *spans);
                }
                spans[n++] = (struct span){from_day(l), to_day(l)};
                if (!by)
                    by = l;
            }
            shadowed = covers(spans, n, from_day(t), to_day(t));
        }
        if (shadowed) {
            char at[512];
            where(by, t, at, sizeof at);
            finding(g, TJ_FINDING_WARNING, "shadowed", t,
                    "shadowed: never pinned, each of its spellings is taken by a later row "
                    "(%s%s)",
                    at, t->nspellings > 1 ? " and others" : "");
        }
    }
    free(spans);
}

static bool is_arabic(uint32_t cp)
{
    return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
           (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
           (cp >= 0xFE70 && cp <= 0xFEFF);
}

static bool is_latin(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x1E00 && cp <= 0x1EFF); /* Latin Extended Additional: ḥ, ṣ, ā */
}

static bool any(const char *s, bool (*pred)(uint32_t))
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;)
        if (pred(tj_utf8_next(s, len, &i)))
            return true;
    return false;
}

static void check_script(struct tj_glossary *g)
{
    for (size_t ti = 0; ti < g->nterms; ti++) {
        const struct tj_term *t = g->terms[ti];
        const char *bad = any(t->english, is_arabic) ? t->english : NULL;
        for (size_t k = 0; !bad && k < t->naliases; k++)
            if (any(t->aliases[k], is_arabic))
                bad = t->aliases[k];
        if (bad)
            finding(g, TJ_FINDING_ERROR, "script", t, "script: English '%s' has Arabic letters",
                    bad);
        for (size_t k = 0; k < t->nspellings; k++)
            if (any(t->spellings[k], is_latin)) {
                finding(g, TJ_FINDING_WARNING, "script", t, "script: Arabic '%s' has Latin letters",
                        t->spellings[k]);
                break;
            }
    }
}

struct sortable {
    const struct tj_glossary_finding *f;
    size_t file, seq;
};

static int finding_cmp(const void *x, const void *y)
{
    const struct sortable *a = x, *b = y;
    if (a->f->level != b->f->level)
        return a->f->level == TJ_FINDING_ERROR ? -1 : 1;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->f->line != b->f->line)
        return a->f->line < b->f->line ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

size_t tj_glossary_check(struct tj_glossary *g, const struct tj_glossary_finding **out)
{
    findings_clear(&g->checked);
    for (size_t i = 0; i < g->loaded.n; i++) {
        const struct tj_glossary_finding *f = &g->loaded.v[i];
        add_finding(&g->checked, f->level, f->kind, f->file, f->line, tj_xstrdup(f->message));
    }
    check_pairs(g);
    check_shadowed(g);
    check_script(g);
    size_t n = g->checked.n;
    struct sortable *v = tj_xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct sortable){&g->checked.v[i], file_index(g, g->checked.v[i].file), i};
    qsort(v, n, sizeof *v, finding_cmp);
    struct tj_glossary_finding *sorted = tj_xcalloc(n ? n : 1, sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = *v[i].f;
    free(v);
    free(g->checked.v);
    g->checked.v = sorted;
    *out = sorted;
    return n;
}
