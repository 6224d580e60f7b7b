/* Pin finder throughput against a baseline measured in the same run.
 *
 * Baseline: for each glossary spelling, search the matching form of the text with memmem and
 * keep whole-word hits (what a naive "replace every term" front end does). tarjim: one pass of
 * word-level hash lookups with clitic stripping. Both see the same text and glossary; the
 * bench prints MB/s for each and the ratio.
 *
 * Usage: bench_pin GLOSSARY.tsv ARTICLE [COPIES] */
#include "articles.h"
#include "glossary.h"
#include "input.h"
#include "normalize.h"
#include "pin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool boundary(const char *s, size_t len, size_t at)
{
    if (at == 0 || at >= len)
        return true;
    unsigned char c = (unsigned char)s[at];
    return c == ' ' || c == '\n' || c == '"' || c == ',' || c == '.' || c == ':';
}

/* Counts whole-word occurrences of every spelling key in mf. */
static size_t naive(const struct tj_glossary *g, const char *mf, size_t len)
{
    size_t hits = 0;
    for (size_t t = 0; t < tj_glossary_terms(g); t++) {
        const char *ar = tj_glossary_term(g, t)->arabic;
        size_t klen, words;
        char *key = tj_glossary_key(ar, strlen(ar), &klen, &words);
        const char *p = mf, *end = mf + len;
        while ((p = memmem(p, (size_t)(end - p), key, klen))) {
            size_t at = (size_t)(p - mf);
            hits += boundary(mf, len, at ? at - 1 : 0) && boundary(mf, len, at + klen);
            p += klen;
        }
        free(key);
    }
    return hits;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s GLOSSARY.tsv ARTICLE [COPIES]\n", argv[0]);
        return 64;
    }
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    if (tj_glossary_load_file(g, argv[1], &d) != TJ_OK) {
        fprintf(stderr, "%s\n", d.message);
        return 78;
    }
    char *art;
    size_t alen;
    if (tj_input_read(argv[2], &art, &alen, &d) != TJ_OK) {
        fprintf(stderr, "%s\n", d.message);
        return 66;
    }
    size_t copies = argc > 3 ? strtoul(argv[3], NULL, 10) : 200;
    size_t len = alen * copies;
    char *text = malloc(len + 1);
    for (size_t i = 0; i < copies; i++)
        memcpy(text + i * alen, art, alen);
    text[len] = '\0';

    double t0 = bench_now();
    size_t pins = 0, pos = 0;
    while (pos < len) { /* line by line, as segments reach the pin finder */
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        struct tj_pin *p;
        pins += tj_pin_find(g, text + pos, end - pos, &p);
        free(p);
        pos = end + 1;
    }
    double t1 = bench_now();
    char *mf = tj_mform_string(text, len);
    size_t hits = naive(g, mf, strlen(mf));
    double t2 = bench_now();

    double mb = (double)len / 1e6;
    printf("text: %.1f MB, glossary: %zu terms\n", mb, tj_glossary_terms(g));
    printf("tarjim pin finder: %8.1f MB/s (%zu pins, clitic-aware)\n", mb / (t1 - t0), pins);
    printf("naive term scan:   %8.1f MB/s (%zu whole-word hits, no clitics)\n", mb / (t2 - t1),
           hits);
    printf("ratio: %.1fx\n", (t2 - t1) / (t1 - t0));
    free(mf);
    free(text);
    free(art);
    tj_glossary_destroy(g);
    return 0;
}
