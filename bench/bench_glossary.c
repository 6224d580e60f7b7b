/* The pin finder at glossary scale: the same text against 100 and 100,000 generated entries,
 * against a per-entry search loop, and what loading 100,000 entries costs.
 *
 * Glossaries. The small one is 100 entries cut from the text itself (one to three words
 * each), so that it pins something. The large one is those 100 and 99,900 generated names:
 * one to three words of random Arabic letters, a quarter of those of two or three words
 * opening with a word of the text (as a glossary of titles and names opens with الرئيس or
 * محمد), so the finder's prefix lookups run as they would on a real large glossary. Both pin the
 * same spans, or nearly; only the glossary's size differs. Generation is seeded: every run is the
 * same.
 *
 * Figures (each the best of -r runs, the two sizes interleaved; times are the CPU time of the
 * thread, so that waiting for a core on a shared machine is not counted):
 * - pin finder: tj_pin_find line by line over the text, as segments reach it, pins freed;
 * - per-entry loop: for each spelling, memmem over the text's matching form with whole-word
 *   checks and no clitics (what a front end that searches term by term does). Over 100,000
 *   entries it would take minutes, so it runs over -k entries spread through the glossary
 *   and its time is scaled by entries / k (the loop's cost is linear in the entries);
 * - load: tj_glossary_load_mem on the 100,000-entry TSV (in memory); memory: heap bytes in use
 *   (mallinfo2) and resident set growth while the glossary is alive.
 *
 * Usage: bench_glossary [-m MB] [-n ENTRIES] [-k SAMPLE] [-r RUNS] [-s SIZE] [FILE]
 *   FILE: the text (default: the .ar.txt examples repeated to -m MB, 20)
 *   -s SIZE: only time the pin finder with a glossary of SIZE entries (for callgrind). */
#include "articles.h"
#include "config.h"
#include "glossary.h"
#include "input.h"
#include "normalize.h"
#include "pin.h"
#include "tj.h"
#include "utf8.h"

#include <getopt.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SMALL_ENTRIES 100

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

/* xorshift64*: the same sequence on every run. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static size_t rng_below(size_t n)
{
    return (size_t)(rng() % n);
}

struct span {
    size_t start, end;
};

/* The Arabic words of the text: runs of Arabic letters (no digits, no Latin). */
static size_t arabic_words(const char *text, size_t len, struct span **out)
{
    struct span *w = NULL;
    size_t n = 0, alloc = 0, i = 0, start = 0;
    bool in = false;
    while (i < len) {
        size_t at = i;
        uint32_t cp = tj_utf8_next(text, len, &i);
        bool letter = tj_is_arabic_letter(cp);
        if (letter && !in) {
            start = at;
            in = true;
        } else if (!letter && in) {
            if (n == alloc) {
                alloc = alloc ? alloc * 2 : 4096;
                w = tj_xreallocarray(w, alloc, sizeof *w);
            }
            w[n++] = (struct span){start, at};
            in = false;
        }
    }
    *out = w;
    return n;
}

struct tsv {
    char *data;
    size_t len, cap;
};

static void tsv_add(struct tsv *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->data = tj_xrealloc(t->data, t->cap);
    }
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void tsv_str(struct tsv *t, const char *s)
{
    tsv_add(t, s, strlen(s));
}

/* A random Arabic word of 4 to 7 letters (ب to ي, no alef: it would not start a clitic). */
static void random_word(struct tsv *t)
{
    static const char *const letters[] = {"ب", "ت", "ث", "ج", "ح", "خ", "د", "ذ", "ر",
                                          "ز", "س", "ش", "ص", "ض", "ط", "ظ", "ع", "غ",
                                          "ق", "م", "ن", "ه", "ي", "ك", "ل", "ف", "و"};
    size_t n = 4 + rng_below(4);
    for (size_t i = 0; i < n; i++)
        tsv_str(t, letters[rng_below(TJ_ARRAY_LEN(letters))]);
}

/* Builds the TSV of `entries` rows: the first SMALL_ENTRIES are word n-grams of the text, the
 * rest generated names. The small glossary is the first SMALL_ENTRIES rows of it. */
static void make_glossary(const char *text, const struct span *words, size_t nwords, size_t entries,
                          struct tsv *t, size_t *small_len)
{
    static const char *const types[] = {"person", "place", "org", "term"};
    char english[64];
    for (size_t e = 0; e < entries; e++) {
        if (e == SMALL_ENTRIES)
            *small_len = t->len;
        size_t nw = 1 + rng_below(3);
        if (e < SMALL_ENTRIES) {
            /* Consecutive words of one line of the text. */
            size_t at = rng_below(nwords - nw);
            tsv_add(t, text + words[at].start, words[at + nw - 1].end - words[at].start);
            if (memchr(text + words[at].start, '\n', words[at + nw - 1].end - words[at].start)) {
                t->len -= words[at + nw - 1].end - words[at].start;
                e--;
                continue;
            }
        } else {
            for (size_t k = 0; k < nw; k++) {
                if (k > 0)
                    tsv_str(t, " ");
                if (k == 0 && nw > 1 && rng_below(4) == 0) {
                    size_t at = rng_below(nwords);
                    tsv_add(t, text + words[at].start, words[at].end - words[at].start);
                } else {
                    random_word(t);
                }
            }
        }
        snprintf(english, sizeof english, "\tName %zu\t%s\n", e, types[e % 4]);
        tsv_str(t, english);
    }
    if (entries <= SMALL_ENTRIES)
        *small_len = t->len;
}

static struct tj_glossary *load(const char *tsv, size_t len, const char *name)
{
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    if (tj_glossary_load_mem(g, name, tsv, len, &d) != TJ_OK) {
        fprintf(stderr, "bench_glossary: %s\n", d.message);
        exit(70);
    }
    return g;
}

/* CPU seconds of this thread: on a shared machine, time spent waiting for a core is not the
 * finder's. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass of the pin finder, line by line. Returns CPU seconds; the pin count goes to *pins. */
static double pin_pass(const struct tj_glossary *g, const char *text, size_t len, size_t *pins)
{
    double t0 = cpu_now();
    size_t n = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        struct tj_pin *p;
        n += tj_pin_find(g, text + pos, end - pos, &p);
        free(p);
        pos = end + 1;
    }
    *pins = n;
    return cpu_now() - t0;
}

static bool boundary(const char *s, size_t len, size_t at)
{
    if (at >= len)
        return true;
    unsigned char c = (unsigned char)s[at];
    return c == ' ' || c == '\n' || c == '"' || c == ',' || c == '.' || c == ':';
}

/* The per-entry loop over every step-th term of g: each spelling's key searched with memmem
 * in mf, whole words only. Returns CPU seconds; hits go to *hits, terms searched to
 * *searched. */
static double loop_pass(const struct tj_glossary *g, size_t step, const char *mf, size_t len,
                        size_t *hits, size_t *searched)
{
    double t0 = cpu_now();
    size_t h = 0, s = 0;
    for (size_t i = 0; i < tj_glossary_terms(g); i += step, s++) {
        const char *ar = tj_glossary_term(g, i)->arabic;
        size_t klen, words;
        char *key = tj_glossary_key(ar, strlen(ar), &klen, &words);
        const char *p = mf, *end = mf + len;
        while ((p = memmem(p, (size_t)(end - p), key, klen)) != NULL) {
            size_t at = (size_t)(p - mf);
            h += (at == 0 || boundary(mf, len, at - 1)) && boundary(mf, len, at + klen);
            p += klen;
        }
        free(key);
    }
    *hits = h;
    *searched = s;
    return cpu_now() - t0;
}

/* Resident set size in bytes, from /proc/self/statm. */
static size_t rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [-m MB] [-n ENTRIES] [-k SAMPLE] [-r RUNS] [-s SIZE] [FILE]\n"
            "  -m MB       size of the generated text (default 20)\n"
            "  -n ENTRIES  entries of the large glossary (default 100000)\n"
            "  -k SAMPLE   entries the per-entry loop searches (default 1000)\n"
            "  -r RUNS     timings per figure, the best kept (default 5)\n"
            "  -s SIZE     only the pin finder with SIZE entries, once (for callgrind)\n",
            argv0);
    return 64;
}

int main(int argc, char **argv)
{
    size_t target_mb = 20, entries = 100000, sample = 1000, runs = 5, only = 0;
    int c;
    while ((c = getopt(argc, argv, "m:n:k:r:s:h")) != -1) {
        switch (c) {
        case 'm':
            target_mb = strtoul(optarg, NULL, 10);
            break;
        case 'n':
            entries = strtoul(optarg, NULL, 10);
            break;
        case 'k':
            sample = strtoul(optarg, NULL, 10);
            break;
        case 'r':
            runs = strtoul(optarg, NULL, 10);
            break;
        case 's':
            only = strtoul(optarg, NULL, 10);
            break;
        default:
            return usage(argv[0]);
        }
    }
    if (target_mb == 0 || entries < SMALL_ENTRIES || sample == 0 || runs == 0)
        return usage(argv[0]);

    char *text = NULL;
    size_t len = 0;
    if (optind < argc) {
        struct tj_diag d;
        if (tj_input_read(argv[optind], &text, &len, &d) != TJ_OK) {
            fprintf(stderr, "bench_glossary: %s\n", d.message);
            return 66;
        }
        printf("text: %s, %.1f MB\n", argv[optind], (double)len / 1e6);
    } else {
        struct bench_text t;
        const char *src = getenv("TARJIM_SOURCE") ? getenv("TARJIM_SOURCE") : TJ_SOURCE_DIR;
        if (!bench_repeat_articles(src, target_mb, &text, &len, &t)) {
            fprintf(stderr, "bench_glossary: no .ar.txt file in examples/; give a FILE\n");
            return 66;
        }
        printf("text: %zu articles (shared design article: %s) repeated %zu times: %.1f MB\n",
               t.articles, t.shared_used ? "yes" : "no", t.copies, (double)len / 1e6);
    }
    struct span *words;
    size_t nwords = arabic_words(text, len, &words);
    if (nwords < 4) {
        fprintf(stderr, "bench_glossary: the text has too few Arabic words\n");
        return 65;
    }

    size_t large_entries = only > entries ? only : entries;
    struct tsv tsv = {0};
    size_t small_len = 0;
    make_glossary(text, words, nwords, large_entries, &tsv, &small_len);
    double mb = (double)len / 1e6;

    if (only > 0) {
        /* The first `only` rows: count the lines up to there. */
        size_t cut = 0;
        for (size_t rows = 0; rows < only && cut < tsv.len; cut++)
            rows += tsv.data[cut] == '\n';
        struct tj_glossary *g = load(tsv.data, cut, "generated");
        size_t pins;
        double t = pin_pass(g, text, len, &pins);
        printf("pin finder, %zu entries: %.1f MB/s (%zu pins)\n", tj_glossary_terms(g), mb / t,
               pins);
        tj_glossary_destroy(g);
        free(tsv.data);
        free(words);
        free(text);
        return 0;
    }

    /* Load time and memory of the large glossary. */
    struct mallinfo2 before = mallinfo2();
    size_t rss_before = rss_bytes();
    double load_best = 0;
    struct tj_glossary *large = NULL;
    for (size_t r = 0; r < runs; r++) {
        tj_glossary_destroy(large);
        large = NULL;
        malloc_trim(0);
        before = mallinfo2();
        rss_before = rss_bytes();
        double t0 = cpu_now();
        large = load(tsv.data, tsv.len, "generated");
        double t = cpu_now() - t0;
        if (r == 0 || t < load_best)
            load_best = t;
    }
    struct mallinfo2 after = mallinfo2();
    size_t rss_after = rss_bytes();
    size_t n_large = tj_glossary_terms(large);
    double heap = (double)(after.uordblks - before.uordblks);
    double rss = rss_after > rss_before ? (double)(rss_after - rss_before) : 0;
    struct tj_glossary *small = load(tsv.data, small_len, "generated");
    size_t n_small = tj_glossary_terms(small);
    printf("glossaries: %zu entries (%zu spellings) and %zu entries (%zu spellings), TSV %.1f MB\n",
           n_small, tj_glossary_spellings(small), n_large, tj_glossary_spellings(large),
           (double)tsv.len / 1e6);
    printf("load %zu entries: %.1f ms (%.2f us per entry, %.0f entries/s)\n", n_large,
           load_best * 1e3, load_best * 1e6 / (double)n_large, (double)n_large / load_best);
    printf("memory for %zu entries: heap %.1f MiB (%.0f bytes per entry), RSS +%.1f MiB (%.0f "
           "bytes per entry)\n",
           n_large, heap / 1048576.0, heap / (double)n_large, rss / 1048576.0,
           rss / (double)n_large);

    /* The pin finder with each glossary, interleaved so drift hits both alike. */
    double best_small = 0, best_large = 0;
    size_t pins_small = 0, pins_large = 0;
    for (size_t r = 0; r < runs; r++) {
        double ts = pin_pass(small, text, len, &pins_small);
        double tl = pin_pass(large, text, len, &pins_large);
        if (r == 0 || ts < best_small)
            best_small = ts;
        if (r == 0 || tl < best_large)
            best_large = tl;
    }
    printf("pin finder, %6zu entries: %8.1f MB/s  %8.1f ms  (%zu pins)\n", n_small, mb / best_small,
           best_small * 1e3, pins_small);
    printf("pin finder, %6zu entries: %8.1f MB/s  %8.1f ms  (%zu pins)\n", n_large, mb / best_large,
           best_large * 1e3, pins_large);
    printf("time at %zu over time at %zu entries: %.2fx (issue 8 asks at most 1.5x)\n", n_large,
           n_small, best_large / best_small);

    /* The per-entry loop over a sample of the large glossary, scaled to all of it. */
    char *mf = tj_mform_string(text, len);
    size_t mflen = strlen(mf);
    size_t step = n_large / sample ? n_large / sample : 1;
    double loop_best = 0;
    size_t hits = 0, searched = 0;
    for (size_t r = 0; r < runs; r++) {
        double t = loop_pass(large, step, mf, mflen, &hits, &searched);
        if (r == 0 || t < loop_best)
            loop_best = t;
    }
    double loop_all = loop_best * (double)n_large / (double)searched;
    printf("per-entry loop: %zu of %zu entries in %.1f ms (%zu whole-word hits, no clitics); "
           "all %zu: %.1f s (%.3f MB/s)\n",
           searched, n_large, loop_best * 1e3, hits, n_large, loop_all, mb / loop_all);
    printf("per-entry loop over pin finder at %zu entries: %.0fx (issue 8 asks at least 50x)\n",
           n_large, loop_all / best_large);

    free(mf);
    tj_glossary_destroy(small);
    tj_glossary_destroy(large);
    free(tsv.data);
    free(words);
    free(text);
    return 0;
}
