/* UTF-8 validation and Arabic character classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "utf8.h"

#include <stdlib.h>
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

/* The validator against a byte-by-byte reference, on Arabic text with random damage: the
 * fast path must find exactly the same first bad offset. */
static size_t reference_bad(const unsigned char *u, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n = u[i] ? tj_utf8_seq_len(u + i, len - i) : 0;
        if (n == 0)
            return i;
        i += n;
    }
    return SIZE_MAX;
}

static void test_fast_path_matches_reference(void **state)
{
    (void)state;
    static const char base[] = "أعلن الكرملين مشاركة بوتين. Putin 2025 ١٢٣ «قمة» … 👍 تُقدر";
    unsigned char buf[4 * sizeof base];
    srand(7);
    for (int round = 0; round < 20000; round++) {
        size_t len = 0;
        while (len + sizeof base - 1 <= sizeof buf) {
            memcpy(buf + len, base, sizeof base - 1);
            len += sizeof base - 1;
        }
        len -= (size_t)(rand() % 40);
        int damage = rand() % 3;
        for (int d = 0; d < damage; d++)
            buf[rand() % len] = (unsigned char)(rand() % 256);
        size_t bad = SIZE_MAX;
        bool nul;
        bool ok = tj_utf8_check_text((const char *)buf, len, &bad, &nul);
        size_t want = reference_bad(buf, len);
        assert_int_equal(ok, want == SIZE_MAX);
        if (!ok)
            assert_int_equal(bad, want);
    }
}

static void test_digits(void **state)
{
    (void)state;
    assert_int_equal(tj_utf8_digit('7'), 7);
    assert_int_equal(tj_utf8_digit(0x0660), 0);  /* ٠ */
    assert_int_equal(tj_utf8_digit(0x0669), 9);  /* ٩ */
    assert_int_equal(tj_utf8_digit(0x06F4), 4);  /* ۴ */
    assert_int_equal(tj_utf8_digit(0x066B), -1); /* the Arabic decimal separator */
    assert_int_equal(tj_utf8_digit('a'), -1);
    assert_int_equal(tj_utf8_digit(0x0661 - 1 + 11), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),   cmocka_unit_test(test_digits),
        cmocka_unit_test(test_invalid), cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_classes), cmocka_unit_test(test_fast_path_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
