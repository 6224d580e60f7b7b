/* fake_provider: one loopback server speaking the wire format of six translation services,
 * with faults injected per run (command line, POST /_faults) or per request (the
 * X-Fake-Fault header), and every request counted (GET /_stats). See README.md.
 *
 * Each connection has its own thread (libmicrohttpd thread-per-connection), so latency and
 * hung connections stall only the request they are meant for. */
#include "fake.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LOG_MAX 32                    /* requests kept for GET /_requests */
#define LOG_BODY_MAX (16 * 1024)      /* bytes of each logged body */
#define DISCARD_MAX ((size_t)8 << 20) /* past the cap, bytes read before closing */
#define KEYED_MAX 64                  /* distinct X-Fake-Fault values counted for fail-first */
#define RPS_MAX 10000

struct fake_config fake_cfg = {.lt_char_limit = -1, .lt_batch_limit = -1};

static size_t max_body = 1 << 20;
static long hang_max_ms = 300000;
static bool verbose;
static volatile bool stopping;

/* ---- shared state (under lock) ----------------------------------------------------------- */

struct pstats {
    long requests, segments, chars, billed_segments, billed_chars, faults;
    long status[600];
    long hung;
};

static const struct fake_proto *const protos[] = {
    &fake_libretranslate, &fake_deepl, &fake_google, &fake_microsoft, &fake_mymemory, &fake_openai};
#define N_PROTOS (sizeof protos / sizeof protos[0])

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fake_faults run_faults;
static char run_spec[1024]; /* the spec run_faults was made from, for GET /_faults */
static struct pstats stats[N_PROTOS];
static long in_flight, max_in_flight, bytes_received, unrouted;
static long seen;    /* protocol requests since start or reset (fail-first) */
static uint64_t rng; /* xorshift64* state */
static long quota_used;
static json_t *log_ring[LOG_MAX];
static size_t log_next;
static struct {
    char key[256];
    long count;
} keyed[KEYED_MAX];
static size_t n_keyed;
static long rps_times[RPS_MAX]; /* ms of the last requests, a ring */
static size_t rps_next;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double rng_double(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (double)((rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

/* ---- fault specs -------------------------------------------------------------------------- */

static const struct {
    const char *name;
    unsigned flag;
} flag_names[] = {
    {"hang", FK_HANG},
    {"truncated", FK_TRUNCATED},
    {"half-json", FK_HALF_JSON},
    {"garbage", FK_GARBAGE},
    {"html-200", FK_HTML_200},
    {"html-502", FK_HTML_502},
    {"wrong-count", FK_WRONG_COUNT},
    {"empty", FK_EMPTY},
    {"echo", FK_ECHO},
    {"unwrap", FK_UNWRAP},
    {"drop-close", FK_DROP_CLOSE},
    {"alter-protected", FK_ALTER},
    {"drop-protected", FK_DROP_PROTECTED},
    {"drop-markup", FK_DROP_MARKUP},
    {"mangle-placeholders", FK_PLACEHOLDERS},
    {"rtl-style", FK_RTL_STYLE},
    {"quota", FK_QUOTA},
    {"user-rate", FK_USER_RATE},
    {"fence", FK_FENCE},
    {"chatter", FK_CHATTER},
    {"length", FK_LENGTH},
};

static void faults_clear(struct fake_faults *f)
{
    memset(f, 0, sizeof *f);
    f->latency_ms = -1;
    f->retry_after_s = -1;
    f->retry_after_ms = -1;
}

static bool parse_long(const char *v, long lo, long hi, long *out)
{
    if (!v || !*v)
        return false;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || *end || n < lo || n > hi)
        return false;
    *out = n;
    return true;
}

static bool is_status(const char *s)
{
    return strlen(s) == 3 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
           isdigit((unsigned char)s[2]) && s[0] >= '4' && s[0] <= '5';
}

/* The fault one name stands for (fail-with=NAME): a status or one flag. */
static bool parse_fail_with(const char *v, int *status, unsigned *flags)
{
    if (is_status(v)) {
        *status = atoi(v);
        *flags = 0;
        return true;
    }
    for (size_t k = 0; k < sizeof flag_names / sizeof flag_names[0]; k++)
        if (strcmp(flag_names[k].name, v) == 0) {
            *status = 0;
            *flags = flag_names[k].flag;
            return true;
        }
    return false;
}

/* Adds one item of a spec to f; false (and why in err) when it is not understood. */
static bool parse_item(struct fake_faults *f, const char *item, char *err, size_t errlen)
{
    char name[64];
    const char *eq = strchr(item, '=');
    const char *v = eq ? eq + 1 : NULL;
    size_t nl = eq ? (size_t)(eq - item) : strlen(item);
    if (nl >= sizeof name)
        nl = sizeof name - 1;
    memcpy(name, item, nl);
    name[nl] = '\0';
    long n;
    if (strcmp(name, "none") == 0 && !v) {
        faults_clear(f);
        return true;
    }
    if (is_status(name) && !v) {
        f->status = atoi(name);
        return true;
    }
    for (size_t k = 0; k < sizeof flag_names / sizeof flag_names[0]; k++)
        if (strcmp(flag_names[k].name, name) == 0 && !v) {
            f->flags |= flag_names[k].flag;
            return true;
        }
    if (strcmp(name, "status") == 0 && is_status(v ? v : "")) {
        f->status = atoi(v);
    } else if (strcmp(name, "latency") == 0 && parse_long(v, 0, 600000, &n)) {
        f->latency_ms = n;
    } else if (strcmp(name, "retry-after") == 0 && parse_long(v, 0, 86400, &n)) {
        f->retry_after_s = n;
    } else if (strcmp(name, "retry-after-ms") == 0 && parse_long(v, 0, 86400000, &n)) {
        f->retry_after_ms = n;
    } else if (strcmp(name, "fail-first") == 0 && parse_long(v, 0, 1000000000, &n)) {
        f->fail_first = n;
    } else if (strcmp(name, "fail-rate") == 0 && v) {
        char *end;
        double d = strtod(v, &end);
        if (*end || !(d >= 0.0 && d <= 1.0)) {
            snprintf(err, errlen, "fail-rate wants a number from 0 to 1, not '%s'", v);
            return false;
        }
        f->fail_rate = d;
    } else if (strcmp(name, "mangle") == 0 && v) {
        char *end;
        double d = strtod(v, &end);
        if (*end || !(d >= 0.0 && d <= 1.0)) {
            snprintf(err, errlen, "mangle wants a number from 0 to 1, not '%s'", v);
            return false;
        }
        f->mangle_rate = d;
    } else if (strcmp(name, "seed") == 0 && parse_long(v, 0, 0x7fffffffL, &n)) {
        f->has_seed = true;
        f->seed = (uint64_t)n;
    } else if (strcmp(name, "fail-with") == 0 && v &&
               parse_fail_with(v, &f->fail_status, &f->fail_flags)) {
        /* set */
    } else if (strcmp(name, "rps") == 0 && parse_long(v, 1, RPS_MAX, &n)) {
        f->rps = n;
    } else if (strcmp(name, "quota-chars") == 0 && parse_long(v, 1, 0x7fffffffL, &n)) {
        f->quota_chars = n;
    } else {
        snprintf(err, errlen, "unknown fault item '%s'", item);
        return false;
    }
    return true;
}

/* Parses a spec: items separated by commas, semicolons or spaces. */
static bool parse_spec(struct fake_faults *f, const char *spec, char *err, size_t errlen)
{
    char item[128];
    const char *p = spec;
    while (*p) {
        while (*p == ',' || *p == ';' || isspace((unsigned char)*p))
            p++;
        size_t n = strcspn(p, ",; \t\r\n");
        if (!n)
            break;
        if (n >= sizeof item) {
            snprintf(err, errlen, "fault item too long");
            return false;
        }
        memcpy(item, p, n);
        item[n] = '\0';
        if (!parse_item(f, item, err, errlen))
            return false;
        p += n;
    }
    return true;
}

/* Header items on top of the run's faults. */
static void merge(struct fake_faults *f, const struct fake_faults *h)
{
    if (h->latency_ms >= 0)
        f->latency_ms = h->latency_ms;
    if (h->status)
        f->status = h->status;
    if (h->retry_after_s >= 0)
        f->retry_after_s = h->retry_after_s;
    if (h->retry_after_ms >= 0)
        f->retry_after_ms = h->retry_after_ms;
    f->flags |= h->flags;
    if (h->rps)
        f->rps = h->rps;
    if (h->quota_chars)
        f->quota_chars = h->quota_chars;
    if (h->mangle_rate > 0)
        f->mangle_rate = h->mangle_rate;
    if (h->has_seed) {
        f->has_seed = true;
        f->seed = h->seed;
    }
}

static void apply_fail(struct fake_faults *f, const struct fake_faults *from)
{
    if (from->fail_status || from->fail_flags) {
        if (from->fail_status)
            f->status = from->fail_status;
        f->flags |= from->fail_flags;
    } else {
        f->status = 503;
    }
}

/* ---- request helpers --------------------------------------------------------------------- */

const char *fake_header(const struct fake_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *fake_arg(const struct fake_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct args_ctx {
    const char *name;
    const char **out;
    size_t max, n;
};

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value)
{
    (void)kind;
    struct args_ctx *c = cls;
    if (key && strcmp(key, c->name) == 0) {
        if (c->n < c->max)
            c->out[c->n] = value ? value : "";
        c->n++;
    }
    return MHD_YES;
}

size_t fake_args(const struct fake_req *req, const char *name, const char **out, size_t max)
{
    struct args_ctx c = {name, out, max, 0};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, on_arg, &c);
    return c.n;
}

bool fake_is_json(const struct fake_req *req)
{
    const char *ct = fake_header(req, "Content-Type");
    return ct && strncasecmp(ct, "application/json", 16) == 0;
}

bool fake_quota_take(const struct fake_req *req, long chars)
{
    bool ok = true;
    pthread_mutex_lock(&lock);
    if (req->faults.quota_chars > 0 && quota_used + chars > req->faults.quota_chars)
        ok = false;
    else
        quota_used += chars;
    pthread_mutex_unlock(&lock);
    return ok;
}

long fake_quota_used(void)
{
    pthread_mutex_lock(&lock);
    long n = quota_used;
    pthread_mutex_unlock(&lock);
    return n;
}

/* ---- response helpers -------------------------------------------------------------------- */

static void resp_body(struct fake_resp *resp, int status, const char *ctype, char *take)
{
    fbuf_free(&resp->body);
    resp->status = status;
    resp->ctype = ctype;
    resp->body.p = take;
    resp->body.len = strlen(take);
    resp->body.cap = resp->body.len + 1;
}

void fake_resp_json(struct fake_resp *resp, int status, json_t *take)
{
    char *s = json_dumps(take, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(take);
    resp_body(resp, status, "application/json", s ? s : fake_xstrdup("{}"));
}

void fake_resp_json_pretty(struct fake_resp *resp, int status, json_t *take)
{
    char *s = json_dumps(take, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    json_decref(take);
    struct fbuf b = {0};
    fbuf_puts(&b, s ? s : "{}");
    fbuf_putc(&b, '\n');
    free(s);
    resp_body(resp, status, "application/json; charset=UTF-8", fbuf_take(&b));
}

void fake_resp_text(struct fake_resp *resp, int status, const char *ctype, const char *text)
{
    resp_body(resp, status, ctype, fake_xstrdup(text));
}

void fake_resp_header(struct fake_resp *resp, const char *name, const char *value)
{
    if (resp->nhdr >= FAKE_MAX_HEADERS)
        return;
    snprintf(resp->hname[resp->nhdr], sizeof resp->hname[0], "%s", name);
    snprintf(resp->hval[resp->nhdr], sizeof resp->hval[0], "%s", value);
    resp->nhdr++;
}

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Request Entity Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Temporarily Unavailable";
    case 504:
        return "Gateway Time-out";
    default:
        return "Error";
    }
}

void fake_resp_html_error(struct fake_resp *resp, int status)
{
    struct fbuf b = {0};
    fbuf_printf(&b,
                "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d "
                "%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
                status, reason(status), status, reason(status));
    resp_body(resp, status, "text/html", fbuf_take(&b));
}

/* ---- stats and the request log ---------------------------------------------------------- */

static json_t *pstats_json(const struct pstats *p)
{
    json_t *st = json_object();
    for (int s = 100; s < 600; s++)
        if (p->status[s]) {
            char k[8];
            snprintf(k, sizeof k, "%d", s);
            json_object_set_new(st, k, json_integer(p->status[s]));
        }
    if (p->hung)
        json_object_set_new(st, "hung", json_integer(p->hung));
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "requests", (json_int_t)p->requests,
                     "segments", (json_int_t)p->segments, "characters", (json_int_t)p->chars,
                     "billed_segments", (json_int_t)p->billed_segments, "billed_characters",
                     (json_int_t)p->billed_chars, "faults", (json_int_t)p->faults, "status", st);
}

static json_t *stats_json(void)
{
    struct pstats all = {0};
    json_t *per = json_object();
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < N_PROTOS; i++) {
        const struct pstats *p = &stats[i];
        all.requests += p->requests;
        all.segments += p->segments;
        all.chars += p->chars;
        all.billed_segments += p->billed_segments;
        all.billed_chars += p->billed_chars;
        all.faults += p->faults;
        all.hung += p->hung;
        for (int s = 0; s < 600; s++)
            all.status[s] += p->status[s];
        json_object_set_new(per, protos[i]->name, pstats_json(p));
    }
    json_t *j = pstats_json(&all);
    json_object_set_new(j, "in_flight", json_integer(in_flight));
    json_object_set_new(j, "max_in_flight", json_integer(max_in_flight));
    json_object_set_new(j, "bytes", json_integer(bytes_received));
    json_object_set_new(j, "unrouted", json_integer(unrouted));
    json_object_set_new(j, "quota_used", json_integer(quota_used));
    pthread_mutex_unlock(&lock);
    json_object_set_new(j, "protocols", per);
    return j;
}

static enum MHD_Result on_header_log(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    (void)kind;
    json_array_append_new(cls, json_pack("[s,s]", key ? key : "", value ? value : ""));
    return MHD_YES;
}

/* A JSON string of bytes that may not be UTF-8 (bad bytes become '?'). */
static json_t *lossy_string(const char *s, size_t len)
{
    json_t *j = json_stringn(s, len);
    if (j)
        return j;
    char *c = fake_xstrndup(s, len);
    for (size_t i = 0; i < len;) {
        unsigned char u = (unsigned char)c[i];
        size_t need = u < 0x80                 ? 0
                      : u >= 0xC2 && u <= 0xDF ? 1
                      : u >= 0xE0 && u <= 0xEF ? 2
                      : u >= 0xF0 && u <= 0xF4 ? 3
                                               : 9;
        bool ok = need != 9 && i + need < len;
        for (size_t k = 1; ok && k <= need; k++)
            ok = ((unsigned char)c[i + k] & 0xC0) == 0x80;
        if (!ok) {
            c[i++] = '?';
            continue;
        }
        i += need + 1;
    }
    j = json_stringn(c, len);
    free(c);
    return j ? j : json_string("");
}

static void log_request(const struct fake_req *req, const char *proto, const char *url,
                        const struct fake_resp *resp, bool hung)
{
    json_t *h = json_array(), *a = json_array();
    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, on_header_log, h);
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, on_header_log, a);
    size_t blen = req->body_len < LOG_BODY_MAX ? req->body_len : LOG_BODY_MAX;
    json_t *e = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I,s:I,s:b}", "protocol", proto, "method",
                          req->method, "url", url, "args", a, "headers", h, "body",
                          lossy_string(req->body, blen), "body_bytes", (json_int_t)req->body_len,
                          "segments", (json_int_t)req->segments, "characters",
                          (json_int_t)req->chars, "billed", req->billed);
    if (hung)
        json_object_set_new(e, "status", json_string("hung"));
    else
        json_object_set_new(e, "status", json_integer(resp->status));
    pthread_mutex_lock(&lock);
    json_decref(log_ring[log_next]);
    log_ring[log_next] = e;
    log_next = (log_next + 1) % LOG_MAX;
    pthread_mutex_unlock(&lock);
}

static json_t *log_json(void)
{
    json_t *a = json_array();
    pthread_mutex_lock(&lock);
    for (size_t k = 0; k < LOG_MAX; k++) {
        json_t *e = log_ring[(log_next + k) % LOG_MAX];
        if (e)
            json_array_append(a, e);
    }
    pthread_mutex_unlock(&lock);
    return a;
}

static void reset_state(void)
{
    pthread_mutex_lock(&lock);
    memset(stats, 0, sizeof stats);
    max_in_flight = in_flight;
    bytes_received = unrouted = seen = quota_used = 0;
    rng = run_faults.has_seed ? run_faults.seed * 2654435761u + 1 : 0x9E3779B97F4A7C15ULL;
    for (size_t k = 0; k < LOG_MAX; k++) {
        json_decref(log_ring[k]);
        log_ring[k] = NULL;
    }
    log_next = 0;
    n_keyed = 0;
    memset(rps_times, 0, sizeof rps_times);
    rps_next = 0;
    pthread_mutex_unlock(&lock);
}

/* ---- sending ------------------------------------------------------------------------------ */

struct cut {
    char *body;
    size_t send; /* bytes sent before the connection is dropped */
};

static ssize_t cut_reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct cut *c = cls;
    if (pos >= c->send)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    size_t n = c->send - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, c->body + pos, n);
    return (ssize_t)n;
}

static void cut_free(void *cls)
{
    struct cut *c = cls;
    free(c->body);
    free(c);
}

static enum MHD_Result send_resp(struct MHD_Connection *conn, struct fake_resp *resp,
                                 bool truncated)
{
    struct MHD_Response *r;
    size_t len = resp->body.len;
    char *body = fbuf_take(&resp->body);
    if (truncated) {
        struct cut *c = fake_xmalloc(sizeof *c);
        c->body = body;
        c->send = len / 2;
        r = MHD_create_response_from_callback(len, 4096, cut_reader, c, cut_free);
    } else {
        r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    }
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", resp->ctype ? resp->ctype : "application/json");
    for (int k = 0; k < resp->nhdr; k++)
        MHD_add_response_header(r, resp->hname[k], resp->hval[k]);
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void sleep_ms(long ms)
{
    long until = now_ms() + ms;
    while (!stopping) {
        long left = until - now_ms();
        if (left <= 0)
            break;
        struct timespec ts = {0, (left > 50 ? 50 : left) * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* Holds the connection without answering until the client gives up (or hang_max_ms). */
static void hang(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    int fd = ci ? ci->connect_fd : -1;
    long until = now_ms() + hang_max_ms;
    while (!stopping && now_ms() < until) {
        if (fd < 0) {
            sleep_ms(100);
            continue;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN | POLLRDHUP};
        int r = poll(&p, 1, 100);
        if (r <= 0)
            continue;
        if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL))
            return;
        char c;
        ssize_t k = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
        if (k == 0)
            return;
        sleep_ms(100); /* a pipelined request waiting: keep holding */
    }
}

/* ---- control routes ---------------------------------------------------------------------- */

static enum MHD_Result control(struct MHD_Connection *conn, const char *url, const char *method,
                               const char *body)
{
    struct fake_resp resp = {0};
    bool get = strcmp(method, "GET") == 0, post = strcmp(method, "POST") == 0;
    if (strcmp(url, "/_stats") == 0 && get) {
        fake_resp_json_pretty(&resp, 200, stats_json());
    } else if (strcmp(url, "/_reset") == 0 && post) {
        reset_state();
        fake_resp_json(&resp, 200, json_pack("{s:b}", "reset", 1));
    } else if (strcmp(url, "/_requests") == 0 && get) {
        fake_resp_json_pretty(&resp, 200, log_json());
    } else if (strcmp(url, "/_faults") == 0 && (get || post)) {
        if (post) {
            struct fake_faults f;
            char err[256];
            faults_clear(&f);
            if (!parse_spec(&f, body, err, sizeof err)) {
                fake_resp_json(&resp, 400, json_pack("{s:s}", "error", err));
                return send_resp(conn, &resp, false);
            }
            pthread_mutex_lock(&lock);
            run_faults = f;
            snprintf(run_spec, sizeof run_spec, "%s", body);
            seen = 0;
            n_keyed = 0;
            if (f.has_seed)
                rng = f.seed * 2654435761u + 1;
            pthread_mutex_unlock(&lock);
        }
        pthread_mutex_lock(&lock);
        json_t *j = json_pack("{s:s}", "faults", run_spec);
        pthread_mutex_unlock(&lock);
        fake_resp_json(&resp, 200, j);
    } else if (strcmp(url, "/_health") == 0 && get) {
        fake_resp_json(&resp, 200, json_pack("{s:s}", "status", "ok"));
    } else {
        fake_resp_json(&resp, 404, json_pack("{s:s}", "error", "no such control route"));
    }
    return send_resp(conn, &resp, false);
}

/* ---- routing ------------------------------------------------------------------------------ */

static const struct fake_proto *route(struct MHD_Connection *conn, const char *url,
                                      const char **sub)
{
    for (size_t i = 0; i < N_PROTOS; i++) {
        size_t n = strlen(protos[i]->name);
        if (url[0] == '/' && strncmp(url + 1, protos[i]->name, n) == 0 &&
            (url[n + 1] == '/' || url[n + 1] == '\0')) {
            *sub = url + n + 1;
            return protos[i];
        }
    }
    *sub = url;
    if (strcmp(url, "/translate") == 0) {
        bool ms = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "api-version") ||
                  MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Ocp-Apim-Subscription-Key");
        return ms ? &fake_microsoft : &fake_libretranslate;
    }
    if (strncmp(url, "/v2/", 4) == 0)
        return &fake_deepl;
    if (strncmp(url, "/language/translate/", 20) == 0)
        return &fake_google;
    if (strcmp(url, "/get") == 0)
        return &fake_mymemory;
    if (strcmp(url, "/v1/chat/completions") == 0 || strcmp(url, "/chat/completions") == 0)
        return &fake_openai;
    return NULL;
}

static size_t proto_index(const struct fake_proto *p)
{
    for (size_t i = 0; i < N_PROTOS; i++)
        if (protos[i] == p)
            return i;
    return 0;
}

/* ---- serving ------------------------------------------------------------------------------ */

struct conn_state {
    struct fbuf body;
    size_t received;
    bool too_big;
};

/* Decides the faults of this request: the run's, the header's, fail-first, fail-rate, rps. */
static bool effective_faults(const char *hdr, struct fake_faults *f, char *err, size_t errlen)
{
    struct fake_faults h;
    faults_clear(&h);
    if (hdr && !parse_spec(&h, hdr, err, errlen))
        return false;
    pthread_mutex_lock(&lock);
    *f = run_faults;
    merge(f, &h);
    seen++;
    if ((run_faults.fail_first > 0 && seen <= run_faults.fail_first) ||
        (run_faults.fail_rate > 0 && rng_double() < run_faults.fail_rate))
        apply_fail(f, &run_faults);
    if (hdr && (h.fail_first > 0 || h.fail_rate > 0)) {
        size_t k;
        for (k = 0; k < n_keyed; k++)
            if (strcmp(keyed[k].key, hdr) == 0)
                break;
        if (k == n_keyed && n_keyed < KEYED_MAX) {
            snprintf(keyed[k].key, sizeof keyed[k].key, "%s", hdr);
            keyed[k].count = 0;
            n_keyed++;
        }
        long count = k < KEYED_MAX ? ++keyed[k].count : 0;
        if ((h.fail_first > 0 && count <= h.fail_first) ||
            (h.fail_rate > 0 && rng_double() < h.fail_rate))
            apply_fail(f, &h);
    }
    if (f->rps > 0) {
        long t = now_ms();
        /* the request f->rps places back in the ring */
        size_t back = (rps_next + RPS_MAX - (size_t)f->rps) % RPS_MAX;
        if (rps_times[back] && t - rps_times[back] < 1000) {
            if (!f->status && !(f->flags & FK_PREEMPT))
                f->status = 429;
        } else {
            rps_times[rps_next] = t;
            rps_next = (rps_next + 1) % RPS_MAX;
        }
    }
    pthread_mutex_unlock(&lock);
    return true;
}

static void fault_names(const struct fake_faults *f, struct fbuf *b)
{
    if (f->status)
        fbuf_printf(b, " %d", f->status);
    for (size_t k = 0; k < sizeof flag_names / sizeof flag_names[0]; k++)
        if (f->flags & flag_names[k].flag)
            fbuf_printf(b, " %s", flag_names[k].name);
    if (f->latency_ms > 0)
        fbuf_printf(b, " latency=%ld", f->latency_ms);
    if (f->mangle_rate > 0)
        fbuf_printf(b, " mangle=%g", f->mangle_rate);
}

static enum MHD_Result serve(struct MHD_Connection *conn, const char *url, const char *method,
                             struct conn_state *st)
{
    const char *body = st->body.p ? st->body.p : "";
    if (strncmp(url, "/_", 2) == 0)
        return control(conn, url, method, body);

    const char *sub;
    const struct fake_proto *proto = route(conn, url, &sub);
    struct fake_resp resp = {0};
    if (!proto) {
        pthread_mutex_lock(&lock);
        unrouted++;
        pthread_mutex_unlock(&lock);
        fake_resp_json(&resp, 404, json_pack("{s:s}", "error", "no fake service at this path"));
        return send_resp(conn, &resp, false);
    }

    struct fake_req req = {
        .conn = conn, .method = method, .path = sub, .body = body, .body_len = st->body.len};
    char err[256];
    if (!effective_faults(fake_header(&req, "X-Fake-Fault"), &req.faults, err, sizeof err)) {
        fake_resp_text(&resp, 400, "text/plain", err);
        return send_resp(conn, &resp, false);
    }
    struct fake_faults *f = &req.faults;
    size_t pi = proto_index(proto);
    pthread_mutex_lock(&lock);
    stats[pi].requests++;
    bytes_received += (long)st->received;
    if (++in_flight > max_in_flight)
        max_in_flight = in_flight;
    pthread_mutex_unlock(&lock);

    if (f->latency_ms > 0)
        sleep_ms(f->latency_ms);

    bool injected = f->status || f->flags || f->mangle_rate > 0;
    bool hung = false;
    enum MHD_Result ret;
    if (f->flags & FK_HANG) {
        req.count_only = true;
        proto->handle(&req, &resp);
        hang(conn);
        hung = true;
        ret = MHD_NO;
    } else {
        if (st->too_big) {
            fake_resp_html_error(&resp, 413);
        } else {
            bool preempt = f->status || (f->flags & FK_PREEMPT);
            req.count_only = preempt;
            proto->handle(&req, &resp);
            if (preempt) {
                req.billed = false;
                if ((f->flags & FK_HTML_502) || f->status == 502)
                    fake_resp_html_error(&resp, 502);
                else if (f->flags & FK_QUOTA)
                    proto->fail(&req, &resp, FAKE_QUOTA);
                else if (f->flags & FK_USER_RATE)
                    proto->fail(&req, &resp, FAKE_USER_RATE);
                else
                    proto->fail(&req, &resp, f->status);
            }
            if (f->flags & FK_GARBAGE)
                fake_resp_text(&resp, 200, "application/json",
                               "\x1f\x8b\x08 garbage {\"translations\": [ <<<< not json");
            else if (f->flags & FK_HTML_200)
                fake_resp_text(&resp, 200, "text/html; charset=utf-8",
                               "<!DOCTYPE html>\n<html><head><title>Service "
                               "maintenance</title></head>\n<body><h1>We'll be back "
                               "soon</h1><p>The service is down for maintenance.</p></body>"
                               "</html>\n");
            if ((f->flags & FK_HALF_JSON) && resp.body.len > 1) {
                resp.body.len /= 2;
                resp.body.p[resp.body.len] = '\0';
            }
        }
        if (resp.status >= 400) {
            char v[32];
            if (f->retry_after_s >= 0) {
                snprintf(v, sizeof v, "%ld", f->retry_after_s);
                fake_resp_header(&resp, "Retry-After", v);
            }
            if (f->retry_after_ms >= 0) {
                snprintf(v, sizeof v, "%ld", f->retry_after_ms);
                fake_resp_header(&resp, "retry-after-ms", v);
            }
        }
        ret = MHD_YES;
    }

    log_request(&req, proto->name, url, &resp, hung);
    pthread_mutex_lock(&lock);
    struct pstats *p = &stats[pi];
    p->segments += req.segments;
    p->chars += req.chars;
    if (req.billed) {
        p->billed_segments += req.segments;
        p->billed_chars += req.chars;
    }
    if (injected)
        p->faults++;
    if (hung)
        p->hung++;
    else if (resp.status >= 100 && resp.status < 600)
        p->status[resp.status]++;
    in_flight--;
    pthread_mutex_unlock(&lock);

    if (verbose) {
        struct fbuf b = {0};
        fault_names(f, &b);
        fprintf(stderr, "fake: %s %s -> %s %s%d, %ld segments, %ld chars%s%s%s\n", method, url,
                proto->name, hung ? "hung " : "", hung ? 0 : resp.status, req.segments, req.chars,
                b.len ? " [faults:" : "", b.len ? b.p : "", b.len ? "]" : "");
        fbuf_free(&b);
    }
    if (hung) {
        fbuf_free(&resp.body);
        return ret;
    }
    return send_resp(conn, &resp, (f->flags & FK_TRUNCATED) != 0);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct conn_state *st = *con_cls;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st)
            return MHD_NO;
        *con_cls = st;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        st->received += n;
        if (!st->too_big && st->body.len + n <= max_body)
            fbuf_add(&st->body, upload_data, n);
        else
            st->too_big = true;
        *upload_data_size = 0;
        return st->received > max_body + DISCARD_MAX ? MHD_NO : MHD_YES;
    }
    return serve(conn, url, method, st);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    struct conn_state *st = *con_cls;
    if (st) {
        fbuf_free(&st->body);
        free(st);
        *con_cls = NULL;
    }
}

/* ---- start-up ---------------------------------------------------------------------------- */

static void usage(FILE *out)
{
    fputs("usage: fake_provider --port N [options]\n"
          "Serves LibreTranslate, DeepL, Google v2, Microsoft v3, MyMemory and OpenAI-compatible\n"
          "chat completions on 127.0.0.1:N (0: a free port; \"port N\" is printed first).\n"
          "  --key K            the only key accepted (default: any key; none where the service\n"
          "                     allows)\n"
          "  --region R         Microsoft: the region the key belongs to\n"
          "  --model M          OpenAI: the only model that exists\n"
          "  --fault SPEC       faults for every request (repeatable); see README.md\n"
          "  --latency MS       same as --fault latency=MS\n"
          "  --fail-rate P      same as --fault fail-rate=P\n"
          "  --seed N           same as --fault seed=N (also seeds --mangle-rate)\n"
          "  --mangle-rate P    same as --fault mangle=P: that share of protected spans,\n"
          "                     placeholders and pinned names comes back mangled\n"
          "  --fail-first N     same as --fault fail-first=N\n"
          "  --fail-with NAME   same as --fault fail-with=NAME (default 503)\n"
          "  --rps N            same as --fault rps=N\n"
          "  --quota CHARS      same as --fault quota-chars=CHARS\n"
          "  --max-body BYTES   request bodies above this get 413 (default 1048576)\n"
          "  --hang-max-ms MS   longest a hung connection is held (default 300000)\n"
          "  --lt-char-limit N  LibreTranslate --char-limit (default none)\n"
          "  --lt-batch-limit N LibreTranslate --batch-limit (default none)\n"
          "  --exit-with-parent exit when the process that started the fake dies\n"
          "  -v, --verbose      one line per request on stderr\n",
          out);
}

static void add_fault(const char *spec)
{
    char err[256];
    if (!parse_spec(&run_faults, spec, err, sizeof err)) {
        fprintf(stderr, "fake_provider: %s\n", err);
        exit(2);
    }
    size_t n = strlen(run_spec);
    snprintf(run_spec + n, sizeof run_spec - n, "%s%s", n ? "," : "", spec);
}

int main(int argc, char **argv)
{
    long port = -1;
    bool exit_with_parent = false;
    faults_clear(&run_faults);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char spec[256];
        long n;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            verbose = true;
            continue;
        } else if (strcmp(a, "--exit-with-parent") == 0) {
            exit_with_parent = true;
            continue;
        }
        if (!v) {
            fprintf(stderr, "fake_provider: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (strcmp(a, "--port") == 0 && parse_long(v, 0, 65535, &n)) {
            port = n;
        } else if (strcmp(a, "--key") == 0) {
            fake_cfg.key = v;
        } else if (strcmp(a, "--region") == 0) {
            fake_cfg.region = v;
        } else if (strcmp(a, "--model") == 0) {
            fake_cfg.model = v;
        } else if (strcmp(a, "--fault") == 0) {
            add_fault(v);
        } else if (strcmp(a, "--latency") == 0 || strcmp(a, "--fail-rate") == 0 ||
                   strcmp(a, "--seed") == 0 || strcmp(a, "--fail-first") == 0 ||
                   strcmp(a, "--fail-with") == 0 || strcmp(a, "--rps") == 0) {
            snprintf(spec, sizeof spec, "%s=%s", a + 2, v);
            add_fault(spec);
        } else if (strcmp(a, "--mangle-rate") == 0) {
            snprintf(spec, sizeof spec, "mangle=%s", v);
            add_fault(spec);
        } else if (strcmp(a, "--quota") == 0) {
            snprintf(spec, sizeof spec, "quota-chars=%s", v);
            add_fault(spec);
        } else if (strcmp(a, "--max-body") == 0 && parse_long(v, 1, 1L << 30, &n)) {
            max_body = (size_t)n;
        } else if (strcmp(a, "--hang-max-ms") == 0 && parse_long(v, 0, 86400000, &n)) {
            hang_max_ms = n;
        } else if (strcmp(a, "--lt-char-limit") == 0 && parse_long(v, -1, 1L << 30, &n)) {
            fake_cfg.lt_char_limit = n;
        } else if (strcmp(a, "--lt-batch-limit") == 0 && parse_long(v, -1, 1L << 30, &n)) {
            fake_cfg.lt_batch_limit = n;
        } else {
            fprintf(stderr, "fake_provider: bad option %s %s\n", a, v);
            usage(stderr);
            return 2;
        }
    }
    if (port < 0) {
        usage(stderr);
        return 2;
    }
    if (exit_with_parent) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() == 1)
            return 1;
    }
    reset_state();

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t slen = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 128) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &slen) != 0) {
        fprintf(stderr, "fake_provider: cannot listen on 127.0.0.1:%ld: %s\n", port,
                strerror(errno));
        return 1;
    }

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO, 0, NULL,
        NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
        MHD_OPTION_CONNECTION_LIMIT, 512u, MHD_OPTION_CONNECTION_TIMEOUT, 300u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fake_provider: cannot start the server\n");
        return 1;
    }
    printf("port %u\n", (unsigned)ntohs(sa.sin_port));
    fflush(stdout);

    int sig;
    sigwait(&set, &sig);
    stopping = true;
    MHD_stop_daemon(d);
    reset_state();
    return 0;
}
