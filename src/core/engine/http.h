/* The HTTP transport: one libcurl multi handle driving many requests at once.
 *
 * Requests are queued with tj_http_submit and started as slots free up (at most max_in_flight
 * at a time); connections are kept alive and reused, HTTP/2 is used where the server offers
 * it, compressed responses are accepted, the system's CA store and the standard proxy
 * variables apply. Each response body is capped in bytes. tj_http_step drives the transfers
 * and calls each request's completion callback exactly once, from the caller's thread. The
 * transport knows nothing of providers, retries or pacing: those belong to the client. URLs,
 * headers and bodies may carry credentials, so nothing here copies them into messages. */
#ifndef TJ_HTTP_H
#define TJ_HTTP_H

#include "tj.h"

#include <stdbool.h>

/* A request to send. Everything is owned by the request (release with
 * tj_http_request_finish, declared in provider.h). Credentials appear only in headers, body or
 * URL query. */
struct tj_http_request {
    char *method; /* "GET" or "POST" */
    char *url;
    char **headers; /* NULL-terminated "Name: value" lines */
    char *body;     /* may be NULL */
    size_t body_len;
};

/* A response as received, all borrowed from the caller. headers are the header lines as
 * "Name: value" without line ends (of the final response, not of redirects or 100s). */
struct tj_http_response {
    long status;
    const char *const *headers;
    size_t nheaders;
    const char *body;
    size_t len;
};

struct tj_http_options {
    unsigned max_in_flight;    /* transfers running at once; 0 means 4 */
    double timeout;            /* seconds for a whole transfer; 0 means 30 */
    double connect_timeout;    /* seconds to connect; 0 means 10 (capped by timeout) */
    size_t max_response_bytes; /* body cap; 0 means 16 MiB */
    const char *user_agent;    /* 0 means "tarjim/VERSION" */
};

/* Why a transfer produced no response. */
enum tj_http_fail {
    TJ_HTTP_OK = 0,
    TJ_HTTP_TIMEOUT,  /* the transfer or the connection timed out */
    TJ_HTTP_CONNECT,  /* the host could not be resolved or reached */
    TJ_HTTP_TOO_BIG,  /* the response body passed max_response_bytes */
    TJ_HTTP_TRANSFER, /* the connection broke, or the response was malformed */
    TJ_HTTP_CANCELLED /* tj_http_cancel or tj_http_destroy ran before the transfer ended */
};

/* Called once per submitted request. resp is NULL unless fail is TJ_HTTP_OK; it and message
 * are borrowed for the call only. message says what went wrong without URL or credentials. */
typedef void (*tj_http_done_fn)(void *ud, const struct tj_http_response *resp,
                                enum tj_http_fail fail, const char *message);

struct tj_http;

/* Creates a transport owned by the caller. opts may be NULL for the defaults. */
struct tj_http *tj_http_create(const struct tj_http_options *opts);
/* Cancels what is queued or running (each callback runs with TJ_HTTP_CANCELLED) and frees h.
 * Accepts NULL. */
void tj_http_destroy(struct tj_http *h);

/* Cancels what is queued or running now: each callback runs at once with TJ_HTTP_CANCELLED
 * (running transfers are taken off the multi handle, their connections closed); h stays usable.
 * Returns how many were cancelled. Accepts NULL. */
size_t tj_http_cancel(struct tj_http *h);

/* Queues req, which stays borrowed (with all its strings) until done has been called. */
void tj_http_submit(struct tj_http *h, const struct tj_http_request *req, tj_http_done_fn done,
                    void *ud);

/* Starts queued requests into free slots, moves the transfers on, waits at most wait seconds
 * for network activity, and calls the callbacks of the transfers that ended. Returns the
 * number of callbacks called. */
size_t tj_http_step(struct tj_http *h, double wait);

/* Requests submitted whose callback has not run yet (queued and running). */
size_t tj_http_pending(const struct tj_http *h);
/* Requests running now. */
size_t tj_http_running(const struct tj_http *h);

/* Seconds a response asks the client to wait before trying again, from its Retry-After
 * (seconds or an HTTP date, measured against now, a time() value) or retry-after-ms header;
 * 0 when it has none or it cannot be read. */
double tj_http_retry_after(const struct tj_http_response *resp, long long now);

/* The value of the response header name (case-insensitive), borrowed, with its length in
 * *len; NULL when absent. */
const char *tj_http_header(const struct tj_http_response *resp, const char *name, size_t *len);

#endif
