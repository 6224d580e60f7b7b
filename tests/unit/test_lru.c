/* The byte-capped cache of the offline engine's glosses: it stays within its budget however
 * many long new words come, and keeps the words in use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lru.h"

#include <stdlib.h>
#include <string.h>

/* A random Arabic word of n letters (2n bytes) in buf. */
static size_t random_word(char *buf, size_t n, unsigned *seed)
{
    for (size_t i = 0; i < n; i++) {
        unsigned cp = 0x0628 + (unsigned)(rand_r(seed) % 26); /* ب .. ق and neighbours */
        buf[2 * i] = (char)(0xC0 | (cp >> 6));
        buf[2 * i + 1] = (char)(0x80 | (cp & 0x3F));
    }
    return 2 * n;
}

static void test_get_put_replace(void **state)
{
    (void)state;
    struct tj_lru *c = tj_lru_create(1 << 20);
    size_t vlen;
    assert_null(tj_lru_get(c, "كتاب", strlen("كتاب"), &vlen));
    assert_true(tj_lru_put(c, "كتاب", strlen("كتاب"), "\x01ybook", 6));
    assert_true(tj_lru_put(c, "قلم", strlen("قلم"), "\x00n", 2));
    const char *v = tj_lru_get(c, "كتاب", strlen("كتاب"), &vlen);
    assert_non_null(v);
    assert_int_equal(vlen, 6);
    assert_memory_equal(v, "\x01ybook", 6);
    v = tj_lru_get(c, "قلم", strlen("قلم"), &vlen);
    assert_int_equal(vlen, 2);
    assert_memory_equal(v, "\x00n", 2);
    assert_true(tj_lru_put(c, "كتاب", strlen("كتاب"), "\x01ytome", 6));
    assert_memory_equal(tj_lru_get(c, "كتاب", strlen("كتاب"), NULL), "\x01ytome", 6);
    struct tj_lru_stats st;
    tj_lru_stats(c, &st);
    assert_int_equal(st.entries, 2);
    tj_lru_destroy(c);
}

/* 20 MB of long random words through a 1 MiB cache: the bytes counted never pass the budget, the
 * word looked up between them all along is still there, and words from the start are gone. */
static void test_bytes_capped_hot_word_kept(void **state)
{
    (void)state;
    const size_t cap = (size_t)1 << 20;
    struct tj_lru *c = tj_lru_create(cap);
    const char hot[] = "الرئيس";
    assert_true(tj_lru_put(c, hot, strlen(hot), "\x01ythe president", 15));
    unsigned seed = 6;
    char word[4096], first[4096];
    size_t first_len = 0, total = 0;
    for (size_t i = 0; total < (size_t)20 << 20; i++) {
        size_t n = random_word(word, 200 + (size_t)(rand_r(&seed) % 1500), &seed);
        if (i == 0) {
            memcpy(first, word, n);
            first_len = n;
        }
        assert_true(tj_lru_put(c, word, n, "\x00n", 2));
        total += n;
        struct tj_lru_stats st;
        tj_lru_stats(c, &st);
        assert_true(st.bytes <= cap);
        if (i % 50 == 0)
            assert_non_null(tj_lru_get(c, hot, strlen(hot), NULL));
    }
    size_t vlen;
    const char *v = tj_lru_get(c, hot, strlen(hot), &vlen);
    assert_non_null(v);
    assert_memory_equal(v, "\x01ythe president", vlen);
    assert_null(tj_lru_get(c, first, first_len, NULL));
    struct tj_lru_stats st;
    tj_lru_stats(c, &st);
    assert_true(st.evictions > 1000);
    assert_true(st.bytes > cap / 2); /* it is used, not emptied */
    tj_lru_destroy(c);
}

/* Many short words: the hash table's growth is counted too. */
static void test_short_words_table_counted(void **state)
{
    (void)state;
    const size_t cap = (size_t)256 << 10;
    struct tj_lru *c = tj_lru_create(cap);
    unsigned seed = 1;
    char word[32];
    for (size_t i = 0; i < 100000; i++) {
        size_t n = random_word(word, 3 + (size_t)(rand_r(&seed) % 4), &seed);
        tj_lru_put(c, word, n, "\x00n", 2);
        struct tj_lru_stats st;
        tj_lru_stats(c, &st);
        assert_true(st.bytes <= cap);
    }
    struct tj_lru_stats st;
    tj_lru_stats(c, &st);
    assert_true(st.entries > 1000);
    tj_lru_destroy(c);
}

static void test_entry_over_budget_not_kept(void **state)
{
    (void)state;
    struct tj_lru *c = tj_lru_create(4096);
    char big[8192];
    memset(big, 'a', sizeof big);
    assert_false(tj_lru_put(c, big, sizeof big, "x", 1));
    assert_null(tj_lru_get(c, big, sizeof big, NULL));
    tj_lru_destroy(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_put_replace),
        cmocka_unit_test(test_bytes_capped_hot_word_kept),
        cmocka_unit_test(test_short_words_table_counted),
        cmocka_unit_test(test_entry_over_budget_not_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
