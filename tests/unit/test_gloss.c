/* Tests of the word glosser: the built-in function words alone, clitics and suffixes over a
 * small dictionary written by the test (an uncompressed .dict), and the installed FreeDict
 * dictionary when it is there. */
#include "gloss.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static const struct {
    const char *headword;
    const char *body;
} entries[] = {
    {"الرسالة", "1. Epistle\n2. Letter\n3. Message\n"},
    {"القمة", "1. Acme\n2. Summit\n"},
    {"الرئيس", "1. Chief\n2. President\n"},
    {"روسي", "Russian\n"},
    {"الصين", "China\n"},
    {"بلادة", "Dullness\n"},
    {"بلاد", "Country\n"},
    {"المشاركة", "Participation\n"},
    {"الجنود", "Soldiers\n"},
    {"العسكرية", "Militarism\n"},
    {"كتاب", "Book\n"},
    {"إلغاء", "Cancellation\n"},
    {"مدرس", "Teacher\n"},
    {"أبلغ", "Informed\n"},
};

static char tmpdir[256];
static char index_path[300], dict_path[300];

static void put_b64(FILE *f, uint64_t v)
{
    static const char digits64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char digits[16];
    int n = 0;
    do {
        digits[n++] = digits64[v & 63];
        v >>= 6;
    } while (v);
    while (n > 0)
        fputc(digits[--n], f);
}

static int setup(void **state)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/tj_gloss_XXXXXX", base);
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(index_path, sizeof index_path, "%s/t.index", tmpdir);
    snprintf(dict_path, sizeof dict_path, "%s/t.dict", tmpdir);
    FILE *idx = fopen(index_path, "w"), *dict = fopen(dict_path, "w");
    if (!idx || !dict)
        return -1;
    uint64_t off = 0;
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        int k = fprintf(dict, "%s /x/\n%s", entries[i].headword, entries[i].body);
        fprintf(idx, "%s\t", entries[i].headword);
        put_b64(idx, off);
        fputc('\t', idx);
        put_b64(idx, (uint64_t)k);
        fputc('\n', idx);
        off += (uint64_t)k;
    }
    fclose(idx);
    fclose(dict);
    struct tj_freedict *d = NULL;
    struct tj_diag diag = {{0}};
    if (tj_freedict_open(index_path, dict_path, &d, &diag) != TJ_OK) {
        fprintf(stderr, "setup: %s\n", diag.message);
        return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    tj_freedict_destroy(*state);
    unlink(index_path);
    unlink(dict_path);
    rmdir(tmpdir);
    return 0;
}

/* Glosses word and compares with want (NULL: not found). */
static void check(struct tj_freedict *d, const char *word, const char *want)
{
    struct tj_gloss_word g;
    tj_gloss_word(d, word, strlen(word), &g);
    char got[256] = "";
    if (g.english)
        snprintf(got, sizeof got, "%s", g.english);
    bool found = g.found, has_english = g.english != NULL;
    free(g.english);
    if (found != has_english)
        fail_msg("%s: found is %d but english is \"%s\"", word, found, got);
    if (!want && found)
        fail_msg("%s: expected no gloss, got \"%s\"", word, got);
    if (want && !found)
        fail_msg("%s: expected \"%s\", got nothing", word, want);
    if (want && strcmp(got, want) != 0)
        fail_msg("%s: expected \"%s\", got \"%s\"", word, want, got);
}

static void test_function_words_without_dictionary(void **state)
{
    (void)state;
    check(NULL, "في", "in");
    check(NULL, "فِي", "in"); /* diacritics do not matter */
    check(NULL, "من", "from");
    check(NULL, "إلى", "to");
    check(NULL, "الى", "to"); /* nor the hamza of the alef */
    check(NULL, "لم", "did not");
    check(NULL, "التي", "which");
    check(NULL, "أيضاً", "also");
    check(NULL, "قال", "said");
}

static void test_clitics_on_function_words(void **state)
{
    (void)state;
    check(NULL, "وفي", "and in");
    check(NULL, "والتي", "and which");
    check(NULL, "وأضاف", "and added");
    check(NULL, "فقال", "so said");
    check(NULL, "وبعد", "and after"); /* not و + ب + عد */
}

static void test_suffixes_on_function_words(void **state)
{
    (void)state;
    check(NULL, "أضافت", "added"); /* feminine past ت */
    check(NULL, "قالوا", "said");  /* plural past وا */
    check(NULL, "عليه", "on him");
    check(NULL, "معهم", "with them"); /* a preposition takes an object pronoun */
}

static void test_not_arabic_or_unknown(void **state)
{
    struct tj_freedict *d = *state;
    check(d, "hello", NULL);
    check(d, "2024", NULL);
    check(d, "٢٠٢٤", NULL);
    check(d, "\xd8", NULL); /* truncated UTF-8 */
    check(d, "قزقزقز", NULL);
    check(NULL, "الرئيس", NULL);
    assert_true(tj_gloss_is_arabic("كتاب", strlen("كتاب")));
    assert_false(tj_gloss_is_arabic("kitab", 5));
    assert_false(tj_gloss_is_arabic("٢٠٢٤", strlen("٢٠٢٤")));
    assert_false(tj_gloss_is_arabic("\xd8\xff", 2));
}

static void test_article(void **state)
{
    struct tj_freedict *d = *state;
    check(d, "القمة", "the summit"); /* headword with its article */
    check(d, "الرئيس", "the president");
    check(d, "قمة", "summit");      /* FreeDict has only القمة: found, without "the" */
    check(d, "الكتاب", "the book"); /* article split off */
    check(d, "الصين", "China");     /* no article before a proper name */
    check(d, "الروسي", "Russian");
    check(d, "إلغاء", "cancellation"); /* إل is no article */
}

static void test_prefix_combinations(void **state)
{
    struct tj_freedict *d = *state;
    check(d, "والقمة", "and the summit");
    check(d, "بالقمة", "in the summit");
    check(d, "للرئيس", "to the president"); /* ل + ال written لل */
    check(d, "وللرئيس", "and to the president");
    check(d, "كالكتاب", "like the book");
    check(d, "فبكتاب", "so in book");
}

static void test_suffixes(void **state)
{
    struct tj_freedict *d = *state;
    check(d, "رسالته", "his message"); /* ت restored to ة */
    check(d, "رسالتها", "her message");
    check(d, "ورسالتهم", "and their message");
    check(d, "كتابي", "my book");
    check(d, "كتابنا", "our book");
    check(d, "مشاركاتهم", "their participation"); /* ات + هم, ة restored */
    check(d, "المدرسون", "the teacher");
    check(d, "أبلغه", "informed him"); /* a verb takes an object pronoun */
}

static void test_taa_marbuta_is_not_a_pronoun(void **state)
{
    struct tj_freedict *d = *state;
    check(d, "بلادة", "dullness");
    check(d, "بلاده", "his country");
}

static void test_feminine_adjective(void **state)
{
    struct tj_freedict *d = *state;
    check(d, "العسكرية", "the military");
    check(d, "الجنود", "the soldiers");
}

/* ---- the installed dictionary ---- */

static struct tj_freedict *open_real(void)
{
    const char *dir = getenv("TARJIM_FREEDICT_DIR");
    if (!dir || !*dir)
        dir = "/usr/share/dictd";
    char index[1024], dict[1024];
    snprintf(index, sizeof index, "%s/freedict-ara-eng.index", dir);
    snprintf(dict, sizeof dict, "%s/freedict-ara-eng.dict.dz", dir);
    if (access(index, R_OK) != 0 || access(dict, R_OK) != 0)
        return NULL;
    struct tj_freedict *d = NULL;
    struct tj_diag diag = {{0}};
    if (tj_freedict_open(index, dict, &d, &diag) != TJ_OK)
        fail_msg("%s", diag.message);
    return d;
}

static void test_real_dictionary(void **state)
{
    (void)state;
    struct tj_freedict *d = open_real();
    if (!d)
        skip();
    check(d, "الرئيس", "the president");
    check(d, "القمة", "the summit");
    check(d, "الروسي", "Russian");
    check(d, "البرازيل", "Brazil");
    check(d, "رسالته", "his message");
    check(d, "الصداقة", "the friendship");
    check(d, "الجنود", "the soldiers");
    check(d, "بسرعة", "quickly");
    check(d, "والحكومة", "and the government");
    check(d, "للرئيس", "to the president");
    check(d, "قزقزقز", NULL);
    struct tj_gloss_word g;
    tj_gloss_word(d, "وأضاف", strlen("وأضاف"), &g);
    assert_true(g.found);
    assert_true(strncmp(g.english, "and ", 4) == 0);
    free(g.english);
    tj_freedict_destroy(d);
}

static void expect_clitics(const char *word, const char *want)
{
    char *got = tj_gloss_clitics(word, strlen(word));
    if (!want) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_clitic_runs(void **state)
{
    (void)state;
    expect_clitics("و", "and");
    expect_clitics("وال", "and the");
    expect_clitics("لل", "to the");
    expect_clitics("ولل", "and to the");
    expect_clitics("بـ", "in");
    expect_clitics("الـ", "the");
    expect_clitics("فب", "so in");
    expect_clitics("كل", NULL); /* "all": a word, not ك + ل */
    expect_clitics("بل", NULL);
    expect_clitics("سال", NULL); /* the future particle takes no article */
    expect_clitics("", NULL);
}

/* Clitic stripping works on the matching form, which a ligature makes longer than the word:
 * ﷲ (U+FDF2, 3 bytes) reads as الله; a word of ligatures longer than the glosser takes is
 * not found rather than overrunning a buffer. */
static void test_clitics_on_expanding_ligatures(void **state)
{
    (void)state;
    expect_clitics("و\xEF\xB7\xB2", NULL); /* و + الله is a word, not a clitic run */
    char word[2 + 3 * 400 + 1];
    memcpy(word, "و", 2);
    for (size_t i = 0; i < 400; i++)
        memcpy(word + 2 + 3 * i, "\xEF\xB7\xBA", 3);
    word[sizeof word - 1] = '\0';
    check(NULL, word, NULL);
    expect_clitics(word, NULL);
    struct tj_gloss_word out;
    tj_gloss_word(NULL, "\xEF\xB7\xBA\xEF\xB7\xBA", 6, &out);
    assert_false(out.found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_function_words_without_dictionary),
        cmocka_unit_test(test_clitics_on_expanding_ligatures),
        cmocka_unit_test(test_clitic_runs),
        cmocka_unit_test(test_clitics_on_function_words),
        cmocka_unit_test(test_suffixes_on_function_words),
        cmocka_unit_test(test_not_arabic_or_unknown),
        cmocka_unit_test(test_article),
        cmocka_unit_test(test_prefix_combinations),
        cmocka_unit_test(test_suffixes),
        cmocka_unit_test(test_taa_marbuta_is_not_a_pronoun),
        cmocka_unit_test(test_feminine_adjective),
        cmocka_unit_test(test_real_dictionary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
