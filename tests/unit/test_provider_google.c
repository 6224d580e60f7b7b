/* Google Cloud Translation v2: key in the query, format always sent, notranslate spans with
 * entities decoded, and the 403 reasons told apart. */
#include "test_providers.h"

static const char *const texts[] = {
    "قال بوتين إن \"الاتفاق\" جيد.",
    "وصل الوفد.",
};

static void test_request_html_with_pins(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "AIza key/1"};
    struct tj_provider *p = tp_provider("google", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(
        r.url, "https://translation.googleapis.com/language/translate/v2?key=AIza%20key%2F1");
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "source"), "ar");
    assert_string_equal(tp_str(body, "target"), "en");
    assert_string_equal(tp_str(body, "format"), "html");
    json_t *q = json_object_get(body, "q");
    assert_string_equal(json_string_value(json_array_get(q, 0)),
                        "قال <span class=\"notranslate\" translate=\"no\">Putin</span> إن "
                        "\"الاتفاق\" جيد.");
    assert_null(strstr(r.body, "AIza"));
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_request_text_without_pins(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k", .url = "http://127.0.0.1:9/"};
    struct tj_provider *p = tp_provider("google", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts + 1, 1);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.url, "http://127.0.0.1:9/language/translate/v2?key=k");
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "format"), "text");
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_limits(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k"};
    struct tj_provider *p = tp_provider("google", &cfg);
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    assert_int_equal(lim.max_segments, 128);
    assert_int_equal(lim.max_chars, 5000);
    tj_provider_destroy(p);
}

static void test_parse_decodes_entities(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k"};
    struct tj_provider *p = tp_provider("google", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_result res[2];
    struct tj_provider_error err;
    const char *body =
        "{\"data\":{\"translations\":[{\"translatedText\":\"<span class=\\\"notranslate\\\" "
        "style=\\\";text-align:left;direction:ltr\\\" translate=\\\"no\\\">Putin</span> "
        "said the &quot;agreement&quot; is good &amp; fair.\"},{\"translatedText\":\"The "
        "delegation&#39;s arrival.\"}]}}";
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, body, res, &err), TJ_PERR_NONE);
    assert_string_equal(res[0].text, "Putin said the \"agreement\" is good & fair.");
    assert_true(res[0].pin_back[0]);
    assert_string_equal(res[1].text, "The delegation's arrival.");
    tj_results_finish(res, 2);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "AIzaSECRET"};
    struct tj_provider *p = tp_provider("google", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_provider_error err;
    tp_expect_error(p, &b.batch, 403, tp_json_headers,
                    "{\"error\":{\"code\":403,\"message\":\"Daily Limit Exceeded\",\"errors\":[{"
                    "\"message\":\"Daily Limit Exceeded\",\"domain\":\"usageLimits\",\"reason\":"
                    "\"dailyLimitExceeded\"}]}}",
                    TJ_PERR_QUOTA, &err);
    const char *const retry[] = {"Retry-After: 30", NULL};
    tp_expect_error(p, &b.batch, 403, retry,
                    "{\"error\":{\"code\":403,\"message\":\"User Rate Limit Exceeded\",\"errors\":"
                    "[{\"reason\":\"userRateLimitExceeded\"}]}}",
                    TJ_PERR_RETRYABLE, &err);
    assert_true(err.retry_after == 30);
    tp_expect_error(p, &b.batch, 403, tp_json_headers,
                    "{\"error\":{\"code\":403,\"message\":\"The caller does not have "
                    "permission\",\"status\":\"PERMISSION_DENIED\"}}",
                    TJ_PERR_AUTH, &err);
    tp_expect_error(
        p, &b.batch, 400, tp_json_headers,
        "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API "
        "key.\",\"errors\":[{\"message\":\"API key not valid. Please pass a valid API key.\","
        "\"domain\":\"global\",\"reason\":\"badRequest\"}],\"status\":\"INVALID_ARGUMENT\","
        "\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_"
        "KEY_INVALID\"}]}}",
        TJ_PERR_AUTH, &err);
    assert_null(strstr(err.message, "AIzaSECRET"));
    tp_expect_error(p, &b.batch, 400, tp_json_headers,
                    "{\"error\":{\"code\":400,\"message\":\"Too many text segments\","
                    "\"errors\":[{\"reason\":\"invalid\"}]}}",
                    TJ_PERR_TOO_LARGE, &err);
    tp_expect_error(p, &b.batch, 400, tp_json_headers,
                    "{\"error\":{\"code\":400,\"message\":\"Invalid Value\",\"errors\":[{"
                    "\"reason\":\"invalid\"}]}}",
                    TJ_PERR_BAD_REQUEST, &err);
    tp_expect_error(p, &b.batch, 429, tp_json_headers,
                    "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\",\"message\":"
                    "\"Quota exceeded\"}}",
                    TJ_PERR_RETRYABLE, &err);
    tp_expect_error(p, &b.batch, 500, NULL, "", TJ_PERR_RETRYABLE, &err);
    tp_expect_error(p, &b.batch, 200, tp_json_headers,
                    "{\"data\":{\"translations\":[{\"translatedText\":\"one\"}]}}",
                    TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, tp_html_headers, tp_html_page, TJ_PERR_PROTOCOL, &err);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_html_with_pins),
        cmocka_unit_test(test_request_text_without_pins),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_parse_decodes_entities),
        cmocka_unit_test(test_parse_errors),
    };
    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
