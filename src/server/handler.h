/* What the route table dispatches to: one handler per resource, each in its own h_*.c file.
 *
 * A handler runs once per request, after authentication and, when its route takes a JSON
 * body, after the body has been read within the cap and parsed. It queues exactly one
 * response with the reply.h functions and returns what libmicrohttpd's queueing returned.
 * A job handler (translation, export, writes, which may take long) runs on a worker thread
 * instead, while the connection is suspended, and prepares its answer for the server to queue;
 * a translation may instead stream its answer (stream.h). */
#ifndef TJ_HANDLER_H
#define TJ_HANDLER_H

#include "client.h"
#include "desk.h"
#include "glossary.h"
#include "provider.h"
#include "stream.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>

/* Engines a server tries after a request's own, at most. */
#define TJ_SERVER_MAX_FALLBACK 8

/* The server's shared state: read-only once the server has started, but for the desk, whose
 * glossary a request takes a view of (desk.h). */
struct tj_handler_env {
    struct tj_desk *desk;                 /* the glossaries; never NULL */
    struct tj_provider *const *providers; /* [0] is the default */
    size_t nproviders;
    struct tj_provider *const *fallback;    /* tried in order for what a request's engine could */
    size_t nfallback;                       /* not translate (serve --fallback) */
    const struct tj_client_options *client; /* requests in flight, timeout; may be NULL */
    const char *web_dir;
    /* Receives one line per write to the memory or the desk glossary (who, what); may be
     * NULL. */
    void (*audit)(void *cls, const char *line);
    void *audit_cls;
};

struct tj_request {
    struct MHD_Connection *conn;
    const char *method;
    const char *path; /* percent-decoded, without the query */
    json_t *json;     /* the parsed body (borrowed) when the route takes one, else NULL */
    const struct tj_handler_env *env;
};

/* What a job handler is given, borrowed for the run. */
struct tj_job_request {
    const char *body; /* the request's body, read within the cap */
    size_t len;
    const char *format;       /* the query's format= (POST /api/export), or NULL */
    const char *who;          /* who asks, for audit lines: the first 8 hex digits of the SHA-256 of
                                 the bearer token, or "local" without a token */
    struct tj_stream *stream; /* POST /api/translate asked for NDJSON: the answer streams
                                 there (tj_stream_start); else NULL */
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
/* POST /api/translate, run as a job: fills *out, or streams the answer when req->stream is
 * set (an error found before translating is still an answer in *out). */
void tj_h_translate(const struct tj_handler_env *env, const struct tj_job_request *req,
                    struct tj_answer *out);
/* POST /api/tm {"source", "target"}, run as a job: stores an approved translation in the
 * server's translation memory (env->client->tm). */
void tj_h_tm(const struct tj_handler_env *env, const struct tj_job_request *req,
             struct tj_answer *out);
/* GET /api/glossary?q=TEXT: the loaded glossaries' entries that match. */
enum MHD_Result tj_h_glossary_get(const struct tj_request *req);
/* POST /api/glossary {"arabic", "english", "type"?, "note"?, "replace"?}, run as a job: adds to
 * the desk glossary. */
void tj_h_glossary_post(const struct tj_handler_env *env, const struct tj_job_request *req,
                        struct tj_answer *out);
/* POST /api/export?format=F with a JSON document, run as a job: the document in format F. */
void tj_h_export(const struct tj_handler_env *env, const struct tj_job_request *req,
                 struct tj_answer *out);
/* GET any path outside /api/: the editor's files */
enum MHD_Result tj_h_static(const struct tj_request *req);

/* Sends one audit line (printf-style) to env's audit callback, if any. */
void tj_h_audit(const struct tj_handler_env *env, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
