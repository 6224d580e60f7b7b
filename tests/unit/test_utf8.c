/* UTF-8 validation and Arabic character classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "utf8.h"

#include <string.h>

static void check(const char *s, size_t len, bool ok, size_t off, bool nul)
{
    size_t bad = 999;
    bool is_nul = false;
    assert_int_equal(tj_utf8_check_text(s, len, &bad, &is_nul), ok);
    if (!ok) {
        assert_int_equal(bad, off);
        assert_int_equal(is_nul, nul);
    }
}

static void test_valid(void **state)
{
    (void)state;
    const char *ar = "بوتين في موسكو ١٢٣";
    check(ar, strlen(ar), true, 0, false);
    check("", 0, true, 0, false);
    check("\xF0\x9F\x98\x80", 4, true, 0, false); /* emoji */
}

static void test_invalid(void **state)
{
    (void)state;
    check("ab\xFF", 3, false, 2, false);
    check("ab\xC0\xAF", 4, false, 2, false);       /* overlong '/' */
    check("\xED\xA0\x80", 3, false, 0, false);     /* surrogate */
    check("\xF4\x90\x80\x80", 4, false, 0, false); /* above U+10FFFF */
    check("ب\xD8", 3, false, 2, false);            /* truncated */
    check("ab\0c", 4, false, 2, true);
}

static void test_roundtrip(void **state)
{
    (void)state;
    uint32_t cps[] = {0x41, 0x628, 0x20AC, 0x1F600};
    for (size_t k = 0; k < 4; k++) {
        char buf[4];
        size_t n = tj_utf8_encode(cps[k], buf);
        size_t i = 0;
        assert_int_equal(tj_utf8_next(buf, n, &i), cps[k]);
        assert_int_equal(i, n);
        assert_int_equal(tj_utf8_prev(buf, &i), cps[k]);
        assert_int_equal(i, 0);
    }
}

static void test_classes(void **state)
{
    (void)state;
    assert_true(tj_is_arabic_letter(0x0628));  /* beh */
    assert_false(tj_is_arabic_letter(0x0661)); /* Arabic-Indic one */
    assert_false(tj_is_arabic_letter(0x060C)); /* Arabic comma */
    assert_true(tj_is_arabic_mark(0x064E));    /* fatha */
    assert_true(tj_is_bidi_control(0x200F));
    assert_false(tj_is_bidi_control(0x200C)); /* ZWNJ is not a bidi control */
    assert_true(tj_utf8_has_arabic("abc بوتين", strlen("abc بوتين")));
    assert_false(tj_utf8_has_arabic("2025, \"OK\"", 11));
    assert_int_equal(tj_utf8_count("بوتين", strlen("بوتين")), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
