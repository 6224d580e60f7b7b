/* The SRX rules' regex engine: PCRE2 with JIT against ICU's uregex, on the same rules, the same
 * text and the same candidate positions, in the same run (issue: "compiled once with PCRE2 (JIT)
 * or ICU's regex engine, whichever measures faster on UTF-8").
 *
 * The rules are those an SRX file gives language "ar" (every map whose languagepattern matches
 * it, in file order when cascade="yes"). The candidates are the positions right after
 * . ! ? ؟ ۔ … » " ” ’ ' ) ] inside a line (not at its end). At each candidate both engines do
 * what tarjim's segmenter does: the rules are tried in order, the afterbreak first (anchored at
 * the position, the line as subject), then the beforebreak (a match ending exactly at the
 * position, starting no further back than the rule's look-back window); the first rule whose
 * two sides match decides. tarjim's cheap pre-tests on the characters around the position are
 * left out, so that every regex call is made by both engines.
 *
 *   PCRE2: beforebreak compiled PCRE2_UTF|PCRE2_UCP|PCRE2_ENDANCHORED, afterbreak
 *          PCRE2_UTF|PCRE2_UCP|PCRE2_ANCHORED, both JIT-compiled; the subject is the line, cut
 *          at the position for the beforebreak.
 *   ICU:   beforebreak compiled as (?:BEFORE)\z and searched with uregex_find64 in the region
 *          [window start, position); afterbreak matched with uregex_lookingAt64 in the region
 *          [position, line end). Bounds are transparent (look-behind and \b see the text
 *          outside the region) and anchoring (\z matches at the region end). The text is a
 *          UTF-8 UText, and in a second figure UTF-16 converted from it.
 *
 * Both engines' decisions (which rule decided, hence break or not) are compared at every
 * candidate; a disagreement is traced to the first rule whose sides the engines judge
 * differently.
 *
 * Usage: bench_regex [-m MB] [SRX [FILE]] */
#include "config.h"
#include "articles.h"
#include "input.h"
#include "rxinfo.h"
#include "srx.h"
#include "utf8.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <unicode/uregex.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

#include <dirent.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 3
#define WINDOW_MAX 32 /* characters, as tarjim's segmenter */
#define MAX_SLOTS 40  /* distinct look-back windows: 0..WINDOW_MAX */

struct brule {
    bool brk;
    size_t line;                 /* in the SRX file */
    const char *lang;            /* languagerulename */
    pcre2_code *pb, *pa;         /* NULL when the side is empty */
    URegularExpression *ib, *ia; /* NULL when the side is empty or ICU refused it */
    bool icu_failed;             /* a non-empty side that ICU could not compile */
    size_t slot;                 /* index of this rule's window among the distinct ones */
};

struct rules {
    struct brule *r;
    size_t n;
    size_t windows[MAX_SLOTS]; /* look-back in characters, one per slot */
    size_t nslots;
};

/* Candidate positions in one encoding's offsets (UTF-8 bytes or UTF-16 units), absolute. */
struct positions {
    int64_t *line; /* start of the candidate's line (UTF-8 only: the PCRE2 subject) */
    int64_t *p;
    int64_t *end;  /* end of the line, before its newline */
    int64_t *from; /* nslots per candidate: where each beforebreak window starts */
};

struct tally {
    size_t breaks;
    size_t after_calls;
    size_t before_calls;
};

/* ---- rules ------------------------------------------------------------------------------- */

static pcre2_code *pcre2_rule(const char *re, uint32_t anchor, size_t line, const char *side,
                              bool *jit)
{
    if (!*re)
        return NULL;
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_UCP | anchor, &err, &off, NULL);
    if (!code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        fprintf(stderr, "bench_regex: rule at line %zu: PCRE2 refuses the %s at offset %zu: %s\n",
                line, side, (size_t)off, (const char *)msg);
        exit(65);
    }
    if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0)
        *jit = false;
    return code;
}

/* Compiles text (UTF-8, ICU syntax) with ICU; NULL and a message when ICU refuses it. */
static URegularExpression *icu_rule(const char *text, size_t line, const char *side, bool *failed)
{
    if (!*text)
        return NULL;
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8(NULL, 0, &n, text, -1, &err);
    err = U_ZERO_ERROR;
    UChar *u = tj_xmalloc(((size_t)n + 1) * sizeof *u);
    u_strFromUTF8(u, n + 1, NULL, text, -1, &err);
    UParseError pe;
    URegularExpression *re = U_SUCCESS(err) ? uregex_open(u, n, 0, &pe, &err) : NULL;
    free(u);
    if (U_FAILURE(err)) {
        printf("  ICU cannot compile the %s of the rule at srx line %zu: %s (offset %d in %s)\n",
               side, line, u_errorName(err), (int)pe.offset, text);
        *failed = true;
        return NULL;
    }
    return re;
}

static size_t slot_of(struct rules *rs, size_t window)
{
    for (size_t i = 0; i < rs->nslots; i++)
        if (rs->windows[i] == window)
            return i;
    rs->windows[rs->nslots] = window;
    return rs->nslots++;
}

static void add_language(struct rules *rs, const struct tj_srx_language *l, bool *jit)
{
    for (size_t k = 0; k < l->nrules; k++) {
        const struct tj_srx_rule *src = &l->rules[k];
        rs->r = tj_xreallocarray(rs->r, rs->n + 1, sizeof *rs->r);
        struct brule *r = &rs->r[rs->n++];
        memset(r, 0, sizeof *r);
        r->brk = src->brk;
        r->line = src->line;
        r->lang = l->name;
        r->pb = pcre2_rule(src->before, PCRE2_ENDANCHORED, src->line, "beforebreak", jit);
        r->pa = pcre2_rule(src->after, PCRE2_ANCHORED, src->line, "afterbreak", jit);
        if (*src->before) {
            char *anchored = tj_xasprintf("(?:%s)\\z", src->before);
            r->ib = icu_rule(anchored, src->line, "beforebreak", &r->icu_failed);
            free(anchored);
        }
        r->ia = icu_rule(src->after, src->line, "afterbreak", &r->icu_failed);
        /* The look-back window as the segmenter computes it. */
        struct tj_rxinfo bi;
        tj_rxinfo_init(&bi, src->before, strlen(src->before));
        r->slot = slot_of(rs, bi.max_len < WINDOW_MAX ? bi.max_len : WINDOW_MAX);
        tj_rxinfo_finish(&bi);
    }
}

/* The rules for lang, in cascade order. */
static void load_rules(const struct tj_srx *srx, const char *lang, struct rules *rs, bool *jit)
{
    for (size_t m = 0; m < srx->nmaps; m++) {
        if (!tj_srx_map_applies(&srx->maps[m], lang))
            continue;
        for (size_t l = 0; l < srx->nlangs; l++)
            if (strcmp(srx->langs[l].name, srx->maps[m].rules) == 0) {
                add_language(rs, &srx->langs[l], jit);
                break;
            }
        if (!srx->cascade)
            break;
    }
}

/* ---- text and candidates ------------------------------------------------------------------- */

static bool is_stop(uint32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x061F || cp == 0x06D4 || cp == 0x2026 ||
           cp == 0xBB || cp == '"' || cp == 0x201D || cp == 0x2019 || cp == '\'' || cp == ')' ||
           cp == ']';
}

/* Every position right after a stop character, inside a line; with each rule window's start
 * (tarjim's back-up: window * 4 bytes, not before the line, forward to a character start). */
static size_t find_candidates(const char *text, size_t len, const struct rules *rs,
                              struct positions *out)
{
    size_t n = 0, cap = 0;
    for (size_t line = 0; line < len;) {
        const char *nl = memchr(text + line, '\n', len - line);
        size_t end = nl ? (size_t)(nl - text) : len;
        for (size_t i = line; i < end;) {
            uint32_t cp = tj_utf8_next(text, end, &i);
            if (!is_stop(cp) || i >= end)
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 1 << 16;
                out->line = tj_xreallocarray(out->line, cap, sizeof *out->line);
                out->p = tj_xreallocarray(out->p, cap, sizeof *out->p);
                out->end = tj_xreallocarray(out->end, cap, sizeof *out->end);
                out->from = tj_xreallocarray(out->from, cap * rs->nslots, sizeof *out->from);
            }
            out->line[n] = (int64_t)line;
            out->p[n] = (int64_t)i;
            out->end[n] = (int64_t)end;
            for (size_t s = 0; s < rs->nslots; s++) {
                size_t back = rs->windows[s] * 4;
                size_t from = i - line > back ? i - back : line;
                while (from < i && ((unsigned char)text[from] & 0xC0) == 0x80)
                    from++;
                out->from[n * rs->nslots + s] = (int64_t)from;
            }
            n++;
        }
        line = end + 1;
    }
    return n;
}

/* UTF-16 units in the valid UTF-8 s[from..to). */
static int64_t units(const char *s, int64_t from, int64_t to)
{
    const unsigned char *u = (const unsigned char *)s;
    int64_t n = 0;
    /* One unit per lead byte, one more for a four-byte sequence's. */
    for (int64_t k = from; k < to; k++)
        n += ((u[k] & 0xC0) != 0x80) + (u[k] >= 0xF0);
    return n;
}

/* Converts the text to UTF-16 and the candidate offsets to UTF-16 units; *text_seconds gets
 * the time of the text's conversion alone. */
static UChar *to_utf16(const char *text, size_t len, size_t ncand, const size_t *windows,
                       size_t nslots, const struct positions *p8, struct positions *p16,
                       int32_t *ulen, double *text_seconds)
{
    double t0 = bench_now();
    UErrorCode err = U_ZERO_ERROR;
    UChar *u = tj_xmalloc((len + 1) * sizeof *u);
    u_strFromUTF8(u, (int32_t)len + 1, ulen, text, (int32_t)len, &err);
    if (U_FAILURE(err)) {
        fprintf(stderr, "bench_regex: u_strFromUTF8: %s\n", u_errorName(err));
        exit(70);
    }
    *text_seconds = bench_now() - t0;
    /* One cursor, forward only: a line's candidates in order, then its end (which precedes
     * the next line's candidates); the window starts are counted back from each candidate. */
    size_t order[MAX_SLOTS]; /* slots by window, largest first */
    for (size_t s = 0; s < nslots; s++) {
        size_t j = s;
        for (; j > 0 && windows[order[j - 1]] < windows[s]; j--)
            order[j] = order[j - 1];
        order[j] = s;
    }
    int64_t at8 = 0, at16 = 0;
    size_t first = 0; /* the first candidate of the current line */
    for (size_t k = 0; k < ncand; k++) {
        at16 += units(text, at8, p8->p[k]);
        at8 = p8->p[k];
        p16->p[k] = at16;
        /* The window starts, earliest first (largest window first), in one walk to p. */
        const int64_t *from8 = p8->from + k * nslots;
        int64_t *from16 = p16->from + k * nslots;
        int64_t w8 = from8[order[0]], w16 = units(text, w8, at8); /* units from w8 to p */
        for (size_t s = 0; s < nslots; s++) {
            int64_t f = from8[order[s]];
            w16 -= units(text, w8, f);
            w8 = f;
            from16[order[s]] = at16 - w16;
        }
        if (k + 1 < ncand && p8->line[k + 1] == p8->line[k])
            continue;
        at16 += units(text, at8, p8->end[k]);
        at8 = p8->end[k];
        for (; first <= k; first++)
            p16->end[first] = at16;
    }
    return u;
}

/* ---- the two engines -------------------------------------------------------------------- */

/* decided[k]: 1 + the index of the rule that decided candidate k, or 0 when none did. */
static double run_pcre2(const char *text, size_t ncand, const struct rules *rs,
                        const struct positions *pos, uint8_t *decided, struct tally *t)
{
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    double t0 = bench_now();
    memset(t, 0, sizeof *t);
    for (size_t k = 0; k < ncand; k++) {
        PCRE2_SPTR s = (PCRE2_SPTR)text + pos->line[k];
        size_t p = (size_t)(pos->p[k] - pos->line[k]), len = (size_t)(pos->end[k] - pos->line[k]);
        uint8_t d = 0;
        for (size_t i = 0; i < rs->n; i++) {
            const struct brule *r = &rs->r[i];
            if (r->pa) {
                t->after_calls++;
                if (pcre2_match(r->pa, s, len, p, PCRE2_NO_UTF_CHECK, md, NULL) < 0)
                    continue;
            }
            if (r->pb) {
                size_t from = (size_t)(pos->from[k * rs->nslots + r->slot] - pos->line[k]);
                t->before_calls++;
                if (pcre2_match(r->pb, s, p, from, PCRE2_NO_UTF_CHECK, md, NULL) < 0)
                    continue;
            }
            d = (uint8_t)(i + 1);
            break;
        }
        decided[k] = d;
        t->breaks += d && rs->r[d - 1].brk;
    }
    double t1 = bench_now();
    pcre2_match_data_free(md);
    return t1 - t0;
}

static bool icu_after(URegularExpression *re, int64_t p, int64_t end, UErrorCode *err)
{
    uregex_setRegion64(re, p, end, err);
    return uregex_lookingAt64(re, -1, err);
}

static bool icu_before(URegularExpression *re, int64_t from, int64_t p, UErrorCode *err)
{
    uregex_setRegion64(re, from, p, err);
    return uregex_find64(re, -1, err);
}

/* The rules over ICU's matchers, already given their text (UTF-8 UText or UTF-16). A side ICU
 * could not compile never matches. */
static double run_icu(size_t ncand, const struct rules *rs, const struct positions *pos,
                      uint8_t *decided, struct tally *t)
{
    UErrorCode err = U_ZERO_ERROR;
    double t0 = bench_now();
    memset(t, 0, sizeof *t);
    for (size_t k = 0; k < ncand; k++) {
        int64_t p = pos->p[k], end = pos->end[k];
        uint8_t d = 0;
        for (size_t i = 0; i < rs->n; i++) {
            const struct brule *r = &rs->r[i];
            if (r->icu_failed)
                continue;
            if (r->ia) {
                t->after_calls++;
                if (!icu_after(r->ia, p, end, &err))
                    continue;
            }
            if (r->ib) {
                t->before_calls++;
                if (!icu_before(r->ib, pos->from[k * rs->nslots + r->slot], p, &err))
                    continue;
            }
            d = (uint8_t)(i + 1);
            break;
        }
        decided[k] = d;
        t->breaks += d && rs->r[d - 1].brk;
    }
    double t1 = bench_now();
    if (U_FAILURE(err)) {
        fprintf(stderr, "bench_regex: ICU matching: %s\n", u_errorName(err));
        exit(70);
    }
    return t1 - t0;
}

/* Gives every ICU matcher the text: a UTF-8 UText (ut) or UTF-16 (u, ulen). */
static void icu_set_text(const struct rules *rs, UText *ut, const UChar *u, int32_t ulen)
{
    UErrorCode err = U_ZERO_ERROR;
    for (size_t i = 0; i < rs->n; i++) {
        URegularExpression *res[2] = {rs->r[i].ib, rs->r[i].ia};
        for (size_t j = 0; j < 2; j++) {
            if (!res[j])
                continue;
            if (ut)
                uregex_setUText(res[j], ut, &err);
            else
                uregex_setText(res[j], u, ulen, &err);
            uregex_useTransparentBounds(res[j], true, &err);
            uregex_useAnchoringBounds(res[j], true, &err);
        }
    }
    if (U_FAILURE(err)) {
        fprintf(stderr, "bench_regex: ICU text: %s\n", u_errorName(err));
        exit(70);
    }
}

/* ---- agreement ------------------------------------------------------------------------------ */

/* Which side of rule r each engine matches at candidate k: bit 0 afterbreak, bit 1
 * beforebreak (an empty side matches). */
static unsigned sides_pcre2(const struct brule *r, const char *text, const struct positions *pos,
                            size_t k, size_t nslots, pcre2_match_data *md)
{
    PCRE2_SPTR s = (PCRE2_SPTR)text + pos->line[k];
    size_t p = (size_t)(pos->p[k] - pos->line[k]), len = (size_t)(pos->end[k] - pos->line[k]);
    size_t from = (size_t)(pos->from[k * nslots + r->slot] - pos->line[k]);
    unsigned m = 0;
    m |= !r->pa || pcre2_match(r->pa, s, len, p, PCRE2_NO_UTF_CHECK, md, NULL) >= 0;
    m |= (unsigned)(!r->pb || pcre2_match(r->pb, s, p, from, PCRE2_NO_UTF_CHECK, md, NULL) >= 0)
         << 1;
    return m;
}

static unsigned sides_icu(const struct brule *r, const struct positions *pos, size_t k,
                          size_t nslots)
{
    UErrorCode err = U_ZERO_ERROR;
    if (r->icu_failed)
        return 4; /* differs from any PCRE2 answer */
    unsigned m = 0;
    m |= !r->ia || icu_after(r->ia, pos->p[k], pos->end[k], &err);
    m |= (unsigned)(!r->ib || icu_before(r->ib, pos->from[k * nslots + r->slot], pos->p[k], &err))
         << 1;
    return m;
}

/* Compares ICU's decisions with PCRE2's; for each disagreement, finds the first rule whose
 * sides the engines judge differently and counts it. Leaves the ICU matchers' text as it is.
 * Returns the number of candidates that differ. */
static size_t compare(const char *name, const char *text, size_t ncand, const struct rules *rs,
                      const struct positions *p8, const struct positions *pos, const uint8_t *ref,
                      const uint8_t *got)
{
    size_t differ = 0, breaks_differ = 0;
    size_t *per_rule = tj_xcalloc(rs->n, sizeof *per_rule);
    size_t *example = tj_xcalloc(rs->n, sizeof *example);
    unsigned *how = tj_xcalloc(rs->n * 2, sizeof *how);
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    for (size_t k = 0; k < ncand; k++) {
        if (ref[k] == got[k])
            continue;
        differ++;
        bool b1 = ref[k] && rs->r[ref[k] - 1].brk, b2 = got[k] && rs->r[got[k] - 1].brk;
        breaks_differ += b1 != b2;
        for (size_t i = 0; i < rs->n; i++) {
            unsigned a = sides_pcre2(&rs->r[i], text, p8, k, rs->nslots, md);
            unsigned b = sides_icu(&rs->r[i], pos, k, rs->nslots);
            if (a == b)
                continue;
            if (per_rule[i]++ == 0) {
                example[i] = k;
                how[2 * i] = a;
                how[2 * i + 1] = b;
            }
            break;
        }
    }
    printf("  PCRE2 against %s: %zu of %zu candidates decided by a different rule, %zu with a "
           "different break decision\n",
           name, differ, ncand, breaks_differ);
    for (size_t i = 0; i < rs->n; i++) {
        if (!per_rule[i])
            continue;
        const struct brule *r = &rs->r[i];
        size_t k = example[i];
        size_t a = (size_t)(p8->p[k] - p8->line[k] > 40 ? p8->p[k] - 40 : p8->line[k]);
        size_t z = (size_t)(p8->end[k] - p8->p[k] > 40 ? p8->p[k] + 40 : p8->end[k]);
        while (((unsigned char)text[a] & 0xC0) == 0x80)
            a++;
        while (z < (size_t)p8->end[k] && ((unsigned char)text[z] & 0xC0) == 0x80)
            z++;
        const char *side[] = {"neither side", "afterbreak only", "beforebreak only", "both sides",
                              "not compiled"};
        printf("    rule at srx line %zu (%s, break=%s): first of the engines' differences at %zu "
               "candidate(s); the first at byte %lld: "
               "PCRE2 matches %s, ICU %s: \"%.*s|%.*s\"\n",
               r->line, r->lang, r->brk ? "yes" : "no", per_rule[i], (long long)p8->p[k],
               side[how[2 * i]], side[how[2 * i + 1]], (int)((size_t)p8->p[k] - a), text + a,
               (int)(z - (size_t)p8->p[k]), text + p8->p[k]);
    }
    pcre2_match_data_free(md);
    free(per_rule);
    free(example);
    free(how);
    return differ;
}

/* ---- main --------------------------------------------------------------------------------- */

static void print_rate(const char *name, double best, double mb, const struct tally *t,
                       const char *what)
{
    printf("%-34s %8.1f MB/s  %7.1f ms  %8zu breaks  (%zu afterbreak + %zu beforebreak calls; "
           "%s)\n",
           name, mb / best, best * 1e3, t->breaks, t->after_calls, t->before_calls, what);
}

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [-m MB] [SRX [FILE]]\n"
            "  SRX    the rules (default: srx/tarjim.srx of the source tree)\n"
            "  FILE   Arabic text (default: examples repeated to MB megabytes)\n"
            "  -m MB  size of the generated text (default 20)\n",
            argv0);
    return 64;
}

int main(int argc, char **argv)
{
    size_t target_mb = 20;
    int c;
    while ((c = getopt(argc, argv, "m:h")) != -1) {
        if (c != 'm')
            return usage(argv[0]);
        target_mb = strtoul(optarg, NULL, 10);
        if (target_mb == 0)
            return usage(argv[0]);
    }
    if (argc - optind > 2)
        return usage(argv[0]);
    const char *src = getenv("TARJIM_SOURCE") ? getenv("TARJIM_SOURCE") : TJ_SOURCE_DIR;
    char *srx_path =
        optind < argc ? tj_xstrdup(argv[optind]) : tj_xasprintf("%s/srx/tarjim.srx", src);

    struct tj_diag d;
    struct tj_srx *srx;
    if (tj_srx_load(srx_path, &srx, &d) != TJ_OK) {
        fprintf(stderr, "bench_regex: %s\n", d.message);
        return 66;
    }
    printf("engines: PCRE2 %d.%d, ICU %s uregex\n", PCRE2_MAJOR, PCRE2_MINOR, U_ICU_VERSION);
    struct rules rs = {0};
    bool jit = true;
    load_rules(srx, "ar", &rs, &jit);
    if (rs.n == 0 || rs.n > 255) {
        fprintf(stderr, "bench_regex: %s: %zu rules for \"ar\" (1 to 255 measured)\n", srx_path,
                rs.n);
        return 65;
    }
    size_t icu_failed = 0;
    for (size_t i = 0; i < rs.n; i++)
        icu_failed += rs.r[i].icu_failed;
    printf("srx: %s, language \"ar\": %zu rules (", srx_path, rs.n);
    for (size_t i = 0; i < rs.n;) {
        size_t j = i;
        while (j < rs.n && rs.r[j].lang == rs.r[i].lang)
            j++;
        printf("%s%s %zu", i ? ", " : "", rs.r[i].lang, j - i);
        i = j;
    }
    printf("); PCRE2 JIT %s; ICU compiled %s\n", jit ? "on every regex" : "NOT available",
           icu_failed ? "all but the rules above" : "every regex");

    char *text = NULL;
    size_t len = 0;
    if (argc - optind == 2) {
        if (tj_input_read(argv[optind + 1], &text, &len, &d) != TJ_OK) {
            fprintf(stderr, "bench_regex: %s\n", d.message);
            return 66;
        }
        printf("text: %s, %.2f MB (%zu bytes)%s\n", argv[optind + 1], (double)len / 1e6, len,
               len < 20000000 ? "; below 20 MB, figures are less stable" : "");
    } else {
        struct bench_text t;
        if (!bench_repeat_articles(src, target_mb, &text, &len, &t)) {
            fprintf(stderr, "bench_regex: no .ar.txt file in %s/examples; give a FILE\n", src);
            return 66;
        }
        printf("text: %zu articles (shared design article: %s), %zu bytes repeated %zu times = "
               "%.2f MB\n",
               t.articles, t.shared_used ? "yes" : "no", t.one_len, t.copies, (double)len / 1e6);
    }
    if (len >= INT32_MAX) {
        fprintf(stderr, "bench_regex: text too large for ICU's UTF-16 API\n");
        return 65;
    }
    double mb = (double)len / 1e6;

    struct positions p8 = {0}, p16 = {0};
    size_t ncand = find_candidates(text, len, &rs, &p8);
    printf("candidates: %zu (positions right after . ! ? ؟ ۔ … » \" ” ’ ' ) ] inside a line)\n",
           ncand);
    printf("each figure: best of %d runs over every candidate; rules tried in order, afterbreak "
           "then beforebreak, until one matches on both sides\n\n",
           RUNS);
    uint8_t *dec_pcre2 = tj_xmalloc(ncand + 1), *dec_utf8 = tj_xmalloc(ncand + 1),
            *dec_utf16 = tj_xmalloc(ncand + 1);
    struct tally t_pcre2, t_utf8, t_utf16;

    double best_pcre2 = 1e300;
    for (int i = 0; i < RUNS; i++) {
        double t = run_pcre2(text, ncand, &rs, &p8, dec_pcre2, &t_pcre2);
        best_pcre2 = t < best_pcre2 ? t : best_pcre2;
    }
    print_rate("PCRE2 JIT, UTF-8", best_pcre2, mb, &t_pcre2,
               "ENDANCHORED/ANCHORED, subject the line");
    size_t *by_rule = tj_xcalloc(rs.n + 1, sizeof *by_rule);
    for (size_t k = 0; k < ncand; k++)
        by_rule[dec_pcre2[k]]++;
    printf("  decided by (srx line of the rule: candidates): ");
    for (size_t i = 0; i < rs.n; i++)
        printf("%zu: %zu, ", rs.r[i].line, by_rule[i + 1]);
    printf("no rule: %zu\n", by_rule[0]);
    free(by_rule);

    UErrorCode err = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, text, (int64_t)len, &err);
    if (U_FAILURE(err)) {
        fprintf(stderr, "bench_regex: utext_openUTF8: %s\n", u_errorName(err));
        return 70;
    }
    icu_set_text(&rs, ut, NULL, 0);
    double best_utf8 = 1e300;
    for (int i = 0; i < RUNS; i++) {
        double t = run_icu(ncand, &rs, &p8, dec_utf8, &t_utf8);
        best_utf8 = t < best_utf8 ? t : best_utf8;
    }
    print_rate("ICU uregex, UTF-8 UText", best_utf8, mb, &t_utf8,
               "region, find64 / lookingAt64, no conversion");
    size_t differ_utf8 =
        compare("ICU UTF-8 UText", text, ncand, &rs, &p8, &p8, dec_pcre2, dec_utf8);

    p16.p = tj_xmalloc(ncand * sizeof *p16.p + 1);
    p16.end = tj_xmalloc(ncand * sizeof *p16.end + 1);
    p16.from = tj_xmalloc(ncand * rs.nslots * sizeof *p16.from + 1);
    UChar *u = NULL;
    int32_t ulen = 0;
    double best_convert = 1e300, best_text = 0;
    for (int i = 0; i < RUNS; i++) {
        free(u);
        double t0 = bench_now(), text_seconds;
        u = to_utf16(text, len, ncand, rs.windows, rs.nslots, &p8, &p16, &ulen, &text_seconds);
        double t = bench_now() - t0;
        if (t < best_convert) {
            best_convert = t;
            best_text = text_seconds;
        }
    }
    icu_set_text(&rs, NULL, u, ulen);
    double best_utf16 = 1e300;
    for (int i = 0; i < RUNS; i++) {
        double t = run_icu(ncand, &rs, &p16, dec_utf16, &t_utf16);
        best_utf16 = t < best_utf16 ? t : best_utf16;
    }
    print_rate("ICU uregex, UTF-16", best_utf16, mb, &t_utf16,
               "matching only, on text converted beforehand");
    printf("%-34s %8.1f MB/s  %7.1f ms  (u_strFromUTF8 of the whole text, %.1f ms, and the "
           "candidates' offsets mapped to UTF-16 units, %.1f ms)\n",
           "  UTF-8->UTF-16 conversion", mb / best_convert, best_convert * 1e3, best_text * 1e3,
           (best_convert - best_text) * 1e3);
    printf("%-34s %8.1f MB/s  %7.1f ms  (the two above added)\n", "ICU uregex, UTF-16 + conversion",
           mb / (best_utf16 + best_convert), (best_utf16 + best_convert) * 1e3);
    size_t differ_utf16 = compare("ICU UTF-16", text, ncand, &rs, &p8, &p16, dec_pcre2, dec_utf16);

    printf("\nagreement: %s\n", differ_utf8 == 0 && differ_utf16 == 0
                                    ? "both engines decide every candidate by the same rule"
                                    : "the engines DISAGREE (see above)");
    printf("ratio PCRE2/ICU (throughput; above 1 means PCRE2 is faster):\n");
    printf("  against ICU UTF-8 UText: %.2fx   against ICU UTF-16: %.2fx (%.2fx counting the "
           "conversion)\n",
           best_utf8 / best_pcre2, best_utf16 / best_pcre2,
           (best_utf16 + best_convert) / best_pcre2);

    for (size_t i = 0; i < rs.n; i++) {
        pcre2_code_free(rs.r[i].pb);
        pcre2_code_free(rs.r[i].pa);
        if (rs.r[i].ib)
            uregex_close(rs.r[i].ib);
        if (rs.r[i].ia)
            uregex_close(rs.r[i].ia);
    }
    utext_close(ut);
    free(u);
    free(rs.r);
    free(p8.line);
    free(p8.p);
    free(p8.end);
    free(p8.from);
    free(p16.p);
    free(p16.end);
    free(p16.from);
    free(dec_pcre2);
    free(dec_utf8);
    free(dec_utf16);
    free(text);
    free(srx_path);
    tj_srx_destroy(srx);
    return 0;
}
