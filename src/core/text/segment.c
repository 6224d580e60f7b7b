/* First Arabic segmenter: a byte scanner over each line that finds candidate sentence ends and
 * applies the no-break rules to them. */
#include "segment.h"

#include "rxinfo.h"
#include "srx.h"
#include "utf8.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>

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

static bool is_digit_cp(uint32_t cp)
{
    return tj_utf8_digit(cp) >= 0;
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
        unsigned char c = (unsigned char)s[k];
        /* Only ( ) [ ] " and the lead bytes of « » (C2) and “ ” (E2) matter. */
        if (c != '(' && c != ')' && c != '[' && c != ']' && c != '"' && c != 0xC2 && c != 0xE2) {
            k++;
            continue;
        }
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
    /* Nothing visible (a lone bidi mark between two spaces): a separator, not a segment. */
    bool visible = false;
    for (size_t k = start; k < end && !visible;)
        visible = !is_invisible(tj_utf8_next(s, end, &k));
    if (!visible)
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

/* ---- compiled rules ---------------------------------------------------------------------- */

/* Rules with an unbounded beforebreak are matched against at most this many characters. */
#define TJ_BEFORE_WINDOW 32

enum side { BEFORE, AFTER };

struct rule {
    bool brk;
    pcre2_code *before; /* compiled end-anchored; NULL when the side is empty */
    pcre2_code *after;  /* compiled anchored; NULL when empty */
    char *pattern[2];   /* the two sides as compiled, for messages */
    size_t line;        /* in the SRX file */
    struct tj_rxinfo bi;
    struct tj_rxinfo ai;
    size_t window;           /* characters to look back for the beforebreak */
    uint64_t last_ascii[2];  /* bi.last restricted to ASCII, as a bitmap */
    uint64_t last2_ascii[2]; /* bi.last2 restricted to ASCII */
    uint64_t first_ascii[2]; /* ai.first restricted to ASCII */
};

static void ascii_bitmap(const struct tj_cpset *set, uint64_t map[2])
{
    for (uint32_t c = 0; c < 128; c++)
        if (tj_cpset_has(set, c))
            map[c >> 6] |= 1ull << (c & 63);
}

/* tj_cpset_has with an ASCII fast path. */
static bool set_has(const struct tj_cpset *set, const uint64_t map[2], uint32_t cp)
{
    return cp < 128 ? (map[cp >> 6] >> (cp & 63)) & 1 : tj_cpset_has(set, cp);
}

struct tj_segmenter {
    struct rule *rules;
    size_t n;
    char *name;    /* of the SRX document */
    char *warning; /* no languagemap matched: no rule applies */
    /* Candidates left without a break because a side's match hit the limits, per rule and
     * side (2 * n). Counted from every thread that segments with this segmenter. */
    atomic_size_t *hits;
    bool stop[256];      /* ASCII triggers and lead bytes of multi-byte triggers */
    uint64_t second[32]; /* two-byte triggers: bit (cont & 0x3F) of second[lead - 0xC0] */
    uint8_t bmp_trigger[0x10000 / 8]; /* trigger characters of the BMP, one bit each */
#ifdef __SSE2__
    /* The same stops as byte vectors, for scanning 16 bytes at a time: single bytes that
     * always stop, and (lead, second byte) pairs of two-byte triggers. */
    __m128i single[16];
    __m128i pair_lead[8];
    __m128i pair_second[8];
    size_t nsingle;
    size_t npair;
    bool simd;
#endif
    struct tj_cpset trigger; /* trigger characters beyond the BMP */
};

static void rule_finish(struct rule *r)
{
    pcre2_code_free(r->before);
    pcre2_code_free(r->after);
    free(r->pattern[BEFORE]);
    free(r->pattern[AFTER]);
    tj_rxinfo_finish(&r->bi);
    tj_rxinfo_finish(&r->ai);
}

void tj_segmenter_destroy(struct tj_segmenter *sg)
{
    if (!sg)
        return;
    for (size_t i = 0; i < sg->n; i++)
        rule_finish(&sg->rules[i]);
    free(sg->rules);
    free(sg->hits);
    free(sg->name);
    free(sg->warning);
    free(sg->trigger.r);
    free(sg);
}

static enum tj_status compile(const char *re, uint32_t anchor, pcre2_code **out,
                              const struct tj_srx_rule *src, const char *side, struct tj_diag *diag)
{
    *out = NULL;
    if (!*re)
        return TJ_OK;
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_UCP | anchor, &err, &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "line %zu: %s regex at offset %zu: %s", src->line,
                           side, (size_t)off, (const char *)msg);
    }
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* without JIT the interpreter still works */
    *out = code;
    return TJ_OK;
}

/* Marks cp as a character after which a break may come. */
static void add_trigger_range(struct tj_segmenter *sg, uint32_t lo, uint32_t hi)
{
    for (uint32_t cp = lo; cp <= hi && cp < 0x80; cp++)
        sg->stop[cp] = true;
    if (hi < 0x80)
        return;
    if (lo < 0x80)
        lo = 0x80;
    for (uint32_t cp = lo; cp <= hi && cp < 0x10000; cp++) {
        sg->bmp_trigger[cp >> 3] |= (uint8_t)(1u << (cp & 7));
        char enc[4];
        tj_utf8_encode(cp, enc);
        sg->stop[(unsigned char)enc[0]] = true;
        if (cp < 0x800)
            sg->second[(unsigned char)enc[0] - 0xC0] |= 1ull << ((unsigned char)enc[1] & 0x3F);
    }
    if (hi >= 0x10000) {
        for (unsigned b = 0xF0; b <= 0xF4; b++)
            sg->stop[b] = true;
        sg->trigger.r = tj_xreallocarray(sg->trigger.r, sg->trigger.n + 1, sizeof *sg->trigger.r);
        sg->trigger.r[sg->trigger.n++] = (struct tj_cprange){lo < 0x10000 ? 0x10000 : lo, hi};
    }
}

static enum tj_status add_rules(struct tj_segmenter *sg, const struct tj_srx_language *l,
                                struct tj_diag *diag)
{
    for (size_t k = 0; k < l->nrules; k++) {
        const struct tj_srx_rule *src = &l->rules[k];
        sg->rules = tj_xreallocarray(sg->rules, sg->n + 1, sizeof *sg->rules);
        struct rule *r = &sg->rules[sg->n++];
        memset(r, 0, sizeof *r);
        r->brk = src->brk;
        r->line = src->line;
        r->pattern[BEFORE] = tj_xstrdup(src->before);
        r->pattern[AFTER] = tj_xstrdup(src->after);
        enum tj_status rc =
            compile(src->before, PCRE2_ENDANCHORED, &r->before, src, "beforebreak", diag);
        if (rc == TJ_OK)
            rc = compile(src->after, PCRE2_ANCHORED, &r->after, src, "afterbreak", diag);
        tj_rxinfo_init(&r->bi, src->before, strlen(src->before));
        tj_rxinfo_init(&r->ai, src->after, strlen(src->after));
        if (rc != TJ_OK)
            return rc;
        r->window = r->bi.max_len < TJ_BEFORE_WINDOW ? r->bi.max_len : TJ_BEFORE_WINDOW;
        ascii_bitmap(&r->bi.last, r->last_ascii);
        ascii_bitmap(&r->bi.last2, r->last2_ascii);
        ascii_bitmap(&r->ai.first, r->first_ascii);
        if (!r->brk)
            continue;
        if (!r->before || r->bi.nullable || r->bi.last.any) {
            add_trigger_range(sg, 0, 0x10FFFF);
            continue;
        }
        for (size_t i = 0; i < r->bi.last.n; i++)
            add_trigger_range(sg, r->bi.last.r[i].lo, r->bi.last.r[i].hi);
    }
    return TJ_OK;
}

enum tj_status tj_segmenter_create(const struct tj_srx *srx, const char *lang,
                                   struct tj_segmenter **out, struct tj_diag *diag)
{
    struct tj_segmenter *sg = tj_xcalloc(1, sizeof *sg);
    sg->name = tj_xstrdup(srx->name ? srx->name : "SRX");
    enum tj_status rc = TJ_OK;
    bool mapped = false;
    for (size_t m = 0; m < srx->nmaps && rc == TJ_OK; m++) {
        if (!tj_srx_map_applies(&srx->maps[m], lang))
            continue;
        mapped = true;
        for (size_t l = 0; l < srx->nlangs; l++)
            if (strcmp(srx->langs[l].name, srx->maps[m].rules) == 0) {
                rc = add_rules(sg, &srx->langs[l], diag);
                break;
            }
        if (!srx->cascade)
            break;
    }
    if (rc != TJ_OK) {
        tj_segmenter_destroy(sg);
        *out = NULL;
        return rc;
    }
    if (!mapped)
        sg->warning = tj_xasprintf("%s: no languagemap matches language '%.40s': no rule applies",
                                   sg->name, lang);
    sg->hits = tj_xcalloc(2 * sg->n + 1, sizeof *sg->hits);
    for (size_t i = 0; i < 2 * sg->n; i++)
        atomic_init(&sg->hits[i], 0);
#ifdef __SSE2__
    sg->simd = true;
    for (unsigned b = 0; b < 256 && sg->simd; b++) {
        if (!sg->stop[b])
            continue;
        if (b >= 0xC2 && b < 0xE0) {
            for (unsigned c = 0; c < 64 && sg->simd; c++) {
                if (!((sg->second[b - 0xC0] >> c) & 1))
                    continue;
                if (sg->npair == TJ_ARRAY_LEN(sg->pair_lead)) {
                    sg->simd = false;
                    break;
                }
                sg->pair_lead[sg->npair] = _mm_set1_epi8((char)b);
                sg->pair_second[sg->npair++] = _mm_set1_epi8((char)(0x80 | c));
            }
        } else if (sg->nsingle == TJ_ARRAY_LEN(sg->single)) {
            sg->simd = false;
        } else {
            sg->single[sg->nsingle++] = _mm_set1_epi8((char)b);
        }
    }
#endif
    *out = sg;
    return TJ_OK;
}

const char *tj_segmenter_warning(const struct tj_segmenter *sg)
{
    return sg->warning;
}

size_t tj_segmenter_limit_hits(const struct tj_segmenter *sg, struct tj_diag *diag)
{
    size_t total = 0, rules = 0, first = 0;
    for (size_t i = 0; i < 2 * sg->n; i++) {
        size_t h = atomic_load_explicit(&sg->hits[i], memory_order_relaxed);
        if (h && !rules++)
            first = i;
        total += h;
    }
    if (total && diag) {
        const struct rule *r = &sg->rules[first / 2];
        enum side side = first % 2 ? AFTER : BEFORE;
        size_t h = atomic_load_explicit(&sg->hits[first], memory_order_relaxed);
        char more[96] = "";
        if (rules > 1)
            snprintf(more, sizeof more, " (and %zu more rule sides, %zu positions in all)",
                     rules - 1, total);
        tj_diag_set(diag, TJ_OK,
                    "%s:%zu: %s '%.120s' exceeded the regex limits (%u backtracking steps, depth "
                    "%u) at %zu position%s, left without a break%s",
                    sg->name, r->line, side == AFTER ? "afterbreak" : "beforebreak",
                    r->pattern[side], (unsigned)TJ_SRX_MATCH_LIMIT, (unsigned)TJ_SRX_DEPTH_LIMIT, h,
                    h == 1 ? "" : "s", more);
    }
    return total;
}

extern const char tj_srx_default[];
extern const size_t tj_srx_default_len;

static struct tj_segmenter *default_segmenter[2];
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void build_defaults(void)
{
    struct tj_srx *srx;
    struct tj_diag diag;
    /* The built-in rules are part of the program: failing to load them is a build error. */
    const char *name = "built-in srx/tarjim.srx";
    if (tj_srx_parse(name, tj_srx_default, tj_srx_default_len, &srx, &diag) != TJ_OK ||
        tj_segmenter_create(srx, "ar", &default_segmenter[0], &diag) != TJ_OK ||
        tj_segmenter_create(srx, "en", &default_segmenter[1], &diag) != TJ_OK) {
        fprintf(stderr, "tarjim: built-in segmentation rules: %s\n", diag.message);
        abort();
    }
    tj_srx_destroy(srx);
}

const struct tj_segmenter *tj_segmenter_default(const char *lang)
{
    pthread_once(&default_once, build_defaults);
    return lang && strncmp(lang, "en", 2) == 0 ? default_segmenter[1] : default_segmenter[0];
}

/* What one thread needs to run the rules: a match block, and a match context that bounds each
 * match (TJ_SRX_MATCH_LIMIT, TJ_SRX_DEPTH_LIMIT) with a JIT stack of its own (a JIT stack
 * serves one thread at a time). Kept for the thread's life (lines are short and many) and
 * freed when it ends. */
struct matcher {
    pcre2_match_data *md;
    pcre2_match_context *mc;
    pcre2_jit_stack *stack;
};

static pthread_key_t matcher_key;
static pthread_once_t matcher_once = PTHREAD_ONCE_INIT;

static void free_matcher(void *data)
{
    struct matcher *m = data;
    pcre2_match_data_free(m->md);
    pcre2_match_context_free(m->mc);
    pcre2_jit_stack_free(m->stack);
    free(m);
}

static void make_matcher_key(void)
{
    if (pthread_key_create(&matcher_key, free_matcher) != 0)
        abort();
}

static struct matcher *thread_matcher(void)
{
    pthread_once(&matcher_once, make_matcher_key);
    struct matcher *m = pthread_getspecific(matcher_key);
    if (m)
        return m;
    m = tj_xcalloc(1, sizeof *m);
    m->md = pcre2_match_data_create(4, NULL);
    m->mc = pcre2_match_context_create(NULL);
    /* The stack starts small and grows on demand up to its maximum. */
    m->stack = pcre2_jit_stack_create(32 << 10, TJ_SRX_JIT_STACK_MAX, NULL);
    if (!m->md || !m->mc || !m->stack || pthread_setspecific(matcher_key, m) != 0)
        abort();
    pcre2_set_match_limit(m->mc, TJ_SRX_MATCH_LIMIT);
    pcre2_set_depth_limit(m->mc, TJ_SRX_DEPTH_LIMIT);
    pcre2_jit_stack_assign(m->mc, NULL, m->stack);
    return m;
}

/* ---- applying the rules -------------------------------------------------------------------- */

enum rx_result { RX_NO, RX_YES, RX_LIMIT };

/* One bounded match. Any error but "no match" (the match, depth or heap limit, the JIT's
 * stack, memory) means the regex could not be decided within the bounds. */
static enum rx_result run(const pcre2_code *code, const char *s, size_t len, size_t from,
                          const struct matcher *m)
{
    int rc = pcre2_match(code, (PCRE2_SPTR)s, len, from, PCRE2_NO_UTF_CHECK, m->md, m->mc);
    return rc >= 0 ? RX_YES : rc == PCRE2_ERROR_NOMATCH ? RX_NO : RX_LIMIT;
}

/* Does the rule's beforebreak match the text ending at p? */
static enum rx_result before_matches(const struct rule *r, const char *s, size_t p,
                                     const struct matcher *m)
{
    /* Back up window characters' worth of bytes (at most four each), then forward to a
     * character boundary: a superset of the start positions a match ending at p can have. */
    size_t back = r->window * 4;
    size_t from = p > back ? p - back : 0;
    while (from < p && ((unsigned char)s[from] & 0xC0) == 0x80)
        from++;
    return run(r->before, s, p, from, m);
}

static enum rx_result after_matches(const struct rule *r, const char *s, size_t len, size_t p,
                                    const struct matcher *m)
{
    return run(r->after, s, len, p, m);
}

/* The SRX decision at position p: the first applicable rule's break value, else no break. A
 * rule whose regex cannot be decided within the limits leaves p without a break (counted in
 * sg->hits): a sentence left whole is safer to translate than one cut where no rule said so. */
static bool decide(const struct tj_segmenter *sg, const char *s, size_t len, size_t p,
                   uint32_t before_cp, const struct matcher *m)
{
    uint32_t after_cp = 0;
    if (p < len) {
        size_t k = p;
        after_cp = tj_utf8_next(s, len, &k);
    }
    /* The character before before_cp, for rules whose matches are never one character. */
    size_t k = p;
    tj_utf8_prev(s, &k);
    uint32_t prev_cp = k > 0 ? tj_utf8_prev(s, &k) : 0;
    for (size_t i = 0; i < sg->n; i++) {
        const struct rule *r = &sg->rules[i];
        if (r->before && !r->bi.nullable &&
            (!set_has(&r->bi.last, r->last_ascii, before_cp) ||
             (!r->bi.can1 && (!prev_cp || !set_has(&r->bi.last2, r->last2_ascii, prev_cp)))))
            continue;
        if (r->after && !r->ai.nullable &&
            (p == len || !set_has(&r->ai.first, r->first_ascii, after_cp)))
            continue;
        /* The anchored afterbreak is the cheaper test: it goes first. */
        enum rx_result a = r->after ? after_matches(r, s, len, p, m) : RX_YES;
        enum rx_result b = a == RX_YES && r->before ? before_matches(r, s, p, m) : a;
        if (a == RX_LIMIT || b == RX_LIMIT) {
            atomic_fetch_add_explicit(&sg->hits[2 * i + (a == RX_LIMIT ? AFTER : BEFORE)], 1,
                                      memory_order_relaxed);
            return false;
        }
        if (b == RX_NO)
            continue;
        return r->brk;
    }
    return false;
}

/* A list item's marker: an optional bullet, a number (ASCII or Arabic-Indic digits) or a
 * single Latin letter, then ".", ")" or ".)" (or "-" after a number), then a space: "1. "
 * "٢) " "3- " "• 9. " "a. ". */
struct marker {
    size_t end;    /* just after the punctuation; 0 when there is no marker */
    char next[32]; /* the marker the next item would have */
    size_t next_len;
};

static struct marker parse_marker(const char *s, size_t len, size_t at)
{
    struct marker m = {0};
    while (at < len && s[at] == ' ')
        at++;
    size_t bullet_start = at, k = at;
    uint32_t cp = at < len ? tj_utf8_next(s, len, &k) : 0;
    if (cp == 0x2022 || cp == 0x2043 || cp == '-' || cp == '*' || cp == 0x2013) {
        at = k;
        while (at < len && s[at] == ' ')
            at++;
    }
    size_t bullet_len = at - bullet_start, label = at;
    unsigned n = 0, digits = 0;
    bool indic = false, letter = false;
    while (at < len) {
        k = at;
        cp = tj_utf8_next(s, len, &k);
        if (!is_digit_cp(cp))
            break;
        indic = cp > '9';
        n = n * 10 + (cp <= '9' ? cp - '0' : cp >= 0x06F0 ? cp - 0x06F0 : cp - 0x0660);
        at = k;
        digits++;
    }
    if (digits == 0 && at < len &&
        ((s[at] >= 'a' && s[at] < 'z') || (s[at] >= 'A' && s[at] < 'Z'))) {
        letter = true;
        at++;
    }
    if ((digits == 0 && !letter) || digits > 3 || at >= len)
        return m;
    size_t punct = at;
    if (s[at] == '.' && at + 1 < len && s[at + 1] == ')')
        at += 2;
    else if (s[at] == '.' || s[at] == ')' || (s[at] == '-' && !letter))
        at++;
    else
        return m;
    if (at >= len || s[at] != ' ')
        return m;
    m.end = at;
    /* The next marker: the same bullet, the label plus one, the same punctuation, a space. */
    if (bullet_len + 16 > sizeof m.next)
        return m;
    memcpy(m.next, s + bullet_start, bullet_len);
    size_t w = bullet_len;
    if (letter) {
        m.next[w++] = (char)(s[label] + 1);
    } else {
        char num[12];
        int nd = snprintf(num, sizeof num, "%u", n + 1);
        for (int d = 0; d < nd; d++) {
            if (indic)
                w += tj_utf8_encode((uint32_t)(0x0660 + num[d] - '0'), m.next + w);
            else
                m.next[w++] = num[d];
        }
    }
    memcpy(m.next + w, s + punct, at - punct + 1);
    m.next_len = w + at - punct + 1;
    return m;
}

/* Where the next item of a list written on one line starts ("1. first 2. second"), or 0. */
static size_t next_item_at(const char *s, size_t len, const struct marker *m)
{
    if (!m->end || !m->next_len)
        return 0;
    for (size_t i = m->end; i < len; i++) {
        const char *hit = memchr(s + i, ' ', len - i);
        if (!hit)
            return 0;
        i = (size_t)(hit - s);
        if (len - i - 1 >= m->next_len && memcmp(s + i + 1, m->next, m->next_len) == 0)
            return i + 1;
    }
    return 0;
}

/* Length of a dateline opening the line ("بيروت -", "القاهرة (رويترز) -"): up to three words,
 * an optional parenthesised source, then a dash between spaces. 0 when there is none. */
static size_t dateline(const char *s, size_t len)
{
    /* Cheap test first: a dateline's dash comes within its first few words. */
    size_t head = len < 96 ? len : 96;
    bool dash = false;
    for (size_t k = 0; k < head && !dash; k++)
        dash = s[k] == '-' || ((unsigned char)s[k] == 0xE2 && k + 2 < len && s[k + 1] == '\x80' &&
                               (s[k + 2] == '\x93' || s[k + 2] == '\x94'));
    if (!dash)
        return 0;
    size_t i = 0, words = 0;
    bool paren = false;
    while (i < len && words <= 5) {
        size_t k = i;
        uint32_t cp = tj_utf8_next(s, len, &k);
        if (cp == '-' || cp == 0x2013 || cp == 0x2014) {
            bool spaced = i > 0 && s[i - 1] == ' ' && k < len && s[k] == ' ';
            return spaced && words >= 1 ? k : 0;
        }
        if (cp == '(')
            paren = true;
        else if (cp == ')')
            paren = false;
        else if (cp == ' ')
            words += !paren;
        else if (!tj_is_arabic_letter(cp) && !tj_is_arabic_mark(cp) && cp != 0x0640)
            return 0;
        i = k;
    }
    return 0;
}

size_t tj_segment_line(const char *s, size_t len, const struct tj_segment_options *opt,
                       struct tj_span **out)
{
    const struct tj_segmenter *sg = opt && opt->rules ? opt->rules : tj_segmenter_default("ar");
    size_t max = opt && opt->max_bytes ? opt->max_bytes : TJ_SEGMENT_DEFAULT_MAX;
    const struct matcher *mt = thread_matcher();
    struct tj_span *spans = NULL;
    size_t n = 0, alloc = 0, start = 0, i = 0;
    struct enclosures enc = {.depth = 0};
    for (size_t k = 0; k < TJ_ARRAY_LEN(enc.next); k++)
        enc.next_from[k] = SIZE_MAX;
    size_t forced = dateline(s, len);
    struct marker mk = parse_marker(s, len, 0);
    size_t marker = mk.end, next_item = next_item_at(s, len, &mk);
    const unsigned char *u = (const unsigned char *)s;
    while (i < len) {
        /* Skip to the next byte that can start a trigger character. Continuation bytes are
         * never marked, so a byte-wise skip cannot stop inside a character. */
        size_t special = i < forced ? forced : i < next_item ? next_item : len;
        if (next_item > i && next_item < special)
            special = next_item;
        size_t stop = special < len ? special : len;
        size_t j = i;
#ifdef __SSE2__
        /* Sixteen bytes at a time while no stop is among them. */
        while (sg->simd && j + 17 <= stop) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + j));
            __m128i v2 = _mm_loadu_si128((const __m128i *)(const void *)(u + j + 1));
            __m128i m = _mm_setzero_si128();
            for (size_t k = 0; k < sg->nsingle; k++)
                m = _mm_or_si128(m, _mm_cmpeq_epi8(v, sg->single[k]));
            for (size_t k = 0; k < sg->npair; k++)
                m = _mm_or_si128(m, _mm_and_si128(_mm_cmpeq_epi8(v, sg->pair_lead[k]),
                                                  _mm_cmpeq_epi8(v2, sg->pair_second[k])));
            int mask = _mm_movemask_epi8(m);
            if (mask) {
                j += (size_t)__builtin_ctz((unsigned)mask);
                break;
            }
            j += 16;
        }
#endif
        while (j < stop) {
            unsigned char b = u[j];
            if (!sg->stop[b]) {
                j++;
            } else if (b >= 0xC2 && b < 0xE0 && j + 1 < len &&
                       !((sg->second[b - 0xC0] >> (u[j + 1] & 0x3F)) & 1)) {
                j += 2; /* a two-byte character that is no trigger (most Arabic letters) */
            } else {
                break;
            }
        }
        while (j - start > max) {
            size_t cut = cut_point(s, start, max);
            n = push_span(&spans, n, &alloc, s, start, cut, true);
            start = cut;
        }
        uint32_t cp = 0;
        bool trigger = false;
        if (j == stop) {
            i = stop; /* the end, or a forced break (dateline, list item) */
        } else if (u[j] < 0x80) {
            cp = u[j];
            i = j + 1;
            trigger = true;
        } else if (u[j] < 0xE0) {
            i = j + 2 <= len ? j + 2 : len;
            cp = ((uint32_t)(u[j] & 0x1F) << 6) | (i == j + 2 ? u[j + 1] & 0x3F : 0);
            trigger = i == j + 2 && ((sg->second[u[j] - 0xC0] >> (u[j + 1] & 0x3F)) & 1);
        } else {
            i = j;
            cp = tj_utf8_next(s, len, &i);
            trigger = cp < 0x10000 ? (sg->bmp_trigger[cp >> 3] >> (cp & 7)) & 1
                                   : tj_cpset_has(&sg->trigger, cp);
        }
        if (i >= len || i == marker)
            continue;
        bool brk = i == forced || i == next_item;
        if (!brk && trigger)
            brk = decide(sg, s, len, i, cp, mt) && !inside_enclosure(&enc, s, len, i);
        if (!brk)
            continue;
        while (i - start > max) {
            size_t cut = cut_point(s, start, max);
            n = push_span(&spans, n, &alloc, s, start, cut, true);
            start = cut;
        }
        n = push_span(&spans, n, &alloc, s, start, i, false);
        start = i;
        if (i == next_item) {
            mk = parse_marker(s, len, i);
            marker = mk.end;
            next_item = next_item_at(s, len, &mk);
        }
    }
    while (len - start > max) {
        size_t cut = cut_point(s, start, max);
        n = push_span(&spans, n, &alloc, s, start, cut, true);
        start = cut;
    }
    n = push_span(&spans, n, &alloc, s, start, len, false);
    *out = spans;
    return n;
}

/* A list item opens with a bullet and a space, or a numbered or lettered marker. */
static bool is_list_marker(const char *s, size_t len)
{
    size_t i = 0;
    uint32_t cp = tj_utf8_next(s, len, &i);
    if ((cp == '-' || cp == 0x2022 || cp == '*' || cp == 0x2013) && i < len && s[i] == ' ')
        return true;
    return parse_marker(s, len, 0).end != 0;
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

struct tj_block *tj_segment_block(struct tj_document *doc, const char *line, size_t len,
                                  size_t line_no, size_t blank_before, size_t offset,
                                  const struct tj_segment_options *opt)
{
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (blank_line(line, len))
        return NULL;
    struct tj_block *b =
        tj_document_add_block(doc, tj_segment_classify(line, len), line_no, blank_before);
    struct tj_span *spans;
    size_t n = tj_segment_line(line, len, opt, &spans);
    for (size_t k = 0; k < n; k++) {
        struct tj_segment *sg =
            tj_block_add_segment(b, line + spans[k].start, spans[k].end - spans[k].start);
        sg->offset = offset + spans[k].start;
        sg->input_len = spans[k].end - spans[k].start;
        if (spans[k].cut)
            tj_segment_add_qa(sg, "segment_cut", "sentence longer than %zu bytes was cut here",
                              opt && opt->max_bytes ? opt->max_bytes : TJ_SEGMENT_DEFAULT_MAX);
    }
    free(spans);
    if (b->nsegs > 1 && b->kind == TJ_BLOCK_HEADING)
        b->kind = TJ_BLOCK_PARAGRAPH;
    return b;
}

void tj_segment_document(const char *text, size_t len, const struct tj_segment_options *opt,
                         struct tj_document *doc)
{
    size_t line_no = 0, blanks = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        line_no++;
        if (tj_segment_block(doc, text + pos, end - pos, line_no, blanks, pos, opt))
            blanks = 0;
        else
            blanks++;
        pos = nl ? end + 1 : len;
    }
    doc->blank_after = blanks;
    tj_document_number(doc);
}
