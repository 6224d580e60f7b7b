/* Responses: JSON documents, the error shape {"error": {"code": ..., "message": ...}}, and
 * the headers every response carries (no MIME sniffing, no referrer; API answers are not
 * cached). */
#ifndef TJ_REPLY_H
#define TJ_REPLY_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>

/* A response holding data[0..len) (taken: the response frees it) with the given type, or
 * NULL (data freed) when it cannot be made. */
struct MHD_Response *tj_reply_buffer(char *data, size_t len, const char *content_type);
/* Adds the common headers to r (may be NULL: MHD_NO), and "Connection: close" while the
 * server is draining, queues it and releases it. */
enum MHD_Result tj_reply_queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r);
/* A response holding JSON text data[0..len) (taken), owned by the caller; NULL when it cannot
 * be made. */
struct MHD_Response *tj_reply_json_response(char *data, size_t len);
/* Queues JSON text data[0..len) (taken). */
enum MHD_Result tj_reply_json_text(struct MHD_Connection *c, unsigned status, char *data,
                                   size_t len);
/* The JSON answer of the document take (released), compact; NULL when it cannot be made. For a
 * job, which prepares its answer for the server to queue. */
struct MHD_Response *tj_reply_json_doc(json_t *take);
/* Queues the JSON value (the reference is taken) compactly encoded. */
enum MHD_Result tj_reply_json(struct MHD_Connection *c, unsigned status, json_t *take);
/* Queues the error document; allow (may be NULL) becomes the Allow header (for 405) and a 401
 * gets "WWW-Authenticate: Bearer". */
enum MHD_Result tj_reply_error(struct MHD_Connection *c, unsigned status, const char *allow,
                               const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The same error document as a response owned by the caller (NULL when it cannot be made),
 * for answers prepared away from the server's threads and queued later. */
struct MHD_Response *tj_reply_error_response(unsigned status, const char *allow, const char *code,
                                             const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
