/* The fake's translation: Arabic words become English through a small word table built from
 * the project's example articles (common words only: no name or term of the bundled glossary,
 * so an unprotected pin comes back as a transliteration, never as its pinned English); any
 * other Arabic word becomes a fixed Latin transliteration. Digits become ASCII, Arabic
 * punctuation its English counterpart, and everything else (Latin text, placeholders,
 * tags) is kept. With markup, protected elements are kept verbatim, as the services do. */
#include "fake.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void *fake_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

void *fake_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

char *fake_xstrndup(const char *s, size_t n)
{
    char *d = fake_xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *fake_xstrdup(const char *s)
{
    return fake_xstrndup(s, strlen(s));
}

void fbuf_add(struct fbuf *b, const void *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = fake_xrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void fbuf_puts(struct fbuf *b, const char *s)
{
    fbuf_add(b, s, strlen(s));
}

void fbuf_putc(struct fbuf *b, char c)
{
    fbuf_add(b, &c, 1);
}

void fbuf_printf(struct fbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        fbuf_add(b, small, (size_t)n);
        return;
    }
    char *big = fake_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    fbuf_add(b, big, (size_t)n);
    free(big);
}

char *fbuf_take(struct fbuf *b)
{
    char *p = b->p ? b->p : fake_xstrdup("");
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}

void fbuf_free(struct fbuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- forms ---------------------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static char *form_decode(const char *s, size_t n)
{
    char *out = fake_xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
                   hexval((unsigned char)s[i + 2]) >= 0) {
            out[o++] =
                (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

void fake_form_parse(struct fake_form *form, const char *body, size_t len)
{
    memset(form, 0, sizeof *form);
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            size_t eq = i;
            while (eq < end && body[eq] != '=')
                eq++;
            form->keys = fake_xrealloc(form->keys, (form->n + 1) * sizeof *form->keys);
            form->values = fake_xrealloc(form->values, (form->n + 1) * sizeof *form->values);
            form->keys[form->n] = form_decode(body + i, eq - i);
            form->values[form->n] =
                eq < end ? form_decode(body + eq + 1, end - eq - 1) : fake_xstrdup("");
            form->n++;
        }
        i = end + 1;
    }
}

const char *fake_form_get(const struct fake_form *form, const char *key)
{
    for (size_t i = 0; i < form->n; i++)
        if (strcmp(form->keys[i], key) == 0)
            return form->values[i];
    return NULL;
}

size_t fake_form_all(const struct fake_form *form, const char *key, const char **out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < form->n; i++) {
        if (strcmp(form->keys[i], key) != 0)
            continue;
        if (k < max)
            out[k] = form->values[i];
        k++;
    }
    return k;
}

void fake_form_free(struct fake_form *form)
{
    for (size_t i = 0; i < form->n; i++) {
        free(form->keys[i]);
        free(form->values[i]);
    }
    free(form->keys);
    free(form->values);
    memset(form, 0, sizeof *form);
}

/* ---- UTF-8 ------------------------------------------------------------------------------ */

/* The code point at s[*i] (U+FFFD for a bad byte); advances *i. */
static uint32_t next_cp(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[*i];
    size_t need;
    uint32_t cp;
    if (c < 0x80) {
        (*i)++;
        return c;
    } else if (c >= 0xC2 && c <= 0xDF) {
        need = 1, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3, cp = c & 0x07;
    } else {
        (*i)++;
        return 0xFFFD;
    }
    if (*i + need >= len) {
        (*i)++;
        return 0xFFFD;
    }
    for (size_t k = 1; k <= need; k++) {
        if ((u[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        cp = (cp << 6) | (u[*i + k] & 0x3F);
    }
    *i += need + 1;
    return cp;
}

static void put_cp(struct fbuf *b, uint32_t cp)
{
    char o[4];
    if (cp < 0x80) {
        o[0] = (char)cp;
        fbuf_add(b, o, 1);
    } else if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        fbuf_add(b, o, 2);
    } else if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        fbuf_add(b, o, 3);
    } else {
        o[0] = (char)(0xF0 | (cp >> 18));
        o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[3] = (char)(0x80 | (cp & 0x3F));
        fbuf_add(b, o, 4);
    }
}

size_t fake_utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        next_cp(s, len, &i);
        n++;
    }
    return n;
}

static bool is_arabic_letter(uint32_t cp)
{
    return (cp >= 0x0621 && cp <= 0x064A) || (cp >= 0x0671 && cp <= 0x06D3) || cp == 0x06D5;
}

/* Marks and tatweel: part of a word, dropped from it. */
static bool is_arabic_mark(uint32_t cp)
{
    return (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || cp == 0x0640;
}

bool fake_has_arabic(const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;)
        if (is_arabic_letter(next_cp(s, len, &i)))
            return true;
    return false;
}

/* ---- the word table ----------------------------------------------------------------------- */

struct word {
    const char *ar;
    const char *en;
    const char *en_gb; /* NULL: same as en */
};

/* Common words of the example articles (examples/, *.ar.txt). Keys are matched after normalising
 * alef forms, alef maqsura and taa marbuta (see norm_letter), and after stripping the clitics و ف ب
 * ل ك and the article ال, which add "and", "so", "in", "to", "like" and "the". */
static const struct word words[] = {
    {"في", "in", NULL},
    {"من", "from", NULL},
    {"على", "on", NULL},
    {"إلى", "to", NULL},
    {"إن", "that", NULL},
    {"أن", "that", NULL},
    {"ما", "what", NULL},
    {"هل", "will", NULL},
    {"قد", "may", NULL},
    {"لا", "not", NULL},
    {"لم", "did not", NULL},
    {"قال", "said", NULL},
    {"قالت", "said", NULL},
    {"أضاف", "added", NULL},
    {"التقى", "met", NULL},
    {"دعا", "called", NULL},
    {"أعلنت", "announced", NULL},
    {"يوم", "day", NULL},
    {"جولة", "round", NULL},
    {"جديدة", "new", NULL},
    {"جديد", "new", NULL},
    {"قبل", "before", NULL},
    {"بعد", "after", NULL},
    {"عبر", "via", NULL},
    {"بين", "between", NULL},
    {"مع", "with", NULL},
    {"عن", "about", NULL},
    {"منذ", "since", NULL},
    {"نحو", "about", NULL},
    {"دون", "without", NULL},
    {"إذا", "if", NULL},
    {"فيما", "while", NULL},
    {"وفق", "according to", NULL},
    {"حول", "about", NULL},
    {"خلال", "during", NULL},
    {"أكثر", "more", NULL},
    {"أقل", "less", NULL},
    {"ثلاثة", "three", NULL},
    {"أحد", "one", NULL},
    {"مرحلة", "phase", NULL},
    {"الثانية", "second", NULL},
    {"محادثات", "talks", NULL},
    {"وفد", "delegation", NULL},
    {"مصدر", "source", NULL},
    {"مصادر", "sources", NULL},
    {"رئيس", "president", NULL},
    {"وزير", "minister", NULL},
    {"وزراء", "ministers", NULL},
    {"الأحد", "Sunday", NULL},
    {"الاثنين", "Monday", NULL},
    {"الأربعاء", "Wednesday", NULL},
    {"أسبوع", "week", NULL},
    {"الماضي", "last", NULL},
    {"المقبل", "next", NULL},
    {"شهر", "month", NULL},
    {"عام", "year", NULL},
    {"العام", "general", NULL},
    {"ساعة", "hour", NULL},
    {"مليون", "million", NULL},
    {"ألف", "thousand", NULL},
    {"برميل", "barrel", NULL},
    {"دولار", "dollar", NULL},
    {"نفط", "oil", NULL},
    {"أسعار", "prices", NULL},
    {"إنتاج", "production", NULL},
    {"زيادة", "increase", NULL},
    {"زيادات", "increases", NULL},
    {"طلب", "demand", NULL},
    {"عقوبات", "sanctions", NULL},
    {"خام", "crude", NULL},
    {"قوات", "forces", NULL},
    {"اتفاق", "agreement", NULL},
    {"هدنة", "truce", NULL},
    {"مدينة", "city", NULL},
    {"منطقة", "region", NULL},
    {"وكالة", "agency", NULL},
    {"بيان", "statement", NULL},
    {"هاتف", "phone", NULL},
    {"أمن", "security", NULL},
    {"دولية", "international", NULL},
    {"أمين", "secretary", NULL},
    {"مبعوث", "envoy", NULL},
    {"وسطاء", "mediators", NULL},
    {"محللون", "analysts", NULL},
    {"شاحنة", "truck", NULL},
    {"مساعدات", "aid", NULL},
    {"حركة", "movement", NULL},
    {"مركز", "center", "centre"},
    {"مراكز", "centers", "centres"},
    {"برنامج", "program", "programme"},
    {"دفاع", "defense", "defence"},
    {"طاقة", "energy", NULL},
    {"سوق", "market", NULL},
    {"حرب", "war", NULL},
    {"سلام", "peace", NULL},
    {"حكومة", "government", NULL},
    {"سكان", "residents", NULL},
    {"مخيم", "camp", NULL},
    {"شتاء", "winter", NULL},
    {"بدء", "start", NULL},
    {"وقف", "halt", NULL},
    {"إطلاق", "firing", NULL},
    {"نار", "fire", NULL},
};

/* The letter a lookup compares: alef forms → ا, alef maqsura → ي, taa marbuta → ه. */
static uint32_t norm_letter(uint32_t cp)
{
    switch (cp) {
    case 0x0622: /* آ */
    case 0x0623: /* أ */
    case 0x0625: /* إ */
    case 0x0671: /* ٱ */
        return 0x0627;
    case 0x0649: /* ى */
        return 0x064A;
    case 0x0629: /* ة */
        return 0x0647;
    default:
        return cp;
    }
}

/* Normalised code points of a word (marks dropped); returns the count (at most max). */
static size_t norm_word(const char *s, size_t len, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp = next_cp(s, len, &i);
        if (is_arabic_mark(cp))
            continue;
        if (n < max)
            out[n] = norm_letter(cp);
        n++;
    }
    return n < max ? n : max;
}

#define WORD_MAX 64
#define N_WORDS (sizeof words / sizeof words[0])

static uint32_t keys[N_WORDS][WORD_MAX];
static size_t key_len[N_WORDS];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static void keys_init(void)
{
    for (size_t k = 0; k < N_WORDS; k++)
        key_len[k] = norm_word(words[k].ar, strlen(words[k].ar), keys[k], WORD_MAX);
}

static const struct word *lookup(const uint32_t *w, size_t n)
{
    pthread_once(&keys_once, keys_init);
    for (size_t k = 0; k < N_WORDS; k++)
        if (key_len[k] == n && memcmp(keys[k], w, n * sizeof *w) == 0)
            return &words[k];
    return NULL;
}

/* Latin letters for the Arabic ones, U+0621 ... U+064A (hamza drops out; ع is "e"). */
static const struct {
    uint32_t cp;
    const char *latin;
} latin[] = {
    {0x0621, ""},  {0x0622, "a"},  {0x0623, "a"}, {0x0624, "w"},  {0x0625, "i"},  {0x0626, "y"},
    {0x0627, "a"}, {0x0628, "b"},  {0x0629, "a"}, {0x062A, "t"},  {0x062B, "th"}, {0x062C, "j"},
    {0x062D, "h"}, {0x062E, "kh"}, {0x062F, "d"}, {0x0630, "dh"}, {0x0631, "r"},  {0x0632, "z"},
    {0x0633, "s"}, {0x0634, "sh"}, {0x0635, "s"}, {0x0636, "d"},  {0x0637, "t"},  {0x0638, "z"},
    {0x0639, "e"}, {0x063A, "gh"}, {0x0641, "f"}, {0x0642, "q"},  {0x0643, "k"},  {0x0644, "l"},
    {0x0645, "m"}, {0x0646, "n"},  {0x0647, "h"}, {0x0648, "w"},  {0x0649, "a"},  {0x064A, "y"},
};

static const char *translit(uint32_t cp)
{
    for (size_t k = 0; k < sizeof latin / sizeof latin[0]; k++)
        if (latin[k].cp == cp)
            return latin[k].latin;
    return "x";
}

struct prefix {
    uint32_t cp[2];
    size_t n;
    const char *en;
};

/* Clitics in the order they stack: conjunction, then preposition, then article. */
static const struct prefix conjs[] = {{{0x0648}, 1, "and"}, {{0x0641}, 1, "so"}};
static const struct prefix prep[] = {
    {{0x0628}, 1, "in"}, {{0x0644}, 1, "to"}, {{0x0643}, 1, "like"}};
static const struct prefix article = {{0x0627, 0x0644}, 2, "the"};

static bool has_prefix(const uint32_t *w, size_t n, const struct prefix *p)
{
    return n > p->n + 1 && memcmp(w, p->cp, p->n * sizeof *w) == 0;
}

/* Tries the stem with the article and prepositions stripped; appends to out on success. */
static bool try_stem(struct fbuf *out, const uint32_t *w, size_t n, const char *lead, bool gb)
{
    const char *pre[3] = {lead, NULL, NULL};
    for (int with_prep = 0; with_prep < 2; with_prep++) {
        const uint32_t *s = w;
        size_t sn = n;
        pre[1] = NULL;
        if (with_prep) {
            size_t k;
            for (k = 0; k < sizeof prep / sizeof prep[0]; k++)
                if (has_prefix(s, sn, &prep[k]))
                    break;
            if (k == sizeof prep / sizeof prep[0])
                continue;
            pre[1] = prep[k].en;
            s += prep[k].n, sn -= prep[k].n;
            /* ل + ال is written لل */
            if (prep[k].cp[0] == 0x0644 && sn > 2 && s[0] == 0x0644) {
                const struct word *e = lookup(s + 1, sn - 1);
                if (e) {
                    if (lead)
                        fbuf_printf(out, "%s ", lead);
                    fbuf_printf(out, "to the %s", gb && e->en_gb ? e->en_gb : e->en);
                    return true;
                }
            }
        }
        const struct word *e = lookup(s, sn);
        const char *the = NULL;
        if (!e && has_prefix(s, sn, &article)) {
            e = lookup(s + article.n, sn - article.n);
            the = article.en;
        }
        if (!e)
            continue;
        for (int k = 0; k < 2; k++)
            if (pre[k])
                fbuf_printf(out, "%s ", pre[k]);
        if (the)
            fbuf_printf(out, "%s ", the);
        fbuf_puts(out, gb && e->en_gb ? e->en_gb : e->en);
        return true;
    }
    return false;
}

/* Clitics written apart with a tatweel before a foreign word (وـ لـ وبـ بالـ), as tarjim
 * sends them before a pin: their English and a blank. False when w[0..n) is something else. */
static bool clitics_apart(struct fbuf *out, const uint32_t *w, size_t n)
{
    const char *en[3] = {NULL, NULL, NULL};
    size_t i = 0;
    for (size_t k = 0; k < sizeof conjs / sizeof conjs[0]; k++)
        if (i < n && w[i] == conjs[k].cp[0]) {
            en[0] = conjs[k].en;
            i++;
            break;
        }
    for (size_t k = 0; k < sizeof prep / sizeof prep[0]; k++)
        if (i < n && w[i] == prep[k].cp[0]) {
            en[1] = prep[k].en;
            i++;
            break;
        }
    if (i + 2 <= n && w[i] == article.cp[0] && w[i + 1] == article.cp[1]) {
        en[2] = article.en;
        i += 2;
    } else if (en[1] && !strcmp(en[1], "to") && i < n && w[i] == 0x0644) {
        en[2] = article.en; /* لل: ل and ال */
        i++;
    }
    if (i == 0 || i != n)
        return false;
    for (int k = 0; k < 3; k++)
        if (en[k])
            fbuf_printf(out, "%s ", en[k]);
    return true;
}

/* The English of one Arabic word (bytes s..s+len, marks included). */
static void word_english(struct fbuf *out, const char *s, size_t len, bool gb)
{
    uint32_t w[WORD_MAX];
    size_t n = norm_word(s, len, w, WORD_MAX);
    if (len >= 2 && (unsigned char)s[len - 2] == 0xD9 && (unsigned char)s[len - 1] == 0x80 &&
        clitics_apart(out, w, n))
        return;
    if (try_stem(out, w, n, NULL, gb))
        return;
    for (size_t k = 0; k < sizeof conjs / sizeof conjs[0]; k++)
        if (has_prefix(w, n, &conjs[k]) && try_stem(out, w + 1, n - 1, conjs[k].en, gb))
            return;
    size_t before = out->len;
    for (size_t i = 0; i < len;) {
        uint32_t cp = next_cp(s, len, &i);
        if (!is_arabic_mark(cp))
            fbuf_puts(out, translit(cp));
    }
    if (out->len == before)
        fbuf_putc(out, 'x');
}

/* ---- emitting ----------------------------------------------------------------------------- */

struct emit {
    struct fbuf out;
    const struct fake_tr_opts *o;
    bool cap_next; /* the next letter starts a sentence */
};

static bool entity_at(const char *s, size_t len, size_t i)
{
    size_t k = i + 1;
    if (k < len && s[k] == '#') {
        k++;
        if (k < len && (s[k] == 'x' || s[k] == 'X'))
            k++;
        size_t d = k;
        while (k < len && isxdigit((unsigned char)s[k]))
            k++;
        return k > d && k < len && s[k] == ';';
    }
    size_t a = k;
    while (k < len && isalnum((unsigned char)s[k]))
        k++;
    return k > a && k < len && s[k] == ';';
}

/* Appends English text produced for a text node, applying sentence capitals, Google's
 * escaping and the placeholder fault. */
static void emit_text(struct emit *e, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (e->cap_next && isalpha((unsigned char)c)) {
            c = (char)toupper((unsigned char)c);
            e->cap_next = false;
        } else if (!isspace((unsigned char)c) && c != '"' && (c & 0x80) == 0 && c != '(') {
            if (c == '.' || c == '?' || c == '!')
                e->cap_next = true;
            else if (isalnum((unsigned char)c))
                e->cap_next = false;
        }
        if (e->o->flags & FK_PLACEHOLDERS) {
            if (c >= '0' && c <= '9') {
                put_cp(&e->out, 0x0660 + (uint32_t)(c - '0'));
                continue;
            }
            if (c == '%') {
                put_cp(&e->out, 0x066A);
                continue;
            }
        }
        if (e->o->google_escape) {
            if (c == '\'') {
                fbuf_puts(&e->out, "&#39;");
                continue;
            }
            if (c == '"') {
                fbuf_puts(&e->out, "&quot;");
                continue;
            }
            if (c == '>') {
                fbuf_puts(&e->out, "&gt;");
                continue;
            }
            if (c == '&' && !entity_at(s, len, i)) {
                fbuf_puts(&e->out, "&amp;");
                continue;
            }
        }
        fbuf_putc(&e->out, c);
    }
}

/* Translates a run of text (no tags in it). */
static void translate_text(struct emit *e, const char *s, size_t len)
{
    struct fbuf piece = {0};
    for (size_t i = 0; i < len;) {
        size_t start = i;
        uint32_t cp = next_cp(s, len, &i);
        if (is_arabic_letter(cp) || is_arabic_mark(cp)) {
            size_t end = i;
            while (end < len) {
                size_t j = end;
                uint32_t c2 = next_cp(s, len, &j);
                if (!is_arabic_letter(c2) && !is_arabic_mark(c2))
                    break;
                end = j;
            }
            word_english(&piece, s + start, end - start, e->o->en_gb);
            i = end;
        } else if (cp >= 0x0660 && cp <= 0x0669) {
            fbuf_putc(&piece, (char)('0' + (cp - 0x0660)));
        } else if (cp >= 0x06F0 && cp <= 0x06F9) {
            fbuf_putc(&piece, (char)('0' + (cp - 0x06F0)));
        } else if (cp == 0x066B) { /* ٫ decimal separator */
            fbuf_putc(&piece, '.');
        } else if (cp == 0x066C || cp == 0x060C) { /* ٬ ، */
            fbuf_putc(&piece, ',');
        } else if (cp == 0x061B) { /* ؛ */
            fbuf_putc(&piece, ';');
        } else if (cp == 0x061F) { /* ؟ */
            fbuf_putc(&piece, '?');
        } else if (cp == 0x066A) { /* ٪ */
            fbuf_putc(&piece, '%');
        } else if (cp == 0x00AB || cp == 0x00BB) { /* « » */
            fbuf_putc(&piece, '"');
        } else if (cp == 0x200E || cp == 0x200F || cp == 0x061C) {
            /* direction marks have no place in English */
        } else if (cp == 0xFFFD) {
            put_cp(&piece, cp); /* a bad byte: the answer stays UTF-8 */
        } else {
            fbuf_add(&piece, s + start, i - start);
        }
    }
    emit_text(e, piece.p ? piece.p : "", piece.len);
    fbuf_free(&piece);
}

/* ---- markup ------------------------------------------------------------------------------- */

struct tag {
    size_t start, end; /* bytes of "<...>" */
    char name[32];
    bool closing, self_closing, special; /* </x>, <x/>, <!...> or <?...> */
};

/* Parses the tag starting at s[i] == '<'; false when it is not a tag. */
static bool parse_tag(const char *s, size_t len, size_t i, struct tag *t)
{
    memset(t, 0, sizeof *t);
    size_t k = i + 1;
    if (k >= len)
        return false;
    if (s[k] == '!' || s[k] == '?')
        t->special = true;
    else if (s[k] == '/')
        t->closing = true, k++;
    if (!t->special && (k >= len || !isalpha((unsigned char)s[k])))
        return false;
    size_t n = 0;
    while (!t->special && k < len &&
           (isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_' || s[k] == ':')) {
        if (n + 1 < sizeof t->name)
            t->name[n++] = (char)tolower((unsigned char)s[k]);
        k++;
    }
    char quote = 0;
    for (; k < len; k++) {
        if (quote) {
            if (s[k] == quote)
                quote = 0;
        } else if (s[k] == '"' || s[k] == '\'') {
            quote = s[k];
        } else if (s[k] == '>') {
            t->start = i;
            t->end = k + 1;
            t->self_closing = k > i && s[k - 1] == '/';
            return true;
        }
    }
    return false;
}

static bool is_void(const char *name)
{
    static const char *const v[] = {"br",   "img",  "hr",  "input", "meta",   "link",  "wbr",
                                    "area", "base", "col", "embed", "source", "track", "param"};
    for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
        if (strcmp(v[k], name) == 0)
            return true;
    return false;
}

/* The value of attribute attr in the tag, copied into out; false when absent. */
static bool tag_attr(const char *s, const struct tag *t, const char *attr, char *out, size_t max)
{
    size_t alen = strlen(attr);
    size_t k = t->start + 1 + strlen(t->name);
    while (k < t->end) {
        while (k < t->end && (isspace((unsigned char)s[k]) || s[k] == '/'))
            k++;
        size_t ns = k;
        while (k < t->end && s[k] != '=' && s[k] != '>' && !isspace((unsigned char)s[k]))
            k++;
        size_t nl = k - ns;
        while (k < t->end && isspace((unsigned char)s[k]))
            k++;
        size_t vs = k, vl = 0;
        if (k < t->end && s[k] == '=') {
            k++;
            while (k < t->end && isspace((unsigned char)s[k]))
                k++;
            if (k < t->end && (s[k] == '"' || s[k] == '\'')) {
                char q = s[k++];
                vs = k;
                while (k < t->end && s[k] != q)
                    k++;
                vl = k - vs;
                k++;
            } else {
                vs = k;
                while (k < t->end && s[k] != '>' && !isspace((unsigned char)s[k]))
                    k++;
                vl = k - vs;
            }
        }
        if (nl == alen && strncasecmp(s + ns, attr, alen) == 0) {
            snprintf(out, max, "%.*s", (int)vl, s + vs);
            return true;
        }
        if (nl == 0)
            k++;
    }
    return false;
}

static bool tag_protected(const char *s, const struct tag *t, const struct fake_tr_opts *o)
{
    if (t->closing || t->special || t->self_closing)
        return false;
    if (o->markup == FM_XML) {
        for (size_t k = 0; k < o->n_ignore; k++)
            if (strcasecmp(o->ignore_tags[k], t->name) == 0)
                return true;
        return false;
    }
    if (is_void(t->name))
        return false;
    char v[256];
    if (o->translate_no && tag_attr(s, t, "translate", v, sizeof v) && strcasecmp(v, "no") == 0)
        return true;
    if (o->notranslate_class && tag_attr(s, t, "class", v, sizeof v)) {
        for (char *tok = v; *tok;) {
            while (*tok == ' ' || *tok == '\t')
                tok++;
            size_t n = strcspn(tok, " \t");
            if (n == 11 && strncasecmp(tok, "notranslate", 11) == 0)
                return true;
            tok += n;
        }
    }
    return false;
}

/* The end tag closing the element opened by open; false when there is none. */
static bool matching_end(const char *s, size_t len, const struct tag *open, struct tag *end)
{
    int depth = 1;
    for (size_t k = open->end; k < len; k++) {
        if (s[k] != '<')
            continue;
        struct tag t;
        if (!parse_tag(s, len, k, &t))
            continue;
        if (strcmp(t.name, open->name) == 0 && !t.special) {
            if (t.closing)
                depth--;
            else if (!t.self_closing)
                depth++;
            if (depth == 0) {
                *end = t;
                return true;
            }
        }
        k = t.end - 1;
    }
    return false;
}

static void emit_start_tag(struct emit *e, const char *s, const struct tag *t)
{
    if ((e->o->flags & FK_RTL_STYLE) && e->o->markup == FM_HTML && !t->closing && !t->special) {
        size_t close = t->end - 1 - (t->self_closing ? 1 : 0);
        fbuf_add(&e->out, s + t->start, close - t->start);
        fbuf_puts(&e->out, " style=\";text-align:left;direction:ltr\"");
        fbuf_add(&e->out, s + close, t->end - close);
        return;
    }
    fbuf_add(&e->out, s + t->start, t->end - t->start);
}

/* The protected text as a careless engine changes it: lower case, Arabic-Indic digits. */
static void emit_altered(struct emit *e, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= '0' && c <= '9')
            put_cp(&e->out, 0x0660 + (uint32_t)(c - '0'));
        else
            fbuf_putc(&e->out, (char)tolower(c));
    }
}

/* ---- mangling ---------------------------------------------------------------------------- */

enum mspan_kind { MS_ELEMENT, MS_PLACEHOLDER, MS_NAME };

/* Something the engine was asked to keep, as it stands in the output. */
struct mspan {
    size_t start, end;             /* bytes of the output */
    size_t inner_start, inner_end; /* an element's text */
    enum mspan_kind kind;
    const char *arabic; /* a name: the Arabic it stands for, when known */
};

struct mspans {
    struct mspan *v;
    size_t n;
};

static void mspan_add(struct mspans *m, struct mspan s)
{
    m->v = fake_xrealloc(m->v, (m->n + 1) * sizeof *m->v);
    m->v[m->n++] = s;
}

char *fake_translate(const char *src, size_t len, const struct fake_tr_opts *opts);

/* The translation, with where each protected element came out in elements. */
static char *translate_spans(const char *src, size_t len, const struct fake_tr_opts *opts,
                             struct mspans *elements)
{
    struct emit e = {.o = opts, .cap_next = true};
    if (opts->markup == FM_TEXT) {
        translate_text(&e, src, len);
        return fbuf_take(&e.out);
    }
    size_t text = 0; /* start of the pending text run */
    for (size_t i = 0; i < len; i++) {
        if (src[i] != '<')
            continue;
        struct tag t;
        if (!parse_tag(src, len, i, &t))
            continue;
        translate_text(&e, src + text, i - text);
        struct tag end;
        if (tag_protected(src, &t, opts) && matching_end(src, len, &t, &end)) {
            unsigned f = opts->flags;
            const char *inner = src + t.end;
            size_t inner_len = end.start - t.end;
            if (f & (FK_DROP_PROTECTED | FK_DROP_MARKUP)) {
                /* the whole element is lost */
            } else if (f & FK_UNWRAP) {
                fbuf_add(&e.out, inner, inner_len);
            } else {
                struct mspan m = {.start = e.out.len, .kind = MS_ELEMENT};
                emit_start_tag(&e, src, &t);
                m.inner_start = e.out.len;
                if (f & FK_ALTER)
                    emit_altered(&e, inner, inner_len);
                else
                    fbuf_add(&e.out, inner, inner_len);
                m.inner_end = e.out.len;
                if (!(f & FK_DROP_CLOSE))
                    fbuf_add(&e.out, src + end.start, end.end - end.start);
                m.end = e.out.len;
                if (elements)
                    mspan_add(elements, m);
            }
            e.cap_next = false;
            i = end.end - 1;
        } else {
            emit_start_tag(&e, src, &t);
            i = t.end - 1;
        }
        text = i + 1;
    }
    translate_text(&e, src + text, len - text);
    return fbuf_take(&e.out);
}

/* xorshift64*, seeded per source text so that a mangling does not depend on the order in which
 * requests arrive. */
struct mrng {
    uint64_t s;
};

static uint64_t mrng_next(struct mrng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545F4914F6CDD1DULL;
}

static double mrng_double(struct mrng *r)
{
    return (double)(mrng_next(r) >> 11) / 9007199254740992.0;
}

static size_t mrng_below(struct mrng *r, size_t n)
{
    return n ? (size_t)(mrng_next(r) % n) : 0;
}

static void mrng_seed(struct mrng *r, uint64_t seed, const char *src, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)src[i]) * 1099511628211ULL;
    r->s = (h ^ (seed * 0x9E3779B97F4A7C15ULL)) | 1;
    for (int k = 0; k < 4; k++)
        mrng_next(r);
}

static bool latin_char(unsigned char c)
{
    return isalpha(c) || c == '-' || c == '\'' || c == '.' || c == '+' || isdigit(c);
}

/* Runs of Latin words in the text of src (tags and what protected elements hold skipped): what
 * tarjim wrote in place of the Arabic, cut into the names[0..nnames) it is made of when it is
 * made of them. Each run is added to runs as a malloc'd string. */
static size_t latin_runs(const char *src, size_t len, const char *const *names, size_t nnames,
                         char ***runs)
{
    size_t n = 0;
    char **v = NULL;
    for (size_t i = 0; i < len;) {
        if (src[i] == '<') {
            const char *gt = memchr(src + i, '>', len - i);
            i = gt ? (size_t)(gt - src) + 1 : len;
            continue;
        }
        if (!isalpha((unsigned char)src[i]) || (i > 0 && latin_char((unsigned char)src[i - 1]))) {
            i++;
            continue;
        }
        size_t end = i;
        for (;;) {
            size_t w = end;
            while (w < len && latin_char((unsigned char)src[w]))
                w++;
            end = w;
            if (end + 1 < len && src[end] == ' ' && isalpha((unsigned char)src[end + 1]))
                end++;
            else
                break;
        }
        while (end > i && (src[end - 1] == '.' || src[end - 1] == '-'))
            end--;
        /* Names side by side (a glossary's, when known) are one span each. */
        size_t at = i;
        while (at < end) {
            size_t best = 0;
            for (size_t k = 0; k < nnames; k++) {
                size_t nl = strlen(names[k]);
                if (nl > best && at + nl <= end && strncmp(src + at, names[k], nl) == 0 &&
                    (at + nl == end || src[at + nl] == ' '))
                    best = nl;
            }
            if (!best || (at == i && best == end - i))
                break;
            v = fake_xrealloc(v, (n + 1) * sizeof *v);
            v[n++] = fake_xstrndup(src + at, best);
            at += best;
            while (at < end && src[at] == ' ')
                at++;
        }
        if (at < end) {
            v = fake_xrealloc(v, (n + 1) * sizeof *v);
            v[n++] = fake_xstrndup(src + at, end - at);
        }
        i = end;
    }
    *runs = v;
    return n;
}

static bool inside_span(const struct mspans *m, size_t a, size_t b)
{
    for (size_t k = 0; k < m->n; k++)
        if (a < m->v[k].end && b > m->v[k].start)
            return true;
    return false;
}

static int by_start(const void *a, const void *b)
{
    const struct mspan *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Placeholders (⟦N⟧) and the English written in place of the Arabic, as they stand in out. */
static void find_spans(const char *src, size_t len, const char *out, const struct fake_tr_opts *o,
                       struct mspans *m)
{
    size_t olen = strlen(out);
    for (const char *p = strstr(out, "\u27E6"); p; p = strstr(p + 1, "\u27E6")) {
        const char *q = p + 3;
        while (isdigit((unsigned char)*q))
            q++;
        if (q == p + 3 || strncmp(q, "\u27E7", 3) != 0)
            continue;
        size_t a = (size_t)(p - out), b = (size_t)(q - out) + 3;
        mspan_add(m, (struct mspan){a, b, a, b, MS_PLACEHOLDER, NULL});
    }
    char **runs;
    size_t nr = latin_runs(src, len, o->names_en, o->nnames, &runs);
    size_t from = 0;
    for (size_t r = 0; r < nr; r++) {
        size_t rl = strlen(runs[r]);
        for (size_t at = from; at + rl <= olen; at++) {
            bool same = strncmp(out + at, runs[r], rl) == 0 ||
                        (toupper((unsigned char)out[at]) == toupper((unsigned char)runs[r][0]) &&
                         strncmp(out + at + 1, runs[r] + 1, rl - 1) == 0);
            if (!same || (at && latin_char((unsigned char)out[at - 1])) ||
                latin_char((unsigned char)out[at + rl]) || inside_span(m, at, at + rl))
                continue;
            const char *ar = NULL;
            for (size_t k = 0; k < o->nnames; k++)
                if (strcmp(o->names_en[k], runs[r]) == 0)
                    ar = o->names_ar[k];
            mspan_add(m, (struct mspan){at, at + rl, at, at + rl, MS_NAME, ar});
            from = at + rl;
            break;
        }
        free(runs[r]);
    }
    free(runs);
    if (m->n)
        qsort(m->v, m->n, sizeof *m->v, by_start);
}

/* English as a careless engine spells a name: Putin as Poutine, Bootin, putin. */
static void misspell(struct fbuf *b, const char *s, size_t n, struct mrng *r)
{
    static const char swaps[][2] = {{'P', 'B'}, {'B', 'P'}, {'K', 'C'}, {'T', 'D'}, {'D', 'T'},
                                    {'V', 'W'}, {'Z', 'S'}, {'S', 'Z'}, {'G', 'Q'}};
    size_t way = mrng_below(r, 3);
    bool vowel_done = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (i == 0 && way == 0)
            for (size_t k = 0; k < sizeof swaps / sizeof swaps[0]; k++)
                if (c == swaps[k][0]) {
                    c = swaps[k][1];
                    break;
                }
        if (way == 2) {
            fbuf_putc(b, (char)tolower((unsigned char)c));
            continue;
        }
        if (!vowel_done && i > 0 && (c == 'u' || c == 'i' || c == 'o')) {
            fbuf_puts(b, c == 'u' ? "ou" : c == 'i' ? "ee" : "oo");
            vowel_done = true;
            continue;
        }
        fbuf_putc(b, c);
    }
    if (way != 2 && n && strchr("bcdfgklmnprstvz", s[n - 1]))
        fbuf_putc(b, 'e');
}

/* Arabic letter by letter in Latin, as an engine that ignored a glossary writes a name. */
static void transliterate(struct fbuf *b, const char *ar)
{
    size_t len = strlen(ar);
    bool first = true;
    for (size_t i = 0; i < len;) {
        uint32_t cp = next_cp(ar, len, &i);
        if (cp == ' ') {
            fbuf_putc(b, ' ');
            first = true;
            continue;
        }
        if (is_arabic_mark(cp) || !is_arabic_letter(cp))
            continue;
        const char *l = translit(cp);
        if (first && *l) {
            fbuf_putc(b, (char)toupper((unsigned char)*l));
            fbuf_puts(b, l + 1);
            first = false;
        } else {
            fbuf_puts(b, l);
        }
    }
}

enum mop {
    OP_DROP,
    OP_MOVE,
    OP_DUPLICATE,
    OP_ALTER,
    OP_REORDER,
    OP_UNWRAP,
    OP_DROP_CLOSE,
    OP_BREAK_CLOSE
};

/* A place in out for a span moved or copied away from sp: a blank outside every span, in
 * another sentence when out has more than one, else anywhere but beside sp. */
static size_t elsewhere(const char *out, size_t olen, const struct mspans *m,
                        const struct mspan *sp, struct mrng *r)
{
    size_t *cand = fake_xmalloc((olen + 1) * sizeof *cand);
    int *sentence_at = fake_xmalloc((olen + 1) * sizeof *sentence_at);
    int sentence = 0;
    for (size_t i = 0; i < olen; i++) {
        if (i > 0 && (out[i - 1] == '.' || out[i - 1] == '?' || out[i - 1] == '!') && out[i] == ' ')
            sentence++;
        sentence_at[i] = sentence;
    }
    int own = sp->start < olen ? sentence_at[sp->start] : sentence;
    size_t nc = 0;
    for (int pass = 0; pass < 2 && nc == 0; pass++)
        for (size_t i = 0; i < olen; i++) {
            if (out[i] != ' ' || inside_span(m, i, i + 1) || (i + 1 >= sp->start && i <= sp->end))
                continue;
            if (pass == 0 ? sentence_at[i] != own : sentence_at[i] == own)
                cand[nc++] = i;
        }
    size_t at = nc ? cand[mrng_below(r, nc)] : olen;
    free(cand);
    free(sentence_at);
    return at;
}

/* out with a share (o->mangle) of its spans mangled: dropped, moved, repeated, altered,
 * swapped with another, unwrapped, their closing tag dropped or broken. */
static char *mangle(const char *src, size_t len, char *out, struct mspans *m,
                    const struct fake_tr_opts *o)
{
    struct mrng r;
    mrng_seed(&r, o->seed, src, len);
    size_t olen = strlen(out);
    char **repl = calloc(m->n + 1, sizeof *repl); /* NULL: as it was */
    struct {
        size_t at;
        char *text;
    } *ins = fake_xmalloc((2 * m->n + 1) * sizeof *ins);
    size_t nins = 0;
    bool *done = calloc(m->n + 1, 1);
    if (!repl || !done)
        abort();
    for (size_t i = 0; i < m->n; i++) {
        if (done[i] || mrng_double(&r) >= o->mangle)
            continue;
        struct mspan *sp = &m->v[i];
        static const enum mop element_ops[] = {OP_DROP,       OP_MOVE,       OP_DUPLICATE,
                                               OP_ALTER,      OP_REORDER,    OP_UNWRAP,
                                               OP_DROP_CLOSE, OP_BREAK_CLOSE};
        static const enum mop placeholder_ops[] = {OP_DROP,  OP_MOVE,    OP_DUPLICATE,
                                                   OP_ALTER, OP_REORDER, OP_BREAK_CLOSE};
        static const enum mop name_ops[] = {OP_DROP, OP_MOVE, OP_DUPLICATE, OP_ALTER, OP_REORDER};
        enum mop op = sp->kind == MS_ELEMENT       ? element_ops[mrng_below(&r, 8)]
                      : sp->kind == MS_PLACEHOLDER ? placeholder_ops[mrng_below(&r, 6)]
                                                   : name_ops[mrng_below(&r, 5)];
        const char *s = out + sp->start;
        size_t sl = sp->end - sp->start;
        struct fbuf b = {0};
        if (op == OP_REORDER) {
            size_t others = 0;
            for (size_t j = 0; j < m->n; j++)
                others += j != i && !done[j];
            if (!others) {
                op = OP_MOVE;
            } else {
                size_t pick = mrng_below(&r, others), j = 0;
                for (;; j++)
                    if (j != i && !done[j] && pick-- == 0)
                        break;
                repl[i] = fake_xstrndup(out + m->v[j].start, m->v[j].end - m->v[j].start);
                repl[j] = fake_xstrndup(s, sl);
                done[i] = done[j] = true;
                continue;
            }
        }
        done[i] = true;
        switch (op) {
        case OP_DROP:
            break;
        case OP_MOVE:
            ins[nins].at = elsewhere(out, olen, m, sp, &r);
            ins[nins++].text = fake_xstrndup(s, sl);
            break;
        case OP_DUPLICATE:
            fbuf_add(&b, s, sl);
            if (mrng_below(&r, 2)) {
                fbuf_putc(&b, ' ');
                fbuf_add(&b, s, sl);
            } else {
                ins[nins].at = elsewhere(out, olen, m, sp, &r);
                ins[nins++].text = fake_xstrndup(s, sl);
            }
            break;
        case OP_ALTER:
            if (sp->kind == MS_ELEMENT) {
                fbuf_add(&b, s, sp->inner_start - sp->start);
                size_t way = mrng_below(&r, 4);
                if (way == 3)
                    fbuf_puts(&b, "the official");
                else
                    misspell(&b, out + sp->inner_start, sp->inner_end - sp->inner_start, &r);
                fbuf_add(&b, out + sp->inner_end, sp->end - sp->inner_end);
            } else if (sp->kind == MS_PLACEHOLDER) {
                static const char *const forms[] = {"[%s]", "{%s}", "\u27E6 %s \u27E7", "[[%s]]",
                                                    "(%s)", "%s",   "\u27E6%s\u27E7"};
                size_t way = mrng_below(&r, 7);
                char num[16];
                snprintf(num, sizeof num, "%.*s", (int)(sl - 6), s + 3);
                if (way == 6) {
                    /* Arabic-Indic digits */
                    struct fbuf d = {0};
                    for (const char *c = num; *c; c++)
                        put_cp(&d, 0x0660 + (uint32_t)(*c - '0'));
                    fbuf_printf(&b, forms[way], d.p ? d.p : "");
                    fbuf_free(&d);
                } else {
                    fbuf_printf(&b, forms[way], num);
                }
            } else if (sp->arabic && mrng_below(&r, 2)) {
                transliterate(&b, sp->arabic);
            } else {
                misspell(&b, s, sl, &r);
            }
            break;
        case OP_UNWRAP:
            fbuf_add(&b, out + sp->inner_start, sp->inner_end - sp->inner_start);
            break;
        case OP_DROP_CLOSE:
            fbuf_add(&b, s, sp->inner_end - sp->start);
            break;
        case OP_BREAK_CLOSE:
            if (sp->kind == MS_PLACEHOLDER) {
                fbuf_add(&b, s, sl - 3); /* ⟦1 */
            } else {
                fbuf_add(&b, s, sp->inner_end - sp->start);
                const char *close = out + sp->inner_end;
                size_t cl = sp->end - sp->inner_end;
                if (mrng_below(&r, 2) && cl > 1)
                    fbuf_add(&b, close, cl - 1); /* </span */
                else
                    fbuf_puts(&b, "</spna>"); /* misspelt */
            }
            break;
        case OP_REORDER:
            break;
        }
        repl[i] = fbuf_take(&b);
    }
    struct fbuf res = {0};
    size_t k = 0;
    for (size_t p = 0; p <= olen;) {
        for (size_t q = 0; q < nins; q++)
            if (ins[q].at == p) {
                fbuf_putc(&res, ' ');
                fbuf_puts(&res, ins[q].text);
            }
        if (p == olen)
            break;
        while (k < m->n && m->v[k].start < p)
            k++;
        if (k < m->n && m->v[k].start == p) {
            if (repl[k])
                fbuf_puts(&res, repl[k]);
            else
                fbuf_add(&res, out + m->v[k].start, m->v[k].end - m->v[k].start);
            p = m->v[k].end;
            k++;
            continue;
        }
        fbuf_putc(&res, out[p++]);
    }
    for (size_t i = 0; i < m->n; i++)
        free(repl[i]);
    for (size_t q = 0; q < nins; q++)
        free(ins[q].text);
    free(repl);
    free(ins);
    free(done);
    free(out);
    return fbuf_take(&res);
}

/* out without its placeholders (⟦N⟧), and the space before each. */
static char *drop_placeholders(char *out)
{
    struct fbuf b = {0};
    const char *s = out;
    for (const char *p; (p = strstr(s, "\u27E6")) != NULL;) {
        const char *q = p + 3;
        while (*q >= '0' && *q <= '9')
            q++;
        if (q == p + 3 || strncmp(q, "\u27E7", 3) != 0) {
            fbuf_add(&b, s, (size_t)(q - s));
            s = q;
            continue;
        }
        const char *keep = p;
        if (keep > s && keep[-1] == ' ')
            keep--;
        fbuf_add(&b, s, (size_t)(keep - s));
        s = q + 3;
    }
    fbuf_puts(&b, s);
    free(out);
    return fbuf_take(&b);
}

char *fake_translate(const char *src, size_t len, const struct fake_tr_opts *opts)
{
    struct mspans m = {0};
    char *out = translate_spans(src, len, opts, opts->mangle > 0 ? &m : NULL);
    if (opts->flags & FK_DROP_MARKUP)
        out = drop_placeholders(out);
    if (opts->mangle > 0) {
        find_spans(src, len, out, opts, &m);
        if (m.n)
            out = mangle(src, len, out, &m, opts);
    }
    free(m.v);
    return out;
}

void fake_mangle_opts(struct fake_tr_opts *o, const struct fake_faults *f)
{
    o->mangle = f->mangle_rate;
    o->seed = f->has_seed ? f->seed : 1;
}

char **fake_translate_all(const char *const *src, size_t n, const struct fake_tr_opts *opts)
{
    char **t = fake_xmalloc((n ? n : 1) * sizeof *t);
    for (size_t i = 0; i < n; i++)
        t[i] = fake_translate(src[i], strlen(src[i]), opts);
    return t;
}

void fake_free_all(char **texts, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
}

void fake_terms_add(struct fake_terms *t, struct fbuf *b, const char *target, size_t len)
{
    char d[16];
    size_t n = 0, k = t->n;
    do {
        d[n++] = (char)('a' + k % 26);
        k /= 26;
    } while (k && n < sizeof d);
    fbuf_puts(b, t->tag);
    while (n)
        fbuf_putc(b, d[--n]);
    fbuf_putc(b, 'Q');
    t->targets = fake_xrealloc(t->targets, (t->n + 1) * sizeof *t->targets);
    t->targets[t->n++] = fake_xstrndup(target, len);
}

void fake_terms_restore(const struct fake_terms *t, char **text)
{
    if (!t->n)
        return;
    struct fbuf b = {0};
    const char *s = *text;
    while (*s) {
        const char *at = strstr(s, t->tag);
        if (!at) {
            fbuf_puts(&b, s);
            break;
        }
        fbuf_add(&b, s, (size_t)(at - s));
        const char *p = at + 4;
        size_t k = 0;
        while (*p >= 'a' && *p <= 'z')
            k = k * 26 + (size_t)(*p++ - 'a');
        if (*p == 'Q' && p > at + 4 && k < t->n) {
            fbuf_puts(&b, t->targets[k]);
            s = p + 1;
        } else {
            fbuf_add(&b, at, 4);
            s = at + 4;
        }
    }
    free(*text);
    *text = fbuf_take(&b);
}

void fake_terms_free(struct fake_terms *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->targets[i]);
    free(t->targets);
    t->targets = NULL;
    t->n = 0;
}

/* ---- entities ---------------------------------------------------------------------------- */

void fake_html_unescape(char *s)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {{"amp", '&'},   {"lt", '<'},    {"gt", '>'},     {"quot", '"'},
                 {"apos", '\''}, {"nbsp", 0xA0}, {"laquo", 0xAB}, {"raquo", 0xBB}};
    size_t len = strlen(s);
    struct fbuf out = {0};
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '&' && entity_at(s, len, i)) {
            size_t semi = i + 1;
            while (s[semi] != ';')
                semi++;
            uint32_t cp = 0;
            if (s[i + 1] == '#') {
                bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';
                cp = (uint32_t)strtoul(s + i + (hex ? 3 : 2), NULL, hex ? 16 : 10);
            } else {
                for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
                    if (strlen(named[k].name) == semi - i - 1 &&
                        strncmp(s + i + 1, named[k].name, semi - i - 1) == 0)
                        cp = named[k].cp;
            }
            if (cp && cp < 0x110000 && !(cp >= 0xD800 && cp < 0xE000)) {
                put_cp(&out, cp);
                i = semi;
                continue;
            }
        }
        fbuf_putc(&out, s[i]);
    }
    if (out.p)
        memcpy(s, out.p, out.len + 1); /* never longer than the input */
    fbuf_free(&out);
}

/* ---- list faults -------------------------------------------------------------------------- */

size_t fake_mangle_list(unsigned flags, char ***texts, size_t n, const char *const *sources)
{
    char **t = *texts;
    for (size_t i = 0; i < n; i++) {
        if (flags & FK_ECHO) {
            free(t[i]);
            t[i] = fake_xstrdup(sources[i]);
        } else if (flags & FK_EMPTY) {
            free(t[i]);
            t[i] = fake_xstrdup("");
        }
    }
    if (flags & FK_WRONG_COUNT) {
        if (n > 1) {
            free(t[n - 1]);
            n--;
        } else if (n == 1) {
            t = fake_xrealloc(t, 2 * sizeof *t);
            t[1] = fake_xstrdup(t[0]);
            n = 2;
        }
    }
    *texts = t;
    return n;
}
