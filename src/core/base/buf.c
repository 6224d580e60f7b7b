/* Growable, capped byte buffer. */
#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tj_buf_init(struct tj_buf *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

void tj_buf_finish(struct tj_buf *b)
{
    free(b->data);
    tj_buf_init(b, b->cap);
}

void tj_buf_reset(struct tj_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

enum tj_status tj_buf_append(struct tj_buf *b, const void *data, size_t len)
{
    if (b->cap && (len > b->cap || b->len > b->cap - len))
        return TJ_ERR_DATA;
    if (b->len + len + 1 > b->alloc) {
        size_t want = b->alloc ? b->alloc : 64;
        while (want < b->len + len + 1)
            want *= 2;
        b->data = tj_xrealloc(b->data, want);
        b->alloc = want;
    }
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return TJ_OK;
}

enum tj_status tj_buf_puts(struct tj_buf *b, const char *s)
{
    return tj_buf_append(b, s, strlen(s));
}

enum tj_status tj_buf_putc(struct tj_buf *b, char c)
{
    return tj_buf_append(b, &c, 1);
}

enum tj_status tj_buf_printf(struct tj_buf *b, const char *fmt, ...)
{
    char small[256], *big;
    va_list ap;
    va_start(ap, fmt);
    int n = tj_vformat(small, sizeof small, &big, fmt, ap);
    va_end(ap);
    if (n < 0)
        return TJ_ERR_DATA;
    enum tj_status rc = tj_buf_append(b, big ? big : small, (size_t)n);
    free(big);
    return rc;
}

char *tj_buf_take(struct tj_buf *b, size_t *len)
{
    if (!b->data)
        tj_buf_append(b, "", 0);
    char *p = b->data;
    if (len)
        *len = b->len;
    tj_buf_init(b, b->cap);
    return p;
}
