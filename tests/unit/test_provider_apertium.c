/* Apertium APy: /translate with a configurable langpair, one q as a form, placeholders for
 * pins, and APy's error shape. */
#include "test_providers.h"

static void test_request(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("apertium", NULL);
    const char *one[] = {"قال لبوتين & غادر"};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "http://127.0.0.1:2737/translate");
    assert_string_equal(tp_header(&r, "Content-Type"), "application/x-www-form-urlencoded");
    /* q is "قال لـ⟦1⟧ & غادر". */
    assert_string_equal(r.body, "langpair=ara%7Ceng&format=txt&markUnknown=no&q="
                                "%D9%82%D8%A7%D9%84%20%D9%84%D9%80%E2%9F%A61%E2%9F%A7%20%26%20"
                                "%D8%BA%D8%A7%D8%AF%D8%B1");
    assert_int_equal(r.body_len, strlen(r.body));
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_langpair_configurable(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.url = "http://127.0.0.1:40000/", .langpair = "eng|spa"};
    struct tj_provider *p = tp_provider("apertium", &cfg);
    const char *one[] = {"The talks ended."};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.url, "http://127.0.0.1:40000/translate");
    assert_string_equal(r.body,
                        "langpair=eng%7Cspa&format=txt&markUnknown=no&q=The%20talks%20ended.");
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);

    struct tj_provider_config bad = {.langpair = "ara-eng"};
    struct tj_diag d;
    assert_int_equal(tj_provider_create(tj_provider_find("apertium"), &bad, &p, &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "ara-eng"));
}

static void test_parse(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("apertium", NULL);
    const char *one[] = {"التقى بوتين لافروف"};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_result res[1];
    struct tj_provider_error err;
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers,
                              "{\"responseData\":{\"translatedText\":\"Met ⟦1⟧ ⟦2⟧\"},"
                              "\"responseDetails\":null,\"responseStatus\":200}",
                              res, &err),
                     TJ_PERR_NONE);
    assert_string_equal(res[0].text, "Met Putin Lavrov");
    assert_true(res[0].pin_back[0] && res[0].pin_back[1]);
    tj_result_finish(&res[0]);
    /* The Arabic came back as it went: the result says so. */
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers,
                              "{\"responseData\":{\"translatedText\":\"التقى بوتين لافروف\"},"
                              "\"responseStatus\":200}",
                              res, &err),
                     TJ_PERR_NONE);
    assert_int_equal(res[0].flags, TJ_RESULT_ECHO);
    assert_false(res[0].pin_back[0]);
    tj_result_finish(&res[0]);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("apertium", NULL);
    const char *one[] = {"قال بوتين"};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_provider_error err;
    tp_expect_error(p, &b.batch, 400, tp_json_headers,
                    "{\"status\":\"error\",\"code\":400,\"message\":\"Bad Request\","
                    "\"explanation\":\"That pair is not installed\"}",
                    TJ_PERR_BAD_REQUEST, &err);
    assert_non_null(strstr(err.message, "That pair is not installed"));
    assert_non_null(strstr(err.message, "ara|eng"));
    tp_expect_error(p, &b.batch, 503, tp_json_headers,
                    "{\"status\":\"error\",\"code\":503,\"message\":\"Service Unavailable\","
                    "\"explanation\":\"internal error\"}",
                    TJ_PERR_RETRYABLE, &err);
    tp_expect_error(p, &b.batch, 200, tp_json_headers, "{\"responseData\":[]}", TJ_PERR_PROTOCOL,
                    &err);
    tp_expect_error(p, &b.batch, 200, NULL, "", TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, tp_html_headers, tp_html_page, TJ_PERR_PROTOCOL, &err);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_langpair_configurable),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
    };
    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
