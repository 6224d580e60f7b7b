/* SRX loading and segmenters built from SRX files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "segment.h"
#include "srx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *src_path(const char *rel)
{
    const char *src = getenv("TARJIM_SOURCE");
    char *p = malloc(4096);
    snprintf(p, 4096, "%s/%s", src ? src : ".", rel);
    return p;
}

/* Segments line with sg and joins the sentences with " | ". */
static char *segment(const struct tj_segmenter *sg, const char *line)
{
    struct tj_segment_options opt = {.rules = sg};
    struct tj_span *spans;
    size_t n = tj_segment_line(line, strlen(line), &opt, &spans);
    char *out = calloc(1, strlen(line) + 4 * n + 1);
    for (size_t i = 0; i < n; i++) {
        if (i)
            strcat(out, " | ");
        strncat(out, line + spans[i].start, spans[i].end - spans[i].start);
    }
    free(spans);
    return out;
}

static void expect(const struct tj_segmenter *sg, const char *line, const char *want)
{
    char *got = segment(sg, line);
    assert_string_equal(got, want);
    free(got);
}

static void test_exported_file(void **state)
{
    (void)state;
    char *path = src_path("tests/data/exported.srx");
    struct tj_srx *srx;
    struct tj_diag d;
    assert_int_equal(tj_srx_load(path, &srx, &d), TJ_OK);
    free(path);
    assert_true(srx->cascade);
    assert_int_equal(srx->nlangs, 2);
    assert_string_equal(srx->langs[0].name, "Arabic (test)");
    assert_int_equal(srx->langs[0].nrules, 2);
    assert_false(srx->langs[0].rules[0].brk);
    assert_true(srx->langs[1].rules[1].brk); /* break defaults to yes */
    /* Java \uXXXX escapes become PCRE2 \x{XXXX}. */
    assert_string_equal(srx->langs[0].rules[1].before, "[\\x{061F}\\x{061B}]");
    assert_int_equal(srx->nmaps, 2);

    struct tj_segmenter *ar, *en;
    assert_int_equal(tj_segmenter_create(srx, "ar", &ar, &d), TJ_OK); /* "AR.*" ignores case */
    assert_int_equal(tj_segmenter_create(srx, "en", &en, &d), TJ_OK);
    /* Cascade: the Arabic rules and then the default ones. This file breaks after ؛. */
    expect(ar, "قال د. محمد إن الوضع مستقر؛ وأضاف أنه متفائل. ثم غادر.",
           "قال د. محمد إن الوضع مستقر؛ | وأضاف أنه متفائل. | ثم غادر.");
    /* English gets only the default rules: no break before a lowercase word. */
    expect(en, "Dr. Smith left. then he came back. Then he left.",
           "Dr. Smith left. then he came back. | Then he left.");
    expect(en, "مستقر؛ وأضاف.", "مستقر؛ وأضاف.");
    tj_segmenter_destroy(ar);
    tj_segmenter_destroy(en);
    tj_srx_destroy(srx);
}

static void test_no_cascade(void **state)
{
    (void)state;
    const char *xml = "<srx version='2.0'><header cascade='no'/><body><languagerules>"
                      "<languagerule languagerulename='A'><rule break='yes'>"
                      "<beforebreak>;</beforebreak><afterbreak>\\s</afterbreak></rule>"
                      "</languagerule>"
                      "<languagerule languagerulename='B'><rule break='yes'>"
                      "<beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>"
                      "</languagerule></languagerules><maprules>"
                      "<languagemap languagepattern='ar' languagerulename='A'/>"
                      "<languagemap languagepattern='.*' languagerulename='B'/>"
                      "</maprules></body></srx>";
    struct tj_srx *srx;
    assert_int_equal(tj_srx_parse("t.srx", xml, strlen(xml), &srx, NULL), TJ_OK);
    assert_false(srx->cascade);
    struct tj_segmenter *ar, *fr;
    assert_int_equal(tj_segmenter_create(srx, "ar", &ar, NULL), TJ_OK);
    assert_int_equal(tj_segmenter_create(srx, "fr", &fr, NULL), TJ_OK);
    expect(ar, "a; b. c", "a; | b. c"); /* only the first matching map */
    expect(fr, "a; b. c", "a; b. | c");
    tj_segmenter_destroy(ar);
    tj_segmenter_destroy(fr);
    tj_srx_destroy(srx);
}

static void expect_error(const char *xml, const char *want)
{
    struct tj_srx *srx;
    struct tj_diag d;
    enum tj_status rc = tj_srx_parse("bad.srx", xml, strlen(xml), &srx, &d);
    assert_int_equal(rc, TJ_ERR_CONFIG);
    assert_null(srx);
    if (!strstr(d.message, want))
        print_error("message: %s\n", d.message);
    assert_non_null(strstr(d.message, want));
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("<srx>\n<body>\n<oops>\n</body></srx>", "bad.srx:4: mismatched tag");
    expect_error("<srx><body><maprules>\n<languagemap languagepattern='.*' "
                 "languagerulename='Nope'/></maprules></body></srx>",
                 "bad.srx:2: languagemap names unknown languagerule 'Nope'");
    expect_error("<srx><body>\n\n<rule/></body></srx>", "bad.srx:3: rule outside a languagerule");
    expect_error("<srx><body></body></srx>", "no languagemap");
    expect_error("", "bad.srx:1:");
}

/* SRX's yes/no attributes and the language patterns are checked, not read as something else
 * (break="maybe" used to be a break, a languagepattern that does not compile matched no
 * language). */
static void test_invalid_values(void **state)
{
    (void)state;
    expect_error("<srx><body><languagerules><languagerule languagerulename='A'>\n\n"
                 "<rule break='maybe'><beforebreak>\\.</beforebreak></rule>"
                 "</languagerule></languagerules><maprules><languagemap languagepattern='.*' "
                 "languagerulename='A'/></maprules></body></srx>",
                 "bad.srx:3: rule break=\"maybe\": SRX allows yes or no");
    expect_error("<srx>\n<header cascade='true'/><body/></srx>",
                 "bad.srx:2: header cascade=\"true\"");
    expect_error("<srx><body><languagerules><languagerule languagerulename='A'>"
                 "</languagerule></languagerules><maprules>\n"
                 "<languagemap languagepattern='.*' languagerulename='A'/>\n"
                 "<languagemap languagepattern='(ar|fa' languagerulename='A'/>"
                 "</maprules></body></srx>",
                 "bad.srx:3: languagepattern '(ar|fa' at offset 6: missing closing parenthesis");
}

/* A language no languagemap matches gets no rules, and a warning that says so. */
static void test_language_without_map(void **state)
{
    (void)state;
    const char *xml = "<srx><body><languagerules><languagerule languagerulename='A'><rule>"
                      "<beforebreak>\\.</beforebreak><afterbreak>\\s</afterbreak></rule>"
                      "</languagerule></languagerules><maprules>"
                      "<languagemap languagepattern='ar.*' languagerulename='A'/>"
                      "</maprules></body></srx>";
    struct tj_srx *srx;
    assert_int_equal(tj_srx_parse("ar-only.srx", xml, strlen(xml), &srx, NULL), TJ_OK);
    struct tj_segmenter *ar, *zz;
    assert_int_equal(tj_segmenter_create(srx, "ar", &ar, NULL), TJ_OK);
    assert_int_equal(tj_segmenter_create(srx, "zz", &zz, NULL), TJ_OK);
    assert_null(tj_segmenter_warning(ar));
    const char *w = tj_segmenter_warning(zz);
    assert_non_null(w);
    assert_non_null(strstr(w, "ar-only.srx: no languagemap matches language 'zz'"));
    expect(ar, "ab. cd.", "ab. | cd.");
    expect(zz, "ab. cd.", "ab. cd.");
    tj_segmenter_destroy(ar);
    tj_segmenter_destroy(zz);
    tj_srx_destroy(srx);
}

/* A rule that backtracks without end, (a|aa)*\. before a run of a's that ends in another
 * letter, is cut off by the match limit: each such position gets no break, quickly, and the
 * rule is named. Without the limits each position took some 60 ms. */
static void test_catastrophic_rule(void **state)
{
    (void)state;
    const char *xml = "<srx><body><languagerules><languagerule languagerulename='A'>\n"
                      "<rule break='yes'><beforebreak>(a|aa)*\\.</beforebreak>"
                      "<afterbreak>\\s</afterbreak></rule></languagerule></languagerules>"
                      "<maprules><languagemap languagepattern='.*' languagerulename='A'/>"
                      "</maprules></body></srx>";
    struct tj_srx *srx;
    assert_int_equal(tj_srx_parse("cat.srx", xml, strlen(xml), &srx, NULL), TJ_OK);
    struct tj_segmenter *sg;
    assert_int_equal(tj_segmenter_create(srx, "ar", &sg, NULL), TJ_OK);
    tj_srx_destroy(srx);
    assert_int_equal(tj_segmenter_limit_hits(sg, NULL), 0);

    /* "ok." is decided at once (a break); each "aaa...ab." is not. */
    enum { N = 300 };
    const char *sentence = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab. ";
    size_t slen = strlen(sentence);
    char *line = malloc(4 + N * slen + 5);
    memcpy(line, "ok. ", 4);
    for (size_t i = 0; i < N; i++)
        memcpy(line + 4 + i * slen, sentence, slen);
    memcpy(line + 4 + N * slen, "end.", 5);

    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    struct tj_segment_options opt = {.rules = sg, .max_bytes = 1 << 20};
    struct tj_span *spans;
    size_t n = tj_segment_line(line, strlen(line), &opt, &spans);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (secs >= 3.0)
        print_error("%d limited positions took %.2f s\n", N, secs);
    assert_true(secs < 3.0);

    assert_int_equal(n, 2);
    assert_int_equal(spans[0].end, 3); /* "ok." */
    assert_int_equal(spans[1].end, strlen(line));
    free(spans);
    struct tj_diag d;
    assert_int_equal(tj_segmenter_limit_hits(sg, &d), N);
    if (!strstr(d.message, "cat.srx:2: beforebreak '(a|aa)*\\.' exceeded the regex limits"))
        print_error("message: %s\n", d.message);
    assert_non_null(
        strstr(d.message, "cat.srx:2: beforebreak '(a|aa)*\\.' exceeded the regex limits"));
    assert_non_null(strstr(d.message, "at 300 positions, left without a break"));
    free(line);
    tj_segmenter_destroy(sg);
}

static void test_bad_regex(void **state)
{
    (void)state;
    const char *xml = "<srx><body><languagerules><languagerule languagerulename='A'>\n"
                      "<rule><beforebreak>[a-</beforebreak></rule></languagerule>"
                      "</languagerules><maprules><languagemap languagepattern='.*' "
                      "languagerulename='A'/></maprules></body></srx>";
    struct tj_srx *srx;
    assert_int_equal(tj_srx_parse("t.srx", xml, strlen(xml), &srx, NULL), TJ_OK);
    struct tj_segmenter *sg;
    struct tj_diag d;
    assert_int_equal(tj_segmenter_create(srx, "ar", &sg, &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "line 2: beforebreak regex"));
    tj_srx_destroy(srx);
}

static void test_shipped_file_is_the_built_in(void **state)
{
    (void)state;
    /* srx/tarjim.srx loads, and behaves as the rules compiled into the program. */
    char *path = src_path("srx/tarjim.srx");
    struct tj_srx *srx;
    struct tj_diag d;
    assert_int_equal(tj_srx_load(path, &srx, &d), TJ_OK);
    free(path);
    struct tj_segmenter *sg;
    assert_int_equal(tj_segmenter_create(srx, "ar", &sg, &d), TJ_OK);
    const char *line = "قال د. محمد: «هل هذا ممكن؟» ثم غادر. وبلغ السعر 78.40 دولارا.وانتهى";
    char *a = segment(sg, line);
    char *b = segment(tj_segmenter_default("ar"), line);
    assert_string_equal(a, b);
    assert_string_equal(a, "قال د. محمد: «هل هذا ممكن؟» ثم غادر. | وبلغ السعر 78.40 دولارا. | "
                           "وانتهى");
    free(a);
    free(b);
    tj_segmenter_destroy(sg);
    tj_srx_destroy(srx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exported_file),
        cmocka_unit_test(test_no_cascade),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_invalid_values),
        cmocka_unit_test(test_language_without_map),
        cmocka_unit_test(test_catastrophic_rule),
        cmocka_unit_test(test_bad_regex),
        cmocka_unit_test(test_shipped_file_is_the_built_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
