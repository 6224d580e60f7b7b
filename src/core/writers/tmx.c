/* TMX 1.4b (LISA): a translation unit per translated segment, the Arabic and the English each a
 * <tuv xml:lang> holding a <seg>. Failed segments are left out: a memory holds translations
 * only. Each unit carries its origin as a property (x-origin) and, for an engine's work or the
 * memory's, the engine (x-engine, "human" for an approved translation); creationdate and changedate
 * are the translation's date in TMX's form, YYYYMMDDThhmmssZ. Segments are plain text, as the
 * header's datatype says. */
#include "xmlout.h"

#include "config.h"

#include <string.h>

/* TMX's date form of t, in UTC, into out (17 bytes). */
static void tmx_date(time_t t, char out[17])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void tj_tmx_begin(struct tj_xmlout *xo)
{
    char date[17];
    tmx_date(xo->date, date);
    tj_xmlout_start(xo, "tmx");
    tj_xmlout_attr(xo, "version", "1.4");
    tj_xmlout_indent(xo, 1);
    tj_xmlout_start(xo, "header");
    tj_xmlout_attr(xo, "creationtool", "tarjim");
    tj_xmlout_attr(xo, "creationtoolversion", TJ_VERSION);
    tj_xmlout_attr(xo, "datatype", "plaintext");
    tj_xmlout_attr(xo, "segtype", "sentence");
    tj_xmlout_attr(xo, "adminlang", "en");
    tj_xmlout_attr(xo, "srclang", "ar");
    tj_xmlout_attr(xo, "o-tmf", "tarjim");
    tj_xmlout_attr(xo, "creationdate", date);
    if (xo->file) {
        tj_xmlout_indent(xo, 2);
        tj_xmlout_start(xo, "prop");
        tj_xmlout_attr(xo, "type", "x-file");
        tj_xmlout_text(xo, xo->file, strlen(xo->file));
        tj_xmlout_end(xo);
        tj_xmlout_indent(xo, 1);
    }
    tj_xmlout_end(xo); /* header */
    tj_xmlout_indent(xo, 1);
    tj_xmlout_start(xo, "body");
}

static void tuv(struct tj_xmlout *xo, const char *lang, const char *text, size_t len)
{
    tj_xmlout_indent(xo, 3);
    tj_xmlout_start(xo, "tuv");
    tj_xmlout_attr(xo, "xml:lang", lang);
    tj_xmlout_start(xo, "seg");
    tj_xmlout_text(xo, text, len);
    tj_xmlout_end_full(xo);
    tj_xmlout_end(xo);
}

static void prop(struct tj_xmlout *xo, const char *type, const char *value)
{
    tj_xmlout_indent(xo, 3);
    tj_xmlout_start(xo, "prop");
    tj_xmlout_attr(xo, "type", type);
    tj_xmlout_text(xo, value, strlen(value));
    tj_xmlout_end(xo);
}

void tj_tmx_block(struct tj_xmlout *xo, const struct tj_block *b)
{
    char date[17];
    tmx_date(xo->date, date);
    for (size_t i = 0; i < b->nsegs; i++) {
        const struct tj_segment *s = &b->segs[i];
        if (!s->target || s->origin == TJ_ORIGIN_FAILED || s->origin == TJ_ORIGIN_NONE)
            continue;
        tj_xmlout_indent(xo, 2);
        tj_xmlout_start(xo, "tu");
        tj_xmlout_attr(xo, "creationdate", date);
        tj_xmlout_attr(xo, "changedate", date);
        prop(xo, "x-origin", tj_origin_name(s->origin));
        if (s->engine && (s->origin == TJ_ORIGIN_PROVIDER || s->origin == TJ_ORIGIN_TM))
            prop(xo, "x-engine", s->engine);
        tuv(xo, "ar", s->source, s->source_len);
        tuv(xo, "en", s->target, strlen(s->target));
        tj_xmlout_indent(xo, 2);
        tj_xmlout_end(xo);
    }
}

void tj_tmx_end(struct tj_xmlout *xo)
{
    tj_xmlout_indent(xo, 1);
    tj_xmlout_end_full(xo); /* body */
    tj_xmlout_indent(xo, 0);
    tj_xmlout_end(xo); /* tmx */
    tj_xmlout_raw(xo, "\n");
}
