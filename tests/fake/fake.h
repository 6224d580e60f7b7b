/* The loopback fake of the translation services: shared types. One program serves the wire
 * format of LibreTranslate, DeepL, Google v2, Microsoft v3, MyMemory and OpenAI-compatible
 * chat completions (one file each, fake_<protocol>.c), translating Arabic with a small
 * deterministic word table (fake_text.c), with faults injected per run or per request and
 * every request counted (fake_main.c). Test code: it aborts on out-of-memory. */
#ifndef FAKE_H
#define FAKE_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Growable byte buffer, always NUL-terminated once anything was added. */
struct fbuf {
    char *p;
    size_t len, cap;
};

void fbuf_add(struct fbuf *b, const void *data, size_t n);
void fbuf_puts(struct fbuf *b, const char *s);
void fbuf_putc(struct fbuf *b, char c);
void fbuf_printf(struct fbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the contents over (never NULL) and empties the buffer. */
char *fbuf_take(struct fbuf *b);
void fbuf_free(struct fbuf *b);

void *fake_xmalloc(size_t n);
void *fake_xrealloc(void *p, size_t n);
char *fake_xstrdup(const char *s);
char *fake_xstrndup(const char *s, size_t n);

/* Faults, one bit each; see fake_main.c's table for their names. */
enum fake_flag {
    FK_HANG = 1u << 0,
    FK_TRUNCATED = 1u << 1,
    FK_HALF_JSON = 1u << 2,
    FK_GARBAGE = 1u << 3,
    FK_HTML_200 = 1u << 4,
    FK_HTML_502 = 1u << 5,
    FK_WRONG_COUNT = 1u << 6,
    FK_EMPTY = 1u << 7,
    FK_ECHO = 1u << 8,
    FK_UNWRAP = 1u << 9,
    FK_DROP_CLOSE = 1u << 10,
    FK_ALTER = 1u << 11,
    FK_DROP_PROTECTED = 1u << 12,
    FK_PLACEHOLDERS = 1u << 13,
    FK_RTL_STYLE = 1u << 14,
    FK_QUOTA = 1u << 15,
    FK_USER_RATE = 1u << 16,
    FK_FENCE = 1u << 17,
    FK_CHATTER = 1u << 18,
    FK_LENGTH = 1u << 19,
    FK_DROP_MARKUP = 1u << 20,
};

/* Faults that end the request before a translation is produced. */
#define FK_PREEMPT (FK_HANG | FK_HTML_502 | FK_QUOTA | FK_USER_RATE)

struct fake_faults {
    long latency_ms;
    int status;          /* answer with this error status in the protocol's shape; 0: none */
    long retry_after_s;  /* Retry-After on error answers; -1: none */
    long retry_after_ms; /* retry-after-ms (OpenAI) on error answers; -1: none */
    unsigned flags;
    double fail_rate;    /* share of requests that get the fail fault */
    long fail_first;     /* the first N requests get the fail fault */
    int fail_status;     /* the fail fault: a status ... */
    unsigned fail_flags; /* ... or flags */
    long rps;            /* requests per second above which 429 is answered; 0: no limit */
    long quota_chars;    /* characters billed before the quota answer; 0: no quota */
    bool has_seed;
    uint64_t seed;
    double mangle_rate; /* share of protected spans, placeholders and pinned names mangled */
};

/* Where the request is going and what the handler found in it. */
struct fake_req {
    struct MHD_Connection *conn;
    const char *method;
    const char *path; /* after the protocol's prefix, e.g. "/v2/translate" */
    const char *body; /* NUL-terminated */
    size_t body_len;
    struct fake_faults faults; /* effective for this request */
    bool count_only;           /* parse and count, build no answer */
    long segments, chars;      /* received: set by the handler once parsed */
    bool billed;               /* the handler translated (segments and chars are billed) */
};

#define FAKE_MAX_HEADERS 8

struct fake_resp {
    int status;
    struct fbuf body;
    const char *ctype;
    int nhdr;
    char hname[FAKE_MAX_HEADERS][48];
    char hval[FAKE_MAX_HEADERS][160];
};

/* The statuses a protocol's fail() receives for "quota exhausted" and "per-user rate limit"
 * (Google's 403 userRateLimitExceeded; a 429 elsewhere). */
#define FAKE_QUOTA (-1)
#define FAKE_USER_RATE (-2)

struct fake_proto {
    const char *name;
    /* Serves the request (path already stripped of the prefix). */
    void (*handle)(struct fake_req *req, struct fake_resp *resp);
    /* Answers with an error of this status (or FAKE_QUOTA) in the protocol's shape. */
    void (*fail)(struct fake_req *req, struct fake_resp *resp, int status);
};

extern const struct fake_proto fake_libretranslate, fake_deepl, fake_google, fake_microsoft,
    fake_mymemory, fake_openai;

/* Configuration shared by the handlers (set once at start-up). */
struct fake_config {
    const char *key;    /* required key; NULL: any (or none, where the service allows) */
    const char *region; /* Microsoft region the key belongs to; NULL: none checked */
    const char *model;  /* OpenAI model that exists; NULL: any */
    long lt_char_limit, lt_batch_limit; /* LibreTranslate --char-limit / --batch-limit, -1 */
};
extern struct fake_config fake_cfg;

/* Request helpers (fake_main.c). */
const char *fake_header(const struct fake_req *req, const char *name);
const char *fake_arg(const struct fake_req *req, const char *name);
/* Up to max values of a repeated query argument; returns how many there were in all. */
size_t fake_args(const struct fake_req *req, const char *name, const char **out, size_t max);
bool fake_is_json(const struct fake_req *req);
/* Takes chars from the quota (the request's quota-chars); false when that would exceed it
 * (nothing is taken then). */
bool fake_quota_take(const struct fake_req *req, long chars);
/* Characters taken from the quota since start or the last /_reset. */
long fake_quota_used(void);

/* Response helpers (fake_main.c). */
void fake_resp_json(struct fake_resp *resp, int status, json_t *take);
void fake_resp_json_pretty(struct fake_resp *resp, int status, json_t *take);
void fake_resp_text(struct fake_resp *resp, int status, const char *ctype, const char *text);
void fake_resp_header(struct fake_resp *resp, const char *name, const char *value);
/* A proxy's HTML error page ("502 Bad Gateway" and the like). */
void fake_resp_html_error(struct fake_resp *resp, int status);

/* application/x-www-form-urlencoded bodies (fake_text.c). */
struct fake_form {
    size_t n;
    char **keys, **values;
};
void fake_form_parse(struct fake_form *form, const char *body, size_t len);
const char *fake_form_get(const struct fake_form *form, const char *key);
size_t fake_form_all(const struct fake_form *form, const char *key, const char **out, size_t max);
void fake_form_free(struct fake_form *form);

/* The translation (fake_text.c). */
enum fake_markup {
    FM_TEXT, /* plain text: tags are text */
    FM_HTML, /* tags kept; translate="no" / class="notranslate" elements kept */
    FM_XML,  /* tags kept; elements named in ignore_tags kept */
};

struct fake_tr_opts {
    enum fake_markup markup;
    bool translate_no;              /* FM_HTML: honour translate="no" */
    bool notranslate_class;         /* FM_HTML: honour class="notranslate" */
    const char *const *ignore_tags; /* FM_XML */
    size_t n_ignore;
    bool google_escape; /* text nodes HTML-escaped as Google's format=html does */
    bool en_gb;         /* British spellings */
    unsigned flags;     /* markup and placeholder faults: FK_UNWRAP ... FK_RTL_STYLE */
    double mangle;      /* share of protected elements, placeholders and English names written
                           among the Arabic that come back mangled (fake_text.c) */
    uint64_t seed;      /* seeds the mangling, with each source text */
    const char *const *names_en; /* English that stands for Arabic in the sources (a prompt's */
    const char *const *names_ar; /* glossary, applied): mangled, it may come back */
    size_t nnames;               /* transliterated */
};

/* Sets the mangling of o from the request's faults (mangle=P, seed=N). */
void fake_mangle_opts(struct fake_tr_opts *o, const struct fake_faults *f);

/* The English for src (len bytes of UTF-8); a malloc'd string. */
char *fake_translate(const char *src, size_t len, const struct fake_tr_opts *opts);
/* fake_translate of each of n sources; a malloc'd array of malloc'd strings. */
char **fake_translate_all(const char *const *src, size_t n, const struct fake_tr_opts *opts);
void fake_free_all(char **texts, size_t n);

/* Terms a service writes itself (a DeepL glossary's, Microsoft's dictionary elements) kept
 * through the translation: each term added writes a token of Latin letters (which the word
 * table keeps), tagged with four capitals, and restore replaces the tokens by the terms. */
struct fake_terms {
    const char *tag; /* e.g. "ZQGL": four capitals */
    char **targets;  /* by token number */
    size_t n;
};
void fake_terms_add(struct fake_terms *t, struct fbuf *b, const char *target, size_t len);
void fake_terms_restore(const struct fake_terms *t, char **text);
void fake_terms_free(struct fake_terms *t);
/* Decodes HTML character references in place, as Python's html.unescape does for the common
 * ones (LibreTranslate runs it on every output). */
void fake_html_unescape(char *s);
/* Unicode code points in s (what the services bill). */
size_t fake_utf8_chars(const char *s, size_t len);
/* Whether s has a letter of the Arabic script. */
bool fake_has_arabic(const char *s);

/* Applies the list faults (echo, empty, wrong-count) to n translations of sources; *texts is
 * reallocated when the count changes. Returns the new count. */
size_t fake_mangle_list(unsigned flags, char ***texts, size_t n, const char *const *sources);

#endif
