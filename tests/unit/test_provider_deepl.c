/* DeepL: auth header, Free/Pro host, XML tag handling for pins, variant, context, limits, the
 * parse of its answers and error statuses, and its glossaries (requests, answers, glossary_id
 * on a translation). */
#include "test_providers.h"

static const char *const texts[] = {
    "قال لبوتين إن الكرملين يوافق.",
    "وصل الوفد إلى موسكو.",
};

static void test_request_free_key(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "abc-123:fx"};
    struct tj_provider *p = tp_provider("deepl", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    b.batch.context = "انتهت القمة أمس.";
    b.batch.context_len = strlen(b.batch.context);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api-free.deepl.com/v2/translate");
    assert_string_equal(tp_header(&r, "Authorization"), "DeepL-Auth-Key abc-123:fx");
    /* The key only in its header. */
    assert_null(strstr(r.url, "abc-123"));
    assert_null(strstr(r.body, "abc-123"));
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "source_lang"), "AR");
    assert_string_equal(tp_str(body, "target_lang"), "EN-US");
    assert_string_equal(tp_str(body, "tag_handling"), "xml");
    json_t *ignore = json_object_get(body, "ignore_tags");
    assert_int_equal(json_array_size(ignore), 1);
    assert_string_equal(json_string_value(json_array_get(ignore, 0)), "x");
    assert_string_equal(tp_str(body, "context"), "انتهت القمة أمس.");
    json_t *text = json_object_get(body, "text");
    assert_int_equal(json_array_size(text), 2);
    assert_string_equal(json_string_value(json_array_get(text, 0)),
                        "قال لـ<x>Putin</x> إن <x>Kremlin</x> يوافق.");
    assert_string_equal(json_string_value(json_array_get(text, 1)), "وصل الوفد إلى <x>Moscow</x>.");
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_request_pro_key_variant_and_url(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "pro-key", .variant = "en-GB", .no_context = true};
    struct tj_provider *p = tp_provider("deepl", &cfg);
    const char *plain[] = {"وصل الوفد."};
    struct tp_batch b;
    tp_batch_init(&b, plain, 1);
    b.batch.context = "انتهت القمة أمس.";
    b.batch.context_len = strlen(b.batch.context);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.url, "https://api.deepl.com/v2/translate");
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "target_lang"), "EN-GB");
    /* No pins: no tag handling; no context when the user said so. */
    assert_null(json_object_get(body, "tag_handling"));
    assert_null(json_object_get(body, "context"));
    json_decref(body);
    tj_http_request_finish(&r);
    tj_provider_destroy(p);

    /* A URL given wins over the key's host (e.g. a local mock). */
    struct tj_provider_config local = {.api_key = "k:fx", .url = "http://127.0.0.1:3000"};
    p = tp_provider("deepl", &local);
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.url, "http://127.0.0.1:3000/v2/translate");
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_needs_a_key(void **state)
{
    (void)state;
    struct tj_provider *p = NULL;
    struct tj_diag d;
    struct tj_provider_config cfg = {0};
    assert_int_equal(tj_provider_create(tj_provider_find("deepl"), &cfg, &p, &d), TJ_ERR_CONFIG);
    assert_null(p);
    assert_non_null(strstr(d.message, "DEEPL_AUTH_KEY"));
}

static void test_limits_50_texts_128_kib(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k"};
    struct tj_provider *p = tp_provider("deepl", &cfg);
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    assert_int_equal(lim.max_segments, 50);
    assert_int_equal(lim.max_bytes, 128 * 1024);
    const char *many[TP_MAX];
    for (size_t i = 0; i < TP_MAX; i++)
        many[i] = "وصل الوفد.";
    struct tp_batch b;
    tp_batch_init(&b, many, 51);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_ERR_DATA);
    tp_batch_finish(&b);
    /* 40 segments of 4,000 bytes: within the count, over the body limit. */
    char *big = malloc(4001);
    for (size_t i = 0; i < 2000; i++)
        memcpy(big + 2 * i, "ب", 2);
    big[4000] = '\0';
    for (size_t i = 0; i < 40; i++)
        many[i] = big;
    tp_batch_init(&b, many, 40);
    struct tj_diag d;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, &d), TJ_ERR_DATA);
    assert_non_null(strstr(d.message, "bytes"));
    assert_null(r.body);
    tp_batch_finish(&b);
    free(big);
    tj_provider_destroy(p);
}

static void test_parse_success(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k"};
    struct tj_provider *p = tp_provider("deepl", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_result res[2];
    struct tj_provider_error err;
    const char *body = "{\"translations\":[{\"detected_source_language\":\"AR\",\"text\":\"He told "
                       "<x>Putin</x>that the <x>Kremlin</x> agrees.\"},{\"detected_source_"
                       "language\":\"AR\",\"text\":\"The delegation arrived in <x>Moscow</x>.\"}]}";
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, body, res, &err), TJ_PERR_NONE);
    assert_string_equal(res[0].text, "He told Putin that the Kremlin agrees.");
    assert_true(res[0].pin_back[0] && res[0].pin_back[1]);
    assert_string_equal(res[1].text, "The delegation arrived in Moscow.");
    tj_results_finish(res, 2);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "secret-deepl:fx"};
    struct tj_provider *p = tp_provider("deepl", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_provider_error err;
    tp_expect_error(p, &b.batch, 403, NULL, "", TJ_PERR_AUTH, &err);
    assert_null(strstr(err.message, "secret-deepl"));
    tp_expect_error(p, &b.batch, 456, tp_json_headers, "{\"message\":\"Quota exceeded\"}",
                    TJ_PERR_QUOTA, &err);
    tp_expect_error(p, &b.batch, 413, NULL, "", TJ_PERR_TOO_LARGE, &err);
    tp_expect_error(p, &b.batch, 429, NULL, "", TJ_PERR_RETRYABLE, &err);
    tp_expect_error(p, &b.batch, 529, NULL, "", TJ_PERR_RETRYABLE, &err);
    tp_expect_error(p, &b.batch, 500, NULL, "", TJ_PERR_RETRYABLE, &err);
    tp_expect_error(p, &b.batch, 400, tp_json_headers,
                    "{\"message\":\"Value for 'target_lang' not supported.\"}", TJ_PERR_BAD_REQUEST,
                    &err);
    assert_non_null(strstr(err.message, "target_lang"));
    tp_expect_error(p, &b.batch, 200, tp_json_headers,
                    "{\"translations\":[{\"text\":\"only one\"}]}", TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, tp_json_headers, "{\"translations\":[{},{}]}",
                    TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, tp_html_headers, tp_html_page, TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, NULL, "{\"translations\":", TJ_PERR_PROTOCOL, &err);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

/* A batch that names the run's glossary: the Arabic as it is, glossary_id and source_lang,
 * no markup; the English the glossary gave is checked as any. */
static void test_request_with_glossary(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k", .native_glossary = true};
    struct tj_provider *p = tp_provider("deepl", &cfg);
    assert_true(tj_provider_native(p));
    assert_true(tj_provider_native_resource(p));
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    b.batch.glossary_id = "def3a26b-3e84-45b3-84ae-0c0aaf3525f7";
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "glossary_id"), "def3a26b-3e84-45b3-84ae-0c0aaf3525f7");
    assert_string_equal(tp_str(body, "source_lang"), "AR");
    assert_null(json_object_get(body, "tag_handling"));
    assert_null(json_object_get(body, "ignore_tags"));
    json_t *text = json_object_get(body, "text");
    assert_string_equal(json_string_value(json_array_get(text, 0)), texts[0]);
    assert_string_equal(json_string_value(json_array_get(text, 1)), texts[1]);
    json_decref(body);
    tj_http_request_finish(&r);

    struct tj_result res[2];
    struct tj_provider_error err;
    const char *answer = "{\"translations\":[{\"text\":\"He told Putin that the Kremlin "
                         "agrees.\"},{\"text\":\"The delegation arrived in Moskau.\"}]}";
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, answer, res, &err), TJ_PERR_NONE);
    assert_string_equal(res[0].text, "He told Putin that the Kremlin agrees.");
    assert_true(res[0].pin_back[0] && res[0].pin_back[1]);
    /* A term the engine did not take from the glossary is reported missing. */
    assert_false(res[1].pin_back[0]);
    tj_results_finish(res, 2);

    /* Without a glossary id (none could be made) the pins travel as markup again. */
    b.batch.glossary_id = NULL;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    body = tp_body(&r);
    assert_null(json_object_get(body, "glossary_id"));
    assert_string_equal(tp_str(body, "tag_handling"), "xml");
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);

    /* Not asked for: no glossary resource. */
    struct tj_provider_config plain = {.api_key = "k"};
    p = tp_provider("deepl", &plain);
    assert_false(tj_provider_native(p));
    assert_false(tj_provider_native_resource(p));
    tj_provider_destroy(p);
}

static const struct tj_native_entry entries[] = {
    {"الكرملين", "Kremlin"},
    {"بوتين", "Putin"},
};

/* Creating a glossary: POST /v2/glossaries with the pair (en serves EN-US and EN-GB) and the
 * entries as TSV; checking and deleting it: GET and DELETE /v2/glossaries/{id}. */
static void test_glossary_requests(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {
        .api_key = "gl-key:fx", .variant = "en-GB", .native_glossary = true};
    struct tj_provider *p = tp_provider("deepl", &cfg);
    struct tj_native_glossary g = {.entries = entries, .n = 2, .name = "tarjim test"};
    struct tj_http_request r;
    assert_int_equal(tj_provider_native_request(p, TJ_NATIVE_CREATE, &g, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api-free.deepl.com/v2/glossaries");
    assert_string_equal(tp_header(&r, "Authorization"), "DeepL-Auth-Key gl-key:fx");
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "name"), "tarjim test");
    assert_string_equal(tp_str(body, "source_lang"), "ar");
    assert_string_equal(tp_str(body, "target_lang"), "en");
    assert_string_equal(tp_str(body, "entries_format"), "tsv");
    assert_string_equal(tp_str(body, "entries"), "الكرملين\tKremlin\nبوتين\tPutin");
    assert_null(strstr(r.body, "gl-key"));
    json_decref(body);
    tj_http_request_finish(&r);

    /* No id yet: nothing to check. */
    assert_int_equal(tj_provider_native_request(p, TJ_NATIVE_CHECK, &g, &r, NULL), TJ_ERR_USAGE);
    g.id = strdup("def3a26b-3e84-45b3-84ae-0c0aaf3525f7");
    assert_int_equal(tj_provider_native_request(p, TJ_NATIVE_CHECK, &g, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "GET");
    assert_string_equal(
        r.url, "https://api-free.deepl.com/v2/glossaries/def3a26b-3e84-45b3-84ae-0c0aaf3525f7");
    assert_null(r.body);
    tj_http_request_finish(&r);
    assert_int_equal(tj_provider_native_request(p, TJ_NATIVE_DELETE, &g, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "DELETE");
    assert_string_equal(tp_header(&r, "Authorization"), "DeepL-Auth-Key gl-key:fx");
    tj_http_request_finish(&r);
    free(g.id);
    tj_provider_destroy(p);

    /* A provider without a glossary resource builds none. */
    struct tj_provider_config ms = {.api_key = "k", .native_glossary = true};
    p = tp_provider("microsoft", &ms);
    assert_true(tj_provider_native(p));
    assert_false(tj_provider_native_resource(p));
    assert_int_equal(tj_provider_native_request(p, TJ_NATIVE_CREATE, &g, &r, NULL), TJ_ERR_USAGE);
    tj_provider_destroy(p);
}

static enum tj_perror native_parse(struct tj_provider *p, enum tj_native_action a,
                                   struct tj_native_glossary *g, long status, const char *body,
                                   struct tj_provider_error *err)
{
    struct tj_http_response resp = {status, tp_json_headers, 1, body, strlen(body)};
    return tj_provider_native_response(p, a, g, &resp, err);
}

/* The answers: the id and readiness of a new glossary; a checked one still there, gone (404,
 * or another glossary's entries), or not yet ready; deleted (also when already gone); errors
 * classified as for translations, the key never in them. */
static void test_glossary_answers(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "secret-gl", .native_glossary = true};
    struct tj_provider *p = tp_provider("deepl", &cfg);
    struct tj_native_glossary g = {.entries = entries, .n = 2, .name = "tarjim test"};
    struct tj_provider_error err;
    const char *created =
        "{\"glossary_id\":\"def3a26b-3e84-45b3-84ae-0c0aaf3525f7\",\"name\":"
        "\"tarjim test\",\"ready\":true,\"source_lang\":\"ar\",\"target_lang\":"
        "\"en\",\"creation_time\":\"2026-11-05T10:00:00.000Z\",\"entry_count\":2}";
    assert_int_equal(native_parse(p, TJ_NATIVE_CREATE, &g, 201, created, &err), TJ_PERR_NONE);
    assert_string_equal(g.id, "def3a26b-3e84-45b3-84ae-0c0aaf3525f7");
    assert_true(g.ready);
    assert_false(g.gone);

    g.ready = false;
    assert_int_equal(native_parse(p, TJ_NATIVE_CHECK, &g, 200, created, &err), TJ_PERR_NONE);
    assert_true(g.ready && !g.gone);
    const char *pending =
        "{\"glossary_id\":\"def3a26b-3e84-45b3-84ae-0c0aaf3525f7\",\"ready\":false,"
        "\"entry_count\":2}";
    assert_int_equal(native_parse(p, TJ_NATIVE_CHECK, &g, 200, pending, &err), TJ_PERR_NONE);
    assert_false(g.ready);
    assert_false(g.gone);
    const char *other = "{\"glossary_id\":\"def3a26b-3e84-45b3-84ae-0c0aaf3525f7\",\"ready\":true,"
                        "\"source_lang\":\"ar\",\"target_lang\":\"en\",\"entry_count\":7}";
    assert_int_equal(native_parse(p, TJ_NATIVE_CHECK, &g, 200, other, &err), TJ_PERR_NONE);
    assert_true(g.gone);
    g.gone = false;
    const char *german = "{\"glossary_id\":\"def3a26b-3e84-45b3-84ae-0c0aaf3525f7\",\"ready\":true,"
                         "\"source_lang\":\"ar\",\"target_lang\":\"de\",\"entry_count\":2}";
    assert_int_equal(native_parse(p, TJ_NATIVE_CHECK, &g, 200, german, &err), TJ_PERR_NONE);
    assert_true(g.gone);
    g.gone = false;
    assert_int_equal(native_parse(p, TJ_NATIVE_CHECK, &g, 404, "", &err), TJ_PERR_NONE);
    assert_true(g.gone);

    g.gone = false;
    assert_int_equal(native_parse(p, TJ_NATIVE_DELETE, &g, 204, "", &err), TJ_PERR_NONE);
    assert_true(g.gone);
    g.gone = false;
    assert_int_equal(native_parse(p, TJ_NATIVE_DELETE, &g, 404, "", &err), TJ_PERR_NONE);
    assert_true(g.gone);

    assert_int_equal(native_parse(p, TJ_NATIVE_CREATE, &g, 403, "", &err), TJ_PERR_AUTH);
    assert_null(strstr(err.message, "secret-gl"));
    assert_int_equal(
        native_parse(p, TJ_NATIVE_CREATE, &g, 400,
                     "{\"message\":\"Invalid glossary entries provided\","
                     "\"detail\":\"Key with the index 1 duplicates key with the index 0\"}",
                     &err),
        TJ_PERR_BAD_REQUEST);
    assert_non_null(strstr(err.message, "Invalid glossary entries"));
    assert_int_equal(native_parse(p, TJ_NATIVE_CREATE, &g, 429, "", &err), TJ_PERR_RETRYABLE);
    assert_int_equal(native_parse(p, TJ_NATIVE_CREATE, &g, 201, "{\"name\":\"x\"}", &err),
                     TJ_PERR_PROTOCOL);
    assert_int_equal(native_parse(p, TJ_NATIVE_CHECK, &g, 500, "", &err), TJ_PERR_RETRYABLE);
    free(g.id);
    tj_provider_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_free_key),
        cmocka_unit_test(test_request_pro_key_variant_and_url),
        cmocka_unit_test(test_needs_a_key),
        cmocka_unit_test(test_limits_50_texts_128_kib),
        cmocka_unit_test(test_parse_success),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_request_with_glossary),
        cmocka_unit_test(test_glossary_requests),
        cmocka_unit_test(test_glossary_answers),
    };
    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
