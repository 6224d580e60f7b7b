/* Fuzz target: outside text through validation, normalization, segmentation and pinning.
 * Invariants: no crash, every segment is non-empty, lies within the input and is no longer there
 * than the length limit, and its pins lie within it. */
#include "glossary.h"
#include "input.h"
#include "pipeline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tj_glossary *g;
    if (!g) {
        static const char tsv[] = "بوتين\tPutin\tperson\nالكرملين\tKremlin\torg\n"
                                  "كيم جونغ أون\tKim Jong Un\tperson\nكيم\tKim\tperson\n";
        g = tj_glossary_create();
        tj_glossary_load_mem(g, "fuzz", tsv, sizeof tsv - 1, NULL);
    }
    const char *text = (const char *)data;
    if (tj_input_check("fuzz", text, size, NULL) != TJ_OK)
        return 0;
    struct tj_segment_options opt = {.max_bytes = 64};
    struct tj_document doc;
    tj_document_init(&doc);
    tj_pipeline_prepare(text, size, g, &opt, &doc);
    for (size_t b = 0; b < doc.nblocks; b++)
        for (size_t i = 0; i < doc.blocks[b].nsegs; i++) {
            const struct tj_segment *s = &doc.blocks[b].segs[i];
            /* The limit holds for the text as written; NFKC of a presentation-form ligature
             * may lengthen the display form. */
            if (s->source_len == 0 || s->input_len > opt.max_bytes ||
                s->offset + s->input_len > size)
                abort();
            for (size_t p = 0; p < s->npins; p++)
                if (s->pins[p].start >= s->pins[p].end || s->pins[p].end > s->source_len)
                    abort();
        }
    tj_document_finish(&doc);
    return 0;
}
