/* Request bodies for the unit tests' loopback servers (libmicrohttpd): a body gathered across
 * the calls of an access handler. */
#ifndef TJ_TEST_UPLOAD_H
#define TJ_TEST_UPLOAD_H

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

/* A request's body, NUL-terminated. */
struct upload {
    char *data;
    size_t len;
};

/* One call of an access handler (con_cls, upload and upload_size as it was given them): NULL
 * while the body is still coming (the handler then returns MHD_YES), else the whole body, which
 * the caller frees with upload_free. */
static inline struct upload *upload_take(void **con_cls, const char *upload, size_t *upload_size)
{
    struct upload *u = *con_cls;
    if (!u) {
        u = calloc(1, sizeof *u);
        u->data = calloc(1, 1);
        *con_cls = u;
        return NULL;
    }
    if (*upload_size) {
        u->data = realloc(u->data, u->len + *upload_size + 1);
        memcpy(u->data + u->len, upload, *upload_size);
        u->len += *upload_size;
        u->data[u->len] = '\0';
        *upload_size = 0;
        return NULL;
    }
    *con_cls = NULL;
    return u;
}

static inline void upload_free(struct upload *u)
{
    free(u->data);
    free(u);
}

#endif
