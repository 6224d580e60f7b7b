/* Fuzz target: arbitrary bytes as a translation service's response, through every remote
 * provider's parser, and through pin restoring on its own.
 *
 * Input: byte 0 chooses the provider (its high bit: restore only, with byte 1 choosing the
 * protection kind); byte 1 the HTTP status; byte 2 bit 0 an HTML content type, bit 1 a
 * Retry-After header, bits 2-4 the batch size; the rest is the body. Invariants: no crash; a
 * success leaves every segment valid UTF-8 English without NUL bytes and pin_back for each
 * pin; a failure leaves no result, a message, and never the key. */
#include "glossary.h"
#include "pin.h"
#include "protect.h"
#include "provider.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY "FUZZKEY-0123:fx"

static const char *const providers[] = {"libretranslate", "deepl",    "google", "microsoft",
                                        "mymemory",       "apertium", "openai"};
static const long statuses[] = {200, 200, 200, 200, 400, 401, 403, 404,
                                408, 413, 429, 456, 500, 502, 503, 529};
static const char *const texts[] = {
    "قال لبوتين إن الكرملين يوافق.",
    "التقى بوتين ولافروف في موسكو.",
    "وصل الوفد.",
    "أعلنت بريكس & شركاؤها <اتفاقا>.",
    "قال بوتين.",
    "غادر لافروف موسكو.",
    "\"الكرملين\" (موسكو)",
    "بوتين",
};

static struct tj_glossary *glossary(void)
{
    static struct tj_glossary *g;
    if (!g) {
        const char *tsv = "بوتين\tPutin\tperson\n"
                          "لافروف\tLavrov\tperson\n"
                          "الكرملين\tKremlin\torg\n"
                          "موسكو\tMoscow\tplace\n"
                          "بريكس\tBRICS\torg\n";
        g = tj_glossary_create();
        if (tj_glossary_load_mem(g, "fuzz", tsv, strlen(tsv), NULL) != TJ_OK)
            abort();
    }
    return g;
}

static void check_english(const char *s)
{
    if (!s || !tj_utf8_check_text(s, strlen(s), NULL, NULL))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    struct tj_batch_item items[8];
    struct tj_pin *pins[8] = {0};
    for (size_t i = 0; i < 8; i++) {
        size_t len = strlen(texts[i]);
        size_t np = tj_pin_find(glossary(), texts[i], len, &pins[i]);
        items[i] = (struct tj_batch_item){texts[i], len, pins[i], np};
    }
    const char *body = (const char *)data + 3;
    size_t len = size - 3;

    if (data[0] & 0x80) {
        enum tj_protect_kind kind = (enum tj_protect_kind)(data[1] % 6);
        const struct tj_batch_item *it = &items[data[2] % 8];
        bool back[8];
        char *english = tj_protect_restore(kind, it->pins, it->npins, body, len, back);
        check_english(english);
        free(english);
        goto out;
    }

    struct tj_provider_config cfg = {.api_key = KEY, .url = "http://127.0.0.1:1"};
    const struct tj_provider_ops *ops = tj_provider_find(providers[data[0] % 7]);
    struct tj_provider *p = NULL;
    if (!ops || tj_provider_create(ops, &cfg, &p, NULL) != TJ_OK)
        abort();
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    size_t n = 1 + ((data[2] >> 2) & 7);
    if (lim.max_segments && n > lim.max_segments)
        n = lim.max_segments;
    struct tj_batch batch = {.items = items, .n = n};

    const char *headers[3];
    size_t nh = 0;
    headers[nh++] = data[2] & 1 ? "Content-Type: text/html" : "Content-Type: application/json";
    if (data[2] & 2)
        headers[nh++] = "Retry-After: 3";
    headers[nh] = NULL;
    struct tj_http_response resp = {statuses[data[1] % 16], headers, nh, body, len};
    struct tj_result results[8];
    memset(results, 0, sizeof results);
    struct tj_provider_error err;
    enum tj_perror k = tj_provider_parse_response(p, &batch, &resp, results, &err);
    for (size_t i = 0; i < n; i++) {
        if (k == TJ_PERR_NONE) {
            check_english(results[i].text);
            if (results[i].npins != items[i].npins || (items[i].npins && !results[i].pin_back))
                abort();
        } else if (results[i].text) {
            abort();
        }
    }
    if (k != TJ_PERR_NONE && (!err.message[0] || strstr(err.message, "FUZZKEY") ||
                              !tj_utf8_check_text(err.message, strlen(err.message), NULL, NULL)))
        abort();
    tj_results_finish(results, n);
    tj_provider_destroy(p);
out:
    for (size_t i = 0; i < 8; i++)
        free(pins[i]);
    return 0;
}
