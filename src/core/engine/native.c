/* Native glossaries: entries from pins, the cache of glossary ids, and the requests that make a
 * glossary ready, sent one at a time over the HTTP transport before the run's batches. */
#include "native.h"

#include "buf.h"
#include "http.h"
#include "protect.h"
#include "rate.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TERM_MAX 1024               /* bytes of one source or target (DeepL's limit) */
#define CACHE_MAX ((size_t)4 << 20) /* bytes of the cache file read */
#define ID_MAX 128
#define ATTEMPTS 3     /* tries of each request */
#define READY_POLLS 10 /* checks of a glossary not yet ready, READY_WAIT apart */
#define READY_WAIT 0.5 /* seconds */
#define RETRY_AFTER_MAX 10

/* SHA-256 (FIPS 180-4). */

struct sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char block[64];
    size_t fill;
};

static const uint32_t sha_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void sha_block(struct sha256 *c, const unsigned char *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5],
             g = c->h[6], h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 =
            h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = cc;
        cc = b;
        b = a;
        a = t1 + t2;
    }
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
    c->h[5] += f;
    c->h[6] += g;
    c->h[7] += h;
}

static void sha_init(struct sha256 *c)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memset(c, 0, sizeof *c);
    memcpy(c->h, iv, sizeof iv);
}

static void sha_add(struct sha256 *c, const void *data, size_t len)
{
    const unsigned char *p = data;
    c->len += len;
    while (len) {
        size_t k = 64 - c->fill < len ? 64 - c->fill : len;
        memcpy(c->block + c->fill, p, k);
        c->fill += k;
        p += k;
        len -= k;
        if (c->fill == 64) {
            sha_block(c, c->block);
            c->fill = 0;
        }
    }
}

static void sha_hex(struct sha256 *c, char hex[65])
{
    uint64_t bits = c->len * 8;
    unsigned char pad = 0x80;
    sha_add(c, &pad, 1);
    pad = 0;
    while (c->fill != 56)
        sha_add(c, &pad, 1);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(bits >> (56 - 8 * i));
    sha_add(c, len, 8);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", c->h[i]);
}

void tj_native_sha256_hex(const void *data, size_t len, char hex[65])
{
    struct sha256 c;
    sha_init(&c);
    sha_add(&c, data, len);
    sha_hex(&c, hex);
}

/* Entries. */

/* True when a glossary can hold s as a source or target. */
static bool term_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > TERM_MAX || s[0] == ' ' || s[n - 1] == ' ')
        return false;
    size_t i = 0;
    while (i < n) {
        uint32_t cp = tj_utf8_next(s, n, &i);
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xA0 ||
            cp == 0xFFFD)
            return false;
    }
    return true;
}

static int entry_cmp(const void *a, const void *b)
{
    const struct tj_native_entry *x = a, *y = b;
    int c = strcmp(x->source, y->source);
    return c ? c : strcmp(x->target, y->target);
}

size_t tj_native_entries(const struct tj_batch_item *items, size_t n, struct tj_native_entry **out)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += items[i].npins;
    *out = NULL;
    if (!total)
        return 0;
    struct tj_native_entry *e = tj_xcalloc(total, sizeof *e);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < items[i].npins; j++) {
            const struct tj_pin *p = &items[i].pins[j];
            if (p->end > items[i].len || p->start >= p->end)
                continue;
            char *src = tj_xstrndup(items[i].text + p->start, p->end - p->start);
            const char *en = tj_protect_english(p);
            if (!term_ok(src) || !term_ok(en)) {
                free(src);
                continue;
            }
            e[k].source = src;
            e[k].target = tj_xstrdup(en);
            k++;
        }
    qsort(e, k, sizeof *e, entry_cmp);
    size_t m = 0;
    for (size_t i = 0; i < k; i++) {
        if (m && strcmp(e[m - 1].source, e[i].source) == 0) {
            free((char *)e[i].source);
            free((char *)e[i].target);
            continue;
        }
        e[m++] = e[i];
    }
    if (!m) {
        free(e);
        return 0;
    }
    *out = e;
    return m;
}

void tj_native_entries_free(struct tj_native_entry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free((char *)entries[i].source);
        free((char *)entries[i].target);
    }
    free(entries);
}

/* The cache: one line per glossary, "content<TAB>scope<TAB>last-used<TAB>id", where content
 * is the SHA-256 of the request that creates it, scope that of its method, URL and headers
 * (the account), and last-used a time in milliseconds since the epoch. */

struct cached {
    char content[65], scope[65];
    long long used;
    char id[ID_MAX + 1];
};

struct cache {
    struct cached *v;
    size_t n;
};

static bool id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static bool hex64(const char *s, size_t n)
{
    if (n != 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* Reads the cache file (a missing or unreadable one is empty; lines not understood are
 * dropped). */
static void cache_read(struct cache *c, const char *path)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0, read_total = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0 && read_total < CACHE_MAX) {
        read_total += (size_t)len;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        char *f1 = line, *t1 = strchr(f1, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        char *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
        if (!t3 || !hex64(f1, (size_t)(t1 - f1)) || !hex64(t1 + 1, (size_t)(t2 - t1 - 1)))
            continue;
        char *end;
        errno = 0;
        long long used = strtoll(t2 + 1, &end, 10);
        if (errno || end != t3 || !id_ok(t3 + 1))
            continue;
        c->v = tj_xreallocarray(c->v, c->n + 1, sizeof *c->v);
        struct cached *e = &c->v[c->n++];
        memcpy(e->content, f1, 64);
        e->content[64] = '\0';
        memcpy(e->scope, t1 + 1, 64);
        e->scope[64] = '\0';
        e->used = used;
        snprintf(e->id, sizeof e->id, "%s", t3 + 1);
    }
    free(line);
    fclose(f);
}

static const struct cached *cache_find(const struct cache *c, const char *content)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].content, content) == 0)
            return &c->v[i];
    return NULL;
}

/* Creates the directories above path (mode 0700). */
static void make_parents(const char *path)
{
    char *d = tj_xstrdup(path);
    for (char *p = d + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(d, 0700);
        *p = '/';
    }
    free(d);
}

static int used_desc(const void *a, const void *b)
{
    const struct cached *x = a, *y = b;
    return x->used < y->used ? 1 : x->used > y->used ? -1 : 0;
}

/* Records (content, scope) -> id as used now, under the cache's lock, and drops the least
 * recently used glossaries of the scope beyond keep: their ids go to *old (owned, *nold of
 * them) for the caller to delete from the service. */
static void cache_record(const char *path, const char *content, const char *scope, const char *id,
                         size_t keep, char ***old, size_t *nold)
{
    *old = NULL;
    *nold = 0;
    if (!id_ok(id))
        return;
    make_parents(path);
    char *lock_path = tj_xasprintf("%s.lock", path);
    int lk = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    free(lock_path);
    if (lk < 0)
        return;
    if (flock(lk, LOCK_EX) != 0) {
        close(lk);
        return;
    }
    struct cache c;
    cache_read(&c, path);
    struct cached *e = NULL;
    for (size_t i = 0; i < c.n; i++)
        if (strcmp(c.v[i].content, content) == 0)
            e = &c.v[i];
    if (!e) {
        c.v = tj_xreallocarray(c.v, c.n + 1, sizeof *c.v);
        e = &c.v[c.n++];
        snprintf(e->content, sizeof e->content, "%s", content);
    }
    snprintf(e->scope, sizeof e->scope, "%s", scope);
    snprintf(e->id, sizeof e->id, "%s", id);
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    e->used = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    qsort(c.v, c.n, sizeof *c.v, used_desc);
    size_t kept = 0, m = 0;
    for (size_t i = 0; i < c.n; i++) {
        bool mine = strcmp(c.v[i].scope, scope) == 0;
        if (mine && ++kept > keep && strcmp(c.v[i].id, id) != 0) {
            *old = tj_xreallocarray(*old, *nold + 1, sizeof **old);
            (*old)[(*nold)++] = tj_xstrdup(c.v[i].id);
            continue;
        }
        c.v[m++] = c.v[i];
    }
    c.n = m;
    char *tmp = tj_xasprintf("%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f) {
        bool ok = fputs("# tarjim native glossaries: content scope last-used id\n", f) >= 0;
        for (size_t i = 0; ok && i < c.n; i++)
            ok = fprintf(f, "%s\t%s\t%lld\t%s\n", c.v[i].content, c.v[i].scope, c.v[i].used,
                         c.v[i].id) > 0;
        ok = fclose(f) == 0 && ok;
        if (!ok || rename(tmp, path) != 0)
            unlink(tmp);
    } else if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    free(tmp);
    free(c.v);
    flock(lk, LOCK_UN);
    close(lk);
}

char *tj_native_cache_path(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/')
        return tj_xasprintf("%s/tarjim/native-glossaries", xdg);
    const char *home = getenv("HOME");
    if (home && home[0] == '/')
        return tj_xasprintf("%s/.cache/tarjim/native-glossaries", home);
    return NULL;
}

/* Requests. */

struct exchange {
    const struct tj_provider *p;
    enum tj_native_action action;
    struct tj_native_glossary *g;
    bool done;
    enum tj_http_fail fail;
    char message[256];
    enum tj_perror kind;
    struct tj_provider_error err;
    double retry_after;
};

static void on_done(void *ud, const struct tj_http_response *resp, enum tj_http_fail fail,
                    const char *message)
{
    struct exchange *x = ud;
    x->done = true;
    x->fail = fail;
    if (fail != TJ_HTTP_OK) {
        snprintf(x->message, sizeof x->message, "%s", message ? message : "transfer failed");
        return;
    }
    x->kind = tj_provider_native_response(x->p, x->action, x->g, resp, &x->err);
    x->retry_after = x->err.retry_after > 0 ? x->err.retry_after
                                            : tj_http_retry_after(resp, (long long)time(NULL));
}

static void sleep_for(double s)
{
    if (s <= 0)
        return;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static const char *action_name(enum tj_native_action a)
{
    return a == TJ_NATIVE_CREATE ? "creating" : a == TJ_NATIVE_CHECK ? "checking" : "deleting";
}

/* Sends the request for action on g and reads its answer into g, trying again after
 * transport failures and answers that ask for it. */
static enum tj_status exchange(struct tj_http *h, const struct tj_provider *p,
                               enum tj_native_action action, struct tj_native_glossary *g,
                               struct tj_diag *diag)
{
    for (unsigned attempt = 1;; attempt++) {
        struct tj_http_request req;
        enum tj_status rc = tj_provider_native_request(p, action, g, &req, diag);
        if (rc != TJ_OK)
            return rc;
        struct exchange x = {.p = p, .action = action, .g = g};
        tj_http_submit(h, &req, on_done, &x);
        while (!x.done)
            tj_http_step(h, 0.25);
        tj_http_request_finish(&req);
        if (x.fail == TJ_HTTP_OK && x.kind == TJ_PERR_NONE)
            return TJ_OK;
        bool retry = x.fail == TJ_HTTP_OK ? x.kind == TJ_PERR_RETRYABLE
                                          : x.fail == TJ_HTTP_TIMEOUT || x.fail == TJ_HTTP_TRANSFER;
        if (retry && attempt < ATTEMPTS) {
            double wait =
                x.retry_after > 0 && x.retry_after <= RETRY_AFTER_MAX ? x.retry_after : attempt;
            sleep_for(wait);
            continue;
        }
        const char *name = tj_provider_name(p);
        if (x.fail != TJ_HTTP_OK)
            return tj_diag_set(diag, TJ_ERR_UNAVAILABLE, "%s glossary: %s it: cannot reach %s: %s",
                               name, action_name(action), name, x.message);
        enum tj_status st = x.kind == TJ_PERR_AUTH ? TJ_ERR_AUTH
                            : x.kind == TJ_PERR_BAD_REQUEST || x.kind == TJ_PERR_TOO_LARGE
                                ? TJ_ERR_DATA
                                : TJ_ERR_UNAVAILABLE;
        return tj_diag_set(diag, st, "%s glossary: %s it: %s", name, action_name(action),
                           x.err.message);
    }
}

/* Checks g->id until the service says it is ready (or gone). */
static enum tj_status wait_ready(struct tj_http *h, const struct tj_provider *p,
                                 struct tj_native_glossary *g, struct tj_diag *diag)
{
    for (unsigned k = 0; !g->ready && !g->gone; k++) {
        if (k == READY_POLLS)
            return tj_diag_set(diag, TJ_ERR_UNAVAILABLE, "%s glossary %s: not ready after %.0f s",
                               tj_provider_name(p), g->id, READY_POLLS * READY_WAIT);
        if (k)
            sleep_for(READY_WAIT);
        enum tj_status rc = exchange(h, p, TJ_NATIVE_CHECK, g, diag);
        if (rc != TJ_OK)
            return rc;
    }
    return TJ_OK;
}

/* The SHA-256 of a request: method, URL and headers, and its body when with_body. */
static void request_digest(const struct tj_http_request *r, bool with_body, char hex[65])
{
    struct sha256 c;
    sha_init(&c);
    sha_add(&c, r->method, strlen(r->method) + 1);
    sha_add(&c, r->url, strlen(r->url) + 1);
    for (char **h = r->headers; h && *h; h++)
        sha_add(&c, *h, strlen(*h) + 1);
    if (with_body && r->body)
        sha_add(&c, r->body, r->body_len);
    sha_hex(&c, hex);
}

enum tj_status tj_native_prepare(struct tj_provider *p, const struct tj_native_entry *entries,
                                 size_t n, const struct tj_native_options *opts, char **id,
                                 bool *created, struct tj_diag *diag)
{
    *id = NULL;
    if (created)
        *created = false;
    if (!tj_provider_native_resource(p) || n == 0)
        return TJ_OK;
    struct tj_native_options o = {0};
    if (opts)
        o = *opts;
    if (!o.keep)
        o.keep = TJ_NATIVE_KEEP;
    char *def = o.cache_path ? NULL : tj_native_cache_path();
    const char *path = o.cache_path ? o.cache_path : def;
    if (path && !*path)
        path = NULL;

    /* The name says what the glossary holds: a digest of its entries. */
    struct sha256 c;
    sha_init(&c);
    for (size_t i = 0; i < n; i++) {
        sha_add(&c, entries[i].source, strlen(entries[i].source) + 1);
        sha_add(&c, entries[i].target, strlen(entries[i].target) + 1);
    }
    char hex[65];
    sha_hex(&c, hex);
    char name[64];
    snprintf(name, sizeof name, "tarjim %.16s (%zu entries)", hex, n);
    struct tj_native_glossary g = {.entries = entries, .n = n, .name = name};

    struct tj_http_request create;
    enum tj_status rc = tj_provider_native_request(p, TJ_NATIVE_CREATE, &g, &create, diag);
    if (rc != TJ_OK)
        goto out_nohttp;
    char content[65], scope[65];
    request_digest(&create, true, content);
    request_digest(&create, false, scope);
    tj_http_request_finish(&create);

    struct tj_http_options ho = {.max_in_flight = 1, .timeout = o.timeout};
    struct tj_http *h = tj_http_create(&ho);
    if (path) {
        struct cache cc;
        cache_read(&cc, path);
        const struct cached *hit = cache_find(&cc, content);
        if (hit && strcmp(hit->scope, scope) == 0)
            g.id = tj_xstrdup(hit->id);
        free(cc.v);
    }
    if (g.id) {
        rc = wait_ready(h, p, &g, diag);
        if (rc != TJ_OK)
            goto out;
        if (g.gone) {
            free(g.id);
            g.id = NULL;
        }
    }
    if (!g.id) {
        g.gone = g.ready = false;
        rc = exchange(h, p, TJ_NATIVE_CREATE, &g, diag);
        if (rc == TJ_OK && !g.id)
            rc = tj_diag_set(diag, TJ_ERR_UNAVAILABLE, "%s glossary: created without an id",
                             tj_provider_name(p));
        if (rc != TJ_OK)
            goto out;
        if (created)
            *created = true;
        rc = wait_ready(h, p, &g, diag);
        if (rc == TJ_OK && g.gone)
            rc = tj_diag_set(diag, TJ_ERR_UNAVAILABLE, "%s glossary %s: gone once created",
                             tj_provider_name(p), g.id);
        if (rc != TJ_OK)
            goto out;
    }
    if (path) {
        char **old;
        size_t nold;
        cache_record(path, content, scope, g.id, o.keep, &old, &nold);
        /* Older glossaries of the account: deleted where the service lets us, else left. */
        for (size_t i = 0; i < nold; i++) {
            struct tj_native_glossary d = {.entries = entries, .n = n, .name = name, .id = old[i]};
            struct tj_diag ignored;
            exchange(h, p, TJ_NATIVE_DELETE, &d, &ignored);
            free(old[i]);
        }
        free(old);
    }
    *id = g.id;
    g.id = NULL;
out:
    tj_http_destroy(h);
out_nohttp:
    free(g.id);
    free(def);
    return rc;
}
