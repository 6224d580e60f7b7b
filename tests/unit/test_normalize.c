/* Display form and matching form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "normalize.h"

#include <stdlib.h>
#include <string.h>

static void test_presentation_forms(void **state)
{
    (void)state;
    /* "سلام" typed with isolated/initial/final presentation forms, as PDFs give it. */
    const char *pdf = "\xEF\xBA\xB3\xEF\xBB\xA0\xEF\xBA\x8E\xEF\xBB\xA1 ok";
    size_t n;
    char *out = tj_normalize_display(pdf, strlen(pdf), &n);
    assert_string_equal(out, "سلام ok");
    assert_int_equal(n, strlen("سلام ok"));
    free(out);
    /* The lam-alef ligature expands to two letters. */
    out = tj_normalize_display("\xEF\xBB\xBB", 3, &n);
    assert_string_equal(out, "لا");
    free(out);
}

static void test_bidi_removed_rest_kept(void **state)
{
    (void)state;
    const char *s = "\xE2\x80\x8F"
                    "قال\xE2\x80\xAA"
                    "١٢\xE2\x80\xAC"
                    " ﬁ"; /* RLM, LRE, PDF, fi lig */
    size_t n;
    char *out = tj_normalize_display(s, strlen(s), &n);
    assert_string_equal(out, "قال١٢ ﬁ"); /* Latin ligature untouched: only Arabic forms fold */
    free(out);
}

static void test_matching_form(void **state)
{
    (void)state;
    char *m = tj_mform_string("أَحْمَد إِلى مدرسةٍ ـــ مؤتمر رئيس آمن ٢٠٢٥ BRICS",
                              strlen("أَحْمَد إِلى مدرسةٍ ـــ مؤتمر رئيس آمن ٢٠٢٥ BRICS"));
    assert_string_equal(m, "احمد الي مدرسه  موتمر رييس امن 2025 brics");
    free(m);
}

static void test_offset_map(void **state)
{
    (void)state;
    const char *s = "بُوتين"; /* damma after the first letter is dropped */
    struct tj_mform m;
    tj_mform_init(&m, s, strlen(s));
    assert_string_equal(m.text, "بوتين");
    assert_int_equal(m.map[0], 0); /* ب */
    assert_int_equal(m.map[2], 4); /* و comes after ب (2 bytes) and damma (2 bytes) */
    assert_int_equal(m.map[m.len], strlen(s));
    tj_mform_finish(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_presentation_forms),
        cmocka_unit_test(test_bidi_removed_rest_kept),
        cmocka_unit_test(test_matching_form),
        cmocka_unit_test(test_offset_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
