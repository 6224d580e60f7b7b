/* Fuzz target: arbitrary bytes as a CSV glossary, loaded stopping at the first bad row and
 * again going on past bad rows, then checked and written out. Invariants: no crash, every term
 * loaded has non-empty Arabic and English, and the TSV written loads back to as many terms. */
#include "fuzz_glossary_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_glossary_format(data, size, TJ_GLOSSARY_CSV, "fuzz.csv", 0);
    return 0;
}
