/* Normalize, segment, pin. */
#include "pipeline.h"

#include "normalize.h"
#include "pin.h"

#include <stdlib.h>

void tj_pipeline_prepare(const char *data, size_t len, const struct tj_glossary *g,
                         const struct tj_segment_options *opt, struct tj_document *doc)
{
    size_t nlen;
    char *norm = tj_normalize_display(data, len, &nlen);
    tj_segment_document(norm, nlen, opt, doc);
    free(norm);
    if (g)
        tj_pin_document(g, doc);
}
