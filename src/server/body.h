/* The capped request body reader. Bytes past the cap are counted, not kept, so that an
 * oversized body costs no memory and can still be answered with 413. */
#ifndef TJ_BODY_H
#define TJ_BODY_H

#include "buf.h"
#include "tj.h"

#include <jansson.h>
#include <stdbool.h>

struct tj_body {
    struct tj_buf buf;
    size_t cap;
    size_t seen; /* bytes offered so far, kept or not */
};

/* Initializes caller storage for a body of at most cap bytes (cap > 0). */
void tj_body_init(struct tj_body *b, size_t cap);
void tj_body_finish(struct tj_body *b);
/* Adds data[0..len). Returns false once the body is over the cap (nothing more is kept). */
bool tj_body_feed(struct tj_body *b, const char *data, size_t len);
bool tj_body_too_large(const struct tj_body *b);
/* True when a Content-Length value (may be NULL) announces more than cap bytes. */
bool tj_body_announced_too_large(const char *content_length, size_t cap);
/* Parses the body as one JSON value ("\u0000" escapes allowed, so that the caller's own text
 * checks can name them). Returns a new reference, or NULL with jansson's line and column in
 * diag. */
json_t *tj_body_json(const struct tj_body *b, struct tj_diag *diag);

#endif
