/* JSON replies and the error shape. */
#include "reply.h"

#include "conns.h"
#include "tj.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char json_content_type[] = "application/json; charset=utf-8";

struct MHD_Response *tj_reply_buffer(char *data, size_t len, const char *content_type)
{
    /* data comes from malloc (tj_x* or jansson), which the response's free() matches. */
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return NULL;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    return r;
}

enum MHD_Result tj_reply_queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r)
{
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (tj_conns_closing(c))
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

struct MHD_Response *tj_reply_json_response(char *data, size_t len)
{
    struct MHD_Response *r = tj_reply_buffer(data, len, json_content_type);
    if (r)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    return r;
}

enum MHD_Result tj_reply_json_text(struct MHD_Connection *c, unsigned status, char *data,
                                   size_t len)
{
    return tj_reply_queue(c, status, tj_reply_json_response(data, len));
}

struct MHD_Response *tj_reply_json_doc(json_t *take)
{
    char *text = take ? json_dumps(take, JSON_COMPACT) : NULL;
    json_decref(take);
    return text ? tj_reply_json_response(text, strlen(text)) : NULL;
}

enum MHD_Result tj_reply_json(struct MHD_Connection *c, unsigned status, json_t *take)
{
    struct MHD_Response *r = tj_reply_json_doc(take);
    return r ? tj_reply_queue(c, status, r) : MHD_NO;
}

/* The error document; NULL when it cannot be made. */
static struct MHD_Response *error_response(unsigned status, const char *allow, const char *code,
                                           const char *fmt, va_list ap)
{
    char message[TJ_DIAG_MAX + 64];
    vsnprintf(message, sizeof message, fmt, ap);
    json_t *doc = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);
    if (!doc) {
        /* Not UTF-8 (cut inside a sequence, or quoting the bad bytes of a request): keep the
         * ASCII part. */
        for (char *p = message; *p; p++)
            if ((unsigned char)*p >= 0x80)
                *p = '?';
        doc = json_pack("{s:{s:s,s:s}}", "error", "code", code, "message", message);
    }
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text)
        return NULL;
    struct MHD_Response *r = tj_reply_buffer(text, strlen(text), json_content_type);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        if (allow)
            MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
        if (status == MHD_HTTP_UNAUTHORIZED)
            MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
    }
    return r;
}

struct MHD_Response *tj_reply_error_response(unsigned status, const char *allow, const char *code,
                                             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct MHD_Response *r = error_response(status, allow, code, fmt, ap);
    va_end(ap);
    return r;
}

enum MHD_Result tj_reply_error(struct MHD_Connection *c, unsigned status, const char *allow,
                               const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct MHD_Response *r = error_response(status, allow, code, fmt, ap);
    va_end(ap);
    return tj_reply_queue(c, status, r);
}
