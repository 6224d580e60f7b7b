/* What the glossary's loaders (TSV in glossary.c, CSV, TBX) share; not for other modules.
 *
 * A loader reads rows and hands each to tj_glossary_add_row; a row it cannot use goes through
 * tj_glossary_row_error, which stops the load or, in keep-going mode, keeps the message as a
 * finding and lets the loader go on. */
#ifndef TJ_GLOSSARY_INT_H
#define TJ_GLOSSARY_INT_H

#include "glossary.h"

/* The longest field a glossary row may have, in bytes: no name needs more. */
#define TJ_GLOSSARY_FIELD_MAX 4096

/* A row of name at line is malformed: in keep-going mode records an error finding and returns
 * TJ_OK; otherwise sets diag to "name:line: what" and returns TJ_ERR_CONFIG. */
enum tj_status tj_glossary_row_error(struct tj_glossary *g, const char *name, size_t line,
                                     struct tj_diag *diag, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Records a warning finding for name at line (a row a loader leaves out on purpose). */
void tj_glossary_warn(struct tj_glossary *g, const char *name, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Whether the glossary is in keep-going mode. */
bool tj_glossary_keeps_going(const struct tj_glossary *g);

/* Sets the row field named key (valid_from, valid_to, status, type, note) from value. Returns
 * false with the reason in why (why_len bytes) when the key is unknown or the value bad. */
bool tj_glossary_row_field(struct tj_glossary_row *row, const char *key, const char *value,
                           char *why, size_t why_len);
/* Checks what needs the whole row: valid_from not after valid_to. */
bool tj_glossary_row_finish(const struct tj_glossary_row *row, char *why, size_t why_len);

/* The longest TSV row, in bytes without its newline: longer ones are malformed in any format,
 * so that every glossary can be written as TSV and read back. */
#define TJ_GLOSSARY_LINE_MAX 4096

/* Appends the term as one TSV row with its newline. */
void tj_glossary_write_row(const struct tj_term *t, struct tj_buf *out);

/* Writes a YYYYMMDD date as YYYY-MM-DD into out. */
void tj_glossary_format_date(uint32_t date, char out[16]);

/* The CSV and TBX loaders: as tj_glossary_load_mem for their format. */
enum tj_status tj_glossary_load_csv(struct tj_glossary *g, const char *name, const char *data,
                                    size_t len, struct tj_diag *diag);
enum tj_status tj_glossary_load_tbx(struct tj_glossary *g, const char *name, const char *data,
                                    size_t len, struct tj_diag *diag);

#endif
