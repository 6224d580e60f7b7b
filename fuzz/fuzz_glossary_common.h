/* The body shared by the glossary-format fuzz targets (fuzz_glossary_csv.c, fuzz_glossary_tbx.c).
 */
#ifndef TJ_FUZZ_GLOSSARY_COMMON_H
#define TJ_FUZZ_GLOSSARY_COMMON_H

#include "glossary.h"

#include <stdint.h>
#include <stdlib.h>

/* Loads data as a glossary of format fmt under the name name, stopping at the first bad row and
 * again going on past bad rows, then checks it and writes it out. Aborts unless every term loaded
 * has non-empty Arabic and English and the TSV written loads back to as many terms; with
 * tbx_round_trip true, the same is asked of the TBX written. */
static void fuzz_glossary_format(const uint8_t *data, size_t size, enum tj_glossary_format fmt,
                                 const char *name, int tbx_round_trip)
{
    for (int keep_going = 0; keep_going < 2; keep_going++) {
        struct tj_glossary *g = tj_glossary_create();
        tj_glossary_keep_going(g, keep_going);
        struct tj_diag d;
        if (tj_glossary_load_mem_as(g, fmt, name, (const char *)data, size, &d) == TJ_OK) {
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
            if (tbx_round_trip) {
                tj_buf_reset(&b);
                tj_glossary_write_tbx(g, &b);
                h = tj_glossary_create();
                if (tj_glossary_load_mem_as(h, TJ_GLOSSARY_TBX, "again.tbx", b.data, b.len, &d) !=
                        TJ_OK ||
                    tj_glossary_terms(h) != tj_glossary_terms(g))
                    abort();
                tj_glossary_destroy(h);
            }
            tj_buf_finish(&b);
        }
        tj_glossary_destroy(g);
    }
}

#endif
