/* One libcurl multi handle, a FIFO of requests waiting for a slot, and per-transfer buffers
 * for the response's headers and its capped body. */
#include "http.h"

#include "buf.h"
#include "config.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct xfer {
    struct tj_http *h;
    CURL *easy;
    struct curl_slist *slist;
    const struct tj_http_request *req;
    tj_http_done_fn done;
    void *ud;
    struct tj_buf body;
    char **headers; /* the final response's header lines */
    size_t nheaders, aheaders;
    bool too_big;
    char errbuf[CURL_ERROR_SIZE];
    struct xfer *next, *prev; /* in the queue (next only), or in the running list */
};

struct tj_http {
    CURLM *multi;
    struct tj_http_options opts;
    char *user_agent;
    struct xfer *queue_head, *queue_tail;
    struct xfer *active; /* running transfers, doubly linked */
    size_t queued, running;
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct tj_http *tj_http_create(const struct tj_http_options *opts)
{
    pthread_once(&global_once, global_init);
    struct tj_http *h = tj_xcalloc(1, sizeof *h);
    if (opts)
        h->opts = *opts;
    if (!h->opts.max_in_flight)
        h->opts.max_in_flight = 4;
    if (h->opts.timeout <= 0)
        h->opts.timeout = 30;
    if (h->opts.connect_timeout <= 0)
        h->opts.connect_timeout = 10;
    if (h->opts.connect_timeout > h->opts.timeout)
        h->opts.connect_timeout = h->opts.timeout;
    if (!h->opts.max_response_bytes)
        h->opts.max_response_bytes = (size_t)16 << 20;
    h->user_agent = tj_xstrdup(h->opts.user_agent ? h->opts.user_agent : "tarjim/" TJ_VERSION);
    h->opts.user_agent = h->user_agent;
    h->multi = curl_multi_init();
    if (!h->multi)
        abort();
    /* Connections to one service are reused: keep a few per host beyond those in flight. */
    curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)h->opts.max_in_flight);
    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, (long)h->opts.max_in_flight * 2);
    curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    return h;
}

static void xfer_free(struct xfer *x)
{
    if (x->easy)
        curl_easy_cleanup(x->easy);
    curl_slist_free_all(x->slist);
    tj_buf_finish(&x->body);
    for (size_t i = 0; i < x->nheaders; i++)
        free(x->headers[i]);
    free(x->headers);
    free(x);
}

/* Calls the callback of x with a failure and frees it. */
static void fail_xfer(struct xfer *x, enum tj_http_fail fail, const char *message)
{
    x->done(x->ud, NULL, fail, message);
    xfer_free(x);
}

size_t tj_http_cancel(struct tj_http *h)
{
    if (!h)
        return 0;
    /* The lists are taken first: a callback may submit again, into empty ones. */
    struct xfer *queued = h->queue_head, *active = h->active;
    h->queue_head = h->queue_tail = NULL;
    h->active = NULL;
    h->queued = h->running = 0;
    size_t n = 0;
    while (queued) {
        struct xfer *x = queued;
        queued = x->next;
        fail_xfer(x, TJ_HTTP_CANCELLED, "cancelled");
        n++;
    }
    while (active) {
        struct xfer *x = active;
        active = x->next;
        curl_multi_remove_handle(h->multi, x->easy);
        fail_xfer(x, TJ_HTTP_CANCELLED, "cancelled");
        n++;
    }
    return n;
}

void tj_http_destroy(struct tj_http *h)
{
    if (!h)
        return;
    tj_http_cancel(h);
    curl_multi_cleanup(h->multi);
    free(h->user_agent);
    free(h);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb;
    if (tj_buf_append(&x->body, data, n) != TJ_OK) {
        x->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    struct xfer *x = ud;
    size_t n = size * nmemb, len = n;
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        len--;
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        /* A new status line (after a 100 Continue): keep only the last response's headers. */
        for (size_t i = 0; i < x->nheaders; i++)
            free(x->headers[i]);
        x->nheaders = 0;
        return n;
    }
    if (len == 0)
        return n;
    if (x->nheaders >= 200 || len > 8192) /* headers are capped like bodies */
        return n;
    if (x->nheaders == x->aheaders) {
        x->aheaders = x->aheaders ? x->aheaders * 2 : 16;
        x->headers = tj_xreallocarray(x->headers, x->aheaders, sizeof *x->headers);
    }
    x->headers[x->nheaders++] = tj_xstrndup(data, len);
    return n;
}

static void start(struct tj_http *h, struct xfer *x)
{
    const struct tj_http_request *req = x->req;
    CURL *e = curl_easy_init();
    if (!e) {
        fail_xfer(x, TJ_HTTP_TRANSFER, "cannot create a transfer");
        return;
    }
    x->easy = e;
    curl_easy_setopt(e, CURLOPT_URL, req->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, (char *)x);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_USERAGENT, h->user_agent);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(h->opts.timeout * 1000));
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(h->opts.connect_timeout * 1000));
    /* No redirects: a key sent to one host must never follow a Location to another. */
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
    if (req->method && strcmp(req->method, "POST") == 0) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "");
    } else if (req->method && strcmp(req->method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    }
    /* A request waits for no 100 Continue: one round trip fewer per batch. */
    x->slist = curl_slist_append(x->slist, "Expect:");
    for (char **hd = req->headers; hd && *hd; hd++)
        x->slist = curl_slist_append(x->slist, *hd);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, x->slist);
    if (curl_multi_add_handle(h->multi, e) != CURLM_OK) {
        fail_xfer(x, TJ_HTTP_TRANSFER, "cannot start a transfer");
        return;
    }
    x->prev = NULL;
    x->next = h->active;
    if (h->active)
        h->active->prev = x;
    h->active = x;
    h->running++;
}

void tj_http_submit(struct tj_http *h, const struct tj_http_request *req, tj_http_done_fn done,
                    void *ud)
{
    struct xfer *x = tj_xcalloc(1, sizeof *x);
    x->h = h;
    x->req = req;
    x->done = done;
    x->ud = ud;
    tj_buf_init(&x->body, h->opts.max_response_bytes);
    if (h->queue_tail)
        h->queue_tail->next = x;
    else
        h->queue_head = x;
    h->queue_tail = x;
    h->queued++;
}

static void fill_slots(struct tj_http *h)
{
    while (h->queue_head && h->running < h->opts.max_in_flight) {
        struct xfer *x = h->queue_head;
        h->queue_head = x->next;
        if (!h->queue_head)
            h->queue_tail = NULL;
        x->next = NULL;
        h->queued--;
        start(h, x);
    }
}

static enum tj_http_fail classify(CURLcode code, bool too_big)
{
    if (too_big)
        return TJ_HTTP_TOO_BIG;
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        return TJ_HTTP_TIMEOUT;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return TJ_HTTP_CONNECT;
    default:
        return TJ_HTTP_TRANSFER;
    }
}

/* Calls the callbacks of the transfers that ended. */
static size_t reap(struct tj_http *h)
{
    size_t done = 0;
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(h->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *e = msg->easy_handle;
        CURLcode code = msg->data.result;
        struct xfer *x = NULL;
        curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&x);
        curl_multi_remove_handle(h->multi, e);
        if (x->prev)
            x->prev->next = x->next;
        else
            h->active = x->next;
        if (x->next)
            x->next->prev = x->prev;
        h->running--;
        done++;
        if (code != CURLE_OK) {
            char message[CURL_ERROR_SIZE + 64];
            const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(code);
            /* The error text may quote the URL; a query string can hold a key. */
            size_t keep = strcspn(detail, "?");
            if (x->too_big)
                snprintf(message, sizeof message, "response larger than %zu bytes",
                         h->opts.max_response_bytes);
            else
                snprintf(message, sizeof message, "%.*s", (int)keep, detail);
            fail_xfer(x, classify(code, x->too_big), message);
            continue;
        }
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        struct tj_http_response resp = {
            .status = status,
            .headers = (const char *const *)x->headers,
            .nheaders = x->nheaders,
            .body = x->body.data ? x->body.data : "",
            .len = x->body.len,
        };
        x->done(x->ud, &resp, TJ_HTTP_OK, NULL);
        xfer_free(x);
    }
    return done;
}

size_t tj_http_step(struct tj_http *h, double wait)
{
    fill_slots(h);
    int still = 0;
    curl_multi_perform(h->multi, &still);
    size_t done = reap(h);
    if (done == 0 && h->running > 0 && wait > 0) {
        int numfds = 0;
        curl_multi_poll(h->multi, NULL, 0, (int)(wait * 1000), &numfds);
        curl_multi_perform(h->multi, &still);
        done += reap(h);
    }
    fill_slots(h);
    return done;
}

size_t tj_http_pending(const struct tj_http *h)
{
    return h->queued + h->running;
}

size_t tj_http_running(const struct tj_http *h)
{
    return h->running;
}

const char *tj_http_header(const struct tj_http_response *resp, const char *name, size_t *len)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < resp->nheaders; i++) {
        const char *line = resp->headers[i];
        if (strncasecmp(line, name, n) != 0 || line[n] != ':')
            continue;
        const char *v = line + n + 1;
        while (*v == ' ' || *v == '\t')
            v++;
        size_t vl = strlen(v);
        while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
            vl--;
        if (len)
            *len = vl;
        return v;
    }
    return NULL;
}

/* Reads a non-negative decimal number filling all of s[0..n); false otherwise. */
static bool read_seconds(const char *s, size_t n, double *out)
{
    if (n == 0 || n > 32)
        return false;
    char tmp[33];
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    double v = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        if (tmp[i] == '.' && scale == 0) {
            scale = 1;
            continue;
        }
        if (tmp[i] < '0' || tmp[i] > '9')
            return false;
        if (scale > 0) {
            scale /= 10;
            v += (tmp[i] - '0') * scale;
        } else {
            v = v * 10 + (tmp[i] - '0');
        }
    }
    *out = v;
    return true;
}

double tj_http_retry_after(const struct tj_http_response *resp, long long now)
{
    size_t n;
    double v;
    const char *ms = tj_http_header(resp, "retry-after-ms", &n);
    if (ms && read_seconds(ms, n, &v))
        return v / 1000;
    const char *ra = tj_http_header(resp, "retry-after", &n);
    if (!ra)
        return 0;
    if (read_seconds(ra, n, &v))
        return v;
    char date[64];
    if (n >= sizeof date)
        return 0;
    memcpy(date, ra, n);
    date[n] = '\0';
    time_t t = curl_getdate(date, NULL);
    if (t == (time_t)-1 || (long long)t <= now)
        return 0;
    return (double)((long long)t - now);
}
