/* The provider interface: one translation engine behind a versioned table of operations.
 *
 * A provider never does I/O. An HTTP provider describes its limits, builds the request for a
 * batch of segments (protecting their pins in the form the service respects best), and parses
 * the response, with its status and headers, into per-segment results (pins restored and
 * checked) or a classified error; the client sends the requests, paces them and retries. A
 * local engine (offline) translates in process instead. Callers reach providers only through
 * the tj_provider_* functions below: the table of operations is opaque to them (it is defined
 * in provider_int.h for the implementations), as curl's lib/vtls backends and sqlite's
 * sqlite3_vfs are. Adding a provider means one new file in providers/ and one table line in
 * provider.c.
 *
 * Thread safety: create and destroy are not concurrent with anything else on the instance.
 * Everything else (limits, notice, build_request, parse_response, native_request and
 * native_response, translate_local, the info accessors) may be called on one instance from
 * several threads at once: the request builders and response readers are pure functions of
 * the instance's immutable state and their arguments (what a run prepares travels in its
 * batches, never in the instance),
 * and a local engine serialises its own caches. */
#ifndef TJ_PROVIDER_H
#define TJ_PROVIDER_H

#include "document.h"
#include "http.h"
#include "protect.h"
#include "tj.h"

#include <stdbool.h>

/* The current version of the operations table; see provider_int.h. */
#define TJ_PROVIDER_OPS_VERSION 4

/* What a provider can do (bits of tj_provider_info.features). */
enum tj_provider_feature {
    TJ_PFEAT_LOCAL = 1 << 0,           /* translates in process (translate_local) */
    TJ_PFEAT_BATCH = 1 << 1,           /* several segments per request (an array) */
    TJ_PFEAT_MARKUP_HTML = 1 << 2,     /* pins as <span translate="no">English</span> */
    TJ_PFEAT_MARKUP_XML = 1 << 3,      /* pins as <x>English</x> with ignore_tags=x */
    TJ_PFEAT_PLACEHOLDERS = 1 << 4,    /* pins as placeholder tokens, English put back after */
    TJ_PFEAT_PROMPT = 1 << 5,          /* pins' English as instructions in a prompt (LLMs) */
    TJ_PFEAT_NATIVE_GLOSSARY = 1 << 6, /* the service has a glossary resource of its own */
    TJ_PFEAT_CONTEXT = 1 << 7,         /* surrounding text can travel as context, untranslated */
    TJ_PFEAT_PINS = 1 << 8,            /* takes the pins themselves (local engines) */
};

/* A configuration field that can come from an environment variable. */
enum tj_provider_field {
    TJ_PCFG_URL,
    TJ_PCFG_API_KEY,
    TJ_PCFG_REGION,
    TJ_PCFG_MODEL,
    TJ_PCFG_EMAIL,
};

/* One customary environment variable of a provider, e.g. {"DEEPL_AUTH_KEY", TJ_PCFG_API_KEY}. */
struct tj_provider_env {
    const char *var;
    enum tj_provider_field field;
};

/* A provider's static description. */
struct tj_provider_info {
    const char *name;
    const char *description;
    bool remote;       /* sends text off the machine */
    bool needs_key;    /* usable only with an API key (see tj_provider_check_config for details) */
    unsigned features; /* enum tj_provider_feature bits */
    const char *default_url;           /* base URL when none is configured, or NULL */
    const struct tj_provider_env *env; /* customary environment variables, nenv of them */
    size_t nenv;
};

/* What a provider can take and how fast. Zero means "no limit" / "not paced". */
struct tj_provider_limits {
    size_t max_segments;      /* segments per request */
    size_t max_bytes;         /* request body bytes */
    size_t max_chars;         /* characters (code points) of text per request */
    size_t max_segment_bytes; /* bytes of one segment as sent; longer ones must be split */
    double requests_per_sec;  /* default pacing of the public service */
    double chars_per_min;
    unsigned concurrency; /* suggested requests in flight (0: the client's default) */
};

/* What the user configured: all strings borrowed, any may be NULL (the provider's default). */
struct tj_provider_config {
    const char *url;         /* base URL; the provider appends the official path */
    const char *api_key;     /* never copied into messages */
    const char *region;      /* microsoft: Ocp-Apim-Subscription-Region */
    const char *model;       /* openai: the model name */
    const char *email;       /* mymemory: contact address (larger quota) */
    const char *source_lang; /* "ar" */
    const char *target_lang; /* "en" */
    const char *variant;     /* target variant, e.g. "en-GB" (deepl EN-GB; default EN-US) */
    const char *langpair;    /* apertium: "ara|eng" unless given */
    bool no_context;         /* never send surrounding sentences as context */
    double requests_per_sec; /* pacing that replaces the service's default when > 0 */
    double chars_per_min;
    const char *freedict_dir; /* offline: where the FreeDict Arabic-English files are */
    bool native_glossary;     /* pins through the service's own glossary where it has one
                                 (TJ_PFEAT_NATIVE_GLOSSARY): a DeepL glossary, Microsoft's
                                 dynamic-dictionary markup; ignored by the others */
};

/* One segment: its source text (display form) and its pins (byte ranges of text). The
 * provider protects the pins itself in build_request and restores them in parse_response. */
struct tj_batch_item {
    const char *text;
    size_t len;
    const struct tj_pin *pins;
    size_t npins;
};

/* Segments sent in one request, and the article's text around them (the sentences before the
 * first item, possibly after), which providers with TJ_PFEAT_CONTEXT send untranslated. */
struct tj_batch {
    const struct tj_batch_item *items;
    size_t n;
    const char *context; /* may be NULL */
    size_t context_len;
    const char *glossary_id; /* the run's native glossary on the service (see native.h), or
                                NULL: pins then travel as the provider's markup */
    size_t strategy;         /* how pins travel: 0 the provider's own way (its native glossary when
                                configured, else its first strategy); k >= 1 its k-th strategy
                                (tj_provider_strategy), for a retry after pins came back wrong */
};

/* Bits of tj_result.flags. */
enum tj_result_flag {
    TJ_RESULT_ECHO = 1 << 0,  /* the engine returned the Arabic source: not translated */
    TJ_RESULT_EMPTY = 1 << 1, /* the engine returned nothing for a segment with text */
};

/* One segment's result. All pointers are owned by whoever holds the result (release with
 * tj_result_finish). pin_back[i] says whether the item's pin i came back in the output, and
 * pin_report[i] how (protect.h) (both NULL when the provider does not check, as local engines
 * that write the pins themselves). */
struct tj_result {
    char *text;
    char *qa_code; /* optional note, e.g. "untranslated"; may be NULL */
    char *qa_message;
    unsigned flags; /* enum tj_result_flag */
    bool *pin_back;
    struct tj_pin_report *pin_report;
    size_t npins;
};

enum tj_perror {
    TJ_PERR_NONE = 0,
    TJ_PERR_RETRYABLE,   /* 5xx, 429 without quota, overload: try again (retry_after if set) */
    TJ_PERR_QUOTA,       /* out of characters or requests for the period: do not retry */
    TJ_PERR_AUTH,        /* bad or missing credentials: do not retry */
    TJ_PERR_BAD_REQUEST, /* the service refused the request as malformed or unsupported */
    TJ_PERR_TOO_LARGE,   /* the request was too large: split the batch and send the halves */
    TJ_PERR_PROTOCOL,    /* the response could not be understood (garbage, HTML, wrong count) */
};

struct tj_provider_error {
    enum tj_perror kind;
    long http_status;
    double retry_after; /* seconds the service asked to wait, 0 when not given */
    char message[256];  /* for the user; never contains credentials */
};

struct tj_provider_ops; /* a provider: opaque here, defined in provider_int.h */
struct tj_provider;     /* an instance */

/* The provider table, in the order `tarjim providers` lists them (providers/table.c). */
const struct tj_provider_ops *const *tj_provider_table(size_t *n);
/* The provider called name, or NULL. */
const struct tj_provider_ops *tj_provider_find(const char *name);
/* The static description of a provider (never NULL; lives as long as the program). */
const struct tj_provider_info *tj_provider_class_info(const struct tj_provider_ops *ops);

/* Fills the fields of cfg that are still NULL from the provider's customary environment
 * variables, looked up with lookup(name, ud) (getenv when lookup is NULL); empty values count
 * as unset. Returns a bit (1 << field) for each field it set. The strings stay borrowed from
 * the environment. This is the one place where provider variables are read. */
unsigned tj_provider_env_apply(const struct tj_provider_ops *ops, struct tj_provider_config *cfg,
                               const char *(*lookup)(const char *name, void *ud), void *ud);
/* The environment variable for a field of the provider, or NULL. */
const char *tj_provider_env_var(const struct tj_provider_ops *ops, enum tj_provider_field field);
/* TJ_OK when cfg is enough to use the provider, else TJ_ERR_CONFIG with what is missing in
 * diag (naming the variable or option, never a value). A missing key is configuration (exit
 * 78); TJ_ERR_AUTH is kept for a key the service refuses. */
enum tj_status tj_provider_check_config(const struct tj_provider_ops *ops,
                                        const struct tj_provider_config *cfg, struct tj_diag *diag);

/* Creates an instance owned by the caller in *out; the config strings are copied. Returns
 * TJ_ERR_CONFIG with a message for unusable or missing settings. */
enum tj_status tj_provider_create(const struct tj_provider_ops *ops,
                                  const struct tj_provider_config *cfg, struct tj_provider **out,
                                  struct tj_diag *diag);
void tj_provider_destroy(struct tj_provider *p); /* accepts NULL */

/* The provider of an instance, and its description and name. */
const struct tj_provider_ops *tj_provider_class(const struct tj_provider *p);
const struct tj_provider_info *tj_provider_info(const struct tj_provider *p);
const char *tj_provider_name(const struct tj_provider *p);
/* True for a local engine (translate with tj_provider_translate_local). */
bool tj_provider_is_local(const struct tj_provider *p);

/* The instance's limits (depend on its configuration, e.g. DeepL Free or Pro); the pacing
 * given in its configuration replaces the provider's defaults. */
void tj_provider_limits(const struct tj_provider *p, struct tj_provider_limits *out);
/* A note for the user about this run (e.g. that the draft is rough), or NULL. Borrowed. */
const char *tj_provider_notice(const struct tj_provider *p);

/* Bytes item takes in a request once its pins are protected (what max_segment_bytes bounds). */
size_t tj_provider_item_bytes(const struct tj_provider *p, const struct tj_batch_item *item);

/* A segment cut into parts that each fit one request (for services such as MyMemory that
 * take one short text per call). Part texts are borrowed from the item; pins are owned. */
struct tj_split {
    struct tj_batch_item *parts;
    struct tj_pin *pins; /* all parts' pins, offsets relative to their part */
    size_t n;
};

/* Cuts item into parts of at most max_segment_bytes each as sent (tj_provider_item_bytes):
 * after the last clause mark (. ! ? ، ؛ : ; and their Arabic forms) that fits, else the last
 * space, never inside a pin. Returns TJ_ERR_DATA when no cut makes a part small enough (one
 * word longer than the limit). The split is caller storage, released with tj_split_finish. An
 * item that fits comes back as one part. */
enum tj_status tj_provider_split_item(const struct tj_provider *p, const struct tj_batch_item *item,
                                      struct tj_split *out, struct tj_diag *diag);
void tj_split_finish(struct tj_split *s);
/* Joins the results of a split's parts (moved out of parts[0..s->n), which are finished) into
 * *out: the English of the parts separated by one space, pin_back in the item's pin order,
 * flags of the parts or-ed. */
void tj_split_join(const struct tj_split *s, struct tj_result *parts, struct tj_result *out);

/* Builds the request for batch into *out (caller storage, released with
 * tj_http_request_finish). Returns TJ_ERR_DATA when the batch does not fit the provider's
 * limits once protected (the caller splits it and tries the parts), TJ_ERR_USAGE for a local
 * engine. */
enum tj_status tj_provider_build_request(const struct tj_provider *p, const struct tj_batch *batch,
                                         struct tj_http_request *out, struct tj_diag *diag);

/* Parses the response to the request built for batch. On TJ_PERR_NONE results[0..batch->n)
 * (caller storage, zeroed) hold the English with pins restored and checked; otherwise *err
 * (never NULL) says what went wrong and results hold nothing. */
enum tj_perror tj_provider_parse_response(const struct tj_provider *p, const struct tj_batch *batch,
                                          const struct tj_http_response *resp,
                                          struct tj_result *results, struct tj_provider_error *err);

/* Local engines: translates batch in process into results[0..batch->n) (caller storage,
 * zeroed). Returns TJ_ERR_USAGE for an HTTP provider. */
enum tj_status tj_provider_translate_local(const struct tj_provider *p,
                                           const struct tj_batch *batch, struct tj_result *results,
                                           struct tj_diag *diag);

/* Native glossaries. A provider with TJ_PFEAT_NATIVE_GLOSSARY whose configuration asks for
 * native_glossary renders pins with the service's own means instead of do-not-translate
 * markup: Microsoft's dynamic-dictionary markup inside each text (nothing to prepare), or a
 * DeepL glossary, a resource on the service that must exist before the batches that name it
 * (tj_batch.glossary_id). The engine (native.h) drives the few requests that make it ready,
 * built and read by the functions below. */

/* One entry: an Arabic spelling as it stands in the text, and its English. */
struct tj_native_entry {
    const char *source;
    const char *target;
};

/* A glossary resource on the service, as far as this run knows it. */
struct tj_native_glossary {
    const struct tj_native_entry *entries; /* sorted by source, sources distinct */
    size_t n;
    const char *name; /* a name to give it */
    char *id;         /* its id once known (owned: free()), else NULL */
    bool ready;       /* the service says it can be used in translations now */
    bool gone;        /* the service does not know id (deleted, or another account's) */
};

enum tj_native_action {
    TJ_NATIVE_CREATE, /* make a glossary of the entries: the answer sets id (and ready) */
    TJ_NATIVE_CHECK,  /* does id exist, and is it ready: the answer sets ready, or gone */
    TJ_NATIVE_DELETE, /* remove id: gone once done (a glossary already gone is no error) */
};

/* Strategies: the ways a provider can send pins, tried in turn when pins come back wrong
 * (repair.h). The number of them (at least 1), and the protection of strategy k (1-based, as
 * tj_batch.strategy counts them; 0 gives the first). */
size_t tj_provider_strategies(const struct tj_provider *p);
enum tj_protect_kind tj_provider_strategy(const struct tj_provider *p, size_t k);

/* True when the instance was configured with native_glossary and its service has one. */
bool tj_provider_native(const struct tj_provider *p);
/* True when the instance's native glossary is a resource that must be made before the
 * batches (DeepL), so tj_provider_native_request can be called. */
bool tj_provider_native_resource(const struct tj_provider *p);

/* Builds into *out (caller storage, released with tj_http_request_finish) the request for
 * action on g. The request that creates a glossary depends only on the entries, name,
 * account and language pair, so its bytes identify the resource (native.h caches by them).
 * Returns TJ_ERR_USAGE when the provider has no such resource, TJ_ERR_DATA when the entries
 * do not fit the service's limits. */
enum tj_status tj_provider_native_request(const struct tj_provider *p, enum tj_native_action action,
                                          const struct tj_native_glossary *g,
                                          struct tj_http_request *out, struct tj_diag *diag);
/* Reads the answer to the request built for action, updating g (id, ready, gone). Returns
 * TJ_PERR_NONE, or what went wrong in *err (never NULL). */
enum tj_perror tj_provider_native_response(const struct tj_provider *p,
                                           enum tj_native_action action,
                                           struct tj_native_glossary *g,
                                           const struct tj_http_response *resp,
                                           struct tj_provider_error *err);

void tj_http_request_finish(struct tj_http_request *r);
void tj_result_finish(struct tj_result *r);
/* Releases results[0..n). */
void tj_results_finish(struct tj_result *results, size_t n);

#endif
