/* Fuzz target: arbitrary bytes as the body of POST /api/export, the JSON document read back
 * (writers/docjson). Invariants: no crash; a refused document says why; an accepted one has
 * its pins inside their sources on character boundaries, in order, and is written in every
 * format: the XML formats are well-formed for libxml2, and the JSON document written, read back
 * and written again is the same bytes. */
#include "docjson.h"
#include "writer.h"

#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool boundary(const struct tj_segment *s, size_t at)
{
    return at == s->source_len || ((unsigned char)s->source[at] & 0xC0) != 0x80;
}

static char *write_fmt(enum tj_format fmt, const struct tj_docjson *d, size_t *len)
{
    struct tj_buf out;
    tj_buf_init(&out, 0);
    struct tj_write_meta meta = {d->provider, d->has_stats ? &d->stats : NULL, "fuzz.ar.txt"};
    tj_write_document(fmt, &d->doc, &meta, &out);
    char *text = tj_buf_take(&out, len);
    return text ? text : calloc(1, 1);
}

static void no_errors(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool init;
    if (!init) {
        xmlSetGenericErrorFunc(NULL, no_errors);
        init = true;
    }
    struct tj_docjson d;
    struct tj_diag diag = {""};
    if (tj_docjson_read((const char *)data, size, &d, &diag) != TJ_OK) {
        if (!diag.message[0] || d.store || d.doc.nblocks)
            abort();
        return 0;
    }
    for (size_t b = 0; b < d.doc.nblocks; b++)
        for (size_t i = 0; i < d.doc.blocks[b].nsegs; i++) {
            const struct tj_segment *s = &d.doc.blocks[b].segs[i];
            size_t at = 0;
            for (size_t p = 0; p < s->npins; p++) {
                const struct tj_pin *pin = &s->pins[p];
                if (pin->start < at || pin->end <= pin->start || pin->end > s->source_len ||
                    !boundary(s, pin->start) || !boundary(s, pin->end) || !pin->term)
                    abort();
                at = pin->end;
            }
        }
    static const enum tj_format xml[] = {TJ_FORMAT_HTML, TJ_FORMAT_XLIFF, TJ_FORMAT_TMX};
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        char *text = write_fmt(xml[i], &d, &len);
        xmlDocPtr doc = xmlReadMemory(text, (int)len, "fuzz.xml", NULL, XML_PARSE_NONET);
        if (!doc)
            abort();
        xmlFreeDoc(doc);
        free(text);
    }
    size_t n;
    free(write_fmt(TJ_FORMAT_TEXT, &d, &n));
    free(write_fmt(TJ_FORMAT_JSONL, &d, &n));
    size_t len1, len2;
    char *json1 = write_fmt(TJ_FORMAT_JSON, &d, &len1);
    struct tj_docjson again;
    if (tj_docjson_read(json1, len1, &again, &diag) != TJ_OK)
        abort();
    char *json2 = write_fmt(TJ_FORMAT_JSON, &again, &len2);
    if (len1 != len2 || memcmp(json1, json2, len1) != 0)
        abort();
    free(json1);
    free(json2);
    tj_docjson_finish(&again);
    tj_docjson_finish(&d);
    return 0;
}
