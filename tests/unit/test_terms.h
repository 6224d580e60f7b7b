/* The glossary fixture of the unit tests: one glossary, g, loaded from a test's own terms
 * (TSV: source, English alternatives, kind) and freed after the group. */
#ifndef TJ_TEST_TERMS_H
#define TJ_TEST_TERMS_H

#include "glossary.h"

#include <string.h>

static struct tj_glossary *g;

/* Loads tsv into g, a new glossary; 0 on success, as a cmocka group setup returns. */
static inline int terms_load(const char *tsv)
{
    g = tj_glossary_create();
    return tj_glossary_load_mem(g, "t", tsv, strlen(tsv), NULL) == TJ_OK ? 0 : -1;
}

/* Frees g: the group teardown of every test using this fixture. */
static inline int terms_teardown(void **state)
{
    (void)state;
    tj_glossary_destroy(g);
    g = NULL;
    return 0;
}

#endif
