/* Normalize, segment, pin. */
#include "pipeline.h"

#include "normalize.h"
#include "pin.h"

#include <stdlib.h>

void tj_pipeline_prepare(const char *data, size_t len, const struct tj_glossary *g,
                         const struct tj_segment_options *opt, struct tj_document *doc)
{
    tj_segment_document(data, len, opt, doc);
    for (size_t b = 0; b < doc->nblocks; b++)
        for (size_t i = 0; i < doc->blocks[b].nsegs; i++) {
            struct tj_segment *s = &doc->blocks[b].segs[i];
            size_t nlen;
            char *norm = tj_normalize_display(s->source, s->source_len, &nlen);
            free(s->source);
            s->source = norm;
            s->source_len = nlen;
        }
    if (g)
        tj_pin_document(g, doc);
}
