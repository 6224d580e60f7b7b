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
    if (kind == TJ_PROTECT_NONE || kind == TJ_PROTECT_PROMPT) {
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

/* Restoring. The engine's output is read into pieces: runs of text (entities decoded, stray
 * tags dropped) and terms (a pin's English where its markup or placeholder came back). The
 * pieces are then joined with English spacing around each term. */

struct piece {
    size_t start, end; /* in the text buffer */
    int pin;           /* -1: text */
};

struct reader {
    enum tj_protect_kind kind;
    const struct tj_pin *pins;
    size_t npins;
    const char *out;
    size_t len;
    bool *found; /* per pin: its markup or placeholder came back */
    struct tj_buf text;
    struct piece *pieces;
    size_t npieces;
};

static void add_piece(struct reader *r, size_t start, int pin)
{
    r->pieces = tj_xreallocarray(r->pieces, r->npieces + 1, sizeof *r->pieces);
    r->pieces[r->npieces++] = (struct piece){start, r->text.len, pin};
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

/* Compares English loosely: case, spaces and entity-free. */
static bool same_english(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    while (an && isspace((unsigned char)a[0]))
        a++, an--;
    while (an && isspace((unsigned char)a[an - 1]))
        an--;
    return an == bn && strncasecmp(a, b, an) == 0;
}

/* Which pin an element with inner English inner[0..n) stands for: the first pin not yet found
 * with that English, else the first pin not yet found, else -1. */
static int pin_for(struct reader *r, const char *inner, size_t n)
{
    for (size_t i = 0; i < r->npins; i++)
        if (!r->found[i] && same_english(inner, n, tj_protect_english(&r->pins[i])))
            return (int)i;
    for (size_t i = 0; i < r->npins; i++)
        if (same_english(inner, n, tj_protect_english(&r->pins[i])))
            return (int)i; /* the engine repeated a term */
    for (size_t i = 0; i < r->npins; i++)
        if (!r->found[i])
            return (int)i;
    return -1;
}

/* Emits the English of pin k as a term piece. */
static void put_term(struct reader *r, int k)
{
    size_t start = r->text.len;
    tj_buf_puts(&r->text, tj_protect_english(&r->pins[k]));
    add_piece(r, start, k);
    r->found[k] = true;
}

/* At out[i] == '<': a protecting element (open tag, inner text, close tag) becomes its pin's
 * English, any other tag is dropped. Returns the new i, or i when out[i] is a literal '<'. */
static size_t read_tag(struct reader *r, size_t i, size_t *text_start)
{
    bool closing;
    char name[16];
    size_t attrs;
    size_t e = tag_end(r, i, &closing, name, &attrs);
    if (!e)
        return i;
    const char *want = r->kind == TJ_PROTECT_XML ? "x" : "span";
    bool ours = !closing && strcmp(name, want) == 0 &&
                (r->kind == TJ_PROTECT_XML || notranslate_attrs(r, attrs, e - 1));
    if (!ours) {
        /* Dropped: we sent no other markup. A line break still separates words. */
        if (strcmp(name, "br") == 0)
            tj_buf_putc(&r->text, ' ');
        return e;
    }
    bool empty = e >= 2 && r->out[e - 2] == '/';
    /* The inner text up to the matching close tag. */
    size_t j = e, after = e;
    struct tj_buf inner;
    tj_buf_init(&inner, 0);
    if (!empty) {
        int depth = 1;
        after = r->len;
        while (j < r->len) {
            if (r->out[j] == '<') {
                bool c2;
                char n2[16];
                size_t a2;
                size_t e2 = tag_end(r, j, &c2, n2, &a2);
                if (e2) {
                    if (strcmp(n2, want) == 0 && !(e2 >= 2 && r->out[e2 - 2] == '/'))
                        depth += c2 ? -1 : 1;
                    if (depth == 0) {
                        after = e2;
                        break;
                    }
                    j = e2;
                    continue;
                }
            }
            j = put_char(r, &inner, j);
        }
    }
    if (r->text.len > *text_start)
        add_piece(r, *text_start, -1);
    int k = pin_for(r, inner.data, inner.len);
    if (k >= 0)
        put_term(r, k);
    else if (inner.len) {
        size_t s = r->text.len;
        tj_buf_append(&r->text, inner.data, inner.len);
        add_piece(r, s, -1);
    }
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

/* At a placeholder ⟦N⟧ (also ⟦ N ⟧, [[N]], with Arabic-Indic digits): its pin's English.
 * Returns the new i, or i when there is none. */
static size_t read_placeholder(struct reader *r, size_t i, size_t *text_start)
{
    size_t j = i;
    bool doubled = false;
    uint32_t cp = tj_utf8_next(r->out, r->len, &j);
    if (cp == '[') {
        if (j >= r->len || r->out[j] != '[')
            return i;
        j++;
        doubled = true;
    } else if (cp != 0x27E6) {
        return i;
    }
    while (j < r->len && r->out[j] == ' ')
        j++;
    unsigned long n = 0;
    size_t digits = 0;
    while (j < r->len && digits < 6) {
        size_t k = j;
        unsigned d;
        if (!is_digit_cp(tj_utf8_next(r->out, r->len, &k), &d))
            break;
        n = n * 10 + d;
        digits++;
        j = k;
    }
    while (j < r->len && r->out[j] == ' ')
        j++;
    if (digits == 0 || j >= r->len || n < 1 || n > r->npins)
        return i;
    size_t k = j;
    cp = tj_utf8_next(r->out, r->len, &k);
    if (doubled) {
        if (cp != ']' || k >= r->len || r->out[k] != ']')
            return i;
        k++;
    } else if (cp != 0x27E7 && cp != ']') {
        return i;
    }
    if (r->text.len > *text_start)
        add_piece(r, *text_start, -1);
    put_term(r, (int)(n - 1));
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
            (r->out[i] == '[' || (unsigned char)r->out[i] == 0xE2)) {
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

char *tj_protect_restore(enum tj_protect_kind kind, const struct tj_pin *pins, size_t npins,
                         const char *out, size_t len, bool *back)
{
    struct reader r = {.kind = kind, .pins = pins, .npins = npins, .out = out, .len = len};
    r.found = tj_xcalloc(npins + 1, sizeof *r.found);
    tj_buf_init(&r.text, 0);
    read_output(&r);
    char *english = join(&r);
    for (size_t i = 0; i < npins; i++) {
        bool ok = r.found[i] || contains_phrase(english, tj_protect_english(&pins[i]));
        if (back)
            back[i] = ok;
    }
    tj_buf_finish(&r.text);
    free(r.pieces);
    free(r.found);
    return english;
}
