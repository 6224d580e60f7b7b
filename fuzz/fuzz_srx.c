/* Fuzz target: arbitrary bytes as an SRX file. Invariant: no crash; a file that loads compiles
 * (or is refused with a message) and segments a sample line within its bounds. */
#include "segment.h"
#include "srx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tj_srx *srx;
    struct tj_diag d;
    if (tj_srx_parse("fuzz.srx", (const char *)data, size, &srx, &d) != TJ_OK)
        return 0;
    struct tj_segmenter *sg;
    if (tj_segmenter_create(srx, "ar", &sg, &d) == TJ_OK) {
        static const char line[] = "قال د. محمد: «هل هذا ممكن؟» ثم غادر. Dr. Smith left; ok!";
        struct tj_segment_options opt = {.rules = sg, .max_bytes = 64};
        struct tj_span *spans;
        size_t n = tj_segment_line(line, sizeof line - 1, &opt, &spans);
        for (size_t i = 0; i < n; i++)
            if (spans[i].end > sizeof line - 1 || spans[i].end - spans[i].start > 64)
                abort();
        free(spans);
        tj_segmenter_destroy(sg);
    }
    tj_srx_destroy(srx);
    return 0;
}
