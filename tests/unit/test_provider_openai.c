/* OpenAI-compatible chat completions: the prompt (instructions, the batch's glossary entries,
 * context), the JSON array reply and its failures, and the two meanings of 429. */
#include "test_providers.h"

static const char *const texts[] = {
    "قال لبوتين إن الكرملين يوافق.",
    "التقى بوتين لافروف في موسكو.",
};

static void test_request(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "sk-test", .model = "gpt-test"};
    struct tj_provider *p = tp_provider("openai", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    b.batch.context = "انتهت القمة أمس.";
    b.batch.context_len = strlen(b.batch.context);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "POST");
    assert_string_equal(r.url, "https://api.openai.com/v1/chat/completions");
    assert_string_equal(tp_header(&r, "Authorization"), "Bearer sk-test");
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "model"), "gpt-test");
    assert_int_equal(json_integer_value(json_object_get(body, "temperature")), 0);
    json_t *msgs = json_object_get(body, "messages");
    assert_int_equal(json_array_size(msgs), 2);
    assert_string_equal(tp_str(json_array_get(msgs, 0), "role"), "system");
    const char *sys = tp_str(json_array_get(msgs, 0), "content");
    /* Each glossary entry of the batch once, with the Arabic as written. */
    assert_non_null(strstr(sys, "بوتين = Putin\n"));
    assert_null(strstr(strstr(sys, "بوتين = Putin\n") + 1, "بوتين = Putin\n"));
    assert_non_null(strstr(sys, "الكرملين = Kremlin\n"));
    assert_non_null(strstr(sys, "لافروف = Lavrov\n"));
    assert_non_null(strstr(sys, "موسكو = Moscow\n"));
    assert_null(strstr(sys, "BRICS")); /* not in the batch */
    assert_non_null(strstr(sys, "exactly 2 strings"));
    assert_non_null(strstr(sys, "انتهت القمة أمس."));
    assert_non_null(strstr(sys, "do not translate"));
    /* The segments as a JSON array of strings, Arabic untouched. */
    assert_string_equal(tp_str(json_array_get(msgs, 1), "role"), "user");
    json_t *user = json_loads(tp_str(json_array_get(msgs, 1), "content"), 0, NULL);
    assert_true(json_is_array(user));
    assert_int_equal(json_array_size(user), 2);
    assert_string_equal(json_string_value(json_array_get(user, 0)), texts[0]);
    json_decref(user);
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

/* The retry strategy: the English written in place of the Arabic, the glossary still in the
 * prompt. */
static void test_request_with_the_english_in_place(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "sk-test"};
    struct tj_provider *p = tp_provider("openai", &cfg);
    assert_int_equal(tj_provider_strategy(p, 2), TJ_PROTECT_INLINE);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    b.batch.strategy = 2;
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    json_t *body = tp_body(&r);
    json_t *msgs = json_object_get(body, "messages");
    assert_non_null(strstr(tp_str(json_array_get(msgs, 0), "content"), "بوتين = Putin\n"));
    json_t *user = json_loads(tp_str(json_array_get(msgs, 1), "content"), 0, NULL);
    assert_string_equal(json_string_value(json_array_get(user, 0)),
                        "قال لـPutin إن Kremlin يوافق.");
    json_decref(user);
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static const char *lookup(const char *name, void *ud)
{
    (void)ud;
    if (strcmp(name, "OPENAI_BASE_URL") == 0)
        return "http://127.0.0.1:8080/v1";
    if (strcmp(name, "OPENAI_MODEL") == 0)
        return "llama";
    return NULL;
}

static void test_local_server_needs_no_key(void **state)
{
    (void)state;
    const struct tj_provider_ops *ops = tj_provider_find("openai");
    struct tj_provider_config none = {0};
    struct tj_diag d;
    struct tj_provider *p = NULL;
    assert_int_equal(tj_provider_create(ops, &none, &p, &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "OPENAI_API_KEY"));
    struct tj_provider_config cfg = {0};
    assert_int_equal(tj_provider_env_apply(ops, &cfg, lookup, NULL),
                     (1u << TJ_PCFG_URL) | (1u << TJ_PCFG_MODEL));
    p = tp_provider("openai", &cfg);
    const char *one[] = {"وصل الوفد."};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.url, "http://127.0.0.1:8080/v1/chat/completions");
    assert_null(tp_header(&r, "Authorization"));
    json_t *body = tp_body(&r);
    assert_string_equal(tp_str(body, "model"), "llama");
    /* No pins: no glossary section. */
    assert_null(strstr(tp_str(json_array_get(json_object_get(body, "messages"), 0), "content"),
                       "Always render"));
    json_decref(body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

/* A chat completion whose message content is content (a JSON string literal's inside). */
static char *completion(const char *content, const char *finish)
{
    json_t *v = json_pack("{s:s,s:s,s:[{s:i,s:{s:s,s:s},s:s}]}", "id", "chatcmpl-1", "object",
                          "chat.completion", "choices", "index", 0, "message", "role", "assistant",
                          "content", content, "finish_reason", finish);
    char *s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    return s;
}

static void expect_reply(struct tj_provider *p, const struct tj_batch *batch, const char *content,
                         const char *first)
{
    char *body = completion(content, "stop");
    struct tj_result res[2];
    struct tj_provider_error err;
    enum tj_perror k = tp_parse(p, batch, 200, tp_json_headers, body, res, &err);
    if (k != TJ_PERR_NONE)
        fail_msg("%s: %s", content, err.message);
    assert_string_equal(res[0].text, first);
    tj_results_finish(res, batch->n);
    free(body);
}

static void test_parse_replies(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "k"};
    struct tj_provider *p = tp_provider("openai", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    expect_reply(p, &b.batch,
                 "[\"He told Putin that the Kremlin agrees.\", \"Putin met Lavrov in Moscow.\"]",
                 "He told Putin that the Kremlin agrees.");
    /* A fenced code block, with words around it. */
    expect_reply(p, &b.batch,
                 "Here you are:\n```json\n[\"He told Putin so.\", \"Putin met Lavrov in "
                 "Moscow.\"]\n```\n",
                 "He told Putin so.");
    /* An object holding just the array (JSON mode). */
    expect_reply(p, &b.batch, "{\"translations\": [\"One Putin.\", \"Two.\"]}", "One Putin.");

    char *body = completion("[\"He told Putin that the president agrees.\", \"Putin met the "
                            "minister in Moscow.\"]",
                            "stop");
    struct tj_result res[2];
    struct tj_provider_error err;
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers, body, res, &err), TJ_PERR_NONE);
    assert_true(res[0].pin_back[0]);
    assert_false(res[0].pin_back[1]); /* Kremlin lost */
    assert_true(res[1].pin_back[0]);
    assert_false(res[1].pin_back[1]); /* Lavrov lost */
    tj_results_finish(res, 2);
    free(body);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_bad_replies(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.api_key = "sk-SECRET"};
    struct tj_provider *p = tp_provider("openai", &cfg);
    struct tp_batch b;
    tp_batch_init(&b, texts, 2);
    struct tj_provider_error err;
    static const char *const wrong[] = {
        "[\"Only one.\"]",
        "[\"One.\", \"Two.\", \"Three.\"]",
        "He told Putin that the Kremlin agrees. Putin met Lavrov in Moscow.",
        "[\"One.\", 2]",
        "```json\n[\"One.\", \"Two.\"\n```",
    };
    for (size_t i = 0; i < TJ_ARRAY_LEN(wrong); i++) {
        char *body = completion(wrong[i], "stop");
        tp_expect_error(p, &b.batch, 200, tp_json_headers, body, TJ_PERR_PROTOCOL, &err);
        free(body);
    }
    char *cut = completion("[\"One.\", \"Tw", "length");
    tp_expect_error(p, &b.batch, 200, tp_json_headers, cut, TJ_PERR_TOO_LARGE, &err);
    free(cut);
    tp_expect_error(p, &b.batch, 200, tp_json_headers, "{\"choices\":[]}", TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, tp_html_headers, tp_html_page, TJ_PERR_PROTOCOL, &err);

    const char *const rate[] = {"retry-after-ms: 1500", "x-ratelimit-remaining-requests: 0", NULL};
    tp_expect_error(p, &b.batch, 429, rate,
                    "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini\",\"type\":"
                    "\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
                    TJ_PERR_RETRYABLE, &err);
    assert_true(err.retry_after == 1.5);
    tp_expect_error(p, &b.batch, 429, tp_json_headers,
                    "{\"error\":{\"message\":\"You exceeded your current quota, please check "
                    "your plan and billing details.\",\"type\":\"insufficient_quota\",\"param\":"
                    "null,\"code\":\"insufficient_quota\"}}",
                    TJ_PERR_QUOTA, &err);
    tp_expect_error(p, &b.batch, 401, tp_json_headers,
                    "{\"error\":{\"message\":\"Incorrect API key provided: sk-SECRET. You can "
                    "find your API key at https://platform.openai.com/account/api-keys.\","
                    "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_"
                    "key\"}}",
                    TJ_PERR_AUTH, &err);
    assert_null(strstr(err.message, "sk-SECRET"));
    tp_expect_error(p, &b.batch, 400, tp_json_headers,
                    "{\"error\":{\"code\":400,\"message\":\"the request exceeds the available "
                    "context size\",\"type\":\"exceed_context_size_error\",\"n_prompt_tokens\":"
                    "5000,\"n_ctx\":4096}}",
                    TJ_PERR_TOO_LARGE, &err);
    tp_expect_error(p, &b.batch, 404, tp_json_headers,
                    "{\"error\":{\"message\":\"model \\\"llama9\\\" not found, try pulling it "
                    "first\",\"type\":\"api_error\",\"param\":null,\"code\":null}}",
                    TJ_PERR_BAD_REQUEST, &err);
    assert_non_null(strstr(err.message, "not found"));
    tp_expect_error(p, &b.batch, 503, tp_json_headers,
                    "{\"error\":{\"code\":503,\"message\":\"Loading model\",\"type\":"
                    "\"unavailable_error\"}}",
                    TJ_PERR_RETRYABLE, &err);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_request_with_the_english_in_place),
        cmocka_unit_test(test_local_server_needs_no_key),
        cmocka_unit_test(test_parse_replies),
        cmocka_unit_test(test_parse_bad_replies),
    };
    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
