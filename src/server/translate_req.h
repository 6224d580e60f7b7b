/* The body of POST /api/translate, {"text": "...", "provider"?: "..."}, read and checked
 * without a daemon (the fuzz target fuzz/fuzz_request.c drives it directly).
 *
 * On success the text is valid UTF-8 without NUL bytes (a leading byte order mark dropped)
 * and the provider is one of the server's; otherwise the error says the HTTP status and the
 * code and message of the API's error document. */
#ifndef TJ_TRANSLATE_REQ_H
#define TJ_TRANSLATE_REQ_H

#include "provider.h"
#include "tj.h"

#include <jansson.h>
#include <stddef.h>

/* An API error: {"error": {"code": code, "message": message}} with this status. */
struct tj_api_error {
    unsigned status;
    const char *code; /* static */
    char message[TJ_DIAG_MAX];
};

struct tj_translate_req {
    json_t *root;     /* the parsed body, owned: release with tj_translate_req_finish */
    const char *text; /* inside root, text_len bytes (not necessarily NUL-terminated) */
    size_t text_len;
    struct tj_provider *provider; /* one of the providers given to the parse */
};

/* Parses body[0..len) (borrowed) into *req (caller storage) choosing among
 * providers[0..n) ([0] is the default when the body names none; n >= 1). Returns TJ_OK, or
 * TJ_ERR_DATA with *err filled: 400 bad_json, bad_request (not an object with a string
 * "text", or "provider" not a string), bad_input (invalid UTF-8 or a NUL byte in the text, with
 * its byte offset), unknown_provider (no engine has that exact name, NUL bytes included) or
 * provider_not_configured (an engine of this build the server was not given). On error *req
 * holds nothing. */
enum tj_status tj_translate_req_parse(const char *body, size_t len,
                                      struct tj_provider *const *providers, size_t n,
                                      struct tj_translate_req *req, struct tj_api_error *err);
/* Releases what a successful parse holds. Accepts a zeroed req. */
void tj_translate_req_finish(struct tj_translate_req *req);

#endif
