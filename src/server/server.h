/* The web editor's HTTP server: libmicrohttpd glue around the core pipeline.
 *
 * A server listens on one address and answers from a few event-driven threads (epoll), with
 * room for thousands of connections, each with an idle timeout and a deadline for its
 * request head and body, so that slow clients cannot lock editors out. Translations run as
 * jobs on worker threads, at most max_jobs at once (a request past that gets 503 "busy" with
 * Retry-After), and never hold up other requests: they mostly wait for remote engines, so the
 * default allows many (TJ_SERVER_JOBS_DEFAULT). A translation asked for as NDJSON streams its
 * segments as they are done, and stops sending work to its engine when the client goes away.
 * The providers it was given are shared read-only between requests; the glossary is replaced
 * when an editor adds to the desk glossary, while translations under way keep the one they
 * started with (desk.h). Requests that change state (every POST) are refused from other sites
 * (Sec-Fetch-Site, Origin), and writes to the memory and the desk glossary are reported to the
 * audit callback. Off loopback it refuses to start without a token, and
 * limits the connections from one address; with a token, every /api/ request must carry
 * "Authorization: Bearer TOKEN". The server never logs the token.
 *
 * To stop gracefully: tj_server_quiesce (no new connections), wait while tj_server_pending
 * says requests are still being answered, then tj_server_destroy. */
#ifndef TJ_SERVER_H
#define TJ_SERVER_H

#include "client.h"
#include "glossary.h"
#include "provider.h"
#include "tj.h"

/* Request bodies larger than this get 413. */
#define TJ_SERVER_BODY_MAX ((size_t)1 << 20)
#define TJ_SERVER_LISTEN_DEFAULT "127.0.0.1:8080"
#define TJ_SERVER_CONNECTIONS 4096u
#define TJ_SERVER_THREADS 2u
/* Largest max_jobs accepted, and the default: jobs mostly wait for remote engines, and the
 * memory they hold is bounded by the body cap (the bodies read or waiting, at most
 * 2 x max_jobs + 16 of them, hold up to TJ_SERVER_BODY_MAX each). */
#define TJ_SERVER_JOBS_MAX 256u
#define TJ_SERVER_JOBS_DEFAULT 64u
/* Seconds a client is asked to wait before trying again after a 503. */
#define TJ_SERVER_RETRY_AFTER 2

struct tj_server_config {
    const char *listen;     /* "HOST:PORT" ("[::1]:8080" for IPv6); NULL: the default; port 0:
                               any free port (see tj_server_port) */
    const char *token;      /* NULL or "": no token, which is allowed on loopback only */
    const char *token_hint; /* how a token is given, added to the refusal; may be NULL */
    const char *web_dir;    /* the editor's files (index.html, ...) */
    const struct tj_glossary *glossary; /* may be NULL; borrowed until the first desk add */
    /* The files the glossary was loaded from (in order, without the desk glossary), its date
     * and whether it pins proposed rows: loaded again, the desk glossary last, after each add
     * to the desk glossary. */
    const char *const *glossary_files;
    size_t nglossary_files;
    uint32_t glossary_date;
    bool glossary_proposed;
    const char *desk_glossary; /* the desk glossary (TSV, exists, loaded last into glossary);
                                  NULL: POST /api/glossary is refused */
    struct tj_provider *const *providers; /* the engines requests may choose; [0] is the
                                             default; at least one */
    size_t nproviders;
    struct tj_provider *const *fallback; /* tried in order for what a request's engine could */
    size_t nfallback;                    /* not translate; at most TJ_SERVER_MAX_FALLBACK */
    struct tj_client_options client;     /* requests in flight and timeout of remote engines */
    size_t body_max;                     /* 0: TJ_SERVER_BODY_MAX */
    unsigned max_jobs;                   /* translations at once; 0: tj_server_default_jobs() */
    unsigned connection_limit; /* 0: TJ_SERVER_CONNECTIONS (less when descriptors are few) */
    unsigned per_ip_limit;     /* connections from one address; 0: 64 off loopback, no limit
                                  on loopback */
    unsigned timeout;          /* idle seconds before a connection is closed; 0: 15 */
    unsigned head_timeout;     /* seconds for a request's head to arrive in full; 0: 10 */
    unsigned body_timeout;     /* seconds for a request's body once its head is in; 0: 60 */
    unsigned threads;          /* threads handling connections; 0: TJ_SERVER_THREADS */
    /* Receives libmicrohttpd's error messages (may be NULL: they are dropped). */
    void (*log)(void *cls, const char *message);
    void *log_cls;
    /* Receives one line per write to the memory or the desk glossary: who (the first 8 hex
     * digits of the SHA-256 of the token, or "local"; never the token) and what. May be NULL. */
    void (*audit)(void *cls, const char *line);
    void *audit_cls;
};

struct tj_server;

/* Binds cfg->listen and starts answering. The glossary and the providers are borrowed and
 * must outlive the server; the strings are copied. On success *out is owned by the caller.
 * Errors: TJ_ERR_USAGE for a malformed address, TJ_ERR_CONFIG for an address that cannot be
 * resolved or bound and for a non-loopback address without a token; diag says which. */
enum tj_status tj_server_create(const struct tj_server_config *cfg, struct tj_server **out,
                                struct tj_diag *diag);
/* Stops answering and frees the server: translations under way are finished (their answers
 * are dropped if they could not be sent yet), other connections are closed. Accepts NULL. */
void tj_server_destroy(struct tj_server *s);

/* Stops accepting connections (new ones are refused; those the system had already accepted
 * are still answered) and starts draining: every answer from now on closes its connection,
 * and connections waiting for a request are closed after a second of idleness. Idempotent. */
void tj_server_quiesce(struct tj_server *s);
/* Connections still open: after tj_server_quiesce, requests still being received or
 * answered (0 when the server may be destroyed without cutting anyone off). */
size_t tj_server_pending(const struct tj_server *s);

/* The default number of translations at once: TJ_SERVER_JOBS_DEFAULT. */
unsigned tj_server_default_jobs(void);

/* The port the server is bound to (the chosen one when the configuration said 0). */
unsigned tj_server_port(const struct tj_server *s);
/* "http://HOST:PORT/" with the numeric bound address; owned by the server. */
const char *tj_server_url(const struct tj_server *s);

#endif
