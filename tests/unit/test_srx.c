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
        cmocka_unit_test(test_bad_regex),
        cmocka_unit_test(test_shipped_file_is_the_built_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
