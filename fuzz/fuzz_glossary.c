/* Fuzz target: arbitrary bytes as a glossary file. Invariant: no crash, and a successful load
 * leaves every term with non-empty Arabic and English. */
#include "glossary.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    if (tj_glossary_load_mem(g, "fuzz.tsv", (const char *)data, size, &d) == TJ_OK)
        for (size_t i = 0; i < tj_glossary_terms(g); i++)
            if (!*tj_glossary_term(g, i)->english)
                abort();
    tj_glossary_destroy(g);
    return 0;
}
