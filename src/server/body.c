/* The capped request body reader. */
#include "body.h"

#include <errno.h>
#include <stdlib.h>

void tj_body_init(struct tj_body *b, size_t cap)
{
    tj_buf_init(&b->buf, cap);
    b->cap = cap;
    b->seen = 0;
}

void tj_body_finish(struct tj_body *b)
{
    tj_buf_finish(&b->buf);
}

bool tj_body_feed(struct tj_body *b, const char *data, size_t len)
{
    b->seen = len > SIZE_MAX - b->seen ? SIZE_MAX : b->seen + len;
    if (b->seen > b->cap) {
        /* Keep nothing of an oversized body: its answer is 413 whatever it holds. */
        tj_buf_finish(&b->buf);
        tj_buf_init(&b->buf, b->cap);
        return false;
    }
    return tj_buf_append(&b->buf, data, len) == TJ_OK;
}

bool tj_body_too_large(const struct tj_body *b)
{
    return b->seen > b->cap;
}

bool tj_body_announced_too_large(const char *content_length, size_t cap)
{
    if (!content_length)
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(content_length, &end, 10);
    /* A malformed value is libmicrohttpd's to refuse; only a clear excess is answered here. */
    if (end == content_length || *end)
        return false;
    return errno == ERANGE || n > cap;
}

json_t *tj_body_json(const struct tj_body *b, struct tj_diag *diag)
{
    json_error_t err;
    json_t *v = json_loadb(b->buf.data ? b->buf.data : "", b->buf.len, JSON_ALLOW_NUL, &err);
    if (!v)
        tj_diag_set(diag, TJ_ERR_DATA, "line %d, column %d: %s", err.line, err.column, err.text);
    return v;
}
