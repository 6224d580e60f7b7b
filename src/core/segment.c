/* First Arabic segmenter: a byte scanner over each line that finds candidate sentence ends and
 * applies the no-break rules to them. */
#include "segment.h"

#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\f' || cp == '\v' || cp == 0xA0 ||
           cp == 0x2009 || cp == 0x200A || cp == 0x202F || cp == 0x3000 ||
           (cp >= 0x2000 && cp <= 0x2008);
}

static bool is_terminator(uint32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x061F || cp == 0x06D4 || cp == 0x2026;
}

static bool is_closer(uint32_t cp)
{
    return cp == 0xBB || cp == '"' || cp == 0x201D || cp == 0x2019 || cp == '\'' || cp == ')' ||
           cp == ']' || cp == '}' || cp == 0x203A;
}

/* Invisible characters that may sit around punctuation without changing it. */
static bool is_invisible(uint32_t cp)
{
    return tj_is_bidi_control(cp) || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0xFEFF;
}

static uint32_t peek(const char *s, size_t len, size_t i)
{
    return tj_utf8_next(s, len, &i);
}

/* Abbreviations that take a period and never end a sentence on it (matching form, without the
 * final period). Single letters, Arabic or Latin, are abbreviations too. */
static const char *const abbreviations[] = {
    "dr",  "mr",     "mrs",   "ms",    "prof", "st",  "jr",  "sr",  "gen",  "col", "lt",
    "sgt", "capt",   "gov",   "sen",   "rep",  "inc", "ltd", "co",  "corp", "no",  "vs",
    "etc", "approx", "dept",  "est",   "fig",  "jan", "feb", "mar", "apr",  "jun", "jul",
    "aug", "sep",    "sept",  "oct",   "nov",  "dec", "mt",  "ft",  "ave",  "e.g", "i.e",
    "u.s", "u.k",    "u.n",   "a.m",   "p.m",  "د",   "م",   "أ",   "ا",    "ص",   "ق",
    "ج",   "ت",      "هـ",    "ه",     "ش",    "س",   "ط",   "ك",   "ع",    "ل",   "أ.د",
    "ا.د", "ص.ب",    "أ.ف.ب", "ا.ف.ب", "ق.م",  "م.م", "د.ت", "ت.ح",
};

static bool is_digit_cp(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 0x0660 && cp <= 0x0669) ||
           (cp >= 0x06F0 && cp <= 0x06F9);
}

/* The word ending at `end` (exclusive), without invisible characters: start offset. */
static size_t word_start(const char *s, size_t end)
{
    size_t i = end;
    while (i > 0) {
        size_t j = i;
        uint32_t cp = tj_utf8_prev(s, &j);
        if (is_space_cp(cp) || cp == '(' || cp == '[' || cp == 0xAB || cp == '"' || cp == 0x201C)
            break;
        i = j;
    }
    return i;
}

/* True when the period at s[dot] follows an abbreviation and so ends no sentence. A year
 * suffix (1948 م. / ١٤٤٥هـ.) is no abbreviation: it ends the sentence. */
static bool after_abbreviation(const char *s, size_t dot)
{
    size_t ws = word_start(s, dot);
    if (ws == dot)
        return false;
    char key[32];
    size_t k = 0;
    bool digits = false;
    size_t i = ws;
    while (i < dot) {
        uint32_t cp = tj_utf8_next(s, dot, &i);
        if (is_invisible(cp))
            continue;
        if (is_digit_cp(cp)) {
            digits = true;
            continue;
        }
        char enc[4];
        size_t n = tj_utf8_encode(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp, enc);
        if (k + n >= sizeof key)
            return false;
        memcpy(key + k, enc, n);
        k += n;
    }
    key[k] = '\0';
    bool year_suffix = strcmp(key, "م") == 0 || strcmp(key, "هـ") == 0 || strcmp(key, "ه") == 0;
    if (year_suffix) {
        if (digits)
            return false;
        /* "1948 م." : the number is the previous word. */
        size_t p = ws;
        while (p > 0 && s[p - 1] == ' ')
            p--;
        if (p > 0 && p < ws) {
            size_t q = p;
            if (is_digit_cp(tj_utf8_prev(s, &q)))
                return false;
        }
    }
    if (digits)
        return false;
    if (tj_utf8_count(key, k) == 1)
        return true;
    for (size_t a = 0; a < TJ_ARRAY_LEN(abbreviations); a++)
        if (strcmp(key, abbreviations[a]) == 0)
            return true;
    return false;
}

static uint32_t opener_of(uint32_t cp)
{
    switch (cp) {
    case 0xBB:
        return 0xAB;
    case ')':
        return '(';
    case ']':
        return '[';
    case 0x201D:
        return 0x201C;
    default:
        return 0;
    }
}

/* Brackets and quotations open at the scan position, kept up to date as the scan moves
 * forward, with the next closing position of each kind cached: the whole line costs linear
 * time however many candidate breaks it has. */
struct enclosures {
    uint32_t stack[16];
    size_t depth;
    bool ascii_quote;
    size_t scanned; /* characters before this offset are accounted for */
    size_t next[5]; /* next closer of each kind at or after some position; len = none */
    size_t next_from[5];
};

static size_t kind_of(uint32_t opener)
{
    switch (opener) {
    case 0xAB:
        return 0;
    case '(':
        return 1;
    case '[':
        return 2;
    case 0x201C:
        return 3;
    default:
        return 4; /* ASCII double quote */
    }
}

static void enc_advance(struct enclosures *e, const char *s, size_t len, size_t to)
{
    size_t k = e->scanned;
    while (k < to) {
        uint32_t cp = tj_utf8_next(s, len, &k);
        if (cp == 0xAB || cp == '(' || cp == '[' || cp == 0x201C) {
            if (e->depth < TJ_ARRAY_LEN(e->stack))
                e->stack[e->depth++] = cp;
        } else if (opener_of(cp)) {
            while (e->depth > 0 && e->stack[e->depth - 1] != opener_of(cp))
                e->depth--;
            if (e->depth > 0)
                e->depth--;
        } else if (cp == '"') {
            e->ascii_quote = !e->ascii_quote;
        }
    }
    e->scanned = k;
}

/* True when position pos lies inside a bracket or quotation that closes later on the line. */
static bool inside_enclosure(struct enclosures *e, const char *s, size_t len, size_t pos)
{
    enc_advance(e, s, len, pos);
    if (e->depth == 0 && !e->ascii_quote)
        return false;
    uint32_t want = e->depth ? e->stack[e->depth - 1] : '"';
    size_t kind = kind_of(want);
    bool cached = e->next_from[kind] <= pos && (e->next[kind] >= pos);
    if (!cached) {
        size_t k = pos, at = len;
        while (k < len) {
            size_t here = k;
            uint32_t cp = tj_utf8_next(s, len, &k);
            if (want == '"' ? cp == '"' : opener_of(cp) == want) {
                at = here;
                break;
            }
        }
        e->next[kind] = at;
        e->next_from[kind] = pos;
    }
    return e->next[kind] < len;
}

/* Finds the end of the sentence-final run that starts at the terminator at s[i]: further
 * terminators, closing quotes/brackets and invisible characters. */
static size_t run_end(const char *s, size_t len, size_t i)
{
    size_t k = i;
    tj_utf8_next(s, len, &k);
    bool closers = false;
    while (k < len) {
        size_t n = k;
        uint32_t cp = tj_utf8_next(s, len, &n);
        if (is_invisible(cp) || (!closers && is_terminator(cp))) {
            k = n;
        } else if (is_closer(cp)) {
            closers = true;
            k = n;
        } else {
            break;
        }
    }
    return k;
}

static bool lowercase_latin_next(const char *s, size_t len, size_t k)
{
    while (k < len) {
        size_t n = k;
        uint32_t cp = tj_utf8_next(s, len, &n);
        if (!is_space_cp(cp) && !is_invisible(cp))
            return cp >= 'a' && cp <= 'z';
        k = n;
    }
    return false;
}

static size_t push_span(struct tj_span **out, size_t n, size_t *alloc, const char *s, size_t start,
                        size_t end, bool cut)
{
    /* Trim whitespace on both sides. */
    while (start < end) {
        size_t k = start;
        if (!is_space_cp(tj_utf8_next(s, end, &k)))
            break;
        start = k;
    }
    while (end > start) {
        size_t k = end;
        if (!is_space_cp(tj_utf8_prev(s, &k)))
            break;
        end = k;
    }
    if (start == end)
        return n;
    if (n == *alloc) {
        *alloc = *alloc ? *alloc * 2 : 8;
        *out = tj_xreallocarray(*out, *alloc, sizeof **out);
    }
    (*out)[n].start = start;
    (*out)[n].end = end;
    (*out)[n].cut = cut;
    return n + 1;
}

/* Where to cut s[start..) so that the first part is at most max bytes: after the last clause
 * mark (، ؛ , ;) in the window, else at the last space, else at a character boundary. */
static size_t cut_point(const char *s, size_t start, size_t max)
{
    size_t limit = start + max;
    while (limit > start && ((unsigned char)s[limit] & 0xC0) == 0x80)
        limit--;
    size_t space = 0;
    size_t k = limit;
    /* Only look back over the last half of the window, so that pieces stay large. */
    while (k > start + max / 2) {
        size_t j = k;
        uint32_t cp = tj_utf8_prev(s, &j);
        if (cp == 0x060C || cp == 0x061B || cp == ',' || cp == ';')
            return k;
        if (!space && is_space_cp(cp))
            space = j;
        k = j;
    }
    if (space)
        return space;
    return limit > start ? limit : start + max;
}

size_t tj_segment_line(const char *s, size_t len, const struct tj_segment_options *opt,
                       struct tj_span **out)
{
    size_t max = opt && opt->max_bytes ? opt->max_bytes : TJ_SEGMENT_DEFAULT_MAX;
    struct tj_span *spans = NULL;
    size_t n = 0, alloc = 0, start = 0, i = 0;
    struct enclosures enc = {.depth = 0};
    for (size_t k = 0; k < TJ_ARRAY_LEN(enc.next); k++)
        enc.next_from[k] = SIZE_MAX;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        /* Fast path: only '.', '!', '?' and multi-byte characters can end a sentence. */
        if (c < 0x80 && c != '.' && c != '!' && c != '?') {
            i++;
        } else {
            size_t here = i;
            uint32_t cp = tj_utf8_next(s, len, &i);
            if (is_terminator(cp)) {
                size_t end = run_end(s, len, here);
                bool at_end = true;
                for (size_t k = end; k < len; k++)
                    if (!is_space_cp((unsigned char)s[k])) {
                        at_end = false;
                        break;
                    }
                bool brk = false;
                if (!at_end && end < len && is_space_cp(peek(s, len, end))) {
                    brk = !(cp == '.' && end == i && after_abbreviation(s, here)) &&
                          !lowercase_latin_next(s, len, end) &&
                          !inside_enclosure(&enc, s, len, end);
                }
                if (brk) {
                    while (end - start > max) {
                        size_t cut = cut_point(s, start, max);
                        n = push_span(&spans, n, &alloc, s, start, cut, true);
                        start = cut;
                    }
                    n = push_span(&spans, n, &alloc, s, start, end, false);
                    start = end;
                }
                i = end;
            }
        }
        while (i - start > max) {
            size_t cut = cut_point(s, start, max);
            n = push_span(&spans, n, &alloc, s, start, cut, true);
            start = cut;
        }
    }
    n = push_span(&spans, n, &alloc, s, start, len, false);
    *out = spans;
    return n;
}

static bool is_list_marker(const char *s, size_t len)
{
    size_t i = 0;
    uint32_t cp = tj_utf8_next(s, len, &i);
    if ((cp == '-' || cp == 0x2022 || cp == '*' || cp == 0x2013) && i < len && s[i] == ' ')
        return true;
    size_t digits = 0;
    while (is_digit_cp(cp) && i < len) {
        digits++;
        cp = tj_utf8_next(s, len, &i);
    }
    return digits > 0 && digits < 4 && (cp == '.' || cp == ')' || cp == '-') && i < len &&
           s[i] == ' ';
}

enum tj_block_kind tj_segment_classify(const char *s, size_t len)
{
    if (is_list_marker(s, len))
        return TJ_BLOCK_LIST_ITEM;
    size_t end = len;
    uint32_t last = 0;
    while (end > 0) {
        last = tj_utf8_prev(s, &end);
        if (!is_space_cp(last) && !is_invisible(last) && !is_closer(last))
            break;
    }
    if (is_terminator(last) || last == ':' || last == 0x060C || last == 0x061B || last == ',')
        return TJ_BLOCK_PARAGRAPH;
    size_t words = 1;
    for (size_t i = 0; i < len; i++)
        words += s[i] == ' ';
    return words <= 15 ? TJ_BLOCK_HEADING : TJ_BLOCK_PARAGRAPH;
}

static bool blank_line(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp = tj_utf8_next(s, len, &i);
        if (!is_space_cp(cp) && !is_invisible(cp))
            return false;
    }
    return true;
}

void tj_segment_document(const char *text, size_t len, const struct tj_segment_options *opt,
                         struct tj_document *doc)
{
    size_t line_no = 0, blanks = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *line = text + pos;
        size_t llen = end - pos;
        if (llen > 0 && line[llen - 1] == '\r')
            llen--;
        line_no++;
        pos = nl ? end + 1 : len;
        if (blank_line(line, llen)) {
            blanks++;
            continue;
        }
        struct tj_block *b =
            tj_document_add_block(doc, tj_segment_classify(line, llen), line_no, blanks);
        blanks = 0;
        struct tj_span *spans;
        size_t n = tj_segment_line(line, llen, opt, &spans);
        for (size_t k = 0; k < n; k++) {
            struct tj_segment *sg =
                tj_block_add_segment(b, line + spans[k].start, spans[k].end - spans[k].start);
            if (spans[k].cut)
                tj_segment_add_qa(sg, "segment_cut", "sentence longer than %zu bytes was cut here",
                                  opt && opt->max_bytes ? opt->max_bytes : TJ_SEGMENT_DEFAULT_MAX);
        }
        free(spans);
        if (b->nsegs > 1 && b->kind == TJ_BLOCK_HEADING)
            b->kind = TJ_BLOCK_PARAGRAPH;
    }
    doc->blank_after = blanks;
    tj_document_number(doc);
}
