/* Protecting pins for the engine and restoring them from its output. */
#include "protect.h"

#include "buf.h"
#include "gloss.h"
#include "glossary.h"
#include "utf8.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TATWEEL 0x0640
/* Longest run of clitic letters before a pin: وبال, ولل (four letters). */
#define CLITIC_MAX_LETTERS 4

const char *tj_protect_english(const struct tj_pin *pin)
{
    return pin->term && pin->term->english ? pin->term->english : "";
}

const char *tj_protect_name(enum tj_protect_kind kind)
{
    switch (kind) {
    case TJ_PROTECT_HTML:
    case TJ_PROTECT_HTML_CLASS:
        return "html";
    case TJ_PROTECT_XML:
        return "xml";
    case TJ_PROTECT_PLACEHOLDER:
        return "placeholder";
    case TJ_PROTECT_PROMPT:
        return "prompt";
    case TJ_PROTECT_INLINE:
        return "inline";
    case TJ_PROTECT_NATIVE:
        return "native";
    case TJ_PROTECT_NONE:
        break;
    }
    return "none";
}

static bool markup(enum tj_protect_kind kind)
{
    return kind == TJ_PROTECT_HTML || kind == TJ_PROTECT_HTML_CLASS || kind == TJ_PROTECT_XML;
}

static const char *open_tag(enum tj_protect_kind kind)
{
    switch (kind) {
    case TJ_PROTECT_HTML:
        return "<span translate=\"no\">";
    case TJ_PROTECT_HTML_CLASS:
        return "<span class=\"notranslate\" translate=\"no\">";
    case TJ_PROTECT_XML:
        return "<x>";
    default:
        return "";
    }
}

static const char *close_tag(enum tj_protect_kind kind)
{
    return kind == TJ_PROTECT_XML ? "</x>" : "</span>";
}

/* Appends s[0..len), escaped for markup when kind asks for it. */
static void put_text(struct tj_buf *b, enum tj_protect_kind kind, const char *s, size_t len)
{
    if (!markup(kind)) {
        tj_buf_append(b, s, len);
        return;
    }
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        const char *ent = NULL;
        switch (s[i]) {
        case '&':
            ent = "&amp;";
            break;
        case '<':
            ent = "&lt;";
            break;
        case '>':
            ent = "&gt;";
            break;
        default:
            continue;
        }
        tj_buf_append(b, s + from, i - from);
        tj_buf_puts(b, ent);
        from = i + 1;
    }
    tj_buf_append(b, s + from, len - from);
}

/* Where the clitic letters before a pin begin: back from pin_start over at most
 * CLITIC_MAX_LETTERS Arabic letters (and a tatweel) to the start of the word, not past floor
 * (the end of the previous pin). Returns pin_start when there is no clitic. */
static size_t clitic_start(const char *text, size_t floor, size_t pin_start)
{
    size_t i = pin_start, letters = 0;
    while (i > floor) {
        size_t k = i;
        uint32_t cp = tj_utf8_prev(text, &k);
        if (cp == TATWEEL || tj_is_arabic_mark(cp)) {
            i = k;
            continue;
        }
        if (!tj_is_arabic_letter(cp))
            break;
        if (++letters > CLITIC_MAX_LETTERS)
            return pin_start; /* a longer word: not clitics */
        i = k;
    }
    return i;
}

static void protect_into(struct tj_buf *b, enum tj_protect_kind kind, const char *text, size_t len,
                         const struct tj_pin *pins, size_t npins)
{
    if (kind == TJ_PROTECT_NONE || kind == TJ_PROTECT_PROMPT || kind == TJ_PROTECT_NATIVE) {
        tj_buf_append(b, text, len);
        return;
    }
    size_t at = 0;
    for (size_t i = 0; i < npins; i++) {
        const struct tj_pin *p = &pins[i];
        if (p->start < at || p->end > len || p->start > p->end)
            continue; /* overlapping or out of range: leave that text as it is */
        size_t cs = clitic_start(text, at, p->start);
        put_text(b, kind, text + at, cs - at);
        if (cs < p->start) {
            /* The clitics, written apart from the term with a tatweel (لـ). */
            size_t ce = p->start;
            while (ce > cs) {
                size_t k = ce;
                uint32_t cp = tj_utf8_prev(text, &k);
                if (cp != TATWEEL)
                    break;
                ce = k;
            }
            tj_buf_append(b, text + cs, ce - cs);
            tj_buf_puts(b, "\u0640");
        }
        if (kind == TJ_PROTECT_PLACEHOLDER) {
            tj_buf_printf(b, "\u27E6%zu\u27E7", i + 1);
        } else if (kind == TJ_PROTECT_INLINE) {
            tj_buf_puts(b, tj_protect_english(p));
        } else {
            tj_buf_puts(b, open_tag(kind));
            const char *en = tj_protect_english(p);
            put_text(b, kind, en, strlen(en));
            tj_buf_puts(b, close_tag(kind));
        }
        at = p->end;
    }
    put_text(b, kind, text + at, len - at);
}

char *tj_protect(enum tj_protect_kind kind, const char *text, size_t len, const struct tj_pin *pins,
                 size_t npins, size_t *out_len)
{
    struct tj_buf b;
    tj_buf_init(&b, 0);
    protect_into(&b, kind, text, len, pins, npins);
    return tj_buf_take(&b, out_len);
}

size_t tj_protect_size(enum tj_protect_kind kind, const char *text, size_t len,
                       const struct tj_pin *pins, size_t npins)
{
    struct tj_buf b;
    tj_buf_init(&b, 0);
    protect_into(&b, kind, text, len, pins, npins);
    size_t n = b.len;
    tj_buf_finish(&b);
    return n;
}

/* Reading names. A name's rendering is compared by its consonants: each letter falls in a class
 * (vowels, w, y and h fall out), runs of one class count once, so that Putin, Poutine, putin,
 * Bootin and the letter-by-letter bwtyn all read B-T-N, as بوتين does. */

#define SKEL_MAX 64

struct skel {
    char c[SKEL_MAX];
    size_t n;
};

static void skel_put(struct skel *k, char c)
{
    if (!c || (k->n && k->c[k->n - 1] == c) || k->n >= SKEL_MAX)
        return;
    k->c[k->n++] = c;
}

/* The class of a Latin letter (lower case), or 0 for one that falls out. */
static char latin_class(uint32_t cp, uint32_t next)
{
    switch (cp) {
    case 'b':
    case 'p':
        return 'B';
    case 'f':
    case 'v':
        return 'F';
    case 't':
    case 'd':
        return 'T';
    case 's':
    case 'z':
    case 0xE7:  /* ç */
    case 0x15F: /* ş */
    case 0x161: /* š */
    case 0x17E: /* ž */
    case 0x10D: /* č */
    case 0x107: /* ć */
        return 'S';
    case 'c':
        return next == 'h' || next == 'e' || next == 'i' || next == 'y' ? 'S' : 'K';
    case 'k':
    case 'q':
    case 'g':
    case 'j':
    case 0x11F: /* ğ */
        return 'K';
    case 'l':
        return 'L';
    case 'm':
        return 'M';
    case 'n':
    case 0xF1: /* ñ */
        return 'N';
    case 'r':
        return 'R';
    default:
        return 0;
    }
}

static uint32_t lower_cp(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32;
    if (cp >= 0x100 && cp <= 0x17F) {
        /* Latin Extended-A pairs capitals and small letters, the capital first (even) except
         * in two runs where it comes odd. */
        bool odd_capital = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
        if (odd_capital ? (cp & 1) : !(cp & 1))
            return cp + 1;
    }
    return cp;
}

/* True when s[i..) starts a word with the article al- or el- (written with a hyphen or glued
 * to a word of at least three more letters). Sets *skip to the bytes it takes. */
static bool latin_article(const char *s, size_t n, size_t i, size_t *skip)
{
    if (i + 2 > n)
        return false;
    char a = (char)tolower((unsigned char)s[i]), l = (char)tolower((unsigned char)s[i + 1]);
    if (!((a == 'a' || a == 'e') && l == 'l'))
        return false;
    if (i + 2 < n && (s[i + 2] == '-' || s[i + 2] == ' ')) {
        *skip = 3;
        return true;
    }
    size_t letters = 0;
    for (size_t k = i + 2; k < n && isalpha((unsigned char)s[k]); k++)
        letters++;
    *skip = 2;
    return letters >= 3;
}

/* The consonants of Latin text; with no_article, an al- or el- opening a word is left out. */
static void latin_skel(const char *s, size_t n, bool no_article, struct skel *k)
{
    k->n = 0;
    size_t i = 0;
    bool word_start = true;
    while (i < n) {
        size_t skip;
        if (word_start && no_article && latin_article(s, n, i, &skip)) {
            i += skip;
            word_start = false;
            continue;
        }
        uint32_t cp = lower_cp(tj_utf8_next(s, n, &i));
        size_t j = i;
        uint32_t next = i < n ? lower_cp(tj_utf8_next(s, n, &j)) : 0;
        if (cp == 'x') {
            skel_put(k, 'K');
            skel_put(k, 'S');
        } else {
            skel_put(k, latin_class(cp, next));
        }
        word_start = cp == ' ' || cp == '-';
    }
}

/* The class of an Arabic letter, or 0 for one that falls out (long vowels, hamza, ع, ح, ه). */
static char arabic_class(uint32_t cp)
{
    switch (cp) {
    case 0x0628: /* ب */
    case 0x067E: /* پ */
        return 'B';
    case 0x062A: /* ت */
    case 0x0637: /* ط */
    case 0x062F: /* د */
    case 0x0636: /* ض */
    case 0x0630: /* ذ */
    case 0x062B: /* ث */
        return 'T';
    case 0x062C: /* ج */
    case 0x0642: /* ق */
    case 0x0643: /* ك */
    case 0x062E: /* خ */
    case 0x063A: /* غ */
    case 0x06AF: /* گ */
        return 'K';
    case 0x0631: /* ر */
        return 'R';
    case 0x0632: /* ز */
    case 0x0633: /* س */
    case 0x0634: /* ش */
    case 0x0635: /* ص */
    case 0x0638: /* ظ */
        return 'S';
    case 0x0641: /* ف */
    case 0x06A4: /* ڤ */
        return 'F';
    case 0x0644: /* ل */
        return 'L';
    case 0x0645: /* م */
        return 'M';
    case 0x0646: /* ن */
        return 'N';
    default:
        return 0;
    }
}

/* The consonants of Arabic text; with no_article, the article ال opening a word is left out.
 * تش (how Arabic writes ch) counts as one S. */
static void arabic_skel(const char *s, size_t n, bool no_article, struct skel *k)
{
    k->n = 0;
    size_t i = 0;
    bool word_start = true;
    while (i < n) {
        if (word_start && no_article && i + 4 <= n && memcmp(s + i, "\u0627\u0644", 4) == 0) {
            i += 4;
            word_start = false;
            continue;
        }
        uint32_t cp = tj_utf8_next(s, n, &i);
        size_t j = i;
        uint32_t next = i < n ? tj_utf8_next(s, n, &j) : 0;
        word_start = !tj_is_arabic_letter(cp) && !tj_is_arabic_mark(cp);
        if (cp == 0x062A && next == 0x0634)
            continue;
        skel_put(k, arabic_class(cp));
    }
}

static bool skel_eq(const struct skel *a, const struct skel *b)
{
    return a->n == b->n && memcmp(a->c, b->c, a->n) == 0;
}

/* Levenshtein distance of the bytes a[0..an) and b[0..bn) (each at most SKEL_MAX), or max + 1
 * once it is sure to exceed max. */
static size_t distance(const char *a, size_t an, const char *b, size_t bn, size_t max)
{
    uint32_t wa[SKEL_MAX], wb[SKEL_MAX];
    if (an > SKEL_MAX)
        an = SKEL_MAX;
    if (bn > SKEL_MAX)
        bn = SKEL_MAX;
    for (size_t i = 0; i < an; i++)
        wa[i] = (unsigned char)a[i];
    for (size_t j = 0; j < bn; j++)
        wb[j] = (unsigned char)b[j];
    return tj_utf8_distance(wa, an, wb, bn, max);
}

/* The letters of Latin text, lower-cased ASCII only, into out (at most SKEL_MAX). */
static size_t latin_letters(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < SKEL_MAX; i++)
        if (isalpha((unsigned char)s[i]))
            out[k++] = (char)tolower((unsigned char)s[i]);
    return k;
}

/* A letter-by-letter transliteration of Arabic, as naive engines write one (بوتين: bwtyn). */
static size_t arabic_letters(const char *s, size_t n, char *out)
{
    static const char *const latin[] = {
        /* 0x0621 .. 0x064A */
        "",  "a",  "a", "w", "i", "y",  "a", "b", "a", "t", "th", "j",  "h", "kh",
        "d", "dh", "r", "z", "s", "sh", "s", "d", "t", "z", "e",  "gh", "",  "",
        "",  "",   "",  "",  "f", "q",  "k", "l", "m", "n", "h",  "w",  "a", "y",
    };
    size_t k = 0, i = 0;
    while (i < n && k < SKEL_MAX) {
        uint32_t cp = tj_utf8_next(s, n, &i);
        if (cp < 0x0621 || cp > 0x064A)
            continue;
        for (const char *l = latin[cp - 0x0621]; *l && k < SKEL_MAX; l++)
            out[k++] = *l;
    }
    return k;
}

/* True when the letters of s are within a third of their length of the letters of t. */
static bool close_spelling(const char *s, size_t sn, const char *t, size_t tn)
{
    if (!sn || !tn)
        return false;
    size_t longer = sn > tn ? sn : tn;
    size_t allowed = longer / 3 ? longer / 3 : 1;
    return distance(s, sn, t, tn, allowed) <= allowed;
}

enum tj_like tj_protect_like(const char *s, size_t n, const char *english, const char *arabic,
                             size_t arabic_len, bool name_case)
{
    struct skel cand, cand_bare, en, en_bare, ar, ar_bare;
    latin_skel(s, n, false, &cand);
    latin_skel(s, n, true, &cand_bare);
    if (cand.n == 0)
        return TJ_LIKE_NO;
    char letters[SKEL_MAX], other[SKEL_MAX];
    size_t nl = latin_letters(s, n, letters);
    latin_skel(english, strlen(english), false, &en);
    latin_skel(english, strlen(english), true, &en_bare);
    if (en.n && (skel_eq(&cand, &en) || skel_eq(&cand_bare, &en_bare))) {
        size_t no = latin_letters(english, strlen(english), other);
        if ((name_case && en.n >= 3) || close_spelling(letters, nl, other, no))
            return TJ_LIKE_ENGLISH;
    }
    if (!arabic || !arabic_len)
        return TJ_LIKE_NO;
    arabic_skel(arabic, arabic_len, false, &ar);
    arabic_skel(arabic, arabic_len, true, &ar_bare);
    bool same = (ar.n && skel_eq(&cand, &ar)) || (ar_bare.n && skel_eq(&cand, &ar_bare)) ||
                (ar_bare.n && skel_eq(&cand_bare, &ar_bare));
    if (!same && name_case && cand.n >= 5 &&
        (distance(cand.c, cand.n, ar_bare.c, ar_bare.n, 1) <= 1 ||
         distance(cand.c, cand.n, en.c, en.n, 1) <= 1))
        same = true; /* one consonant off in a long name: Zelenskyy, Medinskiy */
    if (!same)
        return TJ_LIKE_NO;
    size_t no = arabic_letters(arabic, arabic_len, other);
    if ((name_case && cand.n >= 3) || close_spelling(letters, nl, other, no))
        return TJ_LIKE_ARABIC;
    return TJ_LIKE_NO;
}

/* Restoring. The engine's output is read into pieces: runs of text (entities decoded, stray
 * tags dropped), terms (a pin's English where its placeholder came back) and elements (the
 * text of a protecting element, matched to a pin once the whole output is read: by its
 * English, then by its consonants, then by position). The pieces are then joined with English
 * spacing around each term. */

#define ELEMENT (-2)

struct piece {
    size_t start, end; /* in the text buffer */
    int pin;           /* -1: text, ELEMENT: an element not yet matched, else a term */
    bool broken;       /* element: it came back without a proper closing tag */
};

struct reader {
    enum tj_protect_kind kind;
    const struct tj_pin *pins;
    size_t npins;
    const char *out;
    size_t len;
    struct tj_pin_report *rep; /* per pin */
    struct tj_buf text;
    struct piece *pieces;
    size_t npieces;
};

static void add_piece(struct reader *r, size_t start, int pin)
{
    r->pieces = tj_xreallocarray(r->pieces, r->npieces + 1, sizeof *r->pieces);
    r->pieces[r->npieces++] = (struct piece){start, r->text.len, pin, false};
}

/* Appends the code point as UTF-8. */
static void put_cp(struct tj_buf *b, uint32_t cp)
{
    char u[4];
    tj_buf_append(b, u, tj_utf8_encode(cp, u));
}

/* Decodes the entity at s[0..len) (s[0] == '&') into b; returns the bytes read, 0 when it is
 * not an entity (the '&' is then literal). */
static size_t decode_entity(struct tj_buf *b, const char *s, size_t len)
{
    static const struct {
        const char *name;
        uint32_t cp;
    } named[] = {
        {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
        {"apos", '\''},     {"nbsp", 0xA0},    {"ndash", 0x2013}, {"mdash", 0x2014},
        {"lsquo", 0x2018},  {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},
        {"hellip", 0x2026},
    };
    size_t semi = 1;
    while (semi < len && semi < 12 && s[semi] != ';')
        semi++;
    if (semi >= len || s[semi] != ';' || semi < 2)
        return 0;
    if (s[1] == '#') {
        uint32_t cp = 0;
        size_t i = 2;
        bool hex = i < semi && (s[i] == 'x' || s[i] == 'X');
        if (hex)
            i++;
        if (i == semi)
            return 0;
        for (; i < semi; i++) {
            int c = (unsigned char)s[i];
            int d = isdigit(c) ? c - '0' : hex && isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
            if (d < 0)
                return 0;
            cp = cp * (hex ? 16 : 10) + (uint32_t)d;
            if (cp > 0x10FFFF)
                return 0;
        }
        if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = 0xFFFD;
        put_cp(b, cp);
        return semi + 1;
    }
    for (size_t i = 0; i < TJ_ARRAY_LEN(named); i++)
        if (strlen(named[i].name) == semi - 1 && memcmp(s + 1, named[i].name, semi - 1) == 0) {
            put_cp(b, named[i].cp);
            return semi + 1;
        }
    return 0;
}

/* Appends out[i..) up to one character or entity; returns the new i. */
static size_t put_char(struct reader *r, struct tj_buf *b, size_t i)
{
    if (r->out[i] == '&' && markup(r->kind)) {
        size_t n = decode_entity(b, r->out + i, r->len - i);
        if (n)
            return i + n;
    }
    size_t n = tj_utf8_seq_len((const unsigned char *)r->out + i, r->len - i);
    if (n == 0 || (n == 1 && r->out[i] == '\0')) {
        put_cp(b, 0xFFFD);
        return i + 1;
    }
    tj_buf_append(b, r->out + i, n);
    return i + n;
}

/* The end of a tag starting at out[i] == '<', or 0 when it is not a tag. Sets *closing and
 * the tag's name (lower-cased, at most 15 bytes) and where its attributes are. */
static size_t tag_end(const struct reader *r, size_t i, bool *closing, char *name,
                      size_t *attr_start)
{
    size_t j = i + 1;
    while (j < r->len && r->out[j] == ' ')
        j++;
    *closing = j < r->len && r->out[j] == '/';
    if (*closing) {
        j++;
        while (j < r->len && r->out[j] == ' ')
            j++;
    }
    size_t n = 0;
    while (j < r->len && (isalnum((unsigned char)r->out[j]) || r->out[j] == ':') && n < 15)
        name[n++] = (char)tolower((unsigned char)r->out[j++]);
    name[n] = '\0';
    if (n == 0 || !isalpha((unsigned char)name[0]))
        return 0;
    *attr_start = j;
    while (j < r->len && r->out[j] != '>' && r->out[j] != '<')
        j++;
    if (j >= r->len || r->out[j] != '>')
        return 0;
    return j + 1;
}

static const char *element_name(const struct reader *r)
{
    return r->kind == TJ_PROTECT_XML ? "x" : "span";
}

/* At out[i] == '<': our closing tag cut short ("</span" with no '>'). Returns where it ends,
 * or 0 when it is something else. */
static size_t broken_close(const struct reader *r, size_t i)
{
    size_t j = i + 1;
    while (j < r->len && r->out[j] == ' ')
        j++;
    if (j >= r->len || r->out[j] != '/')
        return 0;
    j++;
    while (j < r->len && r->out[j] == ' ')
        j++;
    const char *want = element_name(r);
    size_t wn = strlen(want);
    if (r->len - j < wn || strncasecmp(r->out + j, want, wn) != 0)
        return 0;
    j += wn;
    if (j < r->len && isalnum((unsigned char)r->out[j]))
        return 0;
    return j;
}

/* True when the attributes out[a..b) ask for no translation. */
static bool notranslate_attrs(const struct reader *r, size_t a, size_t b)
{
    char buf[256];
    size_t n = 0;
    for (size_t i = a; i < b && n + 1 < sizeof buf; i++)
        if (r->out[i] != ' ' && r->out[i] != '"' && r->out[i] != '\'')
            buf[n++] = (char)tolower((unsigned char)r->out[i]);
    buf[n] = '\0';
    return strstr(buf, "translate=no") || strstr(buf, "notranslate");
}

/* s[0..n) without the blanks around it. */
static void trim(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)(*s)[0]))
        (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* Compares English: exactly (exact) or in any case, blanks around a ignored. */
static bool same_english(const char *a, size_t an, const char *b, bool exact)
{
    size_t bn = strlen(b);
    trim(&a, &an);
    if (an != bn || bn == 0)
        return false;
    return exact ? memcmp(a, b, an) == 0 : strncasecmp(a, b, an) == 0;
}

static bool word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* How inner[0..n) reads against pin k: its English in any case, or its consonants. */
static bool reads_as(const struct reader *r, const char *inner, size_t n, size_t k)
{
    const char *en = tj_protect_english(&r->pins[k]);
    if (same_english(inner, n, en, false))
        return true;
    const char *ar = r->pins[k].term ? r->pins[k].term->arabic : NULL;
    trim(&inner, &n);
    return n && tj_protect_like(inner, n, en, ar, ar ? strlen(ar) : 0, true) != TJ_LIKE_NO;
}

/* Bytes after out[from] that an element left unclosed holds: the English of a pin (in any
 * case) that the text starts with, else up to four words that read like one; 0 when neither. */
static size_t unclosed_inner(const struct reader *r, size_t from)
{
    size_t j = from;
    while (j < r->len && r->out[j] == ' ')
        j++;
    size_t best = 0;
    for (size_t k = 0; k < r->npins; k++) {
        const char *en = tj_protect_english(&r->pins[k]);
        size_t n = strlen(en);
        if (n && r->len - j >= n && strncasecmp(r->out + j, en, n) == 0 &&
            (j + n == r->len || !word_byte((unsigned char)r->out[j + n])) && j + n - from > best)
            best = j + n - from;
    }
    if (best)
        return best;
    size_t end = j;
    for (int words = 0; words < 4; words++) {
        size_t w = end;
        while (w < r->len && r->out[w] == ' ')
            w++;
        size_t e = w;
        while (e < r->len &&
               (word_byte((unsigned char)r->out[e]) || r->out[e] == '-' || r->out[e] == '\''))
            e++;
        if (e == w)
            break;
        end = e;
        for (size_t k = 0; k < r->npins; k++)
            if (reads_as(r, r->out + j, end - j, k))
                best = end - from;
    }
    return best;
}

/* At out[i] == '<': a protecting element (open tag, inner text, close tag) becomes an element
 * piece, any other tag is dropped. Returns the new i, or i when out[i] is a literal '<'. */
static size_t read_tag(struct reader *r, size_t i, size_t *text_start)
{
    bool closing;
    char name[16];
    size_t attrs;
    size_t e = tag_end(r, i, &closing, name, &attrs);
    if (!e) {
        size_t b = broken_close(r, i);
        return b ? b : i; /* a closing tag cut short, left over: dropped */
    }
    const char *want = element_name(r);
    bool ours = !closing && strcmp(name, want) == 0 &&
                (r->kind == TJ_PROTECT_XML || notranslate_attrs(r, attrs, e - 1));
    if (!ours) {
        /* Dropped: we sent no other markup. A line break still separates words. */
        if (strcmp(name, "br") == 0)
            tj_buf_putc(&r->text, ' ');
        return e;
    }
    bool empty = e >= 2 && r->out[e - 2] == '/';
    /* The inner text up to the matching close tag: ours, one misspelt, or one cut short. */
    size_t j = e, after = e;
    bool closed = empty, broken = false;
    struct tj_buf inner;
    tj_buf_init(&inner, 0);
    if (!empty) {
        int depth = 1;
        while (j < r->len) {
            if (r->out[j] == '<') {
                bool c2;
                char n2[16];
                size_t a2;
                size_t e2 = tag_end(r, j, &c2, n2, &a2);
                if (e2) {
                    bool self = e2 >= 2 && r->out[e2 - 2] == '/';
                    if (strcmp(n2, want) == 0 && !self) {
                        depth += c2 ? -1 : 1;
                    } else if (c2 && depth == 1) {
                        depth = 0;
                        broken = true;
                    }
                    if (depth == 0) {
                        after = e2;
                        closed = true;
                        break;
                    }
                    j = e2;
                    continue;
                }
                size_t b2 = broken_close(r, j);
                if (b2 && depth == 1) {
                    after = b2;
                    closed = broken = true;
                    break;
                }
            }
            j = put_char(r, &inner, j);
        }
    }
    if (!closed) {
        /* No closing tag: the element holds the name the text starts with, if any. */
        size_t k = unclosed_inner(r, e);
        tj_buf_finish(&inner);
        if (!k)
            return e; /* the open tag alone is dropped; its text is read as text */
        tj_buf_init(&inner, 0);
        for (j = e; j < e + k;)
            j = put_char(r, &inner, j);
        after = e + k;
        broken = true;
    }
    if (r->text.len > *text_start)
        add_piece(r, *text_start, -1);
    size_t s = r->text.len;
    tj_buf_append(&r->text, inner.data ? inner.data : "", inner.len);
    add_piece(r, s, ELEMENT);
    r->pieces[r->npieces - 1].broken = broken;
    tj_buf_finish(&inner);
    *text_start = r->text.len;
    return after;
}

static bool is_digit_cp(uint32_t cp, unsigned *d)
{
    int v = tj_utf8_digit(cp);
    if (v < 0)
        return false;
    *d = (unsigned)v;
    return true;
}

/* Notes what came back in place of pin k: cut at a character boundary to fit. */
static void set_got(struct tj_pin_report *rep, const char *s, size_t n)
{
    trim(&s, &n);
    if (n >= sizeof rep->got) {
        n = sizeof rep->got - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(rep->got, s, n);
    rep->got[n] = '\0';
}

/* Pin k came back in a span (an element or a placeholder), as sent (exact) or not. */
static void came_back(struct reader *r, size_t k, bool exact, const char *got, size_t got_len,
                      bool broken)
{
    struct tj_pin_report *rep = &r->rep[k];
    rep->spans++;
    if (rep->spans > 1)
        return;
    rep->how = exact ? TJ_PIN_KEPT : TJ_PIN_REWRITTEN;
    if (!exact) {
        set_got(rep, got, got_len);
        rep->broken_tag = broken;
    }
}

/* At a placeholder: ⟦N⟧ as sent, or as engines rewrite it (⟦ N ⟧, [[N]], [N], {N}, ⟦N],
 * Arabic-Indic digits, ⟦N with its closing bracket lost). A valid one becomes its pin's
 * English; a ⟦N⟧ or [[N]] for no pin is dropped. Returns the new i, or i when there is none. */
static size_t read_placeholder(struct reader *r, size_t i, size_t *text_start)
{
    size_t j = i;
    uint32_t cp = tj_utf8_next(r->out, r->len, &j);
    int open; /* 0: ⟦  1: [[  2: [  3: { */
    if (cp == 0x27E6) {
        open = 0;
    } else if (cp == '[') {
        open = j < r->len && r->out[j] == '[' ? 1 : 2;
        if (open == 1)
            j++;
    } else if (cp == '{') {
        open = 3;
    } else {
        return i;
    }
    bool spaced = false, ascii = true;
    while (j < r->len && r->out[j] == ' ')
        j++, spaced = true;
    unsigned long n = 0;
    size_t digits = 0;
    while (j < r->len && digits < 6) {
        size_t k = j;
        unsigned d;
        uint32_t c = tj_utf8_next(r->out, r->len, &k);
        if (!is_digit_cp(c, &d))
            break;
        ascii = ascii && c < 0x80;
        n = n * 10 + d;
        digits++;
        j = k;
    }
    size_t after_digits = j;
    while (j < r->len && r->out[j] == ' ')
        j++, spaced = true;
    if (digits == 0)
        return i;
    size_t k = j;
    cp = j < r->len ? tj_utf8_next(r->out, r->len, &k) : 0;
    bool closed;
    switch (open) {
    case 0:
        closed = cp == 0x27E7 || cp == ']';
        break;
    case 1:
        closed = cp == ']' && k < r->len && r->out[k] == ']';
        if (closed)
            k++;
        break;
    case 2:
        closed = cp == ']' || cp == 0x27E7;
        break;
    default:
        closed = cp == '}';
        break;
    }
    if (!closed) {
        /* Only our own bracket may lose its closing one: ⟦1 said. */
        if (open != 0 || (after_digits < r->len && word_byte((unsigned char)r->out[after_digits])))
            return i;
        k = after_digits;
    }
    bool ours = open <= 1;
    if (n < 1 || n > r->npins)
        return ours ? k : i; /* a placeholder for no pin: dropped; other brackets are text */
    if (r->text.len > *text_start)
        add_piece(r, *text_start, -1);
    size_t s = r->text.len;
    tj_buf_puts(&r->text, tj_protect_english(&r->pins[n - 1]));
    add_piece(r, s, (int)(n - 1));
    bool exact = open == 0 && closed && cp == 0x27E7 && !spaced && ascii;
    came_back(r, n - 1, exact, r->out + i, k - i, !closed);
    *text_start = r->text.len;
    return k;
}

static void read_output(struct reader *r)
{
    size_t i = 0, text_start = 0;
    while (i < r->len) {
        if (markup(r->kind) && r->out[i] == '<') {
            size_t k = read_tag(r, i, &text_start);
            if (k != i) {
                i = k;
                continue;
            }
        }
        if (r->kind == TJ_PROTECT_PLACEHOLDER &&
            (r->out[i] == '[' || r->out[i] == '{' || (unsigned char)r->out[i] == 0xE2)) {
            size_t k = 0;
            if (tj_utf8_seq_len((const unsigned char *)r->out + i, r->len - i))
                k = read_placeholder(r, i, &text_start);
            if (k && k != i) {
                i = k;
                continue;
            }
        }
        i = put_char(r, &r->text, i);
    }
    if (r->text.len > text_start)
        add_piece(r, text_start, -1);
}

/* Element pieces matched to pins. */

/* Makes element piece p the term of pin k. */
static void take_element(struct reader *r, size_t p, size_t k, bool exact)
{
    struct piece *pc = &r->pieces[p];
    const char *inner = r->text.data + pc->start;
    size_t n = pc->end - pc->start;
    came_back(r, k, exact && !pc->broken, inner, n, pc->broken);
    size_t s = r->text.len;
    tj_buf_puts(&r->text, tj_protect_english(&r->pins[k]));
    pc = &r->pieces[p]; /* the text buffer may have moved, the pieces have not */
    pc->start = s;
    pc->end = r->text.len;
    pc->pin = (int)k;
}

static void match_elements(struct reader *r)
{
    /* Rounds, most certain first: the English as sent; in another case; by consonants; an
     * emptied element; a repeat of a pin matched already; what is left, in order, when as many
     * elements as pins are left. */
    for (int round = 0; round < 6; round++) {
        size_t left_elements = 0, left_pins = 0;
        if (round == 5) {
            for (size_t p = 0; p < r->npieces; p++)
                left_elements +=
                    r->pieces[p].pin == ELEMENT && r->pieces[p].end > r->pieces[p].start;
            for (size_t k = 0; k < r->npins; k++)
                left_pins += r->rep[k].spans == 0;
            if (left_elements != left_pins)
                break;
        }
        for (size_t p = 0; p < r->npieces; p++) {
            if (r->pieces[p].pin != ELEMENT)
                continue;
            const char *inner = r->text.data + r->pieces[p].start;
            size_t n = r->pieces[p].end - r->pieces[p].start;
            for (size_t k = 0; k < r->npins; k++) {
                bool free_pin = r->rep[k].spans == 0;
                bool hit = false;
                switch (round) {
                case 0:
                    hit = free_pin && same_english(inner, n, tj_protect_english(&r->pins[k]), true);
                    break;
                case 1:
                    hit =
                        free_pin && same_english(inner, n, tj_protect_english(&r->pins[k]), false);
                    break;
                case 2:
                    hit = free_pin && reads_as(r, inner, n, k);
                    break;
                case 3: {
                    const char *t = inner;
                    size_t tn = n;
                    trim(&t, &tn);
                    hit = free_pin && tn == 0;
                    break;
                }
                case 4:
                    hit = !free_pin && reads_as(r, inner, n, k);
                    break;
                default:
                    hit = free_pin;
                    break;
                }
                if (hit) {
                    take_element(r, p, k, round == 0 || round == 4);
                    break;
                }
            }
        }
    }
    /* Elements that stand for no pin keep their text. */
    for (size_t p = 0; p < r->npieces; p++)
        if (r->pieces[p].pin == ELEMENT)
            r->pieces[p].pin = -1;
}

/* Joining. */

static bool is_space(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0 || cp == 0x200B ||
           cp == 0x200F || cp == 0x200E || cp == 0x061C;
}

/* Characters after which a term follows without a space. */
static bool opener(uint32_t cp)
{
    return cp == '(' || cp == '[' || cp == '{' || cp == 0x201C || cp == 0x2018 || cp == '/' ||
           cp == '-' || cp == 0x2013 || cp == 0x2014 || cp == '"' || cp == '\'' || cp == 0xAB;
}

/* Characters that follow a term without a space. */
static bool closer(uint32_t cp)
{
    return cp == ',' || cp == '.' || cp == ';' || cp == ':' || cp == '!' || cp == '?' ||
           cp == ')' || cp == ']' || cp == '}' || cp == 0x201D || cp == 0x2019 || cp == 0x060C ||
           cp == 0x061B || cp == 0x061F || cp == 0xBB || cp == 0x2026;
}

/* English for an Arabic punctuation mark, or NULL. */
static const char *english_punct(uint32_t cp)
{
    switch (cp) {
    case 0x060C:
        return ",";
    case 0x061B:
        return ";";
    case 0x061F:
        return "?";
    case 0x066A:
        return "%";
    default:
        return NULL;
    }
}

/* Appends s[0..n) to b with Arabic punctuation made English and runs of blanks collapsed to
 * one space (none at the very start of b). */
static void put_clean(struct tj_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t cp = tj_utf8_next(s, n, &i);
        if (is_space(cp)) {
            if (b->len && b->data[b->len - 1] != ' ')
                tj_buf_putc(b, ' ');
            continue;
        }
        const char *en = english_punct(cp);
        if (en)
            tj_buf_puts(b, en);
        else
            put_cp(b, cp);
    }
}

/* The last code point of b, or 0. */
static uint32_t last_cp(const struct tj_buf *b)
{
    if (!b->len)
        return 0;
    size_t i = b->len;
    return tj_utf8_prev(b->data, &i);
}

/* If b ends with Arabic clitic letters (maybe with a tatweel, maybe then a space), written
 * before a term, replaces them with their English and a space. Returns true when it did. */
static bool clitics_to_english(struct tj_buf *b)
{
    size_t end = b->len;
    while (end > 0 && b->data[end - 1] == ' ')
        end--;
    size_t i = end, letters = 0;
    while (i > 0) {
        size_t k = i;
        uint32_t cp = tj_utf8_prev(b->data, &k);
        if (cp == TATWEEL || tj_is_arabic_mark(cp)) {
            i = k;
            continue;
        }
        if (!tj_is_arabic_letter(cp) || ++letters > CLITIC_MAX_LETTERS)
            break;
        i = k;
    }
    if (i == end || letters > CLITIC_MAX_LETTERS)
        return false;
    char *en = tj_gloss_clitics(b->data + i, end - i);
    if (!en)
        return false;
    b->len = i;
    b->data[i] = '\0';
    if (b->len && !is_space(last_cp(b)) && !opener(last_cp(b)))
        tj_buf_putc(b, ' ');
    tj_buf_printf(b, "%s ", en);
    free(en);
    return true;
}

/* Joins the pieces into clean English. */
static char *join(struct reader *r)
{
    struct tj_buf b;
    tj_buf_init(&b, 0);
    bool after_term = false;
    for (size_t p = 0; p < r->npieces; p++) {
        const struct piece *pc = &r->pieces[p];
        const char *s = r->text.data + pc->start;
        size_t n = pc->end - pc->start;
        if (pc->pin < 0) {
            if (after_term) {
                /* Right after a term: no space before closing punctuation or 's, one space
                 * before anything else. */
                size_t i = 0;
                while (i < n) {
                    size_t k = i;
                    if (!is_space(tj_utf8_next(s, n, &k)))
                        break;
                    i = k;
                }
                if (i < n) {
                    size_t k = i;
                    uint32_t cp = tj_utf8_next(s, n, &k);
                    bool possessive = (cp == '\'' || cp == 0x2019) && k < n && s[k] == 's' &&
                                      (k + 1 == n || !isalnum((unsigned char)s[k + 1]));
                    if (!closer(cp) && !possessive && cp != '-')
                        tj_buf_putc(&b, ' ');
                    s += i;
                    n -= i;
                } else {
                    if (p + 1 < r->npieces)
                        tj_buf_putc(&b, ' ');
                    continue;
                }
            }
            put_clean(&b, s, n);
            after_term = false;
            continue;
        }
        /* A term: clitics left in Arabic before it become English; a space before it unless
         * it opens the text or follows an opener. */
        if (!clitics_to_english(&b)) {
            if (b.len && b.data[b.len - 1] == ' ') {
                size_t k = b.len - 1;
                uint32_t prev = k ? tj_utf8_prev(b.data, &k) : 0;
                if (prev == '(' || prev == '[' || prev == '{' || prev == 0x201C || prev == 0x2018 ||
                    prev == 0xAB)
                    b.data[--b.len] = '\0';
            }
            uint32_t last = last_cp(&b);
            if (b.len && !is_space(last) && !opener(last))
                tj_buf_putc(&b, ' ');
        }
        tj_buf_append(&b, s, n);
        after_term = true;
    }
    while (b.len && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    return tj_buf_take(&b, NULL);
}

/* True when english occurs in s as a whole phrase, ignoring case. */
static bool contains_phrase(const char *s, const char *english)
{
    size_t n = strlen(english);
    if (n == 0)
        return true;
    for (const char *p = s; *p; p++) {
        if (strncasecmp(p, english, n) != 0)
            continue;
        bool left = p == s || !isalnum((unsigned char)p[-1]);
        bool right = !isalnum((unsigned char)p[n]);
        if (left && right)
            return true;
    }
    return false;
}

char *tj_protect_restore_report(enum tj_protect_kind kind, const struct tj_pin *pins, size_t npins,
                                const char *out, size_t len, struct tj_pin_report *report)
{
    struct reader r = {.kind = kind, .pins = pins, .npins = npins, .out = out, .len = len};
    r.rep = tj_xcalloc(npins + 1, sizeof *r.rep);
    tj_buf_init(&r.text, 0);
    read_output(&r);
    match_elements(&r);
    char *english = join(&r);
    for (size_t i = 0; i < npins; i++) {
        if (r.rep[i].spans == 0)
            r.rep[i].how =
                contains_phrase(english, tj_protect_english(&pins[i])) ? TJ_PIN_KEPT : TJ_PIN_LOST;
        if (report)
            report[i] = r.rep[i];
    }
    tj_buf_finish(&r.text);
    free(r.pieces);
    free(r.rep);
    return english;
}

char *tj_protect_restore(enum tj_protect_kind kind, const struct tj_pin *pins, size_t npins,
                         const char *out, size_t len, bool *back)
{
    struct tj_pin_report *rep = tj_xcalloc(npins + 1, sizeof *rep);
    char *english = tj_protect_restore_report(kind, pins, npins, out, len, rep);
    for (size_t i = 0; back && i < npins; i++)
        back[i] = rep[i].how != TJ_PIN_LOST;
    free(rep);
    return english;
}
