/* Reading TMX 1.4b (the translation-memory exchange format of CAT tools): the translation units
 * of a file, each as its source-language and target-language text.
 *
 * The file is parsed as a stream (expat), so its size does not matter; a segment's text is at
 * most TJ_TMX_MAX_SEG bytes. A <seg>'s text is its character data and that of <hi> inside it;
 * the native codes of <bpt>, <ept>, <it>, <ph> and <ut> are left out. Languages match by their
 * primary subtag, case-insensitively ("ar-SA" is "ar"). A DTD that declares entities is
 * refused, so no entity can expand without bound. */
#ifndef TJ_TMX_H
#define TJ_TMX_H

#include "tj.h"

#include <stdbool.h>
#include <stdint.h>

#define TJ_TMX_MAX_SEG ((size_t)1 << 20)

/* The properties tarjim writes on a unit: the engine that made it ("human" for an approved
 * translation) and, in `translate -f tmx`, the segment's origin (provider, tm, offline, ...). */
#define TJ_TMX_ENGINE_PROP "x-engine"
#define TJ_TMX_ORIGIN_PROP "x-origin"

/* One translation unit: NUL-terminated UTF-8, valid during the callback. */
struct tj_tmx_unit {
    const char *source;
    size_t source_len;
    const char *target;
    size_t target_len;
    const char *engine; /* the x-engine property, or NULL */
    const char *origin; /* the x-origin property, or NULL */
    int64_t changed;    /* the unit's changedate (or creationdate) as Unix time, or 0 */
};

/* Called for each unit that has both languages; returns TJ_OK to go on, else the status the
 * read stops with (its message in diag). */
typedef enum tj_status (*tj_tmx_unit_fn)(void *ud, const struct tj_tmx_unit *u,
                                         struct tj_diag *diag);

struct tj_tmx_counts {
    size_t units;   /* <tu> elements */
    size_t given;   /* handed to the callback */
    size_t skipped; /* without the source or the target language, or empty */
};

/* Reads the TMX file at path ("-": standard input) and calls fn for each unit with text in
 * src_lang and tgt_lang. Counts are added to *counts (may be NULL). Returns TJ_ERR_NOINPUT
 * when it cannot be read, TJ_ERR_DATA for malformed XML, something that is not TMX, or a
 * segment over the limit ("file:line:column: what"), else the callback's status. */
enum tj_status tj_tmx_read(const char *path, const char *src_lang, const char *tgt_lang,
                           tj_tmx_unit_fn fn, void *ud, struct tj_tmx_counts *counts,
                           struct tj_diag *diag);

/* The Unix time of a TMX date (YYYYMMDDThhmmssZ), or 0 when it is not one. */
int64_t tj_tmx_parse_date(const char *s);

#endif
