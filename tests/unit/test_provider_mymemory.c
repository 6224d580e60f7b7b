/* MyMemory: one q per GET with placeholders for pins, long segments split at clause marks
 * and rejoined, quota warnings under status 200 taken as quota errors. */
#include "test_providers.h"

static void test_request(void **state)
{
    (void)state;
    struct tj_provider_config cfg = {.email = "desk@example.org", .api_key = "mm k"};
    struct tj_provider *p = tp_provider("mymemory", &cfg);
    const char *one[] = {"قال بوتين 100%"};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_OK);
    assert_string_equal(r.method, "GET");
    /* q is "قال ⟦1⟧ 100%" percent-encoded; the pair's '|' too. */
    assert_string_equal(r.url, "https://api.mymemory.translated.net/get?q="
                               "%D9%82%D8%A7%D9%84%20%E2%9F%A61%E2%9F%A7%20100%25"
                               "&langpair=ar%7Cen&de=desk%40example.org&key=mm%20k");
    assert_null(r.body);
    tj_http_request_finish(&r);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_one_segment_per_request(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("mymemory", NULL);
    const char *two[] = {"وصل الوفد.", "غادر الوفد."};
    struct tp_batch b;
    tp_batch_init(&b, two, 2);
    struct tj_http_request r;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, NULL), TJ_ERR_DATA);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

/* A sentence of about 700 bytes: three clauses separated by Arabic commas, pins in each. */
static const char long_sentence[] =
    "قال بوتين في مؤتمر صحفي عقده في العاصمة بعد انتهاء المحادثات الطويلة مع الوفد الزائر "
    "إن بلاده مستعدة لمواصلة الحوار، وأضاف لافروف أن المحادثات تناولت ملفات عديدة تشمل "
    "التجارة والطاقة والأمن الإقليمي والتعاون في مجالات أخرى كثيرة، فيما أكد الكرملين أن "
    "الجولة المقبلة ستعقد في موسكو خلال الشهر المقبل بحضور ممثلين عن الدول الأعضاء في بريكس.";

static void test_long_segment_split_and_rejoined(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("mymemory", NULL);
    const char *one[] = {long_sentence};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    assert_true(strlen(long_sentence) > 500);
    assert_int_equal(b.items[0].npins, 5);
    struct tj_http_request r;
    struct tj_diag d;
    assert_int_equal(tj_provider_build_request(p, &b.batch, &r, &d), TJ_ERR_DATA);
    assert_non_null(strstr(d.message, "split"));

    struct tj_split sp;
    assert_int_equal(tj_provider_split_item(p, &b.items[0], &sp, NULL), TJ_OK);
    assert_true(sp.n >= 2);
    size_t pins = 0;
    for (size_t k = 0; k < sp.n; k++) {
        const struct tj_batch_item *part = &sp.parts[k];
        assert_true(tj_provider_item_bytes(p, part) <= 500);
        /* Cut after a clause mark, and each part's pins point at its own text. */
        if (k + 1 < sp.n)
            assert_memory_equal(part->text + part->len - 2, "،", 2);
        for (size_t i = 0; i < part->npins; i++) {
            const struct tj_pin *pin = &part->pins[i];
            assert_true(pin->end <= part->len);
            assert_true(pin->term == b.items[0].pins[pins + i].term);
        }
        pins += part->npins;
        struct tj_batch one_part = {.items = part, .n = 1};
        assert_int_equal(tj_provider_build_request(p, &one_part, &r, NULL), TJ_OK);
        tj_http_request_finish(&r);
    }
    assert_int_equal(pins, 5);

    /* Each part translated; pins come back as placeholders, one of them lost. */
    struct tj_result parts[8];
    memset(parts, 0, sizeof parts);
    for (size_t k = 0; k < sp.n; k++) {
        char english[256];
        size_t np = sp.parts[k].npins;
        snprintf(english, sizeof english,
                 "{\"responseData\":{\"translatedText\":\"Part %zu%s%s%s\",\"match\":0.85},"
                 "\"quotaFinished\":false,\"responseDetails\":\"\",\"responseStatus\":200}",
                 k + 1, np > 0 ? " ⟦1⟧" : "", np > 1 && k != 1 ? " ⟦2⟧" : "", np > 2 ? " ⟦3⟧" : "");
        struct tj_batch one_part = {.items = &sp.parts[k], .n = 1};
        struct tj_provider_error err;
        assert_int_equal(tp_parse(p, &one_part, 200, tp_json_headers, english, &parts[k], &err),
                         TJ_PERR_NONE);
    }
    struct tj_result joined;
    tj_split_join(&sp, parts, &joined);
    assert_non_null(strstr(joined.text, "Part 1 Putin"));
    assert_non_null(strstr(joined.text, "BRICS"));
    assert_int_equal(joined.npins, 5);
    size_t back = 0;
    for (size_t i = 0; i < 5; i++)
        back += joined.pin_back[i];
    assert_int_equal(back, sp.parts[1].npins > 1 ? 4 : 5);
    tj_result_finish(&joined);
    tj_split_finish(&sp);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_a_word_too_long_cannot_be_split(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("mymemory", NULL);
    char word[1201];
    for (size_t i = 0; i < 600; i++)
        memcpy(word + 2 * i, "ب", 2);
    word[1200] = '\0';
    struct tj_batch_item item = {word, 1200, NULL, 0};
    struct tj_split sp;
    struct tj_diag d;
    assert_int_equal(tj_provider_split_item(p, &item, &sp, &d), TJ_ERR_DATA);
    assert_int_equal(sp.n, 0);
    tj_provider_destroy(p);
}

static void test_parse(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("mymemory", NULL);
    const char *one[] = {"قال بوتين"};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_result res[1];
    struct tj_provider_error err;
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers,
                              "{\"responseData\":{\"translatedText\":\"⟦1⟧ said\",\"match\":0.85},"
                              "\"quotaFinished\":false,\"mtLangSupported\":null,"
                              "\"responseDetails\":\"\",\"responseStatus\":200,\"matches\":[]}",
                              res, &err),
                     TJ_PERR_NONE);
    assert_string_equal(res[0].text, "Putin said");
    assert_true(res[0].pin_back[0]);
    tj_result_finish(&res[0]);
    /* An empty translation: the first match stands in. */
    assert_int_equal(tp_parse(p, &b.batch, 200, tp_json_headers,
                              "{\"responseData\":{\"translatedText\":\"\"},\"responseStatus\":"
                              "\"200\",\"matches\":[{\"segment\":\"x\",\"translation\":\"Putin "
                              "said\",\"match\":0.7}]}",
                              res, &err),
                     TJ_PERR_NONE);
    assert_string_equal(res[0].text, "Putin said");
    tj_result_finish(&res[0]);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_quota_warning_is_never_a_translation(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("mymemory", NULL);
    const char *one[] = {"قال بوتين"};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_provider_error err;
    tp_expect_error(
        p, &b.batch, 200, tp_json_headers,
        "{\"responseData\":{\"translatedText\":\"MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE "
        "TRANSLATIONS FOR TODAY. NEXT AVAILABLE IN  11 HOURS 29 MINUTES 04 SECONDS VISIT "
        "HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGELIMITS.PHP TO TRANSLATE MORE\"},"
        "\"quotaFinished\":true,\"responseDetails\":\"\",\"responseStatus\":200}",
        TJ_PERR_QUOTA, &err);
    assert_true(err.retry_after == 11 * 3600 + 29 * 60 + 4);
    assert_non_null(strstr(err.message, "MYMEMORY_EMAIL"));
    /* The warning alone, without quotaFinished, is enough. */
    tp_expect_error(p, &b.batch, 200, tp_json_headers,
                    "{\"responseData\":{\"translatedText\":\"MYMEMORY WARNING: YOU USED ALL "
                    "AVAILABLE FREE TRANSLATIONS FOR TODAY.\"},\"responseStatus\":200}",
                    TJ_PERR_QUOTA, &err);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct tj_provider *p = tp_provider("mymemory", NULL);
    const char *one[] = {"قال بوتين"};
    struct tp_batch b;
    tp_batch_init(&b, one, 1);
    struct tj_provider_error err;
    tp_expect_error(p, &b.batch, 200, tp_json_headers,
                    "{\"responseData\":{\"translatedText\":\"'AR|XX' IS AN INVALID TARGET "
                    "LANGUAGE\"},\"responseDetails\":\"'AR|XX' IS AN INVALID TARGET "
                    "LANGUAGE\",\"responseStatus\":\"403\"}",
                    TJ_PERR_BAD_REQUEST, &err);
    tp_expect_error(p, &b.batch, 200, tp_json_headers,
                    "{\"responseData\":{\"translatedText\":\"QUERY LENGTH LIMIT EXCEEDED. MAX "
                    "ALLOWED QUERY : 500 CHARS\"},\"responseStatus\":403}",
                    TJ_PERR_TOO_LARGE, &err);
    tp_expect_error(p, &b.batch, 429, NULL, "Too Many Requests", TJ_PERR_RETRYABLE, &err);
    tp_expect_error(p, &b.batch, 200, NULL, "not json", TJ_PERR_PROTOCOL, &err);
    tp_expect_error(p, &b.batch, 200, tp_json_headers, "{\"responseStatus\":200}", TJ_PERR_PROTOCOL,
                    &err);
    tp_expect_error(p, &b.batch, 200, tp_html_headers, tp_html_page, TJ_PERR_PROTOCOL, &err);
    tp_batch_finish(&b);
    tj_provider_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request),
        cmocka_unit_test(test_one_segment_per_request),
        cmocka_unit_test(test_long_segment_split_and_rejoined),
        cmocka_unit_test(test_a_word_too_long_cannot_be_split),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_quota_warning_is_never_a_translation),
        cmocka_unit_test(test_parse_errors),
    };
    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
