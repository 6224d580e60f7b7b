/* Fuzz target: outside text through the whole offline pipeline and the JSON writer.
 * Invariants: no crash; every segment gets a target; the JSON written parses back with one
 * segment object per segment. The dictionary is used when installed. */
#include "client.h"
#include "glossary.h"
#include "input.h"
#include "pipeline.h"
#include "qa.h"
#include "provider.h"
#include "writer.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tj_glossary *g;
    static struct tj_provider *p;
    if (!g) {
        static const char tsv[] = "بوتين\tPutin\tperson\nالكرملين\tKremlin\torg\n"
                                  "الروسي\tRussian\tterm\nأوبك+\tOPEC+\torg\n";
        g = tj_glossary_create();
        tj_glossary_load_mem(g, "fuzz", tsv, sizeof tsv - 1, NULL);
        const char *dir = getenv("TARJIM_FREEDICT_DIR");
        struct tj_provider_config cfg = {.freedict_dir = dir ? dir : "/usr/share/dictd"};
        if (tj_provider_create(tj_provider_find("offline"), &cfg, &p, NULL) != TJ_OK)
            abort();
    }
    const char *text = (const char *)data;
    if (tj_input_check("fuzz", text, size, NULL) != TJ_OK)
        return 0;
    struct tj_segment_options opt = {.max_bytes = 128};
    struct tj_document doc;
    tj_document_init(&doc);
    tj_pipeline_prepare(text, size, g, &opt, &doc);
    struct tj_client_stats st = {0};
    tj_client_translate(p, &doc, &st, NULL);
    tj_qa_document(&doc);
    size_t segments = 0;
    for (size_t b = 0; b < doc.nblocks; b++)
        for (size_t i = 0; i < doc.blocks[b].nsegs; i++, segments++)
            if (!doc.blocks[b].segs[i].target)
                abort();
    struct tj_buf out;
    tj_buf_init(&out, 0);
    struct tj_write_meta meta = {"offline", &st, NULL};
    tj_write_json(&doc, &meta, &out);
    json_t *root = json_loadb(out.data, out.len, 0, NULL);
    if (!root)
        abort();
    size_t found = 0;
    json_t *blocks = json_object_get(root, "blocks");
    for (size_t b = 0; b < json_array_size(blocks); b++)
        found += json_array_size(json_object_get(json_array_get(blocks, b), "segments"));
    if (found != segments)
        abort();
    json_decref(root);
    tj_buf_finish(&out);
    tj_document_finish(&doc);
    return 0;
}
