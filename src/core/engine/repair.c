/* Checking pins in an engine's English, mending them, and retrying with another strategy. */
#include "repair.h"

#include "buf.h"
#include "gloss.h"
#include "glossary.h"
#include "utf8.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_SENTENCES 64
#define MAX_WINDOW 6 /* words of a rendering looked at */
/* Renderings are looked for in a segment's English up to this long, for this many of its
 * pins: a sentence's worth. Longer text is left to the retries and to QA. */
#define MAX_SEARCH_BYTES 8192
#define MAX_SEARCHED_PINS 32

static bool word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* The distinct terms of a segment's pins. */
struct terms {
    const struct tj_term **t;
    size_t n;
    size_t *of_pin;   /* pin -> its term, SIZE_MAX for a pin without English */
    size_t *expected; /* term -> pins of it */
};

static void terms_init(struct terms *ts, const struct tj_pin *pins, size_t npins)
{
    ts->t = tj_xcalloc(npins + 1, sizeof *ts->t);
    ts->of_pin = tj_xcalloc(npins + 1, sizeof *ts->of_pin);
    ts->expected = tj_xcalloc(npins + 1, sizeof *ts->expected);
    ts->n = 0;
    for (size_t i = 0; i < npins; i++) {
        const struct tj_term *t = pins[i].term;
        ts->of_pin[i] = SIZE_MAX;
        if (!t || !t->english || !*t->english)
            continue;
        size_t k = 0;
        while (k < ts->n && ts->t[k] != t && strcmp(ts->t[k]->english, t->english) != 0)
            k++;
        if (k == ts->n)
            ts->t[ts->n++] = t;
        ts->of_pin[i] = k;
        ts->expected[k]++;
    }
}

static void terms_finish(struct terms *ts)
{
    free(ts->t);
    free(ts->of_pin);
    free(ts->expected);
}

/* Where the English of a term stands in the text. */
struct occ {
    size_t start, end, term;
};

struct occs {
    struct occ *v;
    size_t n;
};

static void occ_add(struct occs *o, size_t start, size_t end, size_t term)
{
    o->v = tj_xreallocarray(o->v, o->n + 1, sizeof *o->v);
    o->v[o->n++] = (struct occ){start, end, term};
}

/* True when nothing but blanks, quotation marks and brackets stands between text[at] and the
 * text's start or the mark that ends a sentence. */
static bool sentence_start(const char *text, size_t at)
{
    size_t i = at;
    while (i > 0) {
        size_t k = i;
        uint32_t cp = tj_utf8_prev(text, &k);
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '"' || cp == '\'' || cp == '(' ||
            cp == '[' || cp == 0x201C || cp == 0x2018 || cp == 0xAB || cp == 0xA0) {
            i = k;
            continue;
        }
        return cp == '.' || cp == '!' || cp == '?' || cp == ':' || cp == 0x2026;
    }
    return true;
}

/* Adds where spelling sp of term stands in text as whole words: with the glossary's case, or
 * with a capital for its small first letter where a sentence starts. */
static void find_spelling(struct occs *o, const char *text, const char *sp, size_t term)
{
    size_t n = strlen(sp);
    if (!n)
        return;
    bool small = sp[0] >= 'a' && sp[0] <= 'z';
    for (const char *p = text; *p; p++) {
        bool hit = strncmp(p, sp, n) == 0;
        if (!hit && small && *p == sp[0] - 32 && strncmp(p + 1, sp + 1, n - 1) == 0 &&
            sentence_start(text, (size_t)(p - text)))
            hit = true;
        if (!hit)
            continue;
        bool start =
            p == text || !word_byte((unsigned char)p[-1]) || !word_byte((unsigned char)sp[0]);
        bool end = !word_byte((unsigned char)p[n]) || !word_byte((unsigned char)sp[n - 1]);
        if (start && end)
            occ_add(o, (size_t)(p - text), (size_t)(p - text) + n, term);
    }
}

static int by_length_then_start(const void *a, const void *b)
{
    const struct occ *x = a, *y = b;
    size_t lx = x->end - x->start, ly = y->end - y->start;
    if (lx != ly)
        return lx > ly ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int by_start(const void *a, const void *b)
{
    const struct occ *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Every term's English (and aliases) in text, longest first where they overlap, in text
 * order. */
static void find_terms(const struct terms *ts, const char *text, struct occs *out)
{
    struct occs all = {0};
    for (size_t k = 0; k < ts->n; k++) {
        find_spelling(&all, text, ts->t[k]->english, k);
        for (size_t a = 0; a < ts->t[k]->naliases; a++)
            find_spelling(&all, text, ts->t[k]->aliases[a], k);
    }
    if (all.n)
        qsort(all.v, all.n, sizeof *all.v, by_length_then_start);
    out->n = 0;
    for (size_t i = 0; i < all.n; i++) {
        bool free_span = true;
        for (size_t j = 0; j < out->n && free_span; j++)
            free_span = all.v[i].end <= out->v[j].start || all.v[i].start >= out->v[j].end;
        if (free_span)
            occ_add(out, all.v[i].start, all.v[i].end, all.v[i].term);
    }
    if (out->n)
        qsort(out->v, out->n, sizeof *out->v, by_start);
    free(all.v);
}

/* Where the sentences of s[0..len) start (after . ! ? ؟ … and a blank); returns how many. */
static size_t sentences(const char *s, size_t len, size_t *starts)
{
    size_t n = 0, i = 0;
    starts[n++] = 0;
    while (i < len) {
        uint32_t cp = tj_utf8_next(s, len, &i);
        bool end = cp == '.' || cp == '!' || cp == '?' || cp == 0x061F || cp == 0x2026;
        if (!end || i >= len || (s[i] != ' ' && s[i] != '\n'))
            continue;
        size_t k = i;
        while (k < len && (s[k] == ' ' || s[k] == '\n'))
            k++;
        if (k < len && n < MAX_SENTENCES)
            starts[n++] = k;
    }
    return n;
}

static size_t sentence_of(const size_t *starts, size_t n, size_t at)
{
    size_t k = 0;
    while (k + 1 < n && starts[k + 1] <= at)
        k++;
    return k;
}

size_t tj_repair_check(const char *source, size_t len, const struct tj_pin *pins, size_t npins,
                       const char *text, enum tj_pin_verdict *verdict)
{
    struct terms ts;
    terms_init(&ts, pins, npins);
    struct occs o = {0};
    find_terms(&ts, text, &o);
    size_t src_starts[MAX_SENTENCES], dst_starts[MAX_SENTENCES];
    size_t ns = sentences(source, len, src_starts);
    size_t nd = sentences(text, strlen(text), dst_starts);
    bool aligned = ns == nd && ns > 1;
    bool *used = tj_xcalloc(o.n + 1, 1);
    enum tj_pin_verdict *vs = tj_xcalloc(npins + 1, sizeof *vs);
    for (size_t i = 0; i < npins; i++) {
        enum tj_pin_verdict v = TJ_PIN_RIGHT;
        size_t k = ts.of_pin[i];
        if (k != SIZE_MAX) {
            /* The pin takes an occurrence of its term: one in its own sentence when the
             * sentences line up, else the first one left. */
            size_t want = aligned ? sentence_of(src_starts, ns, pins[i].start) : 0;
            size_t pick = SIZE_MAX, any = SIZE_MAX;
            for (size_t j = 0; j < o.n; j++) {
                if (used[j] || o.v[j].term != k)
                    continue;
                if (any == SIZE_MAX)
                    any = j;
                if (aligned && sentence_of(dst_starts, nd, o.v[j].start) == want) {
                    pick = j;
                    break;
                }
            }
            if (!aligned)
                pick = any;
            if (pick != SIZE_MAX) {
                used[pick] = true;
            } else if (any != SIZE_MAX) {
                /* Only in another sentence: moved, unless a later pin of the term stands
                 * there. */
                size_t later = 0;
                for (size_t q = i + 1; q < npins; q++)
                    later += ts.of_pin[q] == k;
                size_t left = 0;
                for (size_t j = 0; j < o.n; j++)
                    left += !used[j] && o.v[j].term == k;
                if (left > later) {
                    used[any] = true;
                    v = TJ_PIN_MOVED;
                } else {
                    v = TJ_PIN_MISSING;
                }
            } else {
                v = TJ_PIN_MISSING;
            }
        }
        vs[i] = v;
    }
    /* Occurrences no pin took: the term is there more often than the source has it. The last
     * pin of the term that is otherwise right says so. */
    for (size_t j = 0; j < o.n; j++) {
        if (used[j])
            continue;
        size_t last = SIZE_MAX;
        for (size_t i = 0; i < npins; i++)
            if (ts.of_pin[i] == o.v[j].term)
                last = i;
        if (last != SIZE_MAX && vs[last] == TJ_PIN_RIGHT)
            vs[last] = TJ_PIN_DOUBLED;
    }
    size_t wrong = 0;
    for (size_t i = 0; i < npins; i++) {
        wrong += vs[i] != TJ_PIN_RIGHT;
        if (verdict)
            verdict[i] = vs[i];
    }
    free(vs);
    free(used);
    free(o.v);
    terms_finish(&ts);
    return wrong;
}

/* Mending. */

void tj_repair_notes_finish(struct tj_repair_notes *notes)
{
    free(notes->v);
    notes->v = NULL;
    notes->n = 0;
}

static struct tj_repair_note *note_for(struct tj_repair_notes *notes, size_t pin)
{
    for (size_t i = 0; notes && i < notes->n; i++)
        if (notes->v[i].pin == pin)
            return &notes->v[i];
    return NULL;
}

static void add_note(struct tj_repair_notes *notes, size_t pin, const char *strategy,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void add_note(struct tj_repair_notes *notes, size_t pin, const char *strategy,
                     const char *fmt, ...)
{
    if (!notes || note_for(notes, pin))
        return;
    notes->v = tj_xreallocarray(notes->v, notes->n + 1, sizeof *notes->v);
    struct tj_repair_note *n = &notes->v[notes->n++];
    memset(n, 0, sizeof *n);
    n->pin = pin;
    snprintf(n->strategy, sizeof n->strategy, "%s", strategy);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(n->detail, sizeof n->detail, fmt, ap);
    va_end(ap);
    /* A cut inside a multibyte character would leave invalid UTF-8. */
    size_t k = strlen(n->detail);
    if (k == sizeof n->detail - 1)
        while (k > 0 && ((unsigned char)n->detail[k] & 0xC0) == 0x80)
            n->detail[--k] = '\0';
    while (k > 0 && ((unsigned char)n->detail[k - 1] & 0xC0) == 0xC0)
        n->detail[--k] = '\0';
}

/* text with [a, b) replaced by with; the old text is freed. */
static char *splice(char *text, size_t a, size_t b, const char *with)
{
    struct tj_buf out;
    tj_buf_init(&out, 0);
    tj_buf_append(&out, text, a);
    tj_buf_puts(&out, with);
    tj_buf_puts(&out, text + b);
    free(text);
    return tj_buf_take(&out, NULL);
}

/* Removes copies of a term that stand right after another (only blanks and commas between),
 * while the term is there more often than the source has it. */
static char *dedup(char *text, const struct terms *ts, size_t npins, struct tj_repair_notes *notes)
{
    for (size_t k = 0; k < ts->n; k++) {
        for (;;) {
            struct occs o = {0};
            find_terms(ts, text, &o);
            size_t count = 0;
            for (size_t j = 0; j < o.n; j++)
                count += o.v[j].term == k;
            size_t a = 0, b = 0;
            bool found = false;
            for (size_t j = 0; count > ts->expected[k] && j + 1 < o.n && !found; j++) {
                if (o.v[j].term != k || o.v[j + 1].term != k)
                    continue;
                size_t g = o.v[j].end;
                while (g < o.v[j + 1].start && (text[g] == ' ' || text[g] == ','))
                    g++;
                if (g == o.v[j + 1].start) {
                    a = o.v[j].end;
                    b = o.v[j + 1].end;
                    found = true;
                }
            }
            free(o.v);
            if (!found)
                break;
            text = splice(text, a, b, "");
            size_t last = 0;
            for (size_t i = 0; i < npins; i++)
                if (ts->of_pin[i] == k)
                    last = i;
            add_note(notes, last, "deduplication", "the engine wrote it twice in a row");
        }
    }
    return text;
}

/* Words that are never taken for a rendering of a name. */
static bool common_word(const char *s, size_t n)
{
    static const char *const words[] = {
        "a",      "an",    "as",      "at",      "by",      "in",    "is",    "it",    "of",
        "on",     "or",    "to",      "up",      "we",      "he",    "she",   "be",    "so",
        "about",  "after", "again",   "against", "also",    "and",   "are",   "back",  "been",
        "before", "being", "between", "both",    "but",     "can",   "could", "day",   "days",
        "did",    "down",  "during",  "each",    "even",    "first", "for",   "from",  "had",
        "has",    "have",  "her",     "here",    "his",     "into",  "its",   "last",  "made",
        "many",   "may",   "more",    "most",    "much",    "must",  "new",   "next",  "not",
        "now",    "off",   "one",     "only",    "other",   "our",   "out",   "over",  "part",
        "party",  "per",   "said",    "says",    "since",   "some",  "state", "still", "such",
        "talks",  "than",  "that",    "the",     "their",   "them",  "then",  "there", "these",
        "they",   "this",  "those",   "three",   "through", "time",  "told",  "two",   "under",
        "until",  "very",  "was",     "week",    "were",    "what",  "when",  "where", "which",
        "while",  "who",   "will",    "with",    "would",   "year",  "years",
    };
    for (size_t i = 0; i < TJ_ARRAY_LEN(words); i++)
        if (strlen(words[i]) == n && strncasecmp(words[i], s, n) == 0)
            return true;
    return false;
}

/* A run of Latin letters (and digits) in text. */
struct token {
    size_t start, end;
    bool digits;
};

static bool latin_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7);
}

static size_t tokens(const char *text, struct token **out)
{
    size_t n = 0, i = 0, len = strlen(text);
    struct token *v = NULL;
    while (i < len) {
        size_t at = i;
        uint32_t cp = tj_utf8_next(text, len, &i);
        bool digit = cp >= '0' && cp <= '9';
        if (!latin_letter(cp) && !digit)
            continue;
        struct token t = {at, i, digit};
        while (i < len) {
            size_t k = i;
            uint32_t c2 = tj_utf8_next(text, len, &k);
            if (!latin_letter(c2) && !(c2 >= '0' && c2 <= '9'))
                break;
            t.digits = t.digits || (c2 >= '0' && c2 <= '9');
            i = k;
        }
        t.end = i;
        v = tj_xreallocarray(v, n + 1, sizeof *v);
        v[n++] = t;
    }
    *out = v;
    return n;
}

/* Words in s[0..n), counted at blanks. */
static size_t count_words(const char *s, size_t n)
{
    size_t w = 0;
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        bool sp = s[i] == ' ';
        if (!sp && !in)
            w++;
        in = !sp;
    }
    return w;
}

/* Where the Arabic letters written right before s[at] in its word begin (tatweel and marks
 * skipped), counting them into *letters; at a fifth letter it stops short of it, *letters then
 * being 5. */
static size_t clitic_start(const char *s, size_t at, size_t *letters)
{
    size_t c = at;
    *letters = 0;
    while (c > 0) {
        size_t q = c;
        uint32_t cp = tj_utf8_prev(s, &q);
        if (cp == 0x0640 || tj_is_arabic_mark(cp)) {
            c = q;
            continue;
        }
        if (!tj_is_arabic_letter(cp) || ++*letters > 4)
            break;
        c = q;
    }
    return c;
}

/* The clitics the source writes before pin in its word (و ب ل ف ك, ال): their English (a new
 * string), and in latin their letters as a naive transliteration writes them (w, b, l, wal);
 * NULL when there are none. */
static char *source_clitics(const char *source, const struct tj_pin *pin, char *latin, size_t size)
{
    size_t letters;
    size_t c = clitic_start(source, pin->start, &letters);
    if (c == pin->start || letters > 4)
        return NULL;
    char *en = tj_gloss_clitics(source + c, pin->start - c);
    if (!en)
        return NULL;
    size_t k = 0;
    for (size_t i = c; i < pin->start && k + 1 < size;) {
        uint32_t cp = tj_utf8_next(source, pin->start, &i);
        const char *l = cp == 0x0648   ? "w"
                        : cp == 0x0628 ? "b"
                        : cp == 0x0644 ? "l"
                        : cp == 0x0641 ? "f"
                        : cp == 0x0643 ? "k"
                        : cp == 0x0627 ? "a"
                                       : "";
        for (; *l && k + 1 < size; l++)
            latin[k++] = *l;
    }
    latin[k] = '\0';
    return en;
}

/* Looks for the engine's rendering of pin k in text (outside what the terms hold) and writes
 * the English in its place. Returns the new text, or NULL when there is none. */
static char *find_rendering(char *text, const struct terms *ts, const char *source,
                            const struct tj_pin *pin, size_t k, struct tj_repair_notes *notes)
{
    const char *en = tj_protect_english(pin);
    const char *ar = source + pin->start;
    size_t ar_len = pin->end - pin->start;

    /* The Arabic left as it was, maybe with its clitics (لبوتين: to Putin). */
    const char *hit = ar_len ? memmem(text, strlen(text), ar, ar_len) : NULL;
    if (hit) {
        size_t a = (size_t)(hit - text), b = a + ar_len;
        size_t letters;
        size_t c = clitic_start(text, a, &letters);
        char *clitic = c < a && letters <= 4 ? tj_gloss_clitics(text + c, a - c) : NULL;
        char *with = clitic ? tj_xasprintf("%s %s", clitic, en) : tj_xstrdup(en);
        size_t from = clitic ? c : a;
        bool space_before = from > 0 && word_byte((unsigned char)text[from - 1]);
        bool space_after = word_byte((unsigned char)text[b]);
        char *full = tj_xasprintf("%s%s%s", space_before ? " " : "", with, space_after ? " " : "");
        text = splice(text, from, b, full);
        add_note(notes, k, "arabic", "the engine left '%.*s' in Arabic", (int)ar_len, ar);
        free(full);
        free(with);
        free(clitic);
        return text;
    }

    /* A rendering in Latin letters: up to a few words more than the name has. */
    struct occs o = {0};
    find_terms(ts, text, &o);
    struct token *tk;
    size_t nt = tokens(text, &tk);
    size_t maxw = count_words(en, strlen(en));
    size_t aw = count_words(ar, ar_len);
    if (aw > maxw)
        maxw = aw;
    maxw = maxw + 1 < MAX_WINDOW ? maxw + 1 : MAX_WINDOW;
    char clitic_latin[16] = "";
    char *clitic_en = source_clitics(source, pin, clitic_latin, sizeof clitic_latin);
    char *result = NULL;
    for (size_t i = 0; i < nt && !result; i++) {
        for (size_t w = maxw; w >= 1 && !result; w--) {
            if (i + w > nt)
                continue;
            size_t a = tk[i].start, b = tk[i + w - 1].end;
            bool ok = true;
            for (size_t q = i; q < i + w && ok; q++) {
                ok = !tk[q].digits;
                /* Words of a rendering are joined by one blank or a hyphen. */
                if (ok && q > i)
                    ok = tk[q].start == tk[q - 1].end + 1 &&
                         (text[tk[q - 1].end] == ' ' || text[tk[q - 1].end] == '-');
            }
            for (size_t j = 0; j < o.n && ok; j++)
                ok = b <= o.v[j].start || a >= o.v[j].end;
            /* A rendering neither starts nor ends with a common word (to, the, said). */
            if (!ok || common_word(text + a, tk[i].end - a) ||
                common_word(text + tk[i + w - 1].start, b - tk[i + w - 1].start))
                continue;
            bool name_case = isupper((unsigned char)text[a]) && !sentence_start(text, a);
            /* A clitic the source writes before the name, glued to its rendering (wzylynsky
             * for وزيلينسكي): its English is kept before the name. */
            size_t skip = 0;
            if (clitic_en && clitic_latin[0] && w >= 1 &&
                (size_t)(tk[i].end - a) > strlen(clitic_latin) &&
                strncasecmp(text + a, clitic_latin, strlen(clitic_latin)) == 0 &&
                tj_protect_like(text + a + strlen(clitic_latin), b - a - strlen(clitic_latin), en,
                                ar, ar_len, name_case) != TJ_LIKE_NO)
                skip = strlen(clitic_latin);
            enum tj_like like =
                tj_protect_like(text + a + skip, b - a - skip, en, ar, ar_len, name_case);
            if (like == TJ_LIKE_NO)
                continue;
            add_note(notes, k, like == TJ_LIKE_ARABIC ? "transliteration" : "spelling",
                     "the engine wrote '%.*s'", (int)(b - a), text + a);
            char *with = skip ? tj_xasprintf("%s %s", clitic_en, en) : tj_xstrdup(en);
            result = splice(text, a, b, with);
            free(with);
        }
    }
    free(clitic_en);
    free(tk);
    free(o.v);
    return result;
}

static const char *strategy_family(enum tj_protect_kind kind)
{
    switch (kind) {
    case TJ_PROTECT_HTML:
    case TJ_PROTECT_HTML_CLASS:
    case TJ_PROTECT_XML:
        return "markup";
    case TJ_PROTECT_PLACEHOLDER:
        return "placeholder";
    default:
        return tj_protect_name(kind);
    }
}

char *tj_repair_mend(const char *source, size_t len, const struct tj_pin *pins, size_t npins,
                     const char *text, enum tj_protect_kind kind,
                     const struct tj_pin_report *report, enum tj_pin_verdict *verdict,
                     struct tj_repair_notes *notes)
{
    char *out = tj_xstrdup(text);
    struct terms ts;
    terms_init(&ts, pins, npins);
    enum tj_pin_verdict *v = tj_xcalloc(npins + 1, sizeof *v);
    struct tj_repair_notes mine = {0};
    if (tj_repair_check(source, len, pins, npins, out, v)) {
        if (strlen(out) <= MAX_SEARCH_BYTES)
            out = dedup(out, &ts, npins, &mine);
        /* Each missing pin: its rendering, found and rewritten, one at a time. */
        size_t searches = strlen(out) <= MAX_SEARCH_BYTES ? npins : 0;
        if (searches > MAX_SEARCHED_PINS)
            searches = MAX_SEARCHED_PINS;
        for (size_t guard = 0; guard < searches; guard++) {
            tj_repair_check(source, len, pins, npins, out, v);
            size_t i = 0;
            while (i < npins && !(v[i] == TJ_PIN_MISSING && !note_for(&mine, i)))
                i++;
            if (i == npins)
                break;
            char *next = find_rendering(out, &ts, source, &pins[i], i, &mine);
            if (!next) {
                add_note(&mine, i, "", "%s", ""); /* looked for, not found */
                continue;
            }
            out = next;
        }
    }
    tj_repair_check(source, len, pins, npins, out, v);
    /* What protect.c rewrote from a span that came back changed. */
    for (size_t i = 0; report && i < npins; i++) {
        if (report[i].how != TJ_PIN_REWRITTEN || note_for(&mine, i))
            continue;
        const char *family = strategy_family(kind);
        if (report[i].broken_tag && kind == TJ_PROTECT_PLACEHOLDER)
            add_note(&mine, i, family, "its placeholder came back as '%s', its bracket unclosed",
                     report[i].got);
        else if (report[i].broken_tag)
            add_note(&mine, i, family, "its element came back without its closing tag");
        else if (kind == TJ_PROTECT_PLACEHOLDER)
            add_note(&mine, i, family, "its placeholder came back as '%s'", report[i].got);
        else if (report[i].got[0])
            add_note(&mine, i, family, "the engine put '%s' in its element", report[i].got);
        else
            add_note(&mine, i, family, "its element came back empty");
    }
    /* Only mends that left their pin right are told. */
    for (size_t i = 0; i < mine.n; i++)
        if (mine.v[i].strategy[0] && v[mine.v[i].pin] == TJ_PIN_RIGHT)
            add_note(notes, mine.v[i].pin, mine.v[i].strategy, "%s", mine.v[i].detail);
    if (verdict)
        memcpy(verdict, v, npins * sizeof *v);
    tj_repair_notes_finish(&mine);
    free(v);
    terms_finish(&ts);
    return out;
}

char *tj_repair_message(const char *source, const struct tj_pin *pins,
                        const struct tj_repair_note *note)
{
    const struct tj_pin *p = &pins[note->pin];
    return tj_xasprintf("'%.*s' → '%s' repaired by %s: %s", (int)(p->end - p->start),
                        source + p->start, tj_protect_english(p), note->strategy, note->detail);
}

/* Retries. */

/* How many of the verdicts v[0..n) are not TJ_PIN_RIGHT (what tj_repair_check returns). */
static size_t not_right(const enum tj_pin_verdict *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += v[i] != TJ_PIN_RIGHT;
    return k;
}

struct relay {
    const struct tj_dispatch_options *outer;
    const size_t *orig; /* retry item -> the caller's item */
};

static void relay_send(void *ud, const struct tj_dispatch_sent *sent, size_t n)
{
    struct relay *r = ud;
    struct tj_dispatch_sent *mapped = tj_xcalloc(n ? n : 1, sizeof *mapped);
    for (size_t i = 0; i < n; i++)
        mapped[i] = (struct tj_dispatch_sent){r->orig[sent[i].item], sent[i].chars};
    r->outer->on_send(r->outer->on_send_ud, mapped, n);
    free(mapped);
}

/* The strategies a repair tries after the first, in order: the provider's, less the one the
 * first attempt used (its native glossary, or its first strategy). Returns how many, in ks. */
static size_t ladder(struct tj_provider *p, size_t *ks, size_t max)
{
    size_t n = 0, count = tj_provider_strategies(p);
    enum tj_protect_kind first =
        tj_provider_native(p) ? TJ_PROTECT_NATIVE : tj_provider_strategy(p, 0);
    for (size_t k = 1; k <= count && n < max; k++)
        if (tj_provider_strategy(p, k) != first)
            ks[n++] = k;
    return n;
}

void tj_repair_run(struct tj_provider *p, struct tj_dispatch_item *items, size_t n,
                   const struct tj_dispatch_options *opts, struct tj_dispatch_stats *st)
{
    if (opts && opts->dry_run)
        return;
    size_t *wrong = tj_xcalloc(n + 1, sizeof *wrong);
    struct tj_repair_notes *notes = tj_xcalloc(n + 1, sizeof *notes);
    enum tj_protect_kind first =
        tj_provider_native(p) ? TJ_PROTECT_NONE : tj_provider_strategy(p, 0);
    for (size_t i = 0; i < n; i++) {
        struct tj_dispatch_item *it = &items[i];
        if (!it->done || !it->npins || !it->result.text)
            continue;
        enum tj_pin_verdict *v = tj_xcalloc(it->npins, sizeof *v);
        char *t = tj_repair_mend(it->text, it->len, it->pins, it->npins, it->result.text, first,
                                 it->result.pin_report, v, &notes[i]);
        free(it->result.text);
        it->result.text = t;
        wrong[i] = not_right(v, it->npins);
        free(v);
    }
    size_t ks[8];
    size_t nk = ladder(p, ks, TJ_ARRAY_LEN(ks));
    struct tj_dispatch_item *retry = tj_xcalloc(n + 1, sizeof *retry);
    size_t *orig = tj_xcalloc(n + 1, sizeof *orig);
    for (size_t s = 0; s < nk; s++) {
        if (opts && opts->stop && *opts->stop)
            break;
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if (!wrong[i])
                continue;
            const struct tj_dispatch_item *it = &items[i];
            retry[m] = (struct tj_dispatch_item){.text = it->text,
                                                 .len = it->len,
                                                 .pins = it->pins,
                                                 .npins = it->npins,
                                                 .context = it->context,
                                                 .context_len = it->context_len};
            orig[m++] = i;
        }
        if (!m)
            break;
        struct tj_dispatch_options o = {0};
        if (opts)
            o = *opts;
        o.strategy = ks[s];
        o.on_done = NULL; /* a retry's answer is kept (or not) below, not as it comes */
        o.on_done_ud = NULL;
        struct relay rl = {opts, orig};
        if (opts && opts->on_send) {
            o.on_send = relay_send;
            o.on_send_ud = &rl;
        }
        struct tj_diag d;
        tj_dispatch_run(p, retry, m, &o, st, &d);
        enum tj_protect_kind kind = tj_provider_strategy(p, ks[s]);
        for (size_t j = 0; j < m; j++) {
            struct tj_dispatch_item *it = &items[orig[j]];
            struct tj_dispatch_item *rt = &retry[j];
            if (rt->done && rt->result.text &&
                !(rt->result.flags & (TJ_RESULT_ECHO | TJ_RESULT_EMPTY))) {
                struct tj_repair_notes rn = {0};
                enum tj_pin_verdict *before = tj_xcalloc(it->npins, sizeof *before);
                tj_repair_check(it->text, it->len, it->pins, it->npins, it->result.text, before);
                enum tj_pin_verdict *after = tj_xcalloc(it->npins, sizeof *after);
                char *t = tj_repair_mend(it->text, it->len, it->pins, it->npins, rt->result.text,
                                         kind, rt->result.pin_report, after, &rn);
                size_t w = not_right(after, it->npins);
                if (w < wrong[orig[j]]) {
                    /* Kept: the pins it made right are told as the retry's doing. */
                    struct tj_repair_notes kept = {0};
                    char name[24];
                    snprintf(name, sizeof name, "retry-%s", tj_protect_name(kind));
                    for (size_t q = 0; q < it->npins; q++) {
                        const struct tj_repair_note *local = note_for(&rn, q);
                        const char *how = kind == TJ_PROTECT_PLACEHOLDER ? "placeholders"
                                          : kind == TJ_PROTECT_INLINE    ? "the English in place"
                                          : kind == TJ_PROTECT_NATIVE ? "the service's own glossary"
                                                                      : tj_protect_name(kind);
                        if (before[q] != TJ_PIN_RIGHT && after[q] == TJ_PIN_RIGHT && local)
                            add_note(&kept, q, name, "sent again with %s, then %s: %s", how,
                                     local->strategy, local->detail);
                        else if (before[q] != TJ_PIN_RIGHT && after[q] == TJ_PIN_RIGHT)
                            add_note(&kept, q, name, "sent again with %s", how);
                        else if (local)
                            add_note(&kept, q, local->strategy, "%s", local->detail);
                    }
                    tj_repair_notes_finish(&notes[orig[j]]);
                    notes[orig[j]] = kept;
                    free(it->result.text);
                    it->result.text = t;
                    t = NULL;
                    wrong[orig[j]] = w;
                }
                free(t);
                free(before);
                free(after);
                tj_repair_notes_finish(&rn);
            }
            tj_dispatch_item_finish(rt);
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct tj_dispatch_item *it = &items[i];
        for (size_t k = 0; k < notes[i].n; k++) {
            it->notes = tj_xreallocarray(it->notes, it->nnotes + 1, sizeof *it->notes);
            it->notes[it->nnotes].code = tj_xstrdup("pin_repaired");
            it->notes[it->nnotes].message = tj_repair_message(it->text, it->pins, &notes[i].v[k]);
            it->nnotes++;
        }
        tj_repair_notes_finish(&notes[i]);
    }
    free(orig);
    free(retry);
    free(notes);
    free(wrong);
}
