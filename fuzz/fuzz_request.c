/* Fuzz target: arbitrary bytes as the body of POST /api/translate, read without a daemon.
 * Invariants: no crash; an accepted body gives UTF-8 text without NUL bytes that lies inside
 * the parsed JSON, and the one engine offered, which the body named exactly or not at all; a
 * refused one is a 400 with one of the API's error codes and a message. */
#include "input.h"
#include "provider.h"
#include "translate_req.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const codes[] = {"bad_json", "bad_request", "bad_input", "unknown_provider",
                                    "provider_not_configured"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct tj_provider *offline;
    if (!offline) {
        /* No dictionary: reading the body never translates. */
        struct tj_provider_config cfg = {.freedict_dir = "/nonexistent"};
        if (tj_provider_create(tj_provider_find("offline"), &cfg, &offline, NULL) != TJ_OK)
            abort();
    }
    struct tj_translate_req req;
    struct tj_api_error err;
    if (tj_translate_req_parse((const char *)data, size, &offline, 1, &req, &err) == TJ_OK) {
        if (req.provider != offline || !req.root || req.text_len > size)
            abort();
        if (memchr(req.text, '\0', req.text_len) ||
            tj_input_check("fuzz", req.text, req.text_len, NULL) != TJ_OK)
            abort();
        json_t *name = json_object_get(req.root, "provider");
        if (name && !json_is_null(name) &&
            (json_string_length(name) != 7 || memcmp(json_string_value(name), "offline", 7)))
            abort();
        tj_translate_req_finish(&req);
        return 0;
    }
    if (err.status != 400 || !err.message[0] || req.root)
        abort();
    size_t i = 0;
    while (i < sizeof codes / sizeof *codes && strcmp(codes[i], err.code) != 0)
        i++;
    if (i == sizeof codes / sizeof *codes)
        abort();
    return 0;
}
