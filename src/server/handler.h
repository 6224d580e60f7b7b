/* What the route table dispatches to: one handler per resource, each in its own h_*.c file.
 *
 * A handler runs once per request, after authentication and, when its route takes a JSON
 * body, after the body has been read within the cap and parsed. It queues exactly one
 * response with the reply.h functions and returns what libmicrohttpd's queueing returned.
 * A job handler (translation, which may take long) runs on a worker thread instead, while the
 * connection is suspended, and prepares its answer for the server to queue. */
#ifndef TJ_HANDLER_H
#define TJ_HANDLER_H

#include "client.h"
#include "glossary.h"
#include "provider.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>

/* Engines a server tries after a request's own, at most. */
#define TJ_SERVER_MAX_FALLBACK 8

/* The server's shared state, read-only once the server has started. */
struct tj_handler_env {
    const struct tj_glossary *glossary;   /* may be NULL */
    struct tj_provider *const *providers; /* [0] is the default */
    size_t nproviders;
    struct tj_provider *const *fallback;    /* tried in order for what a request's engine could */
    size_t nfallback;                       /* not translate (serve --fallback) */
    const struct tj_client_options *client; /* requests in flight, timeout; may be NULL */
    const char *web_dir;
};

struct tj_request {
    struct MHD_Connection *conn;
    const char *method;
    const char *path; /* percent-decoded, without the query */
    json_t *json;     /* the parsed body (borrowed) when the route takes one, else NULL */
    const struct tj_handler_env *env;
};

/* An answer prepared on a job thread and queued by the server's thread afterwards. */
struct tj_answer {
    unsigned status;
    struct MHD_Response *response; /* owned; NULL when none could be made (the connection is
                                      then closed) */
};

/* GET /healthz */
enum MHD_Result tj_h_health(const struct tj_request *req);
/* GET /api/providers */
enum MHD_Result tj_h_providers(const struct tj_request *req);
/* POST /api/translate, run as a job (see jobs.h) with the request's body (borrowed, read
 * within the cap): fills *out. Uses only env, which is shared read-only. */
void tj_h_translate(const struct tj_handler_env *env, const char *body, size_t len,
                    struct tj_answer *out);
/* POST /api/tm {"source", "target"}, run as a job: stores an approved translation in the
 * server's translation memory (env->client->tm). */
void tj_h_tm(const struct tj_handler_env *env, const char *body, size_t len, struct tj_answer *out);
/* GET any path outside /api/: the editor's files */
enum MHD_Result tj_h_static(const struct tj_request *req);

#endif
