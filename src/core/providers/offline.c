/* The offline engine: pinned terms as the glossary says, other words glossed one by one from
 * the FreeDict Arabic-English dictionary, digits and punctuation made English. Nothing leaves
 * the machine; the draft is rough and says so. */
#include "buf.h"
#include "freedict.h"
#include "glossary.h"
#include "gloss.h"
#include "normalize.h"
#include "lru.h"
#include "provider_int.h"
#include "utf8.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A word's gloss, kept: news repeats its words, and glossing one costs dozens of lookups. */
struct cached {
    char *english; /* NULL: not in the dictionary */
    int role;      /* enum np_role */
};

/* The most memory the kept glosses take (words, glosses and bookkeeping, all counted): beyond
 * it the least recently used words are dropped, so that a server fed endless new words stays
 * within it. */
#define TJ_GLOSS_CACHE_BYTES ((size_t)16 << 20)

struct offline {
    struct tj_freedict *dict; /* NULL when the dictionary is not installed */
    char notice[TJ_DIAG_MAX + 256];
    pthread_mutex_t lock; /* the server's threads share the engine */
    /* Arabic word as written → its role (one byte), 'y' or 'n' (in the dictionary or not) and
     * the English. */
    struct tj_lru *cache;
};

static enum tj_status offline_create(const struct tj_provider_config *cfg, void **state,
                                     struct tj_diag *diag)
{
    (void)diag;
    struct offline *o = tj_xcalloc(1, sizeof *o);
    pthread_mutex_init(&o->lock, NULL);
    o->cache = tj_lru_create(TJ_GLOSS_CACHE_BYTES);
    const char *dir = cfg && cfg->freedict_dir ? cfg->freedict_dir : "/usr/share/dictd";
    char *index = tj_xasprintf("%s/freedict-ara-eng.index", dir);
    char *dict = tj_xasprintf("%s/freedict-ara-eng.dict.dz", dir);
    struct tj_diag sub;
    if (tj_freedict_open(index, dict, &o->dict, &sub) != TJ_OK) {
        o->dict = NULL;
        snprintf(o->notice, sizeof o->notice,
                 "offline engine without its dictionary (%s); only pinned terms and common "
                 "words are translated: install dict-freedict-ara-eng, or choose a provider "
                 "with --provider (see 'tarjim providers')",
                 sub.message);
    } else {
        snprintf(o->notice, sizeof o->notice,
                 "offline engine: this is a rough word-by-word draft (glossary and FreeDict "
                 "gloss); for a fluent translation choose a provider with --provider and its "
                 "--url/--api-key (see 'tarjim providers')");
    }
    free(index);
    free(dict);
    *state = o;
    return TJ_OK;
}

static void offline_destroy(void *state)
{
    struct offline *o = state;
    if (!o)
        return;
    tj_freedict_destroy(o->dict);
    tj_lru_destroy(o->cache);
    pthread_mutex_destroy(&o->lock);
    free(o);
}

static void offline_limits(const void *state, struct tj_provider_limits *out)
{
    (void)state;
    out->max_segments = 64;
    out->max_bytes = 0;
    out->max_segment_bytes = 0;
}

static const char *offline_notice(const void *state)
{
    return ((const struct offline *)state)->notice;
}

/* The English output under construction, with the spacing rules of English punctuation. */
struct out {
    struct tj_buf buf;
    bool glue;       /* the next token attaches without a space (after an opener) */
    bool quote_open; /* inside an ASCII double quotation */
    /* A definite noun was the last thing written ("the summit"): adjectives that follow it in
     * Arabic go before it in English, right after its "the", which ends at noun_at. */
    bool noun_open;
    size_t noun_at;
};

static void emit_word(struct out *o, const char *s, size_t len)
{
    if (o->buf.len && !o->glue)
        tj_buf_putc(&o->buf, ' ');
    tj_buf_append(&o->buf, s, len);
    o->glue = false;
    o->noun_open = false;
}

static void emit_closer(struct out *o, const char *s)
{
    tj_buf_puts(&o->buf, s);
    o->glue = false;
    o->noun_open = false;
}

static void emit_opener(struct out *o, const char *s)
{
    if (o->buf.len && !o->glue)
        tj_buf_putc(&o->buf, ' ');
    tj_buf_puts(&o->buf, s);
    o->glue = true;
    o->noun_open = false;
}

/* How an Arabic word can take part in a noun phrase. */
enum np_role {
    NP_OTHER,
    NP_NOUN,      /* definite: ال, maybe behind و ف ب ك ل (بالقمة, للرئيس) */
    NP_ADJECTIVE, /* definite relative adjective without clitics: الروسي، الافتراضية */
};

static bool ends_with(const char *m, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(m + n - k, suffix, k) == 0;
}

static enum np_role np_role(const char *w, size_t len)
{
    char *m = tj_mform_string(w, len);
    size_t n = strlen(m);
    enum np_role role = NP_OTHER;
    static const char *const clitics[] = {"و", "ف", "ب", "ك"};
    if (n >= 8 && strncmp(m, "ال", 4) == 0) {
        const char *stem = m + 4;
        size_t sn = n - 4;
        /* The relative adjective (nisba): -ي, -ية, and their plurals. */
        bool nisba = ends_with(stem, sn, "ي") || ends_with(stem, sn, "يه") ||
                     ends_with(stem, sn, "يين") || ends_with(stem, sn, "يون") ||
                     ends_with(stem, sn, "يات");
        role = nisba && tj_utf8_count(stem, sn) >= 4 ? NP_ADJECTIVE : NP_NOUN;
    } else if (n >= 8 && strncmp(m, "لل", 4) == 0) {
        role = NP_NOUN;
    } else {
        for (size_t i = 0; i < TJ_ARRAY_LEN(clitics); i++)
            if (n >= 10 && strncmp(m, clitics[i], 2) == 0 && strncmp(m + 2, "ال", 4) == 0)
                role = NP_NOUN;
    }
    free(m);
    return role;
}

/* Writes the English of one Arabic word or pinned term, putting adjectives before the definite
 * noun they follow: الرئيس الروسي → "the Russian president", القمة الافتراضية الاستثنائية →
 * "the extraordinary virtual summit". */
static void emit_phrase_word(struct out *o, enum np_role role, const char *en)
{
    if (role == NP_ADJECTIVE && o->noun_open) {
        if (strncmp(en, "the ", 4) == 0)
            en += 4;
        size_t n = strlen(en);
        /* Insert "ADJ " after the noun's "the". */
        tj_buf_append(&o->buf, en, n + 1); /* grows the buffer by n + 1 bytes */
        memmove(o->buf.data + o->noun_at + n + 1, o->buf.data + o->noun_at,
                o->buf.len - (n + 1) - o->noun_at);
        memcpy(o->buf.data + o->noun_at, en, n);
        o->buf.data[o->noun_at + n] = ' ';
        o->buf.data[o->buf.len] = '\0';
        return;
    }
    size_t at = o->buf.len;
    emit_word(o, en, strlen(en));
    if (role == NP_OTHER)
        return;
    /* A definite noun whose English has its article: "the summit", "in the summit". */
    const char *the = strstr(o->buf.data + at, "the ");
    if (the && (the == o->buf.data + at || the[-1] == ' ')) {
        o->noun_open = true;
        o->noun_at = (size_t)(the - o->buf.data) + 4;
    }
}

static void emit_quote(struct out *o)
{
    if (o->quote_open)
        emit_closer(o, "\"");
    else
        emit_opener(o, "\"");
    o->quote_open = !o->quote_open;
}

/* English for a run of prefix clitics left outside a pin (وال → "and the"); anything else is
 * kept as written. */
static void emit_clitics(struct out *o, const char *s, size_t len)
{
    char *en = tj_gloss_clitics(s, len);
    if (en)
        emit_word(o, en, strlen(en));
    else
        emit_word(o, s, len);
    free(en);
}

/* True for a word that is only prefix clitics: a lone و or ف, or clitics written apart from
 * what they attach to with a tatweel (بـ"الصديق", الـ77). Longer clitic-letter words (بل, فل)
 * are words of their own. */
static bool clitic_word(const char *w, size_t len)
{
    if (len >= 2 && memcmp(w + len - 2, "\u0640", 2) == 0)
        return true;
    if (len > 8) /* a letter with a few harakat at most */
        return false;
    char *mf = tj_mform_string(w, len);
    bool lone = strcmp(mf, "و") == 0 || strcmp(mf, "ف") == 0;
    free(mf);
    return lone;
}

static bool is_digit_cp(uint32_t cp)
{
    return tj_utf8_digit(cp) >= 0;
}

static bool is_word_cp(uint32_t cp)
{
    return tj_is_arabic_letter(cp) || tj_is_arabic_mark(cp) || cp == 0x0640 || cp == 0x200C ||
           cp == 0x200D;
}

static bool is_latin_cp(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp < 0x250);
}

struct unknown {
    struct tj_buf words;
    size_t count;
};

/* The gloss and noun-phrase role of word w, from the cache or computed (and kept). Returns a
 * copy the caller owns: the cache may be shared with other threads. */
static struct cached lookup_word(struct offline *st, const char *w, size_t len)
{
    struct cached c = {NULL, NP_OTHER};
    pthread_mutex_lock(&st->lock);
    size_t vlen;
    const char *hit = tj_lru_get(st->cache, w, len, &vlen);
    if (hit) {
        c.role = hit[0];
        c.english = hit[1] == 'y' ? tj_xstrndup(hit + 2, vlen - 2) : NULL;
    }
    pthread_mutex_unlock(&st->lock);
    if (hit)
        return c;
    struct tj_gloss_word g;
    tj_gloss_word(st->dict, w, len, &g);
    c.english = g.found ? g.english : NULL;
    c.role = np_role(w, len);
    size_t elen = c.english ? strlen(c.english) : 0;
    char *value = tj_xmalloc(elen + 2);
    value[0] = (char)c.role;
    value[1] = c.english ? 'y' : 'n';
    if (elen)
        memcpy(value + 2, c.english, elen);
    pthread_mutex_lock(&st->lock);
    tj_lru_put(st->cache, w, len, value, elen + 2);
    pthread_mutex_unlock(&st->lock);
    free(value);
    return c;
}

static void gloss_arabic(struct offline *st, struct out *o, const char *w, size_t len,
                         struct unknown *unk)
{
    struct cached c = lookup_word(st, w, len);
    if (c.english) {
        emit_phrase_word(o, (enum np_role)c.role, c.english);
    } else {
        emit_word(o, w, len);
        if (unk->count < 8) {
            if (unk->count)
                tj_buf_puts(&unk->words, ", ");
            tj_buf_append(&unk->words, w, len);
        }
        unk->count++;
    }
    free(c.english);
}

/* Translates text[from..to), which holds no pin. A word that runs into the pin at `to`
 * (clitics written on the pinned name) is rendered as clitics. */
static void translate_stretch(struct offline *st, struct out *o, const char *text, size_t from,
                              size_t to, bool before_pin, struct unknown *unk)
{
    size_t i = from;
    while (i < to) {
        size_t start = i;
        uint32_t cp = tj_utf8_next(text, to, &i);
        if (is_word_cp(cp)) {
            size_t k = i;
            while (k < to) {
                size_t n = k;
                if (!is_word_cp(tj_utf8_next(text, to, &n)))
                    break;
                k = n;
            }
            i = k;
            if ((before_pin && i == to) || clitic_word(text + start, i - start))
                emit_clitics(o, text + start, i - start);
            else if (!tj_utf8_has_arabic(text + start, i - start))
                continue; /* a lone tatweel or mark */
            else
                gloss_arabic(st, o, text + start, i - start, unk);
        } else if (is_digit_cp(cp)) {
            struct tj_buf num;
            tj_buf_init(&num, 0);
            size_t k = start;
            while (k < to) {
                size_t n = k;
                uint32_t c = tj_utf8_next(text, to, &n);
                char d;
                if (tj_utf8_digit(c) >= 0)
                    d = (char)('0' + tj_utf8_digit(c));
                else if ((c == 0x066B || c == 0x066C || c == '.' || c == ',' || c == ':' ||
                          c == '/') &&
                         n < to) {
                    size_t m = n;
                    if (!is_digit_cp(tj_utf8_next(text, to, &m)))
                        break;
                    d = c == 0x066B ? '.' : c == 0x066C ? ',' : (char)c;
                } else {
                    break;
                }
                tj_buf_putc(&num, d);
                k = n;
            }
            i = k;
            emit_word(o, num.data, num.len);
            tj_buf_finish(&num);
        } else if (is_latin_cp(cp)) {
            size_t k = i;
            while (k < to) {
                size_t n = k;
                uint32_t c = tj_utf8_next(text, to, &n);
                if (!is_latin_cp(c) && !(c >= '0' && c <= '9') && c != '\'' && c != '-')
                    break;
                k = n;
            }
            i = k;
            emit_word(o, text + start, i - start);
        } else if (cp == ' ' || cp == '\t' || tj_is_bidi_control(cp) || cp == 0xA0) {
            continue;
        } else {
            switch (cp) {
            case 0x060C:
                emit_closer(o, ",");
                break;
            case 0x061B:
                emit_closer(o, ";");
                break;
            case 0x061F:
                emit_closer(o, "?");
                break;
            case 0x06D4:
                emit_closer(o, ".");
                break;
            case 0x066A:
                emit_closer(o, "%");
                break;
            case '.':
            case ',':
            case ';':
            case ':':
            case '!':
            case '?':
            case '%':
            case ')':
            case ']':
            case '}':
                emit_closer(o, (char[]){(char)cp, 0});
                break;
            case 0xBB:
            case 0x201D:
                emit_closer(o, "\"");
                o->quote_open = false;
                break;
            case 0xAB:
            case 0x201C:
                emit_opener(o, "\"");
                break;
            case '(':
            case '[':
            case '{':
                emit_opener(o, (char[]){(char)cp, 0});
                break;
            case '"':
                emit_quote(o);
                break;
            default:
                emit_word(o, text + start, i - start);
                break;
            }
        }
    }
}

static enum tj_status offline_translate(void *state, const struct tj_batch *batch,
                                        struct tj_result *results, struct tj_diag *diag)
{
    (void)diag;
    struct offline *st = state;
    for (size_t b = 0; b < batch->n; b++) {
        const struct tj_batch_item *it = &batch->items[b];
        struct out o = {.glue = false, .quote_open = false};
        tj_buf_init(&o.buf, 0);
        struct unknown unk = {.count = 0};
        tj_buf_init(&unk.words, 0);
        size_t pos = 0;
        for (size_t p = 0; p < it->npins; p++) {
            const struct tj_pin *pin = &it->pins[p];
            translate_stretch(st, &o, it->text, pos, pin->start, true, &unk);
            emit_phrase_word(&o, np_role(it->text + pin->start, pin->end - pin->start),
                             pin->term->english);
            pos = pin->end;
        }
        translate_stretch(st, &o, it->text, pos, it->len, false, &unk);
        memset(&results[b], 0, sizeof results[b]);
        results[b].text = tj_buf_take(&o.buf, NULL);
        if (unk.count) {
            results[b].qa_code = tj_xstrdup("untranslated");
            results[b].qa_message = tj_xasprintf(
                "%zu word%s not in the dictionary, left in Arabic: %s%s", unk.count,
                unk.count == 1 ? "" : "s", unk.words.data, unk.count > 8 ? ", ..." : "");
        }
        tj_buf_finish(&unk.words);
    }
    return TJ_OK;
}

const struct tj_provider_ops tj_provider_offline = {
    .version = TJ_PROVIDER_OPS_VERSION,
    .info =
        {
            .name = "offline",
            .description =
                "glossary + FreeDict word gloss on this machine (rough draft, no network)",
            .features = TJ_PFEAT_LOCAL | TJ_PFEAT_BATCH | TJ_PFEAT_PINS,
        },
    .create = offline_create,
    .destroy = offline_destroy,
    .limits = offline_limits,
    .notice = offline_notice,
    .translate_local = offline_translate,
};
