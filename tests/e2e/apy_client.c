/* apy_client: drives the apertium provider through the dispatcher, as tarjim translate does,
 * on segments given as JSON, so tests/e2e/test_apertium.py can send text of any language
 * (tarjim itself sends only segments with Arabic letters) to a real APy server.
 *
 * usage: apy_client URL LANGPAIR < segments.json
 *
 * Input: [{"text": "...", "pins": [{"start": B, "end": E, "english": "..."}]}, ...] with byte
 * offsets into text. Output, one JSON object on stdout:
 * {"status": "ok"|"partial"|"unavailable"|"auth"|"config"|..., "exit": N, "diag": "...",
 *  "requests": N, "items": [{"done": bool, "text": "...", "pin_back": [bool...],
 *  "error": "...", "error_kind": "bad_request"|...}]}
 * Exit 0 when the output was written (whatever the status), 2 on bad usage or input. */
#include "dispatch.h"
#include "glossary.h"
#include "provider.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *status_name(enum tj_status rc)
{
    static const char *const names[] = {"ok",          "usage",   "data", "noinput",
                                        "unavailable", "partial", "auth", "config"};
    return (size_t)rc < sizeof names / sizeof names[0] ? names[rc] : "unknown";
}

static const char *perror_name(enum tj_perror kind)
{
    static const char *const names[] = {"none",        "retryable", "quota",   "auth",
                                        "bad_request", "too_large", "protocol"};
    return (size_t)kind < sizeof names / sizeof names[0] ? names[kind] : "unknown";
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: apy_client URL LANGPAIR < segments.json\n");
        return 2;
    }
    json_error_t jerr;
    json_t *in = json_loadf(stdin, 0, &jerr);
    if (!json_is_array(in)) {
        fprintf(stderr, "apy_client: input is not a JSON array: %s\n", jerr.text);
        return 2;
    }
    size_t n = json_array_size(in);
    struct tj_dispatch_item *items = calloc(n ? n : 1, sizeof *items);
    struct tj_pin **pins = calloc(n ? n : 1, sizeof *pins);
    struct tj_term **terms = calloc(n ? n : 1, sizeof *terms);
    for (size_t i = 0; i < n; i++) {
        json_t *seg = json_array_get(in, i);
        json_t *jp = json_object_get(seg, "pins");
        size_t np = json_array_size(jp);
        items[i].text = json_string_value(json_object_get(seg, "text"));
        if (!items[i].text) {
            fprintf(stderr, "apy_client: segment %zu has no text\n", i);
            return 2;
        }
        items[i].len = strlen(items[i].text);
        pins[i] = calloc(np ? np : 1, sizeof *pins[i]);
        terms[i] = calloc(np ? np : 1, sizeof *terms[i]);
        for (size_t k = 0; k < np; k++) {
            json_t *p = json_array_get(jp, k);
            terms[i][k].english = (char *)json_string_value(json_object_get(p, "english"));
            terms[i][k].arabic = terms[i][k].english;
            terms[i][k].type = TJ_TERM_PERSON;
            pins[i][k].start = (size_t)json_integer_value(json_object_get(p, "start"));
            pins[i][k].end = (size_t)json_integer_value(json_object_get(p, "end"));
            pins[i][k].term = &terms[i][k];
            if (!terms[i][k].english || pins[i][k].end > items[i].len ||
                pins[i][k].start >= pins[i][k].end) {
                fprintf(stderr, "apy_client: segment %zu: bad pin %zu\n", i, k);
                return 2;
            }
        }
        items[i].pins = pins[i];
        items[i].npins = np;
    }

    struct tj_provider_config cfg = {.url = argv[1], .langpair = argv[2]};
    struct tj_provider *p = NULL;
    struct tj_diag diag = {0};
    enum tj_status rc = tj_provider_create(tj_provider_find("apertium"), &cfg, &p, &diag);
    struct tj_dispatch_stats st = {0};
    if (rc == TJ_OK) {
        struct tj_dispatch_options opts = {.timeout = 30};
        rc = tj_dispatch_run(p, items, n, &opts, &st, &diag);
    }

    json_t *out = json_object();
    json_object_set_new(out, "status", json_string(status_name(rc)));
    json_object_set_new(out, "exit", json_integer(tj_status_exit_code(rc)));
    json_object_set_new(out, "diag", json_string(rc == TJ_OK ? "" : diag.message));
    json_object_set_new(out, "requests", json_integer((json_int_t)st.requests));
    json_t *res = json_array();
    for (size_t i = 0; i < n && p; i++) {
        json_t *r = json_object();
        json_object_set_new(r, "done", json_boolean(items[i].done));
        if (items[i].done) {
            json_object_set_new(r, "text", json_string(items[i].result.text));
            json_t *back = json_array();
            for (size_t k = 0; items[i].result.pin_back && k < items[i].result.npins; k++)
                json_array_append_new(back, json_boolean(items[i].result.pin_back[k]));
            json_object_set_new(r, "pin_back", back);
        } else {
            json_object_set_new(r, "error", json_string(items[i].error ? items[i].error : ""));
            json_object_set_new(r, "error_kind", json_string(perror_name(items[i].error_kind)));
        }
        json_array_append_new(res, r);
        tj_dispatch_item_finish(&items[i]);
    }
    json_object_set_new(out, "items", res);
    json_dumpf(out, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII);
    putchar('\n');
    json_decref(out);

    tj_provider_destroy(p);
    for (size_t i = 0; i < n; i++) {
        free(pins[i]);
        free(terms[i]);
    }
    free(pins);
    free(terms);
    free(items);
    json_decref(in);
    return 0;
}
