/* Names across windows and documents: a name rendered two ways, one rendering for two names,
 * glossary aliases, suggestions once per document, and the state's memory bound. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "consistency.h"
#include "pin.h"
#include "test_terms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
    (void)state;
    return terms_load("بوتين\tPutin|Vladimir Putin\tperson\n"
                      "كييف\tKyiv|Kiev\tplace\n"
                      "موسكو\tMoscow\tplace\n"
                      "الولايات المتحدة\tUnited States\tplace\n"
                      "أمريكا\tUnited States\tplace\n");
}

/* Appends a translated segment (pins found) to a window; ids go on from *id. */
static struct tj_segment *add(struct tj_document *w, unsigned *id, const char *source,
                              const char *target)
{
    struct tj_block *b = tj_document_add_block(w, TJ_BLOCK_PARAGRAPH, w->nblocks + 1, 0);
    struct tj_segment *s = tj_block_add_segment(b, source, strlen(source));
    s->id = ++*id;
    s->npins = tj_pin_find(g, s->source, s->source_len, &s->pins);
    tj_segment_set_target(s, target, strlen(target), TJ_ORIGIN_PROVIDER);
    return s;
}

/* The message of the segment's finding with this code (the only one), or NULL. */
static const char *finding(const struct tj_segment *s, const char *code)
{
    const char *found = NULL;
    for (size_t i = 0; i < s->nqa; i++)
        if (strcmp(s->qa[i].code, code) == 0) {
            assert_null(found);
            found = s->qa[i].message;
        }
    return found;
}

/* A name is written one way in a window and another way in a later one: the later segment is
 * flagged, naming both renderings and both segments. */
static void test_name_across_windows(void **state)
{
    (void)state;
    struct tj_consistency *c = tj_consistency_create(TJ_CONSISTENCY_BYTES);
    unsigned doc = tj_consistency_begin(c), id = 0;
    struct tj_document w1, w2;
    tj_document_init(&w1);
    tj_document_init(&w2);
    struct tj_segment *s1 = add(&w1, &id, "وقال المتحدث ميدينسكي إن موسكو مستعدة.",
                                "Spokesman Medinsky said Moscow was ready.");
    struct tj_segment *s2 = add(&w1, &id, "وأكد ميدينسكي ذلك.", "Medinsky confirmed it.");
    tj_consistency_window(c, doc, "a.ar.txt", &w1);
    assert_null(finding(s1, "inconsistent"));
    assert_null(finding(s2, "inconsistent"));
    /* The name is suggested once in the document, where it first stands. */
    const char *sug = finding(s1, "suggest_pin");
    assert_non_null(sug);
    assert_string_equal(sug, "'ميدينسكي' → 'Midinski' (person): a name not in the glossary, "
                             "after المتحدث; the engine wrote 'Medinsky'");
    assert_null(finding(s2, "suggest_pin"));

    struct tj_segment *s3 = add(&w2, &id, "ورد لميدينسكي المتحدث باسم الوزارة.",
                                "The ministry spokesman replied to Medinskiy.");
    tj_consistency_window(c, doc, "a.ar.txt", &w2);
    assert_string_equal(finding(s3, "inconsistent"),
                        "'ميدينسكي' is 'Medinskiy' in segment 3 but 'Medinsky' in segment 1");
    assert_null(finding(s3, "suggest_pin"));
    tj_document_finish(&w1);
    tj_document_finish(&w2);
    tj_consistency_destroy(c);
}

/* Across the documents of a run, the message names the earlier one; each document lists its
 * own suggestions. */
static void test_name_across_documents(void **state)
{
    (void)state;
    struct tj_consistency *c = tj_consistency_create(TJ_CONSISTENCY_BYTES);
    unsigned a = tj_consistency_begin(c), b = tj_consistency_begin(c);
    assert_int_not_equal(a, b);
    unsigned ida = 0, idb = 0;
    struct tj_document wa, wb;
    tj_document_init(&wa);
    tj_document_init(&wb);
    add(&wa, &ida, "عنوان", "Title");
    struct tj_segment *sa = add(&wa, &ida, "وقال الوزير رستم عمروف إن كييف مستعدة.",
                                "Minister Rustem Umerov said Kyiv was ready.");
    tj_consistency_window(c, a, "a.ar.txt", &wa);
    assert_non_null(finding(sa, "suggest_pin"));
    struct tj_segment *sb =
        add(&wb, &idb, "وصل رستم عمروف إلى موسكو.", "Rustem Umarov arrived in Moscow.");
    tj_consistency_window(c, b, "b.ar.txt", &wb);
    assert_string_equal(finding(sb, "inconsistent"), "'رستم عمروف' is 'Rustem Umarov' in segment "
                                                     "1 but 'Rustem Umerov' in segment 2 of "
                                                     "a.ar.txt");
    assert_non_null(finding(sb, "suggest_pin"));
    tj_document_finish(&wa);
    tj_document_finish(&wb);
    tj_consistency_destroy(c);
}

/* One English rendering for two Arabic names is flagged, unless both are glossary terms. */
static void test_one_rendering_two_names(void **state)
{
    (void)state;
    struct tj_consistency *c = tj_consistency_create(TJ_CONSISTENCY_BYTES);
    unsigned doc = tj_consistency_begin(c), id = 0;
    struct tj_document w;
    tj_document_init(&w);
    add(&w, &id, "والتقى الوزير عمروف نظيره.", "Minister Umerov met his counterpart.");
    struct tj_segment *s2 = add(&w, &id, "ثم تحدث الوزير أوميروف للصحفيين.",
                                "Then Minister Umerov spoke to reporters.");
    /* Two rows of the glossary with the same English: the desk's choice. */
    struct tj_segment *s3 = add(&w, &id, "وقالت الولايات المتحدة إن أمريكا لن تنسحب.",
                                "The United States said the United States would not withdraw.");
    tj_consistency_window(c, doc, NULL, &w);
    assert_string_equal(finding(s2, "inconsistent"),
                        "'Umerov' stands for 'أوميروف' in segment 2 but for 'عمروف' in segment 1");
    assert_null(finding(s3, "inconsistent"));
    tj_document_finish(&w);
    tj_consistency_destroy(c);
}

/* A glossary term: a fuller alias holding the canonical English agrees with it; an alias that
 * is another spelling does not. */
static void test_glossary_aliases(void **state)
{
    (void)state;
    struct tj_consistency *c = tj_consistency_create(TJ_CONSISTENCY_BYTES);
    unsigned doc = tj_consistency_begin(c), id = 0;
    struct tj_document w;
    tj_document_init(&w);
    add(&w, &id, "وصل بوتين إلى كييف.", "Putin arrived in Kyiv.");
    struct tj_segment *s2 =
        add(&w, &id, "وقال بوتين في كييف إنه مستعد.", "Vladimir Putin said in Kiev he was ready.");
    tj_consistency_window(c, doc, "in.ar.txt", &w);
    assert_string_equal(finding(s2, "inconsistent"),
                        "'كييف' is 'Kiev' in segment 2 but 'Kyiv' in segment 1");
    tj_document_finish(&w);
    tj_consistency_destroy(c);
}

/* The state is capped: a name seen before thousands of others is forgotten, and memory holds
 * what the cap allows however many names pass; with room it is remembered. */
static void test_memory_bound(void **state)
{
    (void)state;
    for (int big = 0; big < 2; big++) {
        struct tj_consistency *c = tj_consistency_create(big ? TJ_CONSISTENCY_BYTES : 16 * 1024);
        unsigned doc = tj_consistency_begin(c), id = 0;
        struct tj_document w;
        tj_document_init(&w);
        add(&w, &id, "وقال الوزير رستم عمروف ذلك.", "Minister Rustem Umerov said so.");
        tj_consistency_window(c, doc, NULL, &w);
        tj_document_finish(&w);
        /* 2,000 other names, each after a title, each rendered. */
        static const char *const letters[] = {"ب", "ت", "د", "ر", "س", "ف", "ك", "م", "ن", "ل"};
        static const char *const latin[] = {"B", "T", "D", "R", "S", "F", "K", "M", "N", "L"};
        for (int i = 0; i < 2000; i++) {
            char src[256], dst[256];
            const char *l1 = letters[i % 10], *l2 = letters[i / 10 % 10],
                       *l3 = letters[i / 100 % 10];
            snprintf(src, sizeof src, "وقال الوزير %s%s%sوف%s ذلك.", l1, l2, l3, letters[i / 1000]);
            snprintf(dst, sizeof dst, "Minister %s%s%sov%s said so.", latin[i % 10],
                     latin[i / 10 % 10], latin[i / 100 % 10], latin[i / 1000]);
            tj_document_init(&w);
            add(&w, &id, src, dst);
            tj_consistency_window(c, doc, NULL, &w);
            tj_document_finish(&w);
        }
        tj_document_init(&w);
        struct tj_segment *s = add(&w, &id, "وقال رستم عمروف ذلك.", "Rustem Umarov said so.");
        tj_consistency_window(c, doc, NULL, &w);
        if (big)
            assert_non_null(finding(s, "inconsistent"));
        else
            assert_null(finding(s, "inconsistent"));
        tj_document_finish(&w);
        tj_consistency_destroy(c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_across_windows),
        cmocka_unit_test(test_name_across_documents),
        cmocka_unit_test(test_one_rendering_two_names),
        cmocka_unit_test(test_glossary_aliases),
        cmocka_unit_test(test_memory_bound),
    };
    return cmocka_run_group_tests(tests, setup, terms_teardown);
}
