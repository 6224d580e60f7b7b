/* The front half of the pipeline, shared by the command line and the server: validated text →
 * blocks and segments (cut from the text as written) → display form of each segment → pins. What
 * follows (client, writers) is driven by the caller. */
#ifndef TJ_PIPELINE_H
#define TJ_PIPELINE_H

#include "document.h"
#include "glossary.h"
#include "segment.h"

/* Builds doc (initialized by the caller) from data[0..len) (validated UTF-8 text): segments
 * it with opt (may be NULL), normalizes each segment and pins the glossary's terms (g may be NULL).
 */
void tj_pipeline_prepare(const char *data, size_t len, const struct tj_glossary *g,
                         const struct tj_segment_options *opt, struct tj_document *doc);

#endif
