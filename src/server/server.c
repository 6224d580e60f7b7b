/* Server lifecycle, the route table and request dispatch: protocol checks, Host check,
 * cross-site check, authentication, route, capped body, then the resource's handler, or its job
 * on a worker thread while the connection is suspended (a streamed answer is queued while the
 * job goes on writing it). */
#include "server.h"

#include "body.h"
#include "conns.h"
#include "desk.h"
#include "handler.h"
#include "jobs.h"
#include "native.h"
#include "reply.h"
#include "stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* After this many bytes past the cap an oversized body is no longer read: the connection is
 * closed instead of being answered. */
#define DISCARD_MAX ((size_t)4 << 20)

enum route_flags {
    ROUTE_JSON = 1 << 0,   /* reads a JSON request body */
    ROUTE_STREAM = 1 << 1, /* may stream its answer (Accept: application/x-ndjson) */
    ROUTE_QUERY = 1 << 2,  /* its job reads the query's format= */
};

struct route {
    const char *method;
    const char *path; /* NULL: any path outside /api/ */
    /* One of the two: answers at once, or runs as a job with the raw body (ROUTE_JSON). */
    enum MHD_Result (*handler)(const struct tj_request *req);
    void (*job)(const struct tj_handler_env *env, const struct tj_job_request *req,
                struct tj_answer *out);
    unsigned flags;
};

static const struct route routes[] = {
    {"GET", "/healthz", tj_h_health, NULL, 0},
    {"GET", "/api/providers", tj_h_providers, NULL, 0},
    {"POST", "/api/translate", NULL, tj_h_translate, ROUTE_JSON | ROUTE_STREAM},
    {"POST", "/api/tm", NULL, tj_h_tm, ROUTE_JSON},
    {"GET", "/api/glossary", tj_h_glossary_get, NULL, 0},
    {"POST", "/api/glossary", NULL, tj_h_glossary_post, ROUTE_JSON},
    {"POST", "/api/export", NULL, tj_h_export, ROUTE_JSON | ROUTE_QUERY},
    {"GET", NULL, tj_h_static, NULL, 0},
};

/* The longest format= a request may give. */
#define FORMAT_MAX 16

struct tj_server {
    struct MHD_Daemon *daemon;
    struct tj_handler_env env;
    struct tj_client_options client; /* env.client points here */
    struct tj_provider **providers;
    struct tj_jobs *jobs;
    struct tj_conns *conns;
    struct tj_desk *desk;
    char *web_dir;
    char *token; /* NULL when none */
    size_t token_len;
    char who[16]; /* who asks, in audit lines: the token's fingerprint, or "local" */
    size_t body_max;
    bool loopback_hosts_only;
    unsigned port;
    int listen_fd; /* ours again once quiesced, closed after the daemon stops; else -1 */
    bool quiesced;
    pthread_mutex_t lock; /* bodies */
    unsigned bodies;      /* request bodies being read or waiting for their job */
    unsigned bodies_max;
    char url[256 + 32];
    void (*log)(void *cls, const char *message);
    void *log_cls;
};

enum job_state { JOB_NONE, JOB_RUNNING, JOB_DONE };

/* Per-request state, kept in libmicrohttpd's request context. While a job runs, the job holds
 * a reference too: a streamed answer's connection may end before its job does. */
struct request {
    struct tj_job job; /* first: the job's callbacks get the request back from it */
    struct tj_server *server;
    struct MHD_Connection *conn;
    const struct route *route;
    atomic_uint refs;
    struct tj_body body;
    bool has_body;
    bool answered;
    enum job_state state;
    struct tj_answer answer;  /* what the job prepared */
    struct tj_stream *stream; /* a streamed answer's, while the job writes it */
    bool published;           /* the job handed over its answer before its end (a stream) */
    char format[FORMAT_MAX + 1];
};

static bool is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

/* The route for method and path; when only the method is wrong, NULL and *allow says which
 * methods the path takes. */
static const struct route *find_route(const char *method, const char *path, const char **allow)
{
    *allow = NULL;
    bool get = false, post = false;
    for (size_t i = 0; i < TJ_ARRAY_LEN(routes); i++) {
        const struct route *r = &routes[i];
        if (r->path ? strcmp(r->path, path) != 0 : is_api(path))
            continue;
        bool is_get = strcmp(r->method, "GET") == 0;
        if (strcmp(r->method, method) == 0 || (is_get && strcmp(method, "HEAD") == 0))
            return r;
        get |= is_get;
        post |= !is_get;
    }
    if (get || post)
        *allow = get && post ? "GET, HEAD, POST" : get ? "GET, HEAD" : "POST";
    return NULL;
}

/* Compares the bearer token in constant time (for a given length of the expected token). */
static bool token_ok(const struct tj_server *s, struct MHD_Connection *c)
{
    const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return false;
    h += 7;
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    unsigned diff = n != s->token_len;
    for (size_t i = 0; i < s->token_len; i++)
        diff |= (unsigned char)s->token[i] ^ (unsigned char)(i < n ? h[i] : 0);
    return diff == 0;
}

/* True when a Host header names this machine's loopback: without a token, this keeps pages
 * from other sites (DNS rebinding) out of the API. A missing header (HTTP/1.0) passes. */
static bool loopback_host(const char *host)
{
    if (!host)
        return true;
    char name[256];
    const char *start = host, *end;
    if (*host == '[') {
        start = host + 1;
        end = strchr(start, ']');
        if (!end)
            return false;
    } else {
        end = strchr(host, ':');
        if (!end)
            end = host + strlen(host);
    }
    size_t n = (size_t)(end - start);
    if (n == 0 || n >= sizeof name)
        return false;
    memcpy(name, start, n);
    name[n] = '\0';
    if (name[n - 1] == '.')
        name[n - 1] = '\0';
    if (strcasecmp(name, "localhost") == 0)
        return true;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, name, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    return inet_pton(AF_INET6, name, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Splits an authority ("host", "host:port", "[v6]:port") into its host (lower-cased, into
 * host[size]) and port (default_port when none). False when it is malformed. */
static bool split_authority(const char *a, size_t len, unsigned default_port, char *host,
                            size_t size, unsigned *port)
{
    const char *end = a + len, *colon = NULL;
    if (len && *a == '[') {
        const char *close = memchr(a, ']', len);
        if (!close)
            return false;
        colon = close + 1 < end && close[1] == ':' ? close + 1 : NULL;
        if (!colon && close + 1 != end)
            return false;
    } else {
        colon = memchr(a, ':', len);
    }
    size_t hn = colon ? (size_t)(colon - a) : len;
    if (hn == 0 || hn >= size)
        return false;
    for (size_t i = 0; i < hn; i++)
        host[i] = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] - 'A' + 'a') : a[i];
    host[hn] = '\0';
    *port = default_port;
    if (colon) {
        size_t pn = (size_t)(end - colon - 1);
        if (pn == 0 || pn > 5)
            return false;
        unsigned p = 0;
        for (size_t i = 0; i < pn; i++) {
            char ch = colon[1 + i];
            if (ch < '0' || ch > '9')
                return false;
            p = p * 10 + (unsigned)(ch - '0');
        }
        if (p > 65535)
            return false;
        *port = p;
    }
    return true;
}

/* Why a request that changes state comes from another site, or NULL: a browser that says so
 * (Sec-Fetch-Site: cross-site), or an Origin whose host and port are not the Host's. Together
 * with the JSON content type (which makes browsers ask first) and the Host check, this keeps
 * other pages from writing through an editor's browser. */
static const char *cross_site(struct MHD_Connection *c)
{
    const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
    if (site && strcasecmp(site, "cross-site") == 0)
        return "the browser says this request comes from another site";
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!origin)
        return NULL;
    static const char bad[] = "the request's Origin is not this server";
    unsigned default_port;
    const char *auth;
    if (strncasecmp(origin, "http://", 7) == 0) {
        default_port = 80;
        auth = origin + 7;
    } else if (strncasecmp(origin, "https://", 8) == 0) {
        default_port = 443;
        auth = origin + 8;
    } else {
        return bad; /* "null" (a sandboxed or local page), or another scheme */
    }
    size_t alen = strcspn(auth, "/");
    if (auth[alen] == '/' && auth[alen + 1] != '\0')
        return bad; /* an origin has no path */
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    char oh[256], hh[256];
    unsigned op, hp;
    if (!host || !split_authority(auth, alen, default_port, oh, sizeof oh, &op) ||
        !split_authority(host, strlen(host), default_port, hh, sizeof hh, &hp))
        return bad;
    size_t on = strlen(oh), hn = strlen(hh);
    if (on && oh[on - 1] == '.')
        oh[on - 1] = '\0';
    if (hn && hh[hn - 1] == '.')
        hh[hn - 1] = '\0';
    return strcmp(oh, hh) == 0 && op == hp ? NULL : bad;
}

/* True when content_type (may be NULL) is application/json, with or without parameters. A
 * JSON type makes browsers ask before sending a request from another site. */
static bool is_json(const char *content_type)
{
    static const char want[] = "application/json";
    if (!content_type || strncasecmp(content_type, want, sizeof want - 1) != 0)
        return false;
    char next = content_type[sizeof want - 1];
    return next == '\0' || next == ';' || next == ' ';
}

static enum MHD_Result answer(struct request *r, enum MHD_Result ret)
{
    r->answered = true;
    return ret;
}

struct header_count {
    const char *name;
    unsigned n;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    (void)value;
    struct header_count *hc = cls;
    if (strcasecmp(key, hc->name) == 0)
        hc->n++;
    return MHD_YES;
}

/* How many times the request carries the header called name. */
static unsigned header_count(struct MHD_Connection *c, const char *name)
{
    struct header_count hc = {name, 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &hc);
    return hc.n;
}

/* What the HTTP/1.1 grammar requires and libmicrohttpd lets through (RFC 9112 3.2, 6.1, 6.3): a
 * missing or repeated Host, a repeated Content-Length, both Content-Length and
 * Transfer-Encoding, or a coding other than chunked: heads that proxies may read differently
 * from us. NULL when the head is fine. */
static const char *bad_head(struct MHD_Connection *c, const char *version)
{
    unsigned hosts = header_count(c, MHD_HTTP_HEADER_HOST);
    if (hosts > 1)
        return "the request has more than one Host header";
    if (hosts == 0 && strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
        return "an HTTP/1.1 request needs a Host header";
    unsigned lengths = header_count(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (lengths > 1)
        return "the request has more than one Content-Length header";
    unsigned codings = header_count(c, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (lengths && codings)
        return "the request has both Content-Length and Transfer-Encoding";
    const char *coding =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    if (codings > 1 || (coding && strcasecmp(coding, "chunked") != 0))
        return "the only Transfer-Encoding understood is a single \"chunked\"";
    return NULL;
}

static enum MHD_Result busy(struct request *r, struct MHD_Connection *c, const char *what)
{
    struct MHD_Response *resp =
        tj_reply_error_response(MHD_HTTP_SERVICE_UNAVAILABLE, NULL, "busy",
                                "the server is busy (%s); try again in a moment", what);
    if (resp) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", TJ_SERVER_RETRY_AFTER);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    return answer(r, tj_reply_queue(c, MHD_HTTP_SERVICE_UNAVAILABLE, resp));
}

/* Takes one of the slots for request bodies, which bound the memory they hold. */
static bool body_slot_take(struct tj_server *s)
{
    pthread_mutex_lock(&s->lock);
    bool ok = s->bodies < s->bodies_max;
    if (ok)
        s->bodies++;
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* Frees the request's body and its slot (once). */
static void body_release(struct tj_server *s, struct request *r)
{
    if (!r->has_body)
        return;
    tj_body_finish(&r->body);
    r->has_body = false;
    pthread_mutex_lock(&s->lock);
    s->bodies--;
    pthread_mutex_unlock(&s->lock);
}

/* The first call of a request: everything that can be decided from its headers. */
static enum MHD_Result begin(struct tj_server *s, struct MHD_Connection *c, const char *path,
                             const char *method, const char *version, struct request *r)
{
    const char *bad = bad_head(c, version);
    if (bad)
        return answer(r, tj_reply_error(c, MHD_HTTP_BAD_REQUEST, NULL, "bad_request", "%s", bad));
    if (s->loopback_hosts_only &&
        !loopback_host(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST)))
        return answer(r, tj_reply_error(c, MHD_HTTP_FORBIDDEN, NULL, "bad_host",
                                        "this server answers requests for localhost only"));
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        const char *why = cross_site(c);
        if (why)
            return answer(r, tj_reply_error(c, MHD_HTTP_FORBIDDEN, NULL, "cross_site",
                                            "%s: state-changing requests are taken from this "
                                            "server's own page only",
                                            why));
    }
    if (s->token && is_api(path) && !token_ok(s, c))
        return answer(r, tj_reply_error(c, MHD_HTTP_UNAUTHORIZED, NULL, "unauthorized",
                                        "this API needs the header 'Authorization: Bearer "
                                        "TOKEN' with the server's token"));
    const char *allow;
    r->route = find_route(method, path, &allow);
    if (!r->route && allow)
        return answer(r, tj_reply_error(c, MHD_HTTP_METHOD_NOT_ALLOWED, allow, "method_not_allowed",
                                        "%s is not allowed here (allowed: %s)", method, allow));
    if (!r->route)
        return answer(r,
                      tj_reply_error(c, MHD_HTTP_NOT_FOUND, NULL, "not_found", "no such resource"));
    if (r->route->flags & ROUTE_JSON) {
        if (!is_json(MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE)))
            return answer(r, tj_reply_error(c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, NULL,
                                            "unsupported_media_type",
                                            "the body must be sent as application/json"));
        if (tj_body_announced_too_large(
                MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH),
                s->body_max))
            return answer(r, tj_reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, NULL, "too_large",
                                            "the request body is over %zu bytes", s->body_max));
        if (!body_slot_take(s))
            return busy(r, c, "too many requests being received");
        tj_body_init(&r->body, s->body_max);
        r->has_body = true;
        tj_conns_request_begin(c, true);
    }
    return MHD_YES;
}

/* Frees a request once neither its connection nor its job holds it. */
static void request_release(struct request *r)
{
    if (atomic_fetch_sub(&r->refs, 1) != 1)
        return;
    if (r->server)
        body_release(r->server, r);
    else if (r->has_body)
        tj_body_finish(&r->body);
    if (r->answer.response)
        MHD_destroy_response(r->answer.response);
    free(r);
}

static void job_run(struct tj_job *job)
{
    struct request *r = (struct request *)job;
    struct tj_job_request jr = {
        .body = r->body.buf.data ? r->body.buf.data : "",
        .len = r->body.buf.len,
        .format = r->format[0] ? r->format : NULL,
        .who = r->server->who,
        .stream = r->stream,
    };
    r->route->job(&r->server->env, &jr, &r->answer);
    body_release(r->server, r);
    /* The job's reference: the body ends here. A published stream lives on in its response
     * (and r->stream stays valid for answer_job); another one is freed now. */
    tj_stream_finish(r->stream);
}

static void job_done(struct tj_job *job)
{
    struct request *r = (struct request *)job;
    if (!r->published) {
        r->state = JOB_DONE;
        /* From here the server's thread answers the request. */
        MHD_resume_connection(r->conn);
    }
    request_release(r);
}

/* A streamed answer is ready to be queued while its job goes on (the job's thread; the
 * connection is suspended since the job started). */
static void publish(void *ud, struct MHD_Response *response)
{
    struct request *r = ud;
    r->answer.status = MHD_HTTP_OK;
    r->answer.response = response;
    r->published = true;
    r->state = JOB_DONE;
    MHD_resume_connection(r->conn);
}

/* Queues what the job prepared. */
static enum MHD_Result answer_job(struct request *r, struct MHD_Connection *c)
{
    struct MHD_Response *resp = r->answer.response;
    r->answer.response = NULL;
    if (r->published && r->stream && resp)
        /* The watcher tells the stream when the client leaves while it waits. */
        tj_conns_watch(c, tj_stream_cancel, tj_stream_release, tj_stream_hold(r->stream));
    return answer(r, tj_reply_queue(c, r->answer.status, resp));
}

/* True when the request asks for NDJSON. */
static bool wants_ndjson(struct MHD_Connection *c)
{
    const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
    return accept && strcasestr(accept, "application/x-ndjson") != NULL;
}

/* The last call of a request: the body is complete. */
static enum MHD_Result finish(struct tj_server *s, struct MHD_Connection *c, const char *path,
                              const char *method, struct request *r)
{
    tj_conns_request_received(c);
    if (r->has_body && tj_body_too_large(&r->body))
        return answer(r, tj_reply_error(c, MHD_HTTP_CONTENT_TOO_LARGE, NULL, "too_large",
                                        "the request body is over %zu bytes", s->body_max));
    if (r->route->job) {
        if (r->route->flags & ROUTE_QUERY) {
            const char *f = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "format");
            if (f && strlen(f) <= FORMAT_MAX)
                memcpy(r->format, f, strlen(f) + 1);
            else if (f)
                memcpy(r->format, "?", 2); /* too long to be one: named unknown */
        }
        if (!tj_jobs_reserve(s->jobs))
            return busy(r, c, "all translation slots are taken");
        r->server = s;
        r->conn = c;
        r->job.run = job_run;
        r->job.done = job_done;
        r->state = JOB_RUNNING;
        atomic_fetch_add(&r->refs, 1); /* the job's */
        if ((r->route->flags & ROUTE_STREAM) && wants_ndjson(c))
            r->stream = tj_stream_create(c, publish, r);
        /* Suspended before the job starts, so that its resume always finds it suspended. */
        MHD_suspend_connection(c);
        tj_jobs_start(s->jobs, &r->job);
        return MHD_YES;
    }
    json_t *json = NULL;
    if (r->has_body) {
        struct tj_diag diag;
        json = tj_body_json(&r->body, &diag);
        if (!json)
            return answer(r, tj_reply_error(c, MHD_HTTP_BAD_REQUEST, NULL, "bad_json",
                                            "the body is not JSON: %s", diag.message));
    }
    struct tj_request req = {
        .conn = c,
        .method = method,
        .path = path,
        .json = json,
        .env = &s->env,
    };
    enum MHD_Result ret = r->route->handler(&req);
    json_decref(json);
    return answer(r, ret);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **ctx)
{
    struct tj_server *s = cls;
    struct request *r = *ctx;
    if (!r) {
        r = tj_xcalloc(1, sizeof *r);
        atomic_init(&r->refs, 1);
        *ctx = r;
        tj_conns_request_begin(c, false);
        return begin(s, c, url, method, version, r);
    }
    if (*upload_size) {
        size_t n = *upload_size;
        *upload_size = 0;
        if (r->answered || !r->has_body)
            return MHD_YES;
        if (!tj_body_feed(&r->body, upload, n) && r->body.seen - r->body.cap > DISCARD_MAX)
            return MHD_NO;
        return MHD_YES;
    }
    if (r->answered)
        return MHD_YES;
    if (r->state == JOB_DONE)
        return answer_job(r, c);
    return finish(s, c, url, method, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx,
                         enum MHD_RequestTerminationCode why)
{
    (void)why;
    struct tj_server *s = cls;
    tj_conns_request_end(c);
    struct request *r = *ctx;
    if (!r)
        return;
    if (!r->server)
        r->server = s; /* for its body's slot */
    *ctx = NULL;
    request_release(r);
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
    struct tj_server *s = cls;
    if (!s->log)
        return;
    char message[512];
    vsnprintf(message, sizeof message, fmt, ap);
    size_t n = strlen(message);
    while (n && (message[n - 1] == '\n' || message[n - 1] == '\r'))
        message[--n] = '\0';
    s->log(s->log_cls, message);
}

/* Splits "HOST:PORT" or "[V6]:PORT" into host and port. */
static enum tj_status parse_listen(const char *addr, char *host, size_t host_size, char *port,
                                   size_t port_size, struct tj_diag *diag)
{
    const char *h = addr, *colon;
    size_t hn;
    if (*addr == '[') {
        h = addr + 1;
        const char *close = strchr(h, ']');
        if (!close || close[1] != ':')
            goto bad;
        hn = (size_t)(close - h);
        colon = close + 1;
    } else {
        colon = strrchr(addr, ':');
        if (!colon)
            goto bad;
        hn = (size_t)(colon - addr);
        if (memchr(addr, ':', hn))
            goto bad;
    }
    const char *p = colon + 1;
    size_t pn = strlen(p);
    if (hn == 0 || hn >= host_size || pn == 0 || pn > 5 || pn >= port_size ||
        strspn(p, "0123456789") != pn || strtoul(p, NULL, 10) > 65535)
        goto bad;
    memcpy(host, h, hn);
    host[hn] = '\0';
    memcpy(port, p, pn + 1);
    return TJ_OK;
bad:
    return tj_diag_set(diag, TJ_ERR_USAGE,
                       "listen address '%s' is not HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080)",
                       addr);
}

static bool is_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss->ss_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

/* Resolves host:port into *ss, preferring IPv4 when the name has both. */
static enum tj_status resolve(const char *host, const char *port, struct sockaddr_storage *ss,
                              socklen_t *len, struct tj_diag *diag)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_NUMERICSERV | AI_PASSIVE,
    };
    struct addrinfo *res, *pick = NULL;
    /* "localhost" is loopback by definition (RFC 6761), whatever /etc/hosts says or lacks. */
    if (strcasecmp(host, "localhost") == 0)
        host = "127.0.0.1";
    int e = getaddrinfo(host, port, &hints, &res);
    if (e)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "cannot resolve listen host '%s': %s", host,
                           gai_strerror(e));
    for (struct addrinfo *a = res; a; a = a->ai_next) {
        if (a->ai_family == AF_INET) {
            pick = a;
            break;
        }
        if (a->ai_family == AF_INET6 && !pick)
            pick = a;
    }
    if (!pick || pick->ai_addrlen > sizeof *ss) {
        freeaddrinfo(res);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "listen host '%s' has no IP address", host);
    }
    memset(ss, 0, sizeof *ss);
    memcpy(ss, pick->ai_addr, pick->ai_addrlen);
    *len = pick->ai_addrlen;
    freeaddrinfo(res);
    return TJ_OK;
}

/* A listening socket on ss; the port actually bound goes back into ss. */
static enum tj_status open_listener(const char *addr, struct sockaddr_storage *ss, socklen_t len,
                                    int *out, struct tj_diag *diag)
{
    int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "cannot listen on %s: %s", addr, strerror(errno));
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    socklen_t got = sizeof *ss;
    if (bind(fd, (struct sockaddr *)ss, len) != 0 || listen(fd, SOMAXCONN) != 0 ||
        getsockname(fd, (struct sockaddr *)ss, &got) != 0) {
        int err = errno;
        close(fd);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "cannot listen on %s: %s", addr, strerror(err));
    }
    *out = fd;
    return TJ_OK;
}

unsigned tj_server_default_jobs(void)
{
    return TJ_SERVER_JOBS_DEFAULT;
}

/* The connection limit: as asked, but leaving descriptors for everything else. */
static unsigned connection_limit(unsigned want)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
        rlim_t spare = rl.rlim_cur > 256 ? rl.rlim_cur - 128 : rl.rlim_cur / 2;
        if (spare < want)
            want = spare < 16 ? 16 : (unsigned)spare;
    }
    return want;
}

enum tj_status tj_server_create(const struct tj_server_config *cfg, struct tj_server **out,
                                struct tj_diag *diag)
{
    const char *addr = cfg->listen ? cfg->listen : TJ_SERVER_LISTEN_DEFAULT;
    bool has_token = cfg->token && *cfg->token;
    char host[256], port[8];
    struct sockaddr_storage ss;
    socklen_t len = 0;
    int fd = -1;
    enum tj_status rc = parse_listen(addr, host, sizeof host, port, sizeof port, diag);
    if (rc != TJ_OK)
        return rc;
    rc = resolve(host, port, &ss, &len, diag);
    if (rc != TJ_OK)
        return rc;
    bool loopback = is_loopback(&ss);
    if (!has_token && !loopback)
        return tj_diag_set(diag, TJ_ERR_CONFIG,
                           "refusing to listen on %s without a token: it is not a loopback "
                           "address, so anyone who can reach it could use the API%s%s",
                           addr, cfg->token_hint ? "; " : "",
                           cfg->token_hint ? cfg->token_hint : "");
    if (cfg->nproviders == 0)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "no translation provider");
    if (cfg->max_jobs > TJ_SERVER_JOBS_MAX)
        return tj_diag_set(diag, TJ_ERR_USAGE, "at most %u translations at once",
                           TJ_SERVER_JOBS_MAX);
    struct tj_desk *desk = NULL;
    struct tj_desk_config dcfg = {.glossary = cfg->glossary,
                                  .files = cfg->glossary_files,
                                  .nfiles = cfg->nglossary_files,
                                  .date = cfg->glossary_date,
                                  .proposed = cfg->glossary_proposed,
                                  .path = cfg->desk_glossary};
    rc = tj_desk_create(&dcfg, &desk, diag);
    if (rc != TJ_OK)
        return rc;
    rc = open_listener(addr, &ss, len, &fd, diag);
    if (rc != TJ_OK) {
        tj_desk_destroy(desk);
        return rc;
    }

    struct tj_server *s = tj_xcalloc(1, sizeof *s);
    s->listen_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    s->providers = tj_xcalloc(cfg->nproviders, sizeof *s->providers);
    memcpy(s->providers, cfg->providers, cfg->nproviders * sizeof *s->providers);
    s->web_dir = tj_xstrdup(cfg->web_dir ? cfg->web_dir : "web");
    s->client = cfg->client;
    s->desk = desk;
    s->env = (struct tj_handler_env){.desk = desk,
                                     .providers = s->providers,
                                     .nproviders = cfg->nproviders,
                                     .fallback = cfg->fallback,
                                     .nfallback = cfg->nfallback < TJ_SERVER_MAX_FALLBACK
                                                      ? cfg->nfallback
                                                      : TJ_SERVER_MAX_FALLBACK,
                                     .client = &s->client,
                                     .web_dir = s->web_dir,
                                     .audit = cfg->audit,
                                     .audit_cls = cfg->audit_cls};
    snprintf(s->who, sizeof s->who, "local");
    if (has_token) {
        s->token = tj_xstrdup(cfg->token);
        s->token_len = strlen(s->token);
        /* Who a request with the token is, in audit lines: a fingerprint that names the token
         * without giving it away. */
        char hex[65];
        tj_native_sha256_hex(s->token, s->token_len, hex);
        snprintf(s->who, sizeof s->who, "%.8s", hex);
    }
    s->loopback_hosts_only = !has_token;
    s->body_max = cfg->body_max ? cfg->body_max : TJ_SERVER_BODY_MAX;
    s->log = cfg->log;
    s->log_cls = cfg->log_cls;
    unsigned max_jobs = cfg->max_jobs ? cfg->max_jobs : tj_server_default_jobs();
    s->jobs = tj_jobs_create(max_jobs);
    /* Bodies waiting for a slot are the memory a burst of uploads holds (up to body_max each):
     * two per job and a few more, then 503 before anything is read. */
    s->bodies_max = 2 * max_jobs + 16;
    s->conns = tj_conns_create((cfg->head_timeout ? cfg->head_timeout : 10) * 1000u,
                               (cfg->body_timeout ? cfg->body_timeout : 60) * 1000u);
    if (!s->conns) {
        close(fd);
        tj_server_destroy(s);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "cannot start the HTTP server on %s", addr);
    }

    char numeric[sizeof host];
    if (getnameinfo((struct sockaddr *)&ss, sizeof ss, numeric, sizeof numeric, NULL, 0,
                    NI_NUMERICHOST) != 0)
        snprintf(numeric, sizeof numeric, "%s", host);
    s->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    snprintf(s->url, sizeof s->url, ss.ss_family == AF_INET6 ? "http://[%s]:%u/" : "http://%s:%u/",
             numeric, s->port);

    /* epoll threads that never wait for a translation (jobs run on their own threads while
     * their connection is suspended); quiescing needs the inter-thread channel. */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (s->log)
        flags |= MHD_USE_ERROR_LOG;
    unsigned threads = cfg->threads ? cfg->threads : TJ_SERVER_THREADS;
    unsigned limit =
        connection_limit(cfg->connection_limit ? cfg->connection_limit : TJ_SERVER_CONNECTIONS);
    /* Off loopback, where clients are many and some hostile, one address may hold only so
     * many connections; on loopback only when asked. */
    unsigned per_ip = cfg->per_ip_limit ? cfg->per_ip_limit : loopback ? 0 : 64;
    struct MHD_OptionItem extra[3];
    size_t k = 0;
    if (threads > 1)
        extra[k++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
    if (per_ip)
        extra[k++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip, NULL};
    extra[k] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    /* The logger comes first so that it receives the messages about the other options. */
    s->daemon =
        MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_log, s,
                         MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd, MHD_OPTION_CONNECTION_LIMIT,
                         limit, MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout ? cfg->timeout : 15u,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
                         tj_conns_notify, s->conns, MHD_OPTION_ARRAY, extra, MHD_OPTION_END);
    if (!s->daemon) {
        close(fd);
        tj_server_destroy(s);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "cannot start the HTTP server on %s", addr);
    }
    *out = s;
    return TJ_OK;
}

void tj_server_quiesce(struct tj_server *s)
{
    if (s->quiesced)
        return;
    s->quiesced = true;
    tj_conns_drain(s->conns, 1000);
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    if (fd == MHD_INVALID_SOCKET)
        return;
    s->listen_fd = (int)fd;
    /* Connections the system accepted before the stop are answered: they are taken from the
     * queue and handed to the daemon. */
    int fl = fcntl(s->listen_fd, F_GETFL);
    if (fl != -1)
        fcntl(s->listen_fd, F_SETFL, fl | O_NONBLOCK);
    for (;;) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        int cfd = accept4(s->listen_fd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
        if (cfd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            break;
        }
        MHD_add_connection(s->daemon, cfd, (struct sockaddr *)&peer, plen);
    }
    /* Later ones are refused at once rather than left waiting in the queue; the descriptor
     * itself stays open until the daemon has stopped, as libmicrohttpd asks. */
    shutdown(s->listen_fd, SHUT_RDWR);
}

size_t tj_server_pending(const struct tj_server *s)
{
    return tj_conns_count(s->conns);
}

void tj_server_destroy(struct tj_server *s)
{
    if (!s)
        return;
    /* Every job is finished first: its connection is suspended until then, and a daemon must
     * not stop with suspended connections. */
    tj_jobs_destroy(s->jobs);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    if (s->listen_fd >= 0)
        close(s->listen_fd);
    tj_conns_destroy(s->conns);
    tj_desk_destroy(s->desk);
    pthread_mutex_destroy(&s->lock);
    free(s->providers);
    free(s->web_dir);
    if (s->token) {
        memset(s->token, 0, s->token_len);
        free(s->token);
    }
    free(s);
}

unsigned tj_server_port(const struct tj_server *s)
{
    return s->port;
}

const char *tj_server_url(const struct tj_server *s)
{
    return s->url;
}

void tj_h_audit(const struct tj_handler_env *env, const char *fmt, ...)
{
    if (!env->audit)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    env->audit(env->audit_cls, line);
}
