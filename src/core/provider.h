/* The provider interface: one translation engine behind a small vtable.
 *
 * A provider never does I/O. An HTTP provider describes its limits, builds the request for a
 * batch of protected segments, and parses the response into per-segment results or a
 * classified error; the client (one libcurl multi loop) sends the requests, paces them and
 * retries. A local engine (offline) implements translate_local instead of build/parse. Adding
 * a provider means one new provider_<name>.c and one line in the table in provider.c. */
#ifndef TJ_PROVIDER_H
#define TJ_PROVIDER_H

#include "document.h"
#include "tj.h"

#include <stdbool.h>

/* How a provider can be told to leave a pinned term alone. */
enum tj_markup {
    TJ_MARKUP_NONE = 0,
    TJ_MARKUP_HTML_NOTRANSLATE = 1 << 0, /* <span translate="no">…</span> */
    TJ_MARKUP_XML_IGNORE = 1 << 1,       /* <x>…</x> with ignore_tags */
    TJ_MARKUP_GLOSSARY = 1 << 2,         /* a native glossary */
    TJ_MARKUP_PROMPT = 1 << 3,           /* instructions in a prompt (LLMs) */
    TJ_MARKUP_PINS = 1 << 4,             /* takes the pins themselves (local engines) */
};

struct tj_provider_limits {
    size_t max_segments;      /* per request */
    size_t max_bytes;         /* per request body, 0 = unlimited */
    size_t max_segment_bytes; /* per segment, 0 = unlimited */
    unsigned markup;          /* enum tj_markup bits */
};

/* What the user configured: all strings borrowed, any may be NULL. */
struct tj_provider_config {
    const char *url;
    const char *api_key;
    const char *source_lang;  /* "ar" */
    const char *target_lang;  /* "en" */
    const char *freedict_dir; /* offline: where the FreeDict Arabic-English files are */
};

/* One segment as the provider receives it: the text in the form its markup asks for, and the
 * pins (byte ranges of text) with their pinned English. */
struct tj_batch_item {
    const char *text;
    size_t len;
    const struct tj_pin *pins;
    size_t npins;
};

struct tj_batch {
    const struct tj_batch_item *items;
    size_t n;
};

/* One segment's result: a translation owned by the callee's caller (free()), and any QA
 * notes the engine adds about it. */
struct tj_result {
    char *text;
    char *qa_code; /* optional note, e.g. "untranslated"; owned, may be NULL */
    char *qa_message;
};

enum tj_perror {
    TJ_PERR_NONE = 0,
    TJ_PERR_RETRYABLE, /* 5xx, 429 without quota, timeouts: try again later */
    TJ_PERR_QUOTA,     /* out of characters or requests for the period */
    TJ_PERR_AUTH,      /* bad or missing credentials */
    TJ_PERR_BAD_REQUEST,
    TJ_PERR_PROTOCOL, /* the response could not be understood */
};

struct tj_http_request {
    char *method; /* "GET" or "POST" */
    char *url;
    char **headers; /* NULL-terminated "Name: value" lines; secrets only here */
    char *body;     /* may be NULL */
    size_t body_len;
};

struct tj_provider_error {
    enum tj_perror kind;
    long http_status;
    double retry_after; /* seconds, 0 when not given */
    char message[256];  /* never contains credentials */
};

struct tj_provider;

struct tj_provider_ops {
    const char *name;
    const char *description;
    const char *key_env; /* customary environment variable for the key, or NULL */
    bool needs_key;
    bool remote; /* sends text off the machine */

    /* Creates the provider's state. TJ_ERR_CONFIG with a message for unusable settings. */
    enum tj_status (*create)(const struct tj_provider_config *cfg, void **state,
                             struct tj_diag *diag);
    void (*destroy)(void *state);
    void (*limits)(void *state, struct tj_provider_limits *out);
    /* A note for the user about this run (e.g. that the draft is rough), or NULL. */
    const char *(*notice)(void *state);

    /* HTTP engines: the request for a batch, and the parse of its response into results[n]. */
    enum tj_status (*build_request)(void *state, const struct tj_batch *batch,
                                    struct tj_http_request *out, struct tj_diag *diag);
    enum tj_perror (*parse_response)(void *state, const struct tj_batch *batch, long status,
                                     const char *body, size_t len, struct tj_result *results,
                                     struct tj_provider_error *err);

    /* Local engines: translate the batch in process into results[n]. */
    enum tj_status (*translate_local)(void *state, const struct tj_batch *batch,
                                      struct tj_result *results, struct tj_diag *diag);
};

/* The provider table, in the order `tarjim providers` lists them. */
const struct tj_provider_ops *const *tj_provider_table(size_t *n);
/* The provider called name, or NULL. */
const struct tj_provider_ops *tj_provider_find(const char *name);

/* Creates a provider instance owned by the caller. */
enum tj_status tj_provider_create(const struct tj_provider_ops *ops,
                                  const struct tj_provider_config *cfg, struct tj_provider **out,
                                  struct tj_diag *diag);
void tj_provider_destroy(struct tj_provider *p); /* accepts NULL */
const struct tj_provider_ops *tj_provider_ops(const struct tj_provider *p);
void *tj_provider_state(const struct tj_provider *p);

void tj_http_request_finish(struct tj_http_request *r);
void tj_result_finish(struct tj_result *r);

#endif
