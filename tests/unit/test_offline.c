/* The offline engine through the client: pins as the glossary says, digits and punctuation
 * made English, clitics on pinned names translated, unknown words kept and reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "client.h"
#include "pipeline.h"
#include "qa.h"
#include "provider.h"
#include "test_terms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int setup(void **state)
{
    (void)state;
    return terms_load("بوتين\tPutin\tperson\n"
                      "الكرملين\tKremlin\torg\n"
                      "بريكس\tBRICS\torg\n"
                      "البرازيل\tBrazil\tplace\n");
}

/* Translates text with the offline engine (dictionary in dir) into doc. */
static void translate(const char *dir, const char *text, struct tj_document *doc,
                      struct tj_client_stats *st)
{
    struct tj_provider_config cfg = {.freedict_dir = dir};
    struct tj_provider *p;
    assert_int_equal(tj_provider_create(tj_provider_find("offline"), &cfg, &p, NULL), TJ_OK);
    tj_document_init(doc);
    tj_pipeline_prepare(text, strlen(text), g, NULL, doc);
    assert_int_equal(tj_client_translate(p, doc, st, NULL), TJ_OK);
    tj_qa_document(doc);
    tj_provider_destroy(p);
}

static void test_pins_digits_punctuation(void **state)
{
    (void)state;
    struct tj_document doc;
    struct tj_client_stats st = {0};
    translate("/nonexistent", "بوتين في ٢٠٢٥؟ نعم، وبوتين «بالكرملين».", &doc, &st);
    assert_int_equal(doc.nblocks, 1);
    assert_int_equal(doc.blocks[0].nsegs, 2);
    const char *t0 = doc.blocks[0].segs[0].target;
    const char *t1 = doc.blocks[0].segs[1].target;
    assert_non_null(strstr(t0, "Putin"));
    assert_non_null(strstr(t0, "2025?"));
    assert_non_null(strstr(t1, ","));
    assert_non_null(strstr(t1, "and Putin"));
    assert_non_null(strstr(t1, "\"in Kremlin\"."));
    assert_int_equal(doc.blocks[0].segs[0].origin, TJ_ORIGIN_OFFLINE);
    assert_int_equal(st.segments, 2);
    assert_int_equal(st.failed, 0);
    tj_document_finish(&doc);
}

static void test_copy_and_unknown(void **state)
{
    (void)state;
    struct tj_document doc;
    translate("/nonexistent", "\"Business as usual.\" 2025\n\nزقزقلوب بريكس.", &doc, NULL);
    assert_int_equal(doc.nblocks, 2);
    const struct tj_segment *copy = &doc.blocks[0].segs[0];
    assert_int_equal(copy->origin, TJ_ORIGIN_COPY);
    assert_string_equal(copy->target, copy->source);
    const struct tj_segment *s = &doc.blocks[1].segs[0];
    assert_non_null(strstr(s->target, "زقزقلوب"));
    assert_non_null(strstr(s->target, "BRICS"));
    assert_true(tj_segment_has_qa(s, "untranslated"));
    assert_false(tj_segment_has_qa(s, "pin_missing"));
    tj_document_finish(&doc);
}

static void test_with_dictionary(void **state)
{
    (void)state;
    const char *dir = getenv("TARJIM_FREEDICT_DIR");
    if (!dir)
        dir = "/usr/share/dictd";
    char path[4096];
    snprintf(path, sizeof path, "%s/freedict-ara-eng.index", dir);
    if (access(path, R_OK) != 0)
        skip();
    struct tj_document doc;
    translate(dir, "أعلن الكرملين مشاركة الرئيس الروسي في القمة في البرازيل.", &doc, NULL);
    const struct tj_segment *s = &doc.blocks[0].segs[0];
    assert_non_null(strstr(s->target, "Kremlin"));
    assert_non_null(strstr(s->target, "Brazil"));
    /* Adjectives go before the definite noun they follow. */
    assert_non_null(strstr(s->target, "the Russian president"));
    /* Ordinary words are glossed: no Arabic is left. */
    assert_false(tj_segment_has_qa(s, "untranslated"));
    assert_false(tj_segment_has_qa(s, "arabic_left"));
    tj_document_finish(&doc);

    /* Several adjectives: the English order is the reverse of the Arabic. A clitic on the
     * adjective makes it a new phrase ("and ..."), not an attribute. */
    translate(dir, "في القمة الافتراضية الاستثنائية والروسية.", &doc, NULL);
    s = &doc.blocks[0].segs[0];
    assert_non_null(strstr(s->target, "virtual summit"));
    assert_null(strstr(s->target, "summit the virtual"));
    assert_non_null(strstr(s->target, "and "));
    tj_document_finish(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pins_digits_punctuation),
        cmocka_unit_test(test_copy_and_unknown),
        cmocka_unit_test(test_with_dictionary),
    };
    return cmocka_run_group_tests(tests, setup, terms_teardown);
}
