/* Longest-leftmost glossary matching with clitic stripping. */
#include "pin.h"

#include "normalize.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

/* A way to read the first word of a candidate: strip `strip` (a clitic prefix, in matching
 * form) and look up `add` + the rest. */
struct clitic {
    const char *strip;
    const char *add;
};

/* Tried in order after the word as written; the first to give the longest match wins. */
static const struct clitic clitics[] = {
    {"و", ""},     {"ف", ""},   {"ب", ""},    {"ك", ""},   {"ل", ""},   {"لل", "ال"}, {"ولل", "ال"},
    {"فلل", "ال"}, {"وب", ""},  {"وك", ""},   {"ول", ""},  {"فب", ""},  {"فك", ""},   {"فل", ""},
    {"ال", ""},    {"وال", ""}, {"فال", ""},  {"بال", ""}, {"كال", ""}, {"لل", ""},   {"وبال", ""},
    {"وكال", ""},  {"ولل", ""}, {"فبال", ""}, {"فلل", ""},
};

/* The longest term starting at word i with its first word read through clitic c (NULL: as
 * written): extends word by word while the key so far begins some glossary key. Sets *n to
 * its word count. */
static const struct tj_term *match_at(const struct tj_glossary *g, const char *mf,
                                      const struct tj_word *words, size_t nw, size_t i,
                                      const struct clitic *c, char *key, size_t *n)
{
    size_t o = 0;
    size_t first = words[i].start;
    if (c) {
        size_t sl = strlen(c->strip);
        size_t wl = words[i].end - words[i].start;
        /* Leave a stem of at least two letters (four bytes of Arabic). */
        if (wl < sl + 4 || memcmp(mf + first, c->strip, sl) != 0)
            return NULL;
        first += sl;
        o = strlen(c->add);
        memcpy(key, c->add, o);
    }
    memcpy(key + o, mf + first, words[i].end - first);
    o += words[i].end - first;
    const struct tj_term *best = NULL;
    for (size_t k = i;;) {
        if (!tj_glossary_has_prefix(g, key, o))
            break;
        const struct tj_term *t = tj_glossary_lookup(g, key, o);
        if (t) {
            best = t;
            *n = k - i + 1;
        }
        if (++k == nw)
            break;
        key[o++] = ' ';
        memcpy(key + o, mf + words[k].start, words[k].end - words[k].start);
        o += words[k].end - words[k].start;
    }
    return best;
}

/* The end of a term whose last letter starts at `last`: after that letter and any harakat on
 * it, before the bidi marks or tatweel that may follow. */
static size_t term_end(const char *text, size_t len, size_t last)
{
    size_t end = last;
    tj_utf8_next(text, len, &end);
    while (end < len) {
        size_t k = end;
        if (!tj_is_arabic_mark(tj_utf8_next(text, len, &k)))
            break;
        end = k;
    }
    return end;
}

size_t tj_pin_find(const struct tj_glossary *g, const char *text, size_t len, struct tj_pin **out)
{
    *out = NULL;
    if (tj_glossary_max_words(g) == 0 || len == 0)
        return 0;
    struct tj_mform m;
    tj_mform_init(&m, text, len);
    struct tj_word *words;
    size_t nw = tj_glossary_split(m.text, m.len, &words);
    char *key = tj_xmalloc(m.len + 16);
    struct tj_pin *pins = NULL;
    size_t np = 0, alloc = 0;
    for (size_t i = 0; i < nw;) {
        /* Longest wins; on a tie, the reading with the fewest clitics taken off. */
        size_t hit_n = 0, strip = 0, n = 0;
        const struct tj_term *hit = match_at(g, m.text, words, nw, i, NULL, key, &hit_n);
        for (size_t c = 0; c < TJ_ARRAY_LEN(clitics); c++) {
            const struct tj_term *t = match_at(g, m.text, words, nw, i, &clitics[c], key, &n);
            if (t && n > hit_n) {
                hit = t;
                hit_n = n;
                strip = strlen(clitics[c].strip);
            }
        }
        if (!hit) {
            i++;
            continue;
        }
        if (np == alloc) {
            alloc = alloc ? alloc * 2 : 8;
            pins = tj_xreallocarray(pins, alloc, sizeof *pins);
        }
        pins[np].start = m.map[words[i].start + strip];
        pins[np].end = term_end(text, len, m.map[words[i + hit_n - 1].end - 1]);
        pins[np].term = hit;
        np++;
        i += hit_n;
    }
    free(key);
    free(words);
    tj_mform_finish(&m);
    *out = pins;
    return np;
}

void tj_pin_document(const struct tj_glossary *g, struct tj_document *doc)
{
    for (size_t b = 0; b < doc->nblocks; b++)
        for (size_t s = 0; s < doc->blocks[b].nsegs; s++) {
            struct tj_segment *sg = &doc->blocks[b].segs[s];
            free(sg->pins);
            sg->npins = tj_pin_find(g, sg->source, sg->source_len, &sg->pins);
        }
}
