/* What the benchmarks share: a monotonic clock, and the Arabic news text they measure on (the
 * project's example articles in name order, then the shared design article when present). */
#ifndef TJ_BENCH_ARTICLES_H
#define TJ_BENCH_ARTICLES_H

#include <stdbool.h>
#include <stddef.h>

/* Seconds on a monotonic clock. */
double bench_now(void);

/* Appends the articles src/examples/NAME.ar.txt (in name order) and the shared design article
 * ($TARJIM_SHARED/examples, else src/../shared/examples) to *text, each followed by a blank
 * line. Returns how many files were read; *shared_used says whether the design article was. */
size_t bench_load_articles(const char *src, char **text, size_t *len, bool *shared_used);

/* What bench_repeat_articles made its text of. */
struct bench_text {
    size_t articles;  /* files read */
    bool shared_used; /* whether the shared design article was one of them */
    size_t one_len;   /* bytes of one copy of the articles */
    size_t copies;    /* copies in the text */
};

/* The articles of bench_load_articles repeated whole until they make at least target_mb MB
 * (10^6 bytes), NUL-terminated, in *text (free it) and *len, described in *t. Returns false,
 * with nothing allocated, when src has no article. */
bool bench_repeat_articles(const char *src, size_t target_mb, char **text, size_t *len,
                           struct bench_text *t);

#endif
