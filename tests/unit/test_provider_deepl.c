/* DeepL: auth header, Free/Pro host, XML tag handling for pins, variant, context, limits, and
 * the parse of its answers and error statuses. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_free_key),
        cmocka_unit_test(test_request_pro_key_variant_and_url),
        cmocka_unit_test(test_needs_a_key),
        cmocka_unit_test(test_limits_50_texts_128_kib),
        cmocka_unit_test(test_parse_success),
        cmocka_unit_test(test_parse_errors),
    };
    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
