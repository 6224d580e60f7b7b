/* Sentence and block segmentation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "segment.h"

#include <stdlib.h>
#include <string.h>

/* Segments one line and compares the sentences with want[] (NULL-terminated). */
static void expect(const char *line, const char *const *want)
{
    struct tj_span *spans;
    size_t n = tj_segment_line(line, strlen(line), NULL, &spans);
    size_t k = 0;
    while (want[k])
        k++;
    if (n != k) {
        for (size_t i = 0; i < n; i++)
            print_error("  got [%.*s]\n", (int)(spans[i].end - spans[i].start),
                        line + spans[i].start);
    }
    assert_int_equal(n, k);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(spans[i].end - spans[i].start, strlen(want[i]));
        assert_memory_equal(line + spans[i].start, want[i], strlen(want[i]));
    }
    free(spans);
}

#define EXPECT(line, ...) expect(line, (const char *const[]){__VA_ARGS__, NULL})

static void test_sentence_ends(void **state)
{
    (void)state;
    EXPECT("أعلن الكرملين المشاركة. وقال بيسكوف إنها مهمة! هل تحضر الصين؟ نعم۔ انتهى",
           "أعلن الكرملين المشاركة.", "وقال بيسكوف إنها مهمة!", "هل تحضر الصين؟", "نعم۔", "انتهى");
    EXPECT("ماذا؟! لا أعرف... ربما.", "ماذا؟!", "لا أعرف...", "ربما.");
    EXPECT("قال: «انتهى الأمر.» ثم غادر.", "قال: «انتهى الأمر.»", "ثم غادر.");
    EXPECT("دعت إليها البرازيل . وتستضيف القمة.", "دعت إليها البرازيل .", "وتستضيف القمة.");
}

static void test_no_split(void **state)
{
    (void)state;
    EXPECT("قال د. محمد علي إن الوضع مستقر. وأضاف.", "قال د. محمد علي إن الوضع مستقر.", "وأضاف.");
    EXPECT("بلغ السعر 78.40 دولارا و٢٫٢ مليون.", "بلغ السعر 78.40 دولارا و٢٫٢ مليون.");
    EXPECT("أفادت أ.ف.ب بذلك. ثم.", "أفادت أ.ف.ب بذلك.", "ثم.");
    EXPECT("زوروا www.example.com أو a.b@example.org اليوم.",
           "زوروا www.example.com أو a.b@example.org اليوم.");
    EXPECT("Dr. Smith met U.S. officials, e.g. the envoy. Then he left.",
           "Dr. Smith met U.S. officials, e.g. the envoy.", "Then he left.");
    EXPECT("قال «لن نتراجع. أبدا» ثم صمت.", "قال «لن نتراجع. أبدا» ثم صمت.");
    EXPECT("قال بيسكوف: احتمال عقد جولة ثانية، ومن الممكن لقاء.",
           "قال بيسكوف: احتمال عقد جولة ثانية، ومن الممكن لقاء.");
}

static void test_year_suffix(void **state)
{
    (void)state;
    EXPECT("ولد في 15 مارس 1948 م. وتوفي لاحقا.", "ولد في 15 مارس 1948 م.", "وتوفي لاحقا.");
    EXPECT("توفي سنة ١٤٤٥هـ. وكان عالما.", "توفي سنة ١٤٤٥هـ.", "وكان عالما.");
}

static void test_long_sentence_cut(void **state)
{
    (void)state;
    size_t len = 1 << 20;
    char *s = malloc(len + 1);
    size_t o = 0; /* whole words of 11 bytes: "روسيا " */
    while (o + 11 <= len) {
        memcpy(s + o, "روسيا ", 11);
        o += 11;
    }
    len = o;
    struct tj_segment_options opt = {.max_bytes = 500};
    struct tj_span *spans;
    size_t n = tj_segment_line(s, len, &opt, &spans);
    assert_true(n > len / 500);
    size_t covered = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(spans[i].end - spans[i].start <= 500);
        /* Never inside a word: every piece ends with a whole "روسيا". */
        assert_memory_equal(s + spans[i].end - 10, "روسيا", 10);
        covered += spans[i].end - spans[i].start;
    }
    assert_true(spans[0].cut);
    assert_true(covered > len - n - 1);
    free(spans);
    free(s);
}

static void test_clause_cut_preferred(void **state)
{
    (void)state;
    const char *s = "كلمة كلمة كلمة، كلمة كلمة كلمة كلمة";
    struct tj_segment_options opt = {.max_bytes = 40};
    struct tj_span *spans;
    size_t n = tj_segment_line(s, strlen(s), &opt, &spans);
    assert_true(n >= 2);
    assert_memory_equal(s + spans[0].end - 2, "،", 2);
    free(spans);
}

static void test_classify(void **state)
{
    (void)state;
    const char *h = "لقاء القمة في بكين";
    assert_int_equal(tj_segment_classify(h, strlen(h)), TJ_BLOCK_HEADING);
    const char *p = "أعلن الكرملين مشاركة الرئيس.";
    assert_int_equal(tj_segment_classify(p, strlen(p)), TJ_BLOCK_PARAGRAPH);
    const char *l1 = "- البند الأول";
    assert_int_equal(tj_segment_classify(l1, strlen(l1)), TJ_BLOCK_LIST_ITEM);
    const char *l2 = "٢. البند الثاني";
    assert_int_equal(tj_segment_classify(l2, strlen(l2)), TJ_BLOCK_LIST_ITEM);
    const char *l3 = "3- البند الثالث";
    assert_int_equal(tj_segment_classify(l3, strlen(l3)), TJ_BLOCK_LIST_ITEM);
}

static void test_document_layout(void **state)
{
    (void)state;
    const char *text = "عنوان الخبر\r\n\r\nجملة أولى. جملة ثانية.\n\n\nسطر أخير.\n\n";
    struct tj_document doc;
    tj_document_init(&doc);
    tj_segment_document(text, strlen(text), NULL, &doc);
    assert_int_equal(doc.nblocks, 3);
    assert_int_equal(doc.blocks[0].kind, TJ_BLOCK_HEADING);
    assert_int_equal(doc.blocks[0].blank_before, 0);
    assert_string_equal(doc.blocks[0].segs[0].source, "عنوان الخبر"); /* CR dropped */
    assert_int_equal(doc.blocks[1].blank_before, 1);
    assert_int_equal(doc.blocks[1].nsegs, 2);
    assert_int_equal(doc.blocks[1].line, 3);
    assert_int_equal(doc.blocks[2].blank_before, 2);
    assert_int_equal(doc.blank_after, 1);
    assert_int_equal(doc.blocks[2].segs[0].id, 4);
    tj_document_finish(&doc);
}

/* Spans of a line and the whitespace between them give back the line byte for byte. */
static void expect_reconstruction(const char *line, size_t len, size_t max)
{
    struct tj_segment_options opt = {.max_bytes = max};
    struct tj_span *spans;
    size_t n = tj_segment_line(line, len, &opt, &spans);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        assert_true(spans[i].start >= at);
        for (size_t k = at; k < spans[i].start; k++)
            assert_true(line[k] == ' ' || line[k] == '\t' || line[k] == '\r');
        assert_true(spans[i].end - spans[i].start <= (max ? max : TJ_SEGMENT_DEFAULT_MAX));
        at = spans[i].end;
    }
    for (size_t k = at; k < len; k++)
        assert_true(line[k] == ' ' || line[k] == '\t' || line[k] == '\r');
    free(spans);
}

static void test_hard_inputs(void **state)
{
    (void)state;
    /* Emoji, ZWJ sequences, ZWNJ inside Persian words, lone combining marks, CRLF. */
    /* A family emoji: man ZWJ woman ZWJ girl. */
#define FAMILY "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"
    const char *lines[] = {
        "وصل الوفد " FAMILY " إلى الدوحة. وبدأت 🎉!  ثم انتهت؟  ",
        "می‌خواهم بروم. کتاب‌ها اینجاست.",
        "\xCC\x81\xD9\x8E. \xD9\x8E قال. ",
        "سطر أول.\r",
        "Latin and عربي mixed. Then عربي again؟ yes.",
        "   ",
        "",
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        expect_reconstruction(lines[i], strlen(lines[i]), 0);
        expect_reconstruction(lines[i], strlen(lines[i]), 64);
    }
    EXPECT("وصل الوفد " FAMILY " إلى الدوحة. وبدأت 🎉!  ثم انتهت؟  ",
           "وصل الوفد " FAMILY " إلى الدوحة.", "وبدأت 🎉!", "ثم انتهت؟");
#undef FAMILY
}

/* Segments and the separators between them give back the whole input, and the separators
 * are whitespace and line ends only: no text is lost between segments. */
static void test_document_reconstruction(void **state)
{
    (void)state;
    const char *text = "  عنوان الخبر  \r\n\r\nالقاهرة (رويترز) - جملة أولى. جملة ثانية؟\t\n"
                       "\n\n- بند أول\n1. أ 2. ب\nسطر بلا نهاية";
    size_t len = strlen(text);
    struct tj_document doc;
    tj_document_init(&doc);
    tj_segment_document(text, len, NULL, &doc);
    struct tj_buf rebuilt;
    tj_buf_init(&rebuilt, 0);
    size_t at = 0, count = 0;
    for (size_t b = 0; b < doc.nblocks; b++)
        for (size_t i = 0; i < doc.blocks[b].nsegs; i++) {
            const struct tj_segment *sg = &doc.blocks[b].segs[i];
            assert_true(sg->offset >= at);
            for (size_t k = at; k < sg->offset; k++)
                assert_non_null(strchr(" \t\r\n", text[k]));
            tj_buf_append(&rebuilt, text + at, sg->offset - at);
            assert_int_equal(sg->input_len, sg->source_len);
            assert_memory_equal(text + sg->offset, sg->source, sg->source_len);
            tj_buf_append(&rebuilt, sg->source, sg->source_len);
            at = sg->offset + sg->input_len;
            count++;
        }
    for (size_t k = at; k < len; k++)
        assert_non_null(strchr(" \t\r\n", text[k]));
    tj_buf_append(&rebuilt, text + at, len - at);
    assert_int_equal(rebuilt.len, len);
    assert_memory_equal(rebuilt.data, text, len);
    assert_int_equal(count, 8);
    tj_buf_finish(&rebuilt);
    tj_document_finish(&doc);
}

static void test_five_megabytes_without_punctuation(void **state)
{
    (void)state;
    size_t len = 5u << 20;
    char *s = malloc(len);
    /* Words of Arabic and Latin with no punctuation at all. */
    static const char word[] = "كلمة word ";
    size_t w = sizeof word - 1, o = 0;
    while (o + w <= len) {
        memcpy(s + o, word, w);
        o += w;
    }
    len = o;
    expect_reconstruction(s, len, 0);
    struct tj_span *spans;
    size_t n = tj_segment_line(s, len, NULL, &spans);
    assert_true(n >= len / TJ_SEGMENT_DEFAULT_MAX);
    for (size_t i = 0; i < n; i++)
        assert_true(spans[i].cut || i == n - 1);
    free(spans);
    free(s);
}

static void test_datelines_and_lists(void **state)
{
    (void)state;
    EXPECT("القاهرة (رويترز) - أعلنت الحكومة خطة جديدة.", "القاهرة (رويترز) -",
           "أعلنت الحكومة خطة جديدة.");
    EXPECT("بيروت - قال الوزير.", "بيروت -", "قال الوزير.");
    EXPECT("1. البند الأول 2. البند الثاني 3. الثالث", "1. البند الأول", "2. البند الثاني",
           "3. الثالث");
    EXPECT("١. البند الأول ٢. البند الثاني", "١. البند الأول", "٢. البند الثاني");
    EXPECT("3- البند الأول 4- البند الثاني", "3- البند الأول", "4- البند الثاني");
    EXPECT("• 9. The first item • 10. The second item", "• 9. The first item",
           "• 10. The second item");
    /* Not a dateline: the dash is not between spaces, or comes too late. */
    EXPECT("قال إن 2020-2025 كانت صعبة.", "قال إن 2020-2025 كانت صعبة.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sentence_ends),
        cmocka_unit_test(test_no_split),
        cmocka_unit_test(test_year_suffix),
        cmocka_unit_test(test_long_sentence_cut),
        cmocka_unit_test(test_clause_cut_preferred),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_document_layout),
        cmocka_unit_test(test_hard_inputs),
        cmocka_unit_test(test_document_reconstruction),
        cmocka_unit_test(test_five_megabytes_without_punctuation),
        cmocka_unit_test(test_datelines_and_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
