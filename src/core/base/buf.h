/* A growable byte buffer with an optional cap (0 = none).
 *
 * The contents are always NUL-terminated so they can be used as C strings; appending past the
 * cap fails with TJ_ERR_DATA and leaves the buffer as it was. */
#ifndef TJ_BUF_H
#define TJ_BUF_H

#include "tj.h"

struct tj_buf {
    char *data;
    size_t len;
    size_t alloc;
    size_t cap;
};

/* Initializes caller storage; cap 0 means unlimited. */
void tj_buf_init(struct tj_buf *b, size_t cap);
/* Releases the contents; the struct can be reinitialized. */
void tj_buf_finish(struct tj_buf *b);
void tj_buf_reset(struct tj_buf *b);
enum tj_status tj_buf_append(struct tj_buf *b, const void *data, size_t len);
enum tj_status tj_buf_puts(struct tj_buf *b, const char *s);
enum tj_status tj_buf_putc(struct tj_buf *b, char c);
enum tj_status tj_buf_printf(struct tj_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the contents (never NULL) to the caller and reinitializes the buffer. */
char *tj_buf_take(struct tj_buf *b, size_t *len);

#endif
