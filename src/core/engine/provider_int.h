/* The inside of the provider interface, for provider implementations and provider.c only.
 *
 * struct tj_provider_ops is a versioned table: `version` says which fields the table has, so
 * a table written for an older version keeps working (the wrappers in provider.c check it
 * before reaching a newer field), as sqlite3_vfs's iVersion does. Callers never see this
 * struct: they go through the tj_provider_* wrappers of provider.h. The helpers below are the
 * parts every HTTP provider shares: its copied settings, request assembly, JSON and HTML
 * detection, HTTP status classification and error messages that never carry a key. */
#ifndef TJ_PROVIDER_INT_H
#define TJ_PROVIDER_INT_H

#include "protect.h"
#include "provider.h"

#include <jansson.h>

struct tj_provider_ops {
    int version; /* the TJ_PROVIDER_OPS_VERSION this table was written for */
    struct tj_provider_info info;

    /* Version 1. */

    /* Creates the provider's state from cfg (strings borrowed: copy what is kept). Returns
     * TJ_ERR_CONFIG with a message for unusable settings. */
    enum tj_status (*create)(const struct tj_provider_config *cfg, void **state,
                             struct tj_diag *diag);
    void (*destroy)(void *state);
    void (*limits)(const void *state, struct tj_provider_limits *out);
    /* A note for the user about this run, or NULL. */
    const char *(*notice)(const void *state);
    /* HTTP engines: pure functions of state (see provider.h on threads). */
    enum tj_status (*build_request)(const void *state, const struct tj_batch *batch,
                                    struct tj_http_request *out, struct tj_diag *diag);
    enum tj_perror (*parse_response)(const void *state, const struct tj_batch *batch,
                                     const struct tj_http_response *resp, struct tj_result *results,
                                     struct tj_provider_error *err);
    /* Local engines: may be called from several threads at once. */
    enum tj_status (*translate_local)(void *state, const struct tj_batch *batch,
                                      struct tj_result *results, struct tj_diag *diag);

    /* Version 2. */

    /* Whether cfg is enough (a key, a URL); NULL: needs_key decides. */
    enum tj_status (*check_config)(const struct tj_provider_config *cfg, struct tj_diag *diag);
    /* Bytes an item takes in a request once protected; NULL: its length. */
    size_t (*item_bytes)(const void *state, const struct tj_batch_item *item);

    /* Version 3. */

    /* A native glossary that is a resource on the service (provider.h): the request for
     * action on g, and the reading of its answer. NULL when the service has no such
     * resource (or renders pins natively inside the text, as Microsoft does). */
    enum tj_status (*native_request)(const void *state, enum tj_native_action action,
                                     const struct tj_native_glossary *g,
                                     struct tj_http_request *out, struct tj_diag *diag);
    enum tj_perror (*native_response)(const void *state, enum tj_native_action action,
                                      struct tj_native_glossary *g,
                                      const struct tj_http_response *resp,
                                      struct tj_provider_error *err);

    /* Version 4. */

    /* The ways it can send pins, its usual one first (tj_batch.strategy k >= 1 asks for
     * strategies[k - 1]); NULL: only the way build_request always uses. */
    const enum tj_protect_kind *strategies;
    size_t nstrategies;
};

/* Settings every HTTP provider keeps: owned copies of the configuration (NULL when unset). */
struct tj_http_base {
    char *url; /* base URL without a trailing '/' (the default URL when none was given) */
    char *api_key;
    char *region;
    char *model;
    char *email;
    char *source_lang;
    char *target_lang;
    char *variant;
    char *langpair;
    bool no_context;
    bool native_glossary; /* the configuration's native_glossary, for a provider that has one */
};

/* Copies cfg into b; the base URL is cfg->url or default_url. */
void tj_http_base_init(struct tj_http_base *b, const struct tj_provider_config *cfg,
                       const char *default_url);
void tj_http_base_finish(struct tj_http_base *b);

/* Starts a request: method and url (taken: owned by the request from now). */
void tj_http_request_init(struct tj_http_request *r, const char *method, char *url_take);
/* Adds a "Name: value" header line. */
void tj_http_request_header(struct tj_http_request *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sets the body to the compact JSON of value (taken) with its Content-Type header. */
void tj_http_request_json(struct tj_http_request *r, json_t *value_take);
/* base + path, with one '/' between them; owned by the caller. */
char *tj_url_join(const char *base, const char *path);
/* Percent-encodes s[0..len) for a URL query (RFC 3986 unreserved kept); owned by the caller. */
char *tj_url_escape(const char *s, size_t len);

/* True when the response is an HTML page (a proxy's or server's error page) rather than the
 * API's answer: an HTML content type or a body starting with '<'. */
bool tj_http_response_is_html(const struct tj_http_response *resp);
/* The body parsed as JSON (new reference), or NULL when it is not JSON. */
json_t *tj_http_response_json(const struct tj_http_response *resp);

/* Fills err (kind, status, message formatted and then cleaned: any occurrence of secret is
 * replaced by "***", control characters by spaces) and returns kind. secret may be NULL. */
enum tj_perror tj_perror_set(struct tj_provider_error *err, enum tj_perror kind, long status,
                             const char *secret, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The usual classification of a failed HTTP status: 401/403 auth, 413/414 too large, 408/429/
 * 5xx retryable (with the response's Retry-After), 456 quota, other 4xx bad request, HTML
 * pages under 2xx protocol. detail (may be NULL) is the service's own message. */
enum tj_perror tj_perror_from_status(const struct tj_http_response *resp,
                                     struct tj_provider_error *err, const char *provider,
                                     const char *secret, const char *detail);

/* Stores into *res the English of a segment as the engine gave it (after restoring pins),
 * taking english_take; sets TJ_RESULT_ECHO when it is still the Arabic of the source and
 * TJ_RESULT_EMPTY when it is blank while the source is not. */
void tj_result_set(struct tj_result *res, const struct tj_batch_item *item, char *english_take,
                   bool *pin_back_take);
/* Restores the engine's output out[0..len) for item (protected with kind) and stores it in
 * *res as tj_result_set does, with pin_back filled. */
void tj_result_restore(struct tj_result *res, const struct tj_batch_item *item,
                       enum tj_protect_kind kind, const char *out, size_t len);

/* Restores each translation of a JSON answer into results[0..batch->n): arr is the answer's
 * array of them (or, for a batch of one, the one element itself; NULL when the answer has
 * none), element i holding its text in member field (NULL: element i is the text). Each text
 * is restored with kind, or first passed through fix (may be NULL), which returns a new string
 * and its length. Returns TJ_PERR_NONE, or TJ_PERR_PROTOCOL in *err, named for provider, when
 * the count is not the batch's or an element has no text (root: the parsed answer, NULL when
 * it was not JSON; status: the answer's). */
typedef char *(*tj_result_fix_fn)(const void *state, const char *text, size_t len, size_t *out_len);
enum tj_perror tj_results_from_json(const struct tj_batch *batch, const json_t *root, json_t *arr,
                                    const char *field, enum tj_protect_kind kind,
                                    tj_result_fix_fn fix, const void *state, const char *provider,
                                    long status, struct tj_result *results,
                                    struct tj_provider_error *err);

/* True when some item of the batch has pins. */
bool tj_batch_has_pins(const struct tj_batch *batch);
/* How the batch's pins travel for a provider whose strategies are strategies[0..n): the one
 * batch->strategy names, or own (the provider's choice) when it names none; TJ_PROTECT_NONE for
 * a batch without pins. */
enum tj_protect_kind tj_batch_protect(const struct tj_batch *batch,
                                      const enum tj_protect_kind *strategies, size_t n,
                                      enum tj_protect_kind own);
/* TJ_OK when the batch fits lim once protected with kind (segments, characters, bytes of
 * each segment); else TJ_ERR_DATA with what is over in diag. */
enum tj_status tj_batch_check(const struct tj_batch *batch, enum tj_protect_kind kind,
                              const struct tj_provider_limits *lim, const char *provider,
                              struct tj_diag *diag);
/* The service's own words in a JSON error body: error.message, error (a string), message,
 * detail, explanation or responseDetails, whichever comes first; NULL when none. Borrowed
 * from root. */
const char *tj_json_error_text(json_t *root);

#endif
