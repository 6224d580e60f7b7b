/* QA checks on translated segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "glossary.h"
#include "qa.h"

#include <stdlib.h>
#include <string.h>

static char putin_ar[] = "بوتين", putin_en[] = "Putin";
static struct tj_term putin = {.arabic = putin_ar, .english = putin_en, .type = TJ_TERM_PERSON};

/* Runs QA on a one-pin segment and returns its findings' codes joined by spaces. */
static char *qa(const char *source, const char *target, bool pin)
{
    struct tj_block b = {0};
    struct tj_segment *s = tj_block_add_segment(&b, source, strlen(source));
    if (pin) {
        s->pins = malloc(sizeof *s->pins);
        s->pins[0] = (struct tj_pin){0, strlen("بوتين"), &putin};
        s->npins = 1;
    }
    tj_segment_set_target(s, target, strlen(target), TJ_ORIGIN_PROVIDER);
    tj_qa_check(s);
    char *codes = calloc(1, 256);
    for (size_t i = 0; i < s->nqa; i++) {
        strcat(codes, s->qa[i].code);
        strcat(codes, " ");
    }
    /* Free the block's contents through the document API. */
    struct tj_document doc = {.blocks = malloc(sizeof b), .nblocks = 1};
    doc.blocks[0] = b;
    tj_document_finish(&doc);
    return codes;
}

static void expect(const char *source, const char *target, bool pin, const char *want)
{
    char *got = qa(source, target, pin);
    assert_string_equal(got, want);
    free(got);
}

static void test_clean(void **state)
{
    (void)state;
    expect("بوتين يزور الصين في ٢٠٢٥ مع ١٬٥٠٠ شخص", "Putin visits China in 2025 with 1,500 people",
           true, "");
}

static void test_findings(void **state)
{
    (void)state;
    expect("بوتين يزور الصين في ٢٠٢٥ مع وفد كبير",
           "The president visits China in 2025 with a large delegation", true, "pin_missing ");
    expect("بوتين يزور الصين في ٢٠٢٥ مع وفد كبير",
           "Putin visits China in 2024 with a large delegation", true, "number_missing ");
    expect("بوتين يزور الصين مع وفد كبير اليوم", "Putin visits الصين with a large delegation today",
           true, "arabic_left ");
    expect("بوتين يزور الصين مع وفد كبير اليوم",
           "Putin (visits China with a large delegation today", true, "unbalanced ");
    expect("بوتين يزور الصين مع وفد كبير جدا في هذا اليوم", "Putin.", true, "length_ratio ");
}

/* A pin counts only as a whole word, with the glossary's case, or as one of its aliases. */
static void test_pin_words_and_aliases(void **state)
{
    (void)state;
    assert_true(tj_qa_has_term("Putin's visit", "Putin"));
    assert_true(tj_qa_has_term("(Putin)", "Putin"));
    assert_false(tj_qa_has_term("Putinism grows", "Putin"));
    assert_false(tj_qa_has_term("putin said", "Putin"));
    assert_false(tj_qa_has_term("Rasputin said", "Putin"));
    assert_true(tj_qa_has_term("OPEC+ met", "OPEC+"));
    assert_true(tj_qa_has_term("at Dolmabahçe Palace", "Dolmabahçe Palace"));
    assert_false(tj_qa_has_term("Dolmabahçes", "Dolmabahçe"));
    static char a1[] = "Vladimir Putin", a2[] = "President Putin", poutine[] = "Poutine";
    char *aliases[] = {a1, a2};
    struct tj_term t = {.arabic = putin_ar, .english = poutine, .aliases = aliases, .naliases = 2};
    assert_true(tj_qa_has_pin("said Vladimir Putin today", &t));
    assert_false(tj_qa_has_pin("said Vladimir Poutin today", &t));
    char *codes = qa("قال بوتين", "Putinism said", true);
    assert_string_equal(codes, "pin_missing ");
    free(codes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_pin_words_and_aliases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
