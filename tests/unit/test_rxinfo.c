/* The regex reader: first/last/second-to-last character sets, nullability, length; and a
 * cross-check that every real PCRE2 match agrees with what the reader promised. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rxinfo.h"
#include "srx.h"
#include "utf8.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tj_rxinfo info(const char *re)
{
    struct tj_rxinfo ri;
    tj_rxinfo_init(&ri, re, strlen(re));
    return ri;
}

static void test_literals_and_classes(void **state)
{
    (void)state;
    struct tj_rxinfo ri = info("[.!?]+[\"»]*");
    assert_true(tj_cpset_has(&ri.first, '.'));
    assert_false(tj_cpset_has(&ri.first, '"'));
    assert_true(tj_cpset_has(&ri.last, 0xBB));
    assert_true(tj_cpset_has(&ri.last, '!'));
    assert_false(tj_cpset_has(&ri.last, 'a'));
    assert_true(tj_cpset_has(&ri.last2, '?')); /* "?." and "?»" */
    assert_false(ri.nullable);
    assert_true(ri.can1);
    assert_int_equal(ri.max_len, TJ_RX_UNBOUNDED);
    tj_rxinfo_finish(&ri);

    ri = info("\\b(?:Dr|Mr)\\.");
    assert_false(ri.can1);
    assert_true(tj_cpset_has(&ri.last2, 'r'));
    assert_false(tj_cpset_has(&ri.last2, 'x'));
    assert_int_equal(ri.max_len, 3);
    tj_rxinfo_finish(&ri);

    ri = info("(?i)dr\\.");
    assert_true(tj_cpset_has(&ri.first, 'D'));
    assert_true(tj_cpset_has(&ri.first, 'd'));
    tj_rxinfo_finish(&ri);

    /* Lookarounds are zero-width; classes of letters exclude spaces and ASCII punctuation. */
    ri = info("(?<![\\p{L}])\\p{L}\\.[\\x{200E}\\x{200F}]{0,3}");
    assert_true(tj_cpset_has(&ri.last, 0x200F));
    assert_true(tj_cpset_has(&ri.last2, 0x0628));
    assert_false(tj_cpset_has(&ri.last2, ' '));
    assert_int_equal(ri.max_len, 5);
    tj_rxinfo_finish(&ri);

    ri = info("\\s+\\p{Ll}");
    assert_true(tj_cpset_has(&ri.first, ' '));
    assert_false(tj_cpset_has(&ri.last, ' '));
    tj_rxinfo_finish(&ri);
}

static void test_unknown_is_any(void **state)
{
    (void)state;
    struct tj_rxinfo ri = info("a\\1");
    assert_true(ri.last.any);
    assert_int_equal(ri.max_len, TJ_RX_UNBOUNDED);
    tj_rxinfo_finish(&ri);
    ri = info("[^a]");
    assert_true(ri.first.any);
    tj_rxinfo_finish(&ri);
    ri = info("(?=x)");
    assert_true(ri.nullable);
    assert_int_equal(ri.max_len, 0);
    tj_rxinfo_finish(&ri);
    ri = info("a)"); /* unbalanced: assume anything */
    assert_true(ri.nullable);
    assert_true(ri.first.any);
    tj_rxinfo_finish(&ri);
}

/* For every pattern of the shipped rules, every match PCRE2 finds ending at any position of a
 * sample text must end with a character of `last`, have its second-to-last in `last2` (unless
 * a one-character match), and be no longer than max_len. */
static void test_agrees_with_pcre2(void **state)
{
    (void)state;
    const char *src = getenv("TARJIM_SOURCE");
    char path[4096];
    snprintf(path, sizeof path, "%s/srx/tarjim.srx", src ? src : ".");
    struct tj_srx *srx;
    assert_int_equal(tj_srx_load(path, &srx, NULL), TJ_OK);
    const char *text = "قال د. محمد (أ.ف.ب): «هل هذا ممكن؟!» ثم غادر... وولد 1948 م. في القاهرة "
                       "Mr. J. Smith met U.S. officials, e.g. the envoy. . . Then Jane.Doe@x.org "
                       "left.Today ١٢٫٥ \xE2\x80\x8F.\xE2\x80\x8F ؟ ۔ … \"end.\" (Smith 55).";
    size_t len = strlen(text);
    size_t checked = 0;
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    for (size_t l = 0; l < srx->nlangs; l++)
        for (size_t k = 0; k < srx->langs[l].nrules; k++) {
            const char *re = srx->langs[l].rules[k].before;
            if (!*re)
                continue;
            int err;
            PCRE2_SIZE off;
            pcre2_code *code =
                pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED,
                              PCRE2_UTF | PCRE2_UCP | PCRE2_ENDANCHORED, &err, &off, NULL);
            assert_non_null(code);
            struct tj_rxinfo ri;
            tj_rxinfo_init(&ri, re, strlen(re));
            for (size_t p = 1; p <= len; p++) {
                if (p < len && ((unsigned char)text[p] & 0xC0) == 0x80)
                    continue;
                /* Every start position: the longest match ending at p is what matters. */
                for (size_t from = 0; from < p; from++) {
                    if (((unsigned char)text[from] & 0xC0) == 0x80)
                        continue;
                    if (pcre2_match(code, (PCRE2_SPTR)text, p, from, PCRE2_ANCHORED, md, NULL) < 0)
                        continue;
                    size_t q = p;
                    uint32_t last = tj_utf8_prev(text, &q);
                    assert_true(tj_cpset_has(&ri.last, last));
                    size_t chars = tj_utf8_count(text + from, p - from);
                    assert_true(chars <= ri.max_len);
                    if (chars >= 2) {
                        uint32_t last2 = tj_utf8_prev(text, &q);
                        assert_true(tj_cpset_has(&ri.last2, last2));
                    } else {
                        assert_true(ri.can1);
                    }
                    checked++;
                }
            }
            tj_rxinfo_finish(&ri);
            pcre2_code_free(code);
        }
    pcre2_match_data_free(md);
    tj_srx_destroy(srx);
    assert_true(checked > 20); /* the sample text does exercise the rules */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals_and_classes),
        cmocka_unit_test(test_unknown_is_any),
        cmocka_unit_test(test_agrees_with_pcre2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
