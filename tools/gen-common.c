/* What the glossary generators share; see gen-common.h. */
#include "gen-common.h"

#include "config.h"
#include "freedict.h"
#include "glossary.h"
#include "strmap.h"
#include "tj.h"
#include "utf8.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uloc.h>
#include <unicode/ustring.h>

int gen_options_parse(int argc, char **argv, struct gen_options *o, void (*usage)(FILE *))
{
    *o = (struct gen_options){0};
    int opt;
    while ((opt = getopt(argc, argv, "vg:d:h")) != -1) {
        switch (opt) {
        case 'v':
            o->verbose = true;
            break;
        case 'g':
            o->glossary = optarg;
            break;
        case 'd':
            o->dict_dir = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 64;
        }
    }
    return -1;
}

int gen_replace_all(char *s, size_t cap, const char *from, const char *to)
{
    size_t flen = strlen(from), tlen = strlen(to);
    char *p = s;
    while ((p = strstr(p, from)) != NULL) {
        size_t rest = strlen(p + flen);
        if ((size_t)(p - s) + tlen + rest + 1 > cap)
            return -1;
        memmove(p + tlen, p + flen, rest + 1);
        memcpy(p, to, tlen);
        p += tlen;
    }
    return 0;
}

void gen_strip_parenthetical(char *s)
{
    char *open;
    while ((open = strchr(s, '(')) != NULL) {
        char *close = strchr(open, ')');
        char *from = open;
        while (from > s && from[-1] == ' ')
            from--;
        if (close == NULL) {
            *from = '\0';
            break;
        }
        memmove(from, close + 1, strlen(close + 1) + 1);
    }
}

void gen_trim(char *s)
{
    size_t len = strlen(s);
    while (len > 0 && s[len - 1] == ' ')
        s[--len] = '\0';
    size_t lead = strspn(s, " ");
    if (lead > 0)
        memmove(s, s + lead, len - lead + 1);
}

bool gen_has_arabic(const char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len)
        if (tj_is_arabic_letter(tj_utf8_next(s, len, &i)))
            return true;
    return false;
}

bool gen_has_digit(const char *s)
{
    for (; *s; s++)
        if (isdigit((unsigned char)*s))
            return true;
    return false;
}

/* Region names the general cleaning rules do not bring to the form a news desk uses. A NULL
 * field keeps the cleaned CLDR name in that language. */
struct region_override {
    const char *code;
    const char *arabic;
    const char *english;
};

static const struct region_override region_overrides[] = {
    {"CD", "جمهورية الكونغو الديمقراطية", "Democratic Republic of the Congo"},
    {"CG", "جمهورية الكونغو", "Republic of the Congo"},
    {"PS", "فلسطين", "Palestine"},
    {"VA", NULL, "Vatican"},
    {"VC", NULL, "Saint Vincent and the Grenadines"},
    /* CLDR: "Hong Kong SAR China", "Macao SAR China", "U.S. …" */
    {"HK", "هونغ كونغ", "Hong Kong"},
    {"MO", "ماكاو", "Macau"},
    {"VI", NULL, "US Virgin Islands"},
    {"UM", NULL, "US Minor Outlying Islands"},
    /* CLDR: جزر المارتينيك; Martinique is one island */
    {"MQ", "المارتينيك", NULL},
    /* Arabic names them سبتة and مليلية (CLDR: سيوتا وميليلا) */
    {"EA", "سبتة ومليلية", NULL},
    /* CLDR: روينيون */
    {"RE", "ريونيون|روينيون", NULL},
    /* مالي alone is also "financial" (دعم مالي), far more often than the country */
    {"ML", "جمهورية مالي|دولة مالي", NULL},
};

/* English: " & " becomes " and ", "St. " becomes "Saint ", typographic apostrophes become
 * plain ones, parenthetical variants go. Arabic: parenthetical variants and the " - "
 * separator CLDR uses in a few names go. */
static int clean_region(char *s, size_t cap, bool english)
{
    gen_strip_parenthetical(s);
    int rc = english ? gen_replace_all(s, cap, " & ", " and ") |
                           gen_replace_all(s, cap, "St. ", "Saint ") |
                           gen_replace_all(s, cap, "\xE2\x80\x99", "'") /* U+2019 */
                     : gen_replace_all(s, cap, " - ", " ");
    gen_trim(s);
    return rc;
}

int gen_region_name(const char *code, const char *lang, char *out, size_t cap)
{
    bool english = strcmp(lang, "en") == 0;
    for (size_t i = 0; i < TJ_ARRAY_LEN(region_overrides); i++) {
        const struct region_override *o = &region_overrides[i];
        const char *name = english ? o->english : o->arabic;
        if (strcmp(o->code, code) == 0 && name != NULL) {
            snprintf(out, cap, "%s", name);
            return 0;
        }
    }
    char locale[16];
    snprintf(locale, sizeof locale, "und_%s", code);
    UChar name[GEN_NAME_MAX / 2];
    UErrorCode err = U_ZERO_ERROR;
    int32_t len = uloc_getDisplayCountry(locale, lang, name, (int32_t)TJ_ARRAY_LEN(name), &err);
    if (U_FAILURE(err) || len <= 0)
        return -1;
    int32_t u8len = 0;
    u_strToUTF8(out, (int32_t)cap, &u8len, name, len, &err);
    /* ICU echoes the code back when it has no name. */
    if (U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING || strcmp(out, code) == 0)
        return -1;
    return clean_region(out, cap, english);
}

/* ---- the rest of the file ---- */

struct except_row {
    size_t line;
    char *english;
};

struct gen_except {
    struct tj_strmap *spellings; /* key → struct except_row */
    struct tj_strmap *english;   /* canonical English → struct except_row */
    struct except_row **rows;
    size_t nrows;
};

void gen_except_destroy(struct gen_except *ex)
{
    if (ex == NULL)
        return;
    for (size_t i = 0; i < ex->nrows; i++) {
        free(ex->rows[i]->english);
        free(ex->rows[i]);
    }
    free(ex->rows);
    tj_strmap_destroy(ex->spellings);
    tj_strmap_destroy(ex->english);
    free(ex);
}

static void except_add(struct gen_except *ex, size_t line, char *row)
{
    char *tab = strchr(row, '\t');
    if (tab == NULL)
        return;
    *tab = '\0';
    char *english = tab + 1;
    english[strcspn(english, "\t|")] = '\0';
    struct except_row *r = tj_xcalloc(1, sizeof *r);
    r->line = line;
    r->english = tj_xstrdup(english);
    ex->rows = tj_xreallocarray(ex->rows, ex->nrows + 1, sizeof *ex->rows);
    ex->rows[ex->nrows++] = r;
    if (tj_strmap_get(ex->english, english, strlen(english)) == NULL)
        tj_strmap_put(ex->english, english, strlen(english), r);
    for (char *p = row;;) {
        char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p), klen, words;
        char *key = tj_glossary_key(p, n, &klen, &words);
        if (words > 0 && tj_strmap_get(ex->spellings, key, klen) == NULL)
            tj_strmap_put(ex->spellings, key, klen, r);
        free(key);
        if (bar == NULL)
            break;
        p = bar + 1;
    }
}

struct gen_except *gen_except_load(const char *path, const char *block)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        return NULL;
    }
    struct gen_except *ex = tj_xcalloc(1, sizeof *ex);
    ex->spellings = tj_strmap_create();
    ex->english = tj_strmap_create();
    char *begin = tj_xasprintf("# --- %s: generated by ", block);
    char *end = tj_xasprintf("# --- end of generated %s ---", block);
    char *line = NULL;
    size_t cap = 0, line_no = 0;
    bool inside = false;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        line_no++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (strncmp(line, begin, strlen(begin)) == 0)
            inside = true;
        else if (strncmp(line, end, strlen(end)) == 0)
            inside = false;
        else if (!inside && line[0] != '#' && line[0] != '\0')
            except_add(ex, line_no, line);
    }
    bool failed = ferror(f) != 0;
    free(line);
    free(begin);
    free(end);
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: read error\n", path);
        gen_except_destroy(ex);
        return NULL;
    }
    return ex;
}

size_t gen_except_spelling(const struct gen_except *ex, const char *s, const char **english)
{
    size_t klen, words;
    char *key = tj_glossary_key(s, strlen(s), &klen, &words);
    const struct except_row *r = tj_strmap_get(ex->spellings, key, klen);
    free(key);
    if (r != NULL && english != NULL)
        *english = r->english;
    return r != NULL ? r->line : 0;
}

size_t gen_except_english(const struct gen_except *ex, const char *english)
{
    const struct except_row *r = tj_strmap_get(ex->english, english, strlen(english));
    return r != NULL ? r->line : 0;
}

/* ---- common words ---- */

struct gen_words {
    struct tj_freedict *dict;
};

struct gen_words *gen_words_open(const char *dir)
{
    if (dir == NULL)
        dir = TJ_FREEDICT_DIR;
    char *index = tj_xasprintf("%s/freedict-ara-eng.index", dir);
    char *dict = tj_xasprintf("%s/freedict-ara-eng.dict.dz", dir);
    struct tj_diag diag;
    struct gen_words *w = tj_xcalloc(1, sizeof *w);
    if (tj_freedict_open(index, dict, &w->dict, &diag) != TJ_OK) {
        fprintf(stderr,
                "%s (the FreeDict Arabic-English dictionary tells names that are also "
                "common words; Debian package dict-freedict-ara-eng)\n",
                diag.message);
        free(w);
        w = NULL;
    }
    free(index);
    free(dict);
    return w;
}

void gen_words_close(struct gen_words *w)
{
    if (w == NULL)
        return;
    tj_freedict_destroy(w->dict);
    free(w);
}

/* Case-insensitive ASCII strstr. */
static bool contains_word(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return true;
    return false;
}

/* Names that a dictionary sense does not make ambiguous in news copy: هولندا is glossed
 * "Holland" (the same country); عمان is also Amman, which the glossary lists only as
 * مدينة عمان, so that عمان is Oman. */
static const char *const names_first[] = {"هولندا", "عُمان"};

const char *gen_words_collision(struct gen_words *w, const char *arabic, const char *english)
{
    for (size_t i = 0; i < TJ_ARRAY_LEN(names_first); i++)
        if (strcmp(arabic, names_first[i]) == 0)
            return NULL;
    size_t klen, words;
    char *key = tj_glossary_key(arabic, strlen(arabic), &klen, &words);
    const char *gloss = NULL;
    /* Only the word as written: taking clitics and suffixes off (as the word glosser does)
     * finds a "word" in most foreign names (بليز: ب + ليز). */
    bool found = words == 1 && tj_freedict_lookup(w->dict, key, klen, &gloss);
    free(key);
    if (!found)
        return NULL;
    /* The dictionary knows the name itself: "Cairo" for القاهرة. The first word of the English
     * is enough ("Kuwait" for "Kuwait City"). */
    char first[GEN_NAME_MAX];
    snprintf(first, sizeof first, "%s", english);
    first[strcspn(first, " ")] = '\0';
    return contains_word(gloss, first) ? NULL : gloss;
}

/* ---- printing ---- */

/* What a block has printed: the keys of its spellings, each with the row's English. */
struct block_state {
    struct tj_strmap *keys;
    char **english;
    size_t n;
};

void gen_block_begin(struct gen_block *b, const char *what)
{
    struct block_state *st = tj_xcalloc(1, sizeof *st);
    st->keys = tj_strmap_create();
    b->seen = st;
    b->rows = b->dropped = b->merged = 0;
    printf("# --- %s: generated by %s; do not edit by hand ---\n", b->name, what);
}

void gen_block_end(struct gen_block *b)
{
    struct block_state *st = b->seen;
    printf("# --- end of generated %s ---\n", b->name);
    fprintf(stderr, "%s: %zu rows; %zu left out whole, %zu spellings left out\n", b->name, b->rows,
            b->dropped, b->merged);
    tj_strmap_destroy(st->keys);
    for (size_t i = 0; i < st->n; i++)
        free(st->english[i]);
    free(st->english);
    free(st);
    b->seen = NULL;
}

/* Whether spelling s of a row with this English may be printed; reports why not. */
static bool spelling_ok(struct gen_block *b, const char *id, const char *s, const char *english)
{
    struct block_state *st = b->seen;
    const char *other = NULL;
    size_t line = b->ex != NULL ? gen_except_spelling(b->ex, s, &other) : 0;
    if (line != 0) {
        if (b->verbose || strcmp(other, english) != 0)
            fprintf(stderr, "%s: %s: %s is %s at line %zu, not %s: left out\n", b->name, id, s,
                    other, line, english);
        return false;
    }
    size_t klen, words;
    char *key = tj_glossary_key(s, strlen(s), &klen, &words);
    const char *prev = tj_strmap_get(st->keys, key, klen);
    free(key);
    if (words == 0) {
        fprintf(stderr, "%s: %s: '%s' has no letters: left out\n", b->name, id, s);
        return false;
    }
    if (prev != NULL) {
        if (b->verbose || strcmp(prev, english) != 0)
            fprintf(stderr, "%s: %s: %s is already %s in this block, not %s: left out\n", b->name,
                    id, s, prev, english);
        return false;
    }
    const char *gloss = b->words != NULL ? gen_words_collision(b->words, s, english) : NULL;
    if (gloss != NULL) {
        fprintf(stderr, "%s: %s: %s is also the word \"%s\", not only %s: left out\n", b->name, id,
                s, gloss, english);
        return false;
    }
    return true;
}

bool gen_block_row(struct gen_block *b, const char *id, const char *const *arabic, size_t n,
                   const char *english, const char *type, const char *note)
{
    struct block_state *st = b->seen;
    size_t same = b->ex != NULL && b->one_row_per_english ? gen_except_english(b->ex, english) : 0;
    if (same != 0) {
        for (size_t i = 0; i < n; i++)
            if (gen_except_spelling(b->ex, arabic[i], NULL) == 0)
                fprintf(stderr, "%s: %s: %s is at line %zu; it lacks the spelling %s\n", b->name,
                        id, english, same, arabic[i]);
        b->dropped++;
        return false;
    }
    char *kept = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!spelling_ok(b, id, arabic[i], english)) {
            b->merged++;
            continue;
        }
        size_t klen, words;
        char *key = tj_glossary_key(arabic[i], strlen(arabic[i]), &klen, &words);
        st->english = tj_xreallocarray(st->english, st->n + 1, sizeof *st->english);
        st->english[st->n] = tj_xstrdup(english);
        tj_strmap_put(st->keys, key, klen, st->english[st->n++]);
        free(key);
        char *joined = tj_xasprintf("%s%s%s", kept ? kept : "", kept ? "|" : "", arabic[i]);
        free(kept);
        kept = joined;
    }
    if (kept == NULL) {
        b->dropped++;
        return false;
    }
    if (b->ex != NULL && b->verbose) {
        size_t line = gen_except_english(b->ex, english);
        if (line != 0)
            fprintf(stderr, "%s: %s: %s has another row at line %zu\n", b->name, id, english, line);
    }
    printf("%s\t%s\t%s%s%s\n", kept, english, type, note ? "\t" : "", note ? note : "");
    free(kept);
    b->rows++;
    return true;
}
