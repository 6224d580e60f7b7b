/* The web editor's HTTP server: libmicrohttpd glue around the core pipeline.
 *
 * A server listens on one address, answers from its own threads (one per connection, up to a
 * limit, each with an idle timeout) and shares the glossary and providers it was given
 * read-only between requests. Off loopback it refuses to start without a token; with a token,
 * every /api/ request must carry "Authorization: Bearer TOKEN". The server never logs the
 * token. */
#ifndef TJ_SERVER_H
#define TJ_SERVER_H

#include "glossary.h"
#include "provider.h"
#include "tj.h"

/* Request bodies larger than this get 413. */
#define TJ_SERVER_BODY_MAX ((size_t)1 << 20)
#define TJ_SERVER_LISTEN_DEFAULT "127.0.0.1:8080"

struct tj_server_config {
    const char *listen;     /* "HOST:PORT" ("[::1]:8080" for IPv6); NULL: the default; port 0:
                               any free port (see tj_server_port) */
    const char *token;      /* NULL or "": no token, which is allowed on loopback only */
    const char *token_hint; /* how a token is given, added to the refusal; may be NULL */
    const char *web_dir;    /* the editor's files (index.html, ...) */
    const struct tj_glossary *glossary;   /* may be NULL */
    struct tj_provider *const *providers; /* the engines requests may choose; [0] is the
                                             default; at least one */
    size_t nproviders;
    size_t body_max;           /* 0: TJ_SERVER_BODY_MAX */
    unsigned connection_limit; /* 0: 64 */
    unsigned timeout;          /* idle seconds before a connection is closed; 0: 30 */
    /* Receives libmicrohttpd's error messages (may be NULL: they are dropped). */
    void (*log)(void *cls, const char *message);
    void *log_cls;
};

struct tj_server;

/* Binds cfg->listen and starts answering. The glossary and the providers are borrowed and
 * must outlive the server; the strings are copied. On success *out is owned by the caller.
 * Errors: TJ_ERR_USAGE for a malformed address, TJ_ERR_CONFIG for an address that cannot be
 * resolved or bound and for a non-loopback address without a token; diag says which. */
enum tj_status tj_server_create(const struct tj_server_config *cfg, struct tj_server **out,
                                struct tj_diag *diag);
/* Stops answering (waiting for requests in progress) and frees the server. Accepts NULL. */
void tj_server_destroy(struct tj_server *s);

/* The port the server is bound to (the chosen one when the configuration said 0). */
unsigned tj_server_port(const struct tj_server *s);
/* "http://HOST:PORT/" with the numeric bound address; owned by the server. */
const char *tj_server_url(const struct tj_server *s);

#endif
