/* The pin finder: longest-leftmost, clitics outside, offsets into the source. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pin.h"
#include "test_terms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
    (void)state;
    return terms_load("بوتين\tPutin\tperson\n"
                      "فلاديمير بوتين\tVladimir Putin\tperson\n"
                      "كيم جونغ أون\tKim Jong Un\tperson\n"
                      "كيم\tKim\tperson\n"
                      "الكرملين\tKremlin\torg\n"
                      "برازيل\tBrazil\tplace\n"
                      "بكين\tBeijing\tplace\n"
                      "كين\tKane\tperson\n"
                      "الولايات المتحدة\tUnited States\tplace\n"
                      "أوبك\tOPEC\torg\n"
                      "أوبك+\tOPEC+\torg\n");
}

/* Checks that text has the pins want[] ("source=English" pairs), in order. */
static void expect(const char *text, const char *const *want)
{
    struct tj_pin *pins;
    size_t n = tj_pin_find(g, text, strlen(text), &pins);
    size_t k = 0;
    while (want[k])
        k++;
    for (size_t i = 0; i < n && n != k; i++)
        print_error("  got %.*s=%s\n", (int)(pins[i].end - pins[i].start), text + pins[i].start,
                    pins[i].term->english);
    assert_int_equal(n, k);
    for (size_t i = 0; i < n; i++) {
        char got[256];
        snprintf(got, sizeof got, "%.*s=%s", (int)(pins[i].end - pins[i].start),
                 text + pins[i].start, pins[i].term->english);
        assert_string_equal(got, want[i]);
        if (i)
            assert_true(pins[i].start >= pins[i - 1].end);
    }
    free(pins);
}

#define EXPECT(text, ...) expect(text, (const char *const[]){__VA_ARGS__})

static void test_longest_wins(void **state)
{
    (void)state;
    EXPECT("قال فلاديمير بوتين اليوم", "فلاديمير بوتين=Vladimir Putin", NULL);
    EXPECT("التقى كيم جونغ أون وكيم", "كيم جونغ أون=Kim Jong Un", "كيم=Kim", NULL);
    EXPECT("بوتين وبوتين", "بوتين=Putin", "بوتين=Putin", NULL);
}

static void test_clitics_outside(void **state)
{
    (void)state;
    /* و before the name; ب before a term written with ال; ال before a term without it. */
    EXPECT("ولبوتين بالكرملين في البرازيل", "بوتين=Putin", "الكرملين=Kremlin", "برازيل=Brazil",
           NULL);
    /* لل = ل + ال */
    EXPECT("رسالة للكرملين", "كرملين=Kremlin", NULL);
    EXPECT("ووصل إلى الولايات المتحدة", "الولايات المتحدة=United States", NULL);
    EXPECT("وللولايات المتحدة", "ولايات المتحدة=United States", NULL);
}

static void test_whole_word_first(void **state)
{
    (void)state;
    /* A '+' closing a word is part of it. */
    EXPECT("اتفقت أوبك+ مع أوبك.", "أوبك+=OPEC+", "أوبك=OPEC", NULL);
    /* بكين is a term itself: it is not ب + كين. */
    EXPECT("في بكين", "بكين=Beijing", NULL);
    /* A term inside a longer word is not a match. */
    EXPECT("بوتينية", NULL);
}

static void test_noise_and_offsets(void **state)
{
    (void)state;
    /* A bidi mark after the name is not part of the pin; a haraka on its last letter is; a
     * presentation-form spelling pins too. */
    EXPECT("قال بوتين\xE2\x80\x8F إن كيمَ وصل", "بوتين=Putin", "كيمَ=Kim", NULL);
    EXPECT("\xEF\xBA\x91\xEF\xBB\xAE\xEF\xBA\x98\xEF\xBB\xB4\xEF\xBB\xA6 وصل",
           "\xEF\xBA\x91\xEF\xBB\xAE\xEF\xBA\x98\xEF\xBB\xB4\xEF\xBB\xA6=Putin", NULL);
    const char *text = "«بُوتِين»، قال.";
    struct tj_pin *pins;
    size_t n = tj_pin_find(g, text, strlen(text), &pins);
    assert_int_equal(n, 1);
    assert_int_equal(pins[0].start, 2); /* after « */
    assert_memory_equal(text + pins[0].end, "»", 2);
    free(pins);
}

/* A clitic written on a ligature: و + U+FDFA. The pin starts at the ligature, after the
 * clitic, although the matching form read 18 letters out of its 3 bytes. */
static void test_clitic_on_expanding_ligature(void **state)
{
    (void)state;
    struct tj_glossary *lg = tj_glossary_create();
    const char *row = "\xEF\xB7\xBA\tPBUH\n";
    assert_int_equal(tj_glossary_load_mem(lg, "t", row, strlen(row), NULL), TJ_OK);
    const char *text = "قال و\xEF\xB7\xBA اليوم";
    struct tj_pin *pins;
    size_t n = tj_pin_find(lg, text, strlen(text), &pins);
    assert_int_equal(n, 1);
    assert_int_equal(pins[0].start, strlen("قال و"));
    assert_int_equal(pins[0].end, strlen("قال و") + 3);
    assert_string_equal(pins[0].term->english, "PBUH");
    free(pins);
    /* A long run of them, space-separated: each pinned, none past the text. */
    char buf[4 * 500 + 1];
    for (size_t i = 0; i < 500; i++)
        memcpy(buf + 4 * i, "\xEF\xB7\xBA ", 4);
    buf[2000] = '\0';
    n = tj_pin_find(lg, buf, 2000, &pins);
    assert_int_equal(n, 500);
    assert_int_equal(pins[499].start, 1996);
    assert_int_equal(pins[499].end, 1999);
    free(pins);
    tj_glossary_destroy(lg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_longest_wins),
        cmocka_unit_test(test_clitics_outside),
        cmocka_unit_test(test_whole_word_first),
        cmocka_unit_test(test_noise_and_offsets),
        cmocka_unit_test(test_clitic_on_expanding_ligature),
    };
    return cmocka_run_group_tests(tests, setup, terms_teardown);
}
