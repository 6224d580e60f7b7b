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

#endif
