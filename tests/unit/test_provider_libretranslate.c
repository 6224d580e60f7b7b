/* LibreTranslate: the request for a batch with pins, and the parse of its answers. */
#include "test_providers.h"

static const char *const texts[] = {
    "التقى بوتين ولافروف في موسكو.",
    "قال الكرملين إن المحادثات & النتائج <جيدة>.",
    "وصل الوفد.",
};

static void test_request_with_pins(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.url = "http://lt.test:5000/", .api_key = "lt-key-1"};
    struct tj_provider *p = tp_provider("libretranslate", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 3);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "http://lt.test:5000/translate");
    assert_string_equal(tp_header(&r, "Content-Type"), "application/json; charset=UTF-8");
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "source"), "ar");
    assert_string_equal(tp_str(body, "target"), "en");
    assert_string_equal(tp_str(body, "format"), "html");
    assert_string_equal(tp_str(body, "api_key"), "lt-key-1");
    json_t *q = json_object_get(body, "q");
    assert_int_equal(json_array_size(q), 3);
    assert_string_equal(json_string_value(json_array_get(q, 0)),
                        "التقى <span translate=\"no\">Putin</span> وـ<span "
                        "translate=\"no\">Lavrov</span> في <span translate=\"no\">Moscow</span>.");
    /* In HTML mode the text's own markup characters are escaped. */
    assert_string_equal(json_string_value(json_array_get(q, 1)),
                        "قال <span translate=\"no\">Kremlin</span> إن المحادثات &amp; النتائج "
                        "&lt;جيدة&gt;.");
    assert_string_equal(json_string_value(json_array_get(q, 2)), "وصل الوفد.");
    assert_null(strstr(r.url, "lt-key-1"));
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_request_without_pins_is_text(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("libretranslate", NULL);
    struct tp_batch b;
    const char *plain[] = {"وصل الوفد <صباحا>."};
    tp_batch_init(&b, plain, 1);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.url, "http://127.0.0.1:5000/translate");
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "format"), "text");
    assert_null(json_object_get(body, "api_key"));
    assert_string_equal(json_string_value(json_array_get(json_object_get(body, "q"), 0)),
                        "وصل الوفد <صباحا>.");
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

/* A retry after pins came back wrong names another strategy: placeholders, then the English
 * written in place, both as plain text. */
static void test_request_with_another_strategy(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("libretranslate", NULL);
    assert_int_equal(tj_provider_strategies(p), 3);
    assert_int_equal(tj_provider_strategy(p, 0), TJ_PROTECT_HTML);
    assert_int_equal(tj_provider_strategy(p, 2), TJ_PROTECT_PLACEHOLDER);
    assert_int_equal(tj_provider_strategy(p, 3), TJ_PROTECT_INLINE);
    struct tp_batch b;
    tp_batch_init(&b, texts, 1);
    const char *want[] = {"التقى ⟦1⟧ وـ⟦2⟧ في ⟦3⟧.", "التقى Putin وـLavrov في Moscow."};
    for (size_t k = 2; k <= 3; k++) {
        b.batch.strategy = k;
        struct tj_http_request r;
        assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
        json_t *body = tp_body(&r);
        assert_string_equal(tp_str(body, "format"), "text");
        assert_string_equal(json_string_value(json_array_get(json_object_get(body, "q"), 0)),
                            want[k - 2]);
        json_decref(body);
        tj_http_request_finish(&r);
    }
    /* A strategy it does not have is refused. */
    b.batch.strategy = 4;
    struct tj_http_request r;
    struct tj_diag d;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, &d), TJ_ERR_USAGE);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_batch_over_the_limit_is_refused(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("libretranslate", NULL);
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    assert_true(lim.max_segments > 0 && lim.max_segments < TP_MAX);
    const char *many[TP_MAX];
    for (size_t i = 0; i < TP_MAX; i++)
        many[i] = "وصل الوفد.";
    struct tp_batch b;
    tp_batch_init(&b, many, lim.max_segments + 1);
    struct tj_http_request r;
    struct tj_diag d;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, &d), TJ_ERR_DATA);
    assert_non_null(strstr(d.message, "segments"));
    assert_null(r.url);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_success_restores_pins(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("libretranslate", NULL);
    struct tp_batch b;
    tp_batch_init(&b, texts, 3);
    struct tj_result res[3];
    struct tj_provider_error err;
    const char *body =
        "{\"translatedText\": [\"<span translate=\\\"no\\\">Putin</span> and <span "
        "translate=\\\"no\\\">Lavrov</span> met in <span translate=\\\"no\\\">Moscow</span> "
        ".\", \"The <span translate=\\\"no\\\"> Kremlin </span>said the talks &amp; results "
        "are good.\", \"The delegation arrived.\"]}";
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, body, res, &err), TJ_PERR_NONE);
    assert_string_equal(res[0].text, "Putin and Lavrov met in Moscow.");
    assert_int_equal(res[0].npins, 3);
    assert_true(res[0].pin_back[0] && res[0].pin_back[1] && res[0].pin_back[2]);
    assert_string_equal(res[1].text, "The Kremlin said the talks & results are good.");
    assert_string_equal(res[2].text, "The delegation arrived.");
    assert_int_equal(res[2].npins, 0);
    assert_int_equal(res[0].flags | res[1].flags | res[2].flags, 0);
    tj_results_finish(res, 3);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_flags_missing_pins_and_echo(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("libretranslate", NULL);
    struct tp_batch b;
    tp_batch_init(&b, texts, 3);
    struct tj_result res[3];
    struct tj_provider_error err;
    /* The engine lost Lavrov's markup and name, and gave the Arabic of the third back. */
    const char *body = "{\"translatedText\": [\"<span translate=\\\"no\\\">Putin</span> and the "
                       "minister met in Moscow.\", \"The Kremlin said so.\", \"وصل الوفد.\"]}";
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, body, res, &err), TJ_PERR_NONE);
    assert_true(res[0].pin_back[0]);
    assert_false(res[0].pin_back[1]);
    assert_true(res[0].pin_back[2]);
    assert_true(res[1].pin_back[0]);
    assert_int_equal(res[2].flags, TJ_RESULT_ECHO);
    tj_results_finish(res, 3);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "lt-secret-77"};
    struct tj_provider *p = tp_provider("libretranslate", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 3);
    struct tj_provider_error err;
    /* Wrong count, garbage, a proxy's HTML page (even under 200), an empty body. */
    tp_expect_error(p, &b.batch, 200, tp_json_headers, "{\"translatedText\": [\"a\", \"b\"]}",
                    TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, NULL, "Internal error}{", TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, tp_html_headers, tp_html_page, TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, NULL, "", TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, tp_json_headers, "{\"translatedText\": [1, 2, 3]}",
                    TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 502, tp_html_headers, tp_html_page, TJ_PERR_RETRYABLE, &err);
    /* The server's own errors. */
    tp_expect_error(p, &b.batch, 400, tp_json_headers,
                    "{\"error\": \"Invalid request: request (12) exceeds text limit (10)\"}",
                    TJ_PERR_TOO_LARGE, &err);
    tp_expect_error(p, &b.batch, 400, tp_json_headers, "{\"error\": \"zz is not supported\"}",
                    TJ_PERR_BAD_REQUEST, &err);
    assert_non_null(strstr(err.message, "zz is not supported"));
    tp_expect_error(p, &b.batch, 400, tp_json_headers,
                    "{\"error\": \"Visit https://portal.libretranslate.com to get an API key\"}",
                    TJ_PERR_AUTH, &err);
    tp_expect_error(p, &b.batch, 403, tp_json_headers,
                    "{\"error\": \"Invalid API key lt-secret-77\"}", TJ_PERR_AUTH, &err);
    assert_null(strstr(err.message, "lt-secret-77"));
    /* A key where the message is cut leaves no part of itself either. */
    char echo[400];
    snprintf(echo, sizeof echo, "{\"error\": \"%.*s lt-secret-77\"}", 226,
             "................................................................................"
             "................................................................................"
             "................................................................................");
    tp_expect_error(p, &b.batch, 403, tp_json_headers, echo, TJ_PERR_AUTH, &err);
    assert_null(strstr(err.message, "lt-sec"));
    tp_expect_error(p, &b.batch, 403, tp_json_headers,
                    "{\"error\": \"Too many request limits violations\"}", TJ_PERR_QUOTA, &err);
    const char *const retry[] = {"Retry-After: 7", NULL};
    tp_expect_error(p, &b.batch, 429, retry, "{\"error\": \"Slowdown: 20 per 1 minute\"}",
                    TJ_PERR_RETRYABLE, &err);
    assert_true(err.retry_after == 7);
    tp_expect_error(p, &b.batch, 500, NULL, "Internal Server Error", TJ_PERR_RETRYABLE, &err);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static const char *lookup(const char *name, void *ud)
{
    (void)ud;
    return strcmp(name, "LIBRETRANSLATE_API_KEY") == 0 ? "from-env" : NULL;
}

static void test_key_from_environment(void **state)
{
    (void)state;
    const struct tj_provider_ops *ops = tj_provider_find("libretranslate");
    struct tj_provider_config cfg = {0};
    assert_int_equal(tj_provider_env_apply(ops, &cfg, lookup, NULL), 1u << TJ_PCFG_API_KEY);
    assert_string_equal(cfg.api_key, "from-env");
    /* A key given on the command line wins. */
    struct tj_provider_config given = {.api_key = "given"};
    assert_int_equal(tj_provider_env_apply(ops, &given, lookup, NULL), 0);
    assert_string_equal(given.api_key, "given");
    assert_string_equal(tj_provider_env_var(ops, TJ_PCFG_API_KEY), "LIBRETRANSLATE_API_KEY");
    const struct tj_provider_info *info = tj_provider_class_info(ops);
    assert_true(info->remote);
    assert_false(info->needs_key);
    assert_true(info->features & TJ_PFEAT_MARKUP_HTML);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_with_pins),
        cmocka_unit_test(test_request_without_pins_is_text),
        cmocka_unit_test(test_request_with_another_strategy),
        cmocka_unit_test(test_batch_over_the_limit_is_refused),
        cmocka_unit_test(test_parse_success_restores_pins),
        cmocka_unit_test(test_parse_flags_missing_pins_and_echo),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_key_from_environment),
    };
    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
