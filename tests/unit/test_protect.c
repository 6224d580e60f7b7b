/* Pin protection: what each kind of engine receives, and the English put back from realistic
 * (mangled) engine output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "glossary.h"
#include "pin.h"
#include "protect.h"
#include "test_terms.h"

#include <stdlib.h>
#include <string.h>

static int setup(void **state)
{
    (void)state;
    return terms_load("بوتين\tPutin\tperson\n"
                      "لافروف\tLavrov\tperson\n"
                      "الكرملين\tKremlin\torg\n"
                      "موسكو\tMoscow\tplace\n"
                      "بريكس\tBRICS\torg\n");
}

/* The text sent for source under kind, checked against want. */
static void sent(enum tj_protect_kind kind, const char *source, const char *want)
{
    struct tj_pin *pins = NULL;
    size_t n = tj_pin_find(g, source, strlen(source), &pins);
    size_t len;
    char *got = tj_protect(kind, source, strlen(source), pins, n, &len);
    assert_string_equal(got, want);
    assert_int_equal(len, strlen(want));
    assert_int_equal(tj_protect_size(kind, source, strlen(source), pins, n), len);
    free(got);
    free(pins);
}

static void test_html_keeps_english_and_escapes_text(void **state)
{
    (void)state;
    sent(TJ_PROTECT_HTML, "قال بوتين إن <الاتفاق> & موسكو.",
         "قال <span translate=\"no\">Putin</span> إن &lt;الاتفاق&gt; &amp; "
         "<span translate=\"no\">Moscow</span>.");
    sent(TJ_PROTECT_HTML_CLASS, "التقى بوتين",
         "التقى <span class=\"notranslate\" translate=\"no\">Putin</span>");
}

static void test_clitics_travel_apart_with_a_tatweel(void **state)
{
    (void)state;
    /* The pin finder leaves ل and و outside the pin; Arabic writes them apart with a tatweel
     * before a foreign word, and so they reach the engine. */
    sent(TJ_PROTECT_XML, "قال لبوتين والكرملين", "قال لـ<x>Putin</x> وـ<x>Kremlin</x>");
    sent(TJ_PROTECT_XML, "رسالة لـبوتين", "رسالة لـ<x>Putin</x>");
}

static void test_placeholders_are_bracketed_numbers(void **state)
{
    (void)state;
    sent(TJ_PROTECT_PLACEHOLDER, "اجتمع بوتين مع لافروف في موسكو، و100% من الأعضاء",
         "اجتمع ⟦1⟧ مع ⟦2⟧ في ⟦3⟧، و100% من الأعضاء");
    sent(TJ_PROTECT_PLACEHOLDER, "وبريكس", "وـ⟦1⟧");
}

static void test_prompt_sends_the_arabic(void **state)
{
    (void)state;
    sent(TJ_PROTECT_PROMPT, "قال لبوتين", "قال لبوتين");
    sent(TJ_PROTECT_NONE, "قال لبوتين", "قال لبوتين");
}

static void test_inline_writes_the_english_in_place(void **state)
{
    (void)state;
    sent(TJ_PROTECT_INLINE, "قال لبوتين في موسكو", "قال لـPutin في Moscow");
}

/* Pins standing for the English list (in source order), for restore tests. */
static struct tj_term terms[4];
static struct tj_pin pins[4];

static size_t make_pins(const char *const *english)
{
    size_t n = 0;
    for (; english[n]; n++) {
        terms[n] = (struct tj_term){.english = (char *)english[n]};
        pins[n] = (struct tj_pin){.start = 10 * n, .end = 10 * n + 5, .term = &terms[n]};
    }
    return n;
}

/* Restores out under kind with the pins for english[], checks the text and which came back
 * (back_want: one '1' or '0' per pin). */
static void restored(enum tj_protect_kind kind, const char *const *english, const char *out,
                     const char *want, const char *back_want)
{
    size_t n = make_pins(english);
    bool back[4];
    memset(back, 0, sizeof back);
    char *got = tj_protect_restore(kind, pins, n, out, strlen(out), back);
    assert_string_equal(got, want);
    char b[5] = {0};
    for (size_t i = 0; i < n; i++)
        b[i] = back[i] ? '1' : '0';
    assert_string_equal(b, back_want);
    free(got);
}

static const char *const putin[] = {"Putin", NULL};
static const char *const putin_lavrov[] = {"Putin", "Lavrov", NULL};
static const char *const putin_kremlin[] = {"Putin", "Kremlin", NULL};

static void test_google_html_output(void **state)
{
    (void)state;
    /* Google's format=html: attributes added on RTL->LTR, blanks inside the element, entities. */
    restored(TJ_PROTECT_HTML_CLASS, putin_kremlin,
             "Talks with<span class=\"notranslate\" style=\";text-align:left;direction:ltr\" "
             "translate=\"no\"> Putin </span>, the Kremlin&#39;s spokesman said &quot;no&quot; "
             "&amp; left",
             "Talks with Putin, the Kremlin's spokesman said \"no\" & left", "11");
}

static void test_reordered_terms_keep_their_english(void **state)
{
    (void)state;
    /* Arabic puts Putin first; English may not. Elements are matched by their content. */
    restored(TJ_PROTECT_XML, putin_lavrov, "<x>Lavrov</x> and <x>Putin</x> met",
             "Lavrov and Putin met", "11");
    restored(TJ_PROTECT_HTML, putin_lavrov,
             "<SPAN translate = 'no'>Lavrov</ SPAN> and <span translate=\"no\">Putin</span> met",
             "Lavrov and Putin met", "11");
}

static void test_clitic_left_in_arabic_becomes_english(void **state)
{
    (void)state;
    restored(TJ_PROTECT_XML, putin_kremlin, "He wrote لـ<x>Putin</x>, Moscow وال<x>Kremlin</x>",
             "He wrote to Putin, Moscow and the Kremlin", "11");
    restored(TJ_PROTECT_PLACEHOLDER, putin, "A message لـ ⟦1⟧ today", "A message to Putin today",
             "1");
}

static void test_spacing_and_punctuation_around_terms(void **state)
{
    (void)state;
    restored(TJ_PROTECT_XML, putin, "( <x>Putin</x> ) said", "(Putin) said", "1");
    restored(TJ_PROTECT_XML, putin, "met<x>Putin</x>today", "met Putin today", "1");
    restored(TJ_PROTECT_XML, putin, "met <x>Putin</x> ، then left", "met Putin, then left", "1");
    restored(TJ_PROTECT_XML, putin, "<x>Putin</x> 's plan؟", "Putin's plan?", "1");
    restored(TJ_PROTECT_XML, putin, "a pro-<x>Putin</x>  party .", "a pro-Putin party .", "1");
    restored(TJ_PROTECT_HTML, putin, "  <span translate=\"no\">Putin</span>  said", "Putin said",
             "1");
    restored(TJ_PROTECT_HTML, putin, "“<span translate=\"no\">Putin</span>” said", "“Putin” said",
             "1");
}

static void test_placeholders_mangled_by_engines(void **state)
{
    (void)state;
    restored(TJ_PROTECT_PLACEHOLDER, putin_lavrov, "Talks between ⟦ 1 ⟧and ⟦٢⟧ ended.",
             "Talks between Putin and Lavrov ended.", "11");
    restored(TJ_PROTECT_PLACEHOLDER, putin_lavrov, "Talks between [[2]] and [[1]]",
             "Talks between Lavrov and Putin", "11");
    /* A placeholder the engine dropped is reported; one for no pin is dropped. */
    restored(TJ_PROTECT_PLACEHOLDER, putin_lavrov, "Talks between ⟦1⟧ and ⟦7⟧",
             "Talks between Putin and", "10");
}

static void test_markup_dropped_or_emptied(void **state)
{
    (void)state;
    /* The engine dropped the markup but kept the English: it came back. */
    restored(TJ_PROTECT_HTML, putin_lavrov, "Putin met Lavrov", "Putin met Lavrov", "11");
    /* It lost the term altogether: reported missing, nothing invented. */
    restored(TJ_PROTECT_HTML, putin_lavrov, "The president met the minister",
             "The president met the minister", "00");
    /* An emptied element still marks where the term goes. */
    restored(TJ_PROTECT_XML, putin, "<x></x> said", "Putin said", "1");
    restored(TJ_PROTECT_XML, putin, "<x/> said", "Putin said", "1");
    /* Stray tags are dropped; a literal '<' stays. */
    restored(TJ_PROTECT_HTML, putin, "<b>a</b> &lt; b <span translate=\"no\">Putin</span></span>",
             "a < b Putin", "1");
}

static void test_prompt_checks_presence(void **state)
{
    (void)state;
    restored(TJ_PROTECT_PROMPT, putin_lavrov, "  Putin met  Lavrov،  ", "Putin met Lavrov,", "11");
    /* Whole words only: "Putinism" is not Putin. */
    restored(TJ_PROTECT_PROMPT, putin, "Putinism", "Putinism", "0");
    /* Entities mean nothing outside markup. */
    restored(TJ_PROTECT_PROMPT, putin, "Putin &amp; co", "Putin &amp; co", "1");
}

static void test_garbage_is_safe(void **state)
{
    (void)state;
    restored(TJ_PROTECT_HTML, putin, "\xff\xfe<span translate=\"no\">Putin",
             "\xef\xbf\xbd\xef\xbf\xbd Putin", "1");
    restored(TJ_PROTECT_HTML, putin, "<span translate=\"no\"", "<span translate=\"no\"", "0");
    restored(TJ_PROTECT_PLACEHOLDER, putin, "\xe2\x9f", "\xef\xbf\xbd\xef\xbf\xbd", "0");
    restored(TJ_PROTECT_XML, putin, "&#0; &#x110000; &#55296;",
             "\xef\xbf\xbd &#x110000; \xef\xbf\xbd", "0");
}

/* Restores out with a report; checks the text, and per pin how it came back ('k' kept, 'r'
 * rewritten, 'l' lost) and how many spans came back for it. */
static void reported(enum tj_protect_kind kind, const char *const *english, const char *out,
                     const char *want, const char *how_want, const char *spans_want)
{
    size_t n = make_pins(english);
    struct tj_pin_report rep[4];
    memset(rep, 0, sizeof rep);
    char *got = tj_protect_restore_report(kind, pins, n, out, strlen(out), rep);
    assert_string_equal(got, want);
    char how[5] = {0}, spans[5] = {0};
    for (size_t i = 0; i < n; i++) {
        how[i] = rep[i].how == TJ_PIN_KEPT ? 'k' : rep[i].how == TJ_PIN_REWRITTEN ? 'r' : 'l';
        spans[i] = (char)('0' + rep[i].spans);
    }
    assert_string_equal(how, how_want);
    assert_string_equal(spans, spans_want);
    free(got);
}

static void test_markup_changed_inside_is_rewritten(void **state)
{
    (void)state;
    /* The engine changed the protected English: its element still says where the term goes. */
    reported(TJ_PROTECT_HTML, putin_lavrov,
             "<span translate=\"no\">putin</span> met <span translate=\"no\">Lavrov</span>",
             "Putin met Lavrov", "rk", "11");
    reported(TJ_PROTECT_XML, putin_lavrov, "<x>Lavrof</x> met <x>Poutine</x>", "Lavrov met Putin",
             "rr", "11");
    struct tj_pin_report rep[2];
    make_pins(putin_lavrov);
    free(tj_protect_restore_report(TJ_PROTECT_XML, pins, 2, "<x>Poutine</x> met <x>Lavrov</x>",
                                   strlen("<x>Poutine</x> met <x>Lavrov</x>"), rep));
    assert_string_equal(rep[0].got, "Poutine");
    assert_false(rep[0].broken_tag);
    /* Texts nothing like a pin: as many elements as pins left, matched in order. */
    reported(TJ_PROTECT_XML, putin_lavrov, "<x>xx</x> met <x>yy</x>", "Putin met Lavrov", "rr",
             "11");
    /* An element standing for no pin, beside all the pins, keeps its text. */
    reported(TJ_PROTECT_XML, putin, "<x>Putin</x> and <x>Obama</x>", "Putin and Obama", "k", "1");
}

static void test_closing_tags_lost_or_broken(void **state)
{
    (void)state;
    /* A lost closing tag no longer swallows the rest of the sentence. */
    reported(TJ_PROTECT_HTML, putin_lavrov,
             "<span translate=\"no\">Putin met <span translate=\"no\">Lavrov</span> today",
             "Putin met Lavrov today", "rk", "11");
    reported(TJ_PROTECT_XML, putin, "<x>Putin said so", "Putin said so", "r", "1");
    /* Cut short, or misspelt. */
    reported(TJ_PROTECT_XML, putin, "<x>Putin</x said so", "Putin said so", "r", "1");
    reported(TJ_PROTECT_HTML, putin, "<span translate=\"no\">Putin</spn> said so", "Putin said so",
             "r", "1");
    /* An unclosed element holding a rendering of the name. */
    reported(TJ_PROTECT_XML, putin_lavrov, "<x>bwtyn met <x>Lavrov</x>", "Putin met Lavrov", "rk",
             "11");
    /* Neither a name nor a close: the open tag goes, the text stays. */
    reported(TJ_PROTECT_XML, putin, "<x>the president said", "the president said", "l", "0");
    /* A stray closing fragment is dropped. */
    reported(TJ_PROTECT_XML, putin, "Putin</x said", "Putin said", "k", "0");
}

static void test_repeated_spans_are_counted(void **state)
{
    (void)state;
    reported(TJ_PROTECT_XML, putin_lavrov, "<x>Putin</x> <x>Putin</x> met <x>Lavrov</x>",
             "Putin Putin met Lavrov", "kk", "21");
    reported(TJ_PROTECT_PLACEHOLDER, putin_lavrov, "⟦1⟧ met ⟦2⟧ and ⟦1⟧",
             "Putin met Lavrov and Putin", "kk", "21");
}

static void test_placeholder_forms(void **state)
{
    (void)state;
    reported(TJ_PROTECT_PLACEHOLDER, putin_lavrov, "[1] met {2}", "Putin met Lavrov", "rr", "11");
    reported(TJ_PROTECT_PLACEHOLDER, putin_lavrov, "⟦1 met ⟦2] today", "Putin met Lavrov today",
             "rr", "11");
    /* Brackets of other text are left alone: [9] stays, our [[9]] goes. */
    reported(TJ_PROTECT_PLACEHOLDER, putin, "⟦1⟧ [9] [[9]] (1) said", "Putin [9] (1) said", "k",
             "1");
    struct tj_pin_report rep[1];
    make_pins(putin);
    free(tj_protect_restore_report(TJ_PROTECT_PLACEHOLDER, pins, 1, "x [ ١ ] y", 11, rep));
    assert_int_equal(rep[0].how, TJ_PIN_REWRITTEN);
    assert_string_equal(rep[0].got, "[ ١ ]");
}

static void test_names_read_by_their_consonants(void **state)
{
    (void)state;
    const char *putin_ar = "بوتين", *kremlin_ar = "الكرملين", *gaza_ar = "غزة";
    const char *beirut_ar = "بيروت";
#define LIKE(s, en, ar, name) tj_protect_like(s, strlen(s), en, ar, strlen(ar), name)
    assert_int_equal(LIKE("Poutine", "Putin", putin_ar, true), TJ_LIKE_ENGLISH);
    assert_int_equal(LIKE("putin", "Putin", putin_ar, false), TJ_LIKE_ENGLISH);
    assert_int_equal(LIKE("bwtyn", "Putin", putin_ar, false), TJ_LIKE_ARABIC);
    assert_int_equal(LIKE("alkrmlyn", "Kremlin", kremlin_ar, false), TJ_LIKE_ARABIC);
    assert_int_equal(LIKE("al-Kremlin", "Kremlin", kremlin_ar, true), TJ_LIKE_ENGLISH);
    assert_int_equal(LIKE("ghza", "Gaza", gaza_ar, false), TJ_LIKE_ENGLISH);
    assert_int_equal(LIKE("ghzh", "Gaza", gaza_ar, false), TJ_LIKE_ARABIC);
    assert_int_equal(LIKE("Zelenskyy", "Zelensky", "زيلينسكي", true), TJ_LIKE_ENGLISH);
    assert_int_equal(LIKE("Bwtyn", "Vladimir Putin", putin_ar, true), TJ_LIKE_ARABIC);
    /* English words that share a few consonants are not names. */
    assert_int_equal(LIKE("gas", "Gaza", gaza_ar, false), TJ_LIKE_NO);
    assert_int_equal(LIKE("part", "Beirut", beirut_ar, false), TJ_LIKE_NO);
    assert_int_equal(LIKE("Moscow", "Putin", putin_ar, true), TJ_LIKE_NO);
    assert_int_equal(LIKE("", "Putin", putin_ar, true), TJ_LIKE_NO);
#undef LIKE
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_html_keeps_english_and_escapes_text),
        cmocka_unit_test(test_clitics_travel_apart_with_a_tatweel),
        cmocka_unit_test(test_placeholders_are_bracketed_numbers),
        cmocka_unit_test(test_prompt_sends_the_arabic),
        cmocka_unit_test(test_inline_writes_the_english_in_place),
        cmocka_unit_test(test_google_html_output),
        cmocka_unit_test(test_reordered_terms_keep_their_english),
        cmocka_unit_test(test_clitic_left_in_arabic_becomes_english),
        cmocka_unit_test(test_spacing_and_punctuation_around_terms),
        cmocka_unit_test(test_placeholders_mangled_by_engines),
        cmocka_unit_test(test_markup_dropped_or_emptied),
        cmocka_unit_test(test_prompt_checks_presence),
        cmocka_unit_test(test_garbage_is_safe),
        cmocka_unit_test(test_markup_changed_inside_is_rewritten),
        cmocka_unit_test(test_closing_tags_lost_or_broken),
        cmocka_unit_test(test_repeated_spans_are_counted),
        cmocka_unit_test(test_placeholder_forms),
        cmocka_unit_test(test_names_read_by_their_consonants),
    };
    return cmocka_run_group_tests(tests, setup, terms_teardown);
}
