/* Microsoft Translator v3: key and region headers, the query, [{"Text"}] bodies, limits, the
 * six-digit error codes, and the dynamic dictionary for native glossaries. */
#include "test_providers.h"

static const char *const texts[] = {
    "التقى بوتين ولافروف.",
    "وصل الوفد.",
};

static void test_request_headers_and_body(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "ms-key", .region = "westeurope"};
    struct tj_provider *p = tp_provider("microsoft", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api.cognitive.microsofttranslator.com/"
                               "translate?api-version=3.0&from=ar&to=en&textType=html");
    assert_string_equal(tp_header(&r, "Ocp-Apim-Subscription-Key"), "ms-key");
    assert_string_equal(tp_header(&r, "Ocp-Apim-Subscription-Region"), "westeurope");
    json_t *body = tp_body(&r);
    assert_true(json_is_array(body));
    assert_int_equal(json_array_size(body), 2);
    assert_string_equal(tp_str(json_array_get(body, 0), "Text"),
                        "التقى <span class=\"notranslate\" translate=\"no\">Putin</span> "
                        "وـ<span class=\"notranslate\" translate=\"no\">Lavrov</span>.");
    assert_string_equal(tp_str(json_array_get(body, 1), "Text"), "وصل الوفد.");
    assert_null(strstr(r.url, "ms-key"));
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);

    /* Without pins: plain text; without a region: no region header. */
    struct tj_provider_config global = {.api_key = "ms-key"};
    p = tp_provider("microsoft", &global);
    tp_batch_init(&b, texts + 1, 1);
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_null(strstr(r.url, "textType"));
    assert_null(tp_header(&r, "Ocp-Apim-Subscription-Region"));
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static const char *lookup(const char *name, void *ud)
{
    (void)ud;
    if (strcmp(name, "AZURE_TRANSLATOR_KEY") == 0)
        return "env-key";
    if (strcmp(name, "AZURE_TRANSLATOR_REGION") == 0)
        return "eastus";
    return NULL;
}

static void test_key_and_region_from_environment(void **state)
{
    (void)state;
    const struct tj_provider_ops *ops = tj_provider_find("microsoft");
    struct tj_provider_config cfg = {0};
    assert_int_equal(tj_provider_env_apply(ops, &cfg, lookup, NULL),
                     (1u << TJ_PCFG_API_KEY) | (1u << TJ_PCFG_REGION));
    assert_string_equal(cfg.api_key, "env-key");
    assert_string_equal(cfg.region, "eastus");
}

static void test_limits_50000_characters(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k"};
    struct tj_provider *p = tp_provider("microsoft", &cfg);
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    assert_int_equal(lim.max_segments, 1000);
    assert_int_equal(lim.max_chars, 50000);
    /* 60 segments of 1,000 Arabic letters: 60,000 characters. */
    char *big = malloc(2001);
    for (size_t i = 0; i < 1000; i++)
        memcpy(big + 2 * i, "ب", 2);
    big[2000] = '\0';
    const char *many[TP_MAX];
    for (size_t i = 0; i < 60; i++)
        many[i] = big;
    struct tp_batch b;
    tp_batch_init(&b, many, 60);
    struct tj_http_request r;
    struct tj_diag d;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, &d), TJ_ERR_DATA);
    assert_non_null(strstr(d.message, "characters"));
    tp_batch_finish(&b);
    free(big);
    tj_provider_destroy(p);
}

static void test_parse_success(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k"};
    struct tj_provider *p = tp_provider("microsoft", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_result res[2];
    struct tj_provider_error err;
    const char *body =
        "[{\"translations\":[{\"text\":\"<span class=\\\"notranslate\\\" "
        "translate=\\\"no\\\">Putin</span> and <span class=\\\"notranslate\\\" "
        "translate=\\\"no\\\">Lavrov</span> met.\",\"to\":\"en\"}]},{\"translations\":[{"
        "\"text\":\"The delegation arrived.\",\"to\":\"en\"}]}]";
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, body, res, &err), TJ_PERR_NONE);
    assert_string_equal(res[0].text, "Putin and Lavrov met.");
    assert_true(res[0].pin_back[0] && res[0].pin_back[1]);
    assert_string_equal(res[1].text, "The delegation arrived.");
    tj_results_finish(res, 2);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k"};
    struct tj_provider *p = tp_provider("microsoft", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_provider_error err;
    static const struct {
        long status;
        const char *body;
        enum tj_perror kind;
    } cases[] = {
        {400, "{\"error\":{\"code\":400050,\"message\":\"The input text is too long.\"}}",
         TJ_PERR_TOO_LARGE},
        {400,
         "{\"error\":{\"code\":400072,\"message\":\"The input array has too many "
         "elements.\"}}",
         TJ_PERR_TOO_LARGE},
        {400,
         "{\"error\":{\"code\":400077,\"message\":\"The maximum request size has been "
         "exceeded.\"}}",
         TJ_PERR_TOO_LARGE},
        {400, "{\"error\":{\"code\":400036,\"message\":\"The target language is not valid.\"}}",
         TJ_PERR_BAD_REQUEST},
        {401,
         "{\"error\":{\"code\":401000,\"message\":\"The request is not authorized because "
         "credentials are missing or invalid.\"}}",
         TJ_PERR_AUTH},
        {403,
         "{\"error\":{\"code\":403001,\"message\":\"The operation is not allowed because "
         "the subscription has exceeded its free quota.\"}}",
         TJ_PERR_QUOTA},
        {408,
         "{\"error\":{\"code\":408001,\"message\":\"The requested system is being "
         "prepared.\"}}",
         TJ_PERR_RETRYABLE},
        {429,
         "{\"error\":{\"code\":429001,\"message\":\"The server rejected the request "
         "because the client has exceeded request limits.\"}}",
         TJ_PERR_RETRYABLE},
        {503,
         "{\"error\":{\"code\":503000,\"message\":\"Service is temporarily "
         "unavailable.\"}}",
         TJ_PERR_RETRYABLE},
        {200, "[{\"translations\":[{\"text\":\"one\"}]}]", TJ_PERR_PROTOCOL},
        {200, "[{\"translations\":[]},{\"translations\":[]}]", TJ_PERR_PROTOCOL},
        {200, "{\"translations\":", TJ_PERR_PROTOCOL},
    };
    for (size_t i = 0; i < TJ_ARRAY_LEN(cases); i++)
        tp_expect_error(p, &b.batch, cases[i].status, tp_json_headers, cases[i].body, cases[i].kind,
                        &err);
    tp_expect_error(p, &b.batch, 401, tp_json_headers,
                    "{\"error\":{\"code\":401000,\"message\":\"x\"}}", TJ_PERR_AUTH, &err);
    assert_non_null(strstr(err.message, "region"));
    tp_expect_error(p, &b.batch, 408, NULL, "{\"error\":{\"code\":408001,\"message\":\"x\"}}",
                    TJ_PERR_RETRYABLE, &err);
    assert_true(err.retry_after >= 30);
    tp_expect_error(p, &b.batch, 200, tp_html_headers, tp_html_page, TJ_PERR_PROTOCOL, &err);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

/* --native-glossary: pins as the dynamic dictionary in plain text (from=ar, no textType),
 * clitics set apart with a tatweel; the English the service writes in place is checked. */
static void test_dynamic_dictionary(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k", .native_glossary = true};
    struct tj_provider *p = tp_provider("microsoft", &cfg);
    const char *in[] = {"التقى بوتين ولافروف.", "وصل الوفد."};
    struct tp_batch b;
    tp_batch_init(&b, in, 2);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.url, "https://api.cognitive.microsofttranslator.com/"
                               "translate?api-version=3.0&from=ar&to=en");
    json_t *body = tp_body(&r);
    assert_string_equal(
        tp_str(json_array_get(body, 0), "Text"),
        "التقى <mstrans:dictionary translation=\"Putin\">بوتين</mstrans:dictionary> "
        "وـ<mstrans:dictionary translation=\"Lavrov\">لافروف</mstrans:dictionary>.");
    assert_string_equal(tp_str(json_array_get(body, 1), "Text"), "وصل الوفد.");
    json_decref(body);
    tj_http_request_finish(&r);
    /* What the request takes: the markup counts. */
    assert_int_equal(tj_provider_item_bytes(p, &b.items[0]),
                     strlen("التقى <mstrans:dictionary translation=\"Putin\">بوتين</mstrans:"
                            "dictionary> وـ<mstrans:dictionary translation=\"Lavrov\">لافروف</"
                            "mstrans:dictionary>."));

    struct tj_result res[2];
    struct tj_provider_error err;
    /* The English in place; an element the service left is read as its translation. */
    const char *answer =
        "[{\"translations\":[{\"text\":\"Putin met <mstrans:dictionary "
        "translation=\\\"Lavrov\\\">لافروف</mstrans:dictionary>.\",\"to\":\"en\"}]},"
        "{\"translations\":[{\"text\":\"The delegation arrived.\",\"to\":\"en\"}]}]";
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, answer, res, &err), TJ_PERR_NONE);
    assert_string_equal(res[0].text, "Putin met Lavrov.");
    assert_true(res[0].pin_back[0] && res[0].pin_back[1]);
    tj_results_finish(res, 2);
    /* A name the service did not write is reported missing. */
    answer = "[{\"translations\":[{\"text\":\"Bwtyn met Lavrov.\",\"to\":\"en\"}]},"
             "{\"translations\":[{\"text\":\"The delegation arrived.\",\"to\":\"en\"}]}]";
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, answer, res, &err), TJ_PERR_NONE);
    assert_false(res[0].pin_back[0]);
    assert_true(res[0].pin_back[1]);
    tj_results_finish(res, 2);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

/* A term whose English cannot stand in the translation attribute (a quote): the batch keeps
 * the notranslate markup. */
static void test_dictionary_falls_back_to_markup(void **state)
{
    (void)state;
    struct tj_glossary *g = tj_glossary_create();
    const char *tsv = "بوتين\tPutin \"the elder\"\tperson\n";
    assert_int_equal(tj_glossary_load_mem(g, "q", tsv, strlen(tsv), NULL), TJ_OK);
    const char *text = "التقى بوتين.";
    struct tj_pin *pins;
    size_t np = tj_pin_find(g, text, strlen(text), &pins);
    assert_int_equal(np, 1);
    struct tj_batch_item item = {text, strlen(text), pins, np};
    struct tj_batch batch = {.items = &item, .n = 1};
    struct tj_provider_config cfg = {.api_key = "k", .native_glossary = true};
    struct tj_provider *p = tp_provider("microsoft", &cfg);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &batch, &r, NULL), TJ_OK);
    assert_non_null(strstr(r.url, "textType=html"));
    assert_null(strstr(r.body, "mstrans"));
    assert_non_null(strstr(r.body, "notranslate"));
    tj_http_request_finish(&r);
    tj_provider_destroy(p);
    free(pins);
    tj_glossary_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_headers_and_body),
        cmocka_unit_test(test_key_and_region_from_environment),
        cmocka_unit_test(test_limits_50000_characters),
        cmocka_unit_test(test_parse_success),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_dynamic_dictionary),
        cmocka_unit_test(test_dictionary_falls_back_to_markup),
    };
    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
