/* Glossary loading: the TSV format, errors with line numbers, overrides, keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "glossary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct tj_term *lookup(struct tj_glossary *g, const char *arabic)
{
    size_t klen, words;
    char *key = tj_glossary_key(arabic, strlen(arabic), &klen, &words);
    const struct tj_term *t = tj_glossary_lookup(g, key, klen);
    free(key);
    return t;
}

static void test_load_rows(void **state)
{
    (void)state;
    const char *tsv = "\xEF\xBB\xBF# comment\n"
                      "بوتين\tPutin\tperson\n"
                      "\n"
                      "  # indented comment\n"
                      "بيونغ يانغ|بيونغيانغ\tPyongyang\tplace\tcapital of North Korea\r\n"
                      "كيم إيل-سونغ\tKim Il Sung\tperson\n"
                      "بريكس\tBRICS\n";
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    assert_int_equal(tj_glossary_load_mem(g, "t.tsv", tsv, strlen(tsv), &d), TJ_OK);
    assert_int_equal(tj_glossary_terms(g), 4);
    assert_int_equal(tj_glossary_spellings(g), 5);
    assert_int_equal(tj_glossary_max_words(g), 2); /* the hyphen keeps ايل-سونغ one word */
    const struct tj_term *t = lookup(g, "بيونغيانغ");
    assert_non_null(t);
    assert_string_equal(t->english, "Pyongyang");
    assert_string_equal(t->arabic, "بيونغ يانغ");
    assert_string_equal(t->note, "capital of North Korea");
    assert_int_equal(t->type, TJ_TERM_PLACE);
    assert_int_equal(t->line, 5);
    /* Spelling noise does not matter: diacritics, tatweel, alef forms. */
    assert_non_null(lookup(g, "بُوتِــين"));
    assert_non_null(lookup(g, "كيم ايل-سونغ"));
    assert_int_equal(lookup(g, "بريكس")->type, TJ_TERM_TERM);
    assert_null(lookup(g, "ترامب"));
    tj_glossary_destroy(g);
}

static void expect_error(const char *tsv, const char *want)
{
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    assert_int_equal(tj_glossary_load_mem(g, "bad.tsv", tsv, strlen(tsv), &d), TJ_ERR_CONFIG);
    if (!strstr(d.message, want))
        print_error("message: %s\n", d.message);
    assert_non_null(strstr(d.message, want));
    tj_glossary_destroy(g);
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("بوتين\tPutin\nروسيا\n", "bad.tsv:2: expected arabic<TAB>english");
    expect_error("#\n#\nبوتين\t\n", "bad.tsv:3: empty English");
    expect_error("بوتين\tPutin\tpresident\n", "bad.tsv:1: unknown type 'president'");
    expect_error("a\tb\tterm\tnote\textra\n", "bad.tsv:1: too many fields");
    expect_error("بوتين\tPutin\n\xFF\tx\n", "bad.tsv:2: invalid UTF-8");
    expect_error("...|بوتين\tPutin\n", "bad.tsv:1: spelling 1");
}

static void test_later_overrides(void **state)
{
    (void)state;
    struct tj_glossary *g = tj_glossary_create();
    const char *a = "بوتين\tPutin\tperson\nموسكو\tMoscow\tplace\n";
    const char *b = "بوتين\tPresident Putin\tperson\n";
    assert_int_equal(tj_glossary_load_mem(g, "a", a, strlen(a), NULL), TJ_OK);
    assert_int_equal(tj_glossary_load_mem(g, "b", b, strlen(b), NULL), TJ_OK);
    assert_string_equal(lookup(g, "بوتين")->english, "President Putin");
    assert_string_equal(lookup(g, "موسكو")->english, "Moscow");
    assert_int_equal(tj_glossary_overrides(g), 1);
    const struct tj_glossary_override *o = tj_glossary_override(g, 0);
    assert_string_equal(o->earlier->english, "Putin");
    assert_string_equal(o->later->english, "President Putin");
    assert_string_equal(o->spelling, "بوتين");
    tj_glossary_destroy(g);
}

static void test_missing_file(void **state)
{
    (void)state;
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    assert_int_equal(tj_glossary_load_file(g, "/nonexistent/x.tsv", &d), TJ_ERR_NOINPUT);
    assert_non_null(strstr(d.message, "/nonexistent/x.tsv"));
    tj_glossary_destroy(g);
}

static void test_bundled(void **state)
{
    (void)state;
    const char *src = getenv("TARJIM_SOURCE");
    if (!src)
        skip();
    char path[4096];
    snprintf(path, sizeof path, "%s/glossaries/news-ar-en.tsv", src);
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    assert_int_equal(tj_glossary_load_file(g, path, &d), TJ_OK);
    assert_true(tj_glossary_terms(g) >= 1500);
    static const char *const names[][2] = {
        {"بوتين", "Putin"},
        {"فلاديمير بوتين", "Vladimir Putin"},
        {"بريكس", "BRICS"},
        {"كيم جونغ أون", "Kim Jong Un"},
        {"دميتري بيسكوف", "Dmitry Peskov"},
        {"كوريا الشمالية", "North Korea"},
        {"الولايات المتحدة", "United States"},
        {"كورسك", "Kursk"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const struct tj_term *t = lookup(g, names[i][0]);
        assert_non_null(t);
        assert_string_equal(t->english, names[i][1]);
    }
    tj_glossary_destroy(g);
}

/* A spelling whose matching form is longer than the row: U+FDFA (3 bytes) reads as four
 * words of 18 letters and spaces. */
static void test_expanding_spelling(void **state)
{
    (void)state;
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    const char *row = "\xEF\xB7\xBA\tPBUH\n";
    assert_int_equal(tj_glossary_load_mem(g, "g.tsv", row, strlen(row), &d), TJ_OK);
    const struct tj_term *t = lookup(g, "صلى الله عليه وسلم");
    assert_non_null(t);
    assert_string_equal(t->english, "PBUH");
    assert_int_equal(tj_glossary_max_words(g), 4);
    /* 1,300 of them in one spelling (written together, the last word of one ligature runs
     * into the first of the next: 3 words each and one more), and a second spelling. */
    size_t n = 1300 * 3;
    char *big = malloc(n + 64);
    for (size_t i = 0; i < n; i += 3)
        memcpy(big + i, "\xEF\xB7\xBA", 3);
    strcpy(big + n, "|بركة\tLong\n");
    assert_int_equal(tj_glossary_load_mem(g, "g.tsv", big, strlen(big), &d), TJ_OK);
    assert_int_equal(tj_glossary_max_words(g), 3 * 1300 + 1);
    t = lookup(g, "بركة");
    assert_non_null(t);
    assert_string_equal(t->english, "Long");
    size_t klen, words;
    big[n] = '\0';
    char *key = tj_glossary_key(big, n, &klen, &words);
    assert_int_equal(words, 3 * 1300 + 1);
    assert_int_equal(klen, 1300 * strlen("صلي الله عليه وسلم"));
    assert_ptr_equal(tj_glossary_lookup(g, key, klen), t);
    free(key);
    free(big);
    tj_glossary_destroy(g);
}

/* English spellings after the first are aliases; an empty one is an error with its line. */
static void test_english_aliases(void **state)
{
    (void)state;
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    const char *rows = "بوتين\tPutin | Vladimir Putin|President Putin\tperson\n"
                       "كييف\tKyiv\tplace\n";
    assert_int_equal(tj_glossary_load_mem(g, "g.tsv", rows, strlen(rows), &d), TJ_OK);
    const struct tj_term *t = lookup(g, "بوتين");
    assert_string_equal(t->english, "Putin");
    assert_int_equal(t->naliases, 2);
    assert_string_equal(t->aliases[0], "Vladimir Putin");
    assert_string_equal(t->aliases[1], "President Putin");
    assert_int_equal(lookup(g, "كييف")->naliases, 0); /* Kiev is no alias unless written */
    const char *bad = "بوتين\tPutin||Vladimir Putin\n";
    assert_int_equal(tj_glossary_load_mem(g, "g.tsv", bad, strlen(bad), &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "g.tsv:1: an empty English spelling"));
    tj_glossary_destroy(g);
}

/* The message names the spelling that has no letters, counting every one before it. */
static void test_empty_spelling_named(void **state)
{
    (void)state;
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    const char *row = "بوتين|بوتن|...\tPutin\n";
    assert_int_equal(tj_glossary_load_mem(g, "g.tsv", row, strlen(row), &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "g.tsv:1: spelling 3 of"));
    tj_glossary_destroy(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_rows),       cmocka_unit_test(test_errors),
        cmocka_unit_test(test_later_overrides), cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_bundled),         cmocka_unit_test(test_expanding_spelling),
        cmocka_unit_test(test_english_aliases), cmocka_unit_test(test_empty_spelling_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
