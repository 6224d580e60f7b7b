/* Fuzz target: arbitrary bytes as a CSV glossary, loaded stopping at the first bad row and
 * again going on past bad rows, then checked and written out. Invariants: no crash, every term
 * loaded has non-empty Arabic and English, and the TSV written loads back to as many terms. */
#include "glossary.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int keep_going = 0; keep_going < 2; keep_going++) {
        struct tj_glossary *g = tj_glossary_create();
        tj_glossary_keep_going(g, keep_going);
        struct tj_diag d;
        if (tj_glossary_load_mem_as(g, TJ_GLOSSARY_CSV, "fuzz.csv", (const char *)data, size, &d) ==
            TJ_OK) {
            for (size_t i = 0; i < tj_glossary_terms(g); i++)
                if (!*tj_glossary_term(g, i)->english || !*tj_glossary_term(g, i)->arabic)
                    abort();
            const struct tj_glossary_finding *f;
            tj_glossary_check(g, &f);
            struct tj_buf b;
            tj_buf_init(&b, 0);
            tj_glossary_write_tsv(g, &b);
            struct tj_glossary *h = tj_glossary_create();
            if (tj_glossary_load_mem(h, "again.tsv", b.data, b.len, &d) != TJ_OK ||
                tj_glossary_terms(h) != tj_glossary_terms(g))
                abort();
            tj_glossary_destroy(h);
            tj_buf_finish(&b);
        }
        tj_glossary_destroy(g);
    }
    return 0;
}
