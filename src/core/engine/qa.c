/* QA checks. */
#include "qa.h"

#include "buf.h"
#include "glossary.h"
#include "repair.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* Appends the numbers of s (digit runs in ASCII, separators dropped) to list, each followed by
 * a NUL. Returns how many. */
static size_t numbers(const char *s, size_t len, struct tj_buf *list)
{
    size_t count = 0, i = 0;
    bool in = false;
    while (i < len) {
        uint32_t cp = tj_utf8_next(s, len, &i);
        int d = tj_utf8_digit(cp);
        if (d >= 0) {
            tj_buf_putc(list, (char)('0' + d));
            in = true;
            continue;
        }
        /* Separators inside a number (1,000 / ٢٫٥ / 8.9.2025) keep it one number. */
        bool sep = cp == ',' || cp == '.' || cp == 0x066B || cp == 0x066C;
        if (in && sep && i < len) {
            size_t k = i;
            if (tj_utf8_digit(tj_utf8_next(s, len, &k)) >= 0)
                continue;
        }
        if (in) {
            tj_buf_putc(list, '\0');
            count++;
            in = false;
        }
    }
    if (in) {
        tj_buf_putc(list, '\0');
        count++;
    }
    return count;
}

static void check_numbers(struct tj_segment *s)
{
    struct tj_buf src, dst;
    tj_buf_init(&src, 0);
    tj_buf_init(&dst, 0);
    size_t ns = numbers(s->source, s->source_len, &src);
    size_t nd = numbers(s->target, strlen(s->target), &dst);
    const char *p = src.data;
    for (size_t i = 0; i < ns; i++, p += strlen(p) + 1) {
        const char *q = dst.data;
        bool found = false;
        for (size_t k = 0; k < nd && !found; k++, q += strlen(q) + 1)
            found = strcmp(p, q) == 0;
        if (!found) {
            tj_segment_add_qa(s, "number_missing", "the number %s is not in the translation", p);
            break;
        }
    }
    tj_buf_finish(&src);
    tj_buf_finish(&dst);
}

/* True when c (a byte of UTF-8 text) can be part of a word: ASCII letters and digits, and any
 * byte of a non-ASCII character (Dolmabahçe, Zürich). */
static bool word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

bool tj_qa_has_term(const char *text, const char *english)
{
    size_t n = strlen(english);
    if (n == 0)
        return false;
    for (const char *p = text; (p = strstr(p, english)); p++) {
        bool start =
            p == text || !word_byte((unsigned char)p[-1]) || !word_byte((unsigned char)english[0]);
        bool end = !word_byte((unsigned char)p[n]) || !word_byte((unsigned char)english[n - 1]);
        if (start && end)
            return true;
    }
    return false;
}

bool tj_qa_has_pin(const char *text, const struct tj_term *t)
{
    if (tj_qa_has_term(text, t->english))
        return true;
    for (size_t i = 0; i < t->naliases; i++)
        if (tj_qa_has_term(text, t->aliases[i]))
            return true;
    return false;
}

/* At most max bytes of s, cut at a character, for a message; *cut says whether it was. */
static int excerpt(const char *s, size_t max, bool *cut)
{
    size_t n = strlen(s);
    *cut = n > max;
    if (!*cut)
        return (int)n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return (int)max;
}

/* Each pin's English as often as the source has the term, in its sentence (repair.h): a pin
 * that is not is flagged with its Arabic, its English and what the engine gave. */
static void check_pins(struct tj_segment *s)
{
    if (!s->npins)
        return;
    enum tj_pin_verdict *v = tj_xcalloc(s->npins, sizeof *v);
    tj_repair_check(s->source, s->source_len, s->pins, s->npins, s->target, v);
    for (size_t i = 0; i < s->npins; i++) {
        const struct tj_pin *p = &s->pins[i];
        const char *en = p->term->english;
        int alen = (int)(p->end - p->start);
        const char *ar = s->source + p->start;
        const char *code, *what;
        switch (v[i]) {
        case TJ_PIN_MISSING:
            code = "pin_missing";
            what = "is not in the translation";
            break;
        case TJ_PIN_DOUBLED:
            code = "pin_doubled";
            what = "is in the translation more often than in the source";
            break;
        case TJ_PIN_MOVED:
            code = "pin_moved";
            what = "is in another sentence of the translation than of the source";
            break;
        default:
            continue;
        }
        bool cut;
        int n = excerpt(s->target, 120, &cut);
        tj_segment_add_qa(s, code, "pinned term '%.*s' → '%s' %s; the engine gave \"%.*s%s\"", alen,
                          ar, en, what, n, s->target, cut ? "…" : "");
    }
    free(v);
}

static void check_arabic(struct tj_segment *s)
{
    if (tj_segment_has_qa(s, "untranslated"))
        return;
    if (tj_utf8_has_arabic(s->target, strlen(s->target)))
        tj_segment_add_qa(s, "arabic_left", "the translation still contains Arabic text");
}

static void check_balance(struct tj_segment *s)
{
    int paren = 0, bracket = 0, quotes = 0;
    for (const char *p = s->target; *p; p++) {
        paren += (*p == '(') - (*p == ')');
        bracket += (*p == '[') - (*p == ']');
        quotes += *p == '"';
    }
    if (paren || bracket || quotes % 2)
        tj_segment_add_qa(s, "unbalanced", "brackets or quotation marks do not pair up");
}

static void check_length(struct tj_segment *s)
{
    size_t src = tj_utf8_count(s->source, s->source_len);
    size_t dst = tj_utf8_count(s->target, strlen(s->target));
    /* English runs about 1.1–1.5 times the characters of Arabic news text. */
    if (src >= 20 && (dst * 3 < src || dst > src * 4))
        tj_segment_add_qa(s, "length_ratio", "translation is %zu characters for %zu of source", dst,
                          src);
}

void tj_qa_check(struct tj_segment *s)
{
    if (!s->target || s->origin == TJ_ORIGIN_FAILED)
        return;
    check_pins(s);
    check_numbers(s);
    check_arabic(s);
    check_balance(s);
    check_length(s);
}

void tj_qa_document(struct tj_document *doc)
{
    for (size_t b = 0; b < doc->nblocks; b++)
        for (size_t i = 0; i < doc->blocks[b].nsegs; i++)
            tj_qa_check(&doc->blocks[b].segs[i]);
}
