/* Name suggestions: the news-style transliteration, the sound skeletons that find an engine's
 * spelling of a name, the cues that find names the glossary does not pin, and the rows of
 * `glossary suggest`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pin.h"
#include "suggest.h"
#include "translit.h"
#include "test_terms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tj_translit *tr;

static int setup(void **state)
{
    (void)state;
    if (terms_load("بوتين\tPutin\tperson\n"
                   "الكرملين\tKremlin\torg\n"
                   "موسكو\tMoscow\tplace\n"
                   "روسيا\tRussia\tplace\n"
                   "بيلغورود\tBelgorod\tplace\n") != 0)
        return -1;
    return tj_translit_create(&tr, NULL) == TJ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tj_translit_destroy(tr);
    return terms_teardown(state);
}

static void assert_translit(const char *arabic, const char *latin)
{
    char *got = tj_translit_name(tr, arabic, strlen(arabic));
    if (strcmp(got, latin) != 0)
        fprintf(stderr, "%s: expected '%s', got '%s'\n", arabic, latin, got);
    assert_string_equal(got, latin);
    free(got);
}

/* News style: no diacritics, "al-" for the article, the wires' spelling of common name words,
 * the words of a name capitalised and its particles not. */
static void test_translit_news_style(void **state)
{
    (void)state;
    assert_translit("الرئيس", "al-Rais");
    assert_translit("محمد", "Mohammed");
    assert_translit("مُحَمَّد", "Mohammed");
    assert_translit("عبد الله", "Abdullah");
    assert_translit("أبو ظبي", "Abu Dhabi");
    assert_translit("القاهرة", "al-Qahra");
    assert_translit("بدر عبد العاطي", "Badr Abdel Aati");
    assert_translit("محمد بن سلمان آل سعود", "Mohammed bin Salman Al Saud");
    assert_translit("هيثم الغيص", "Haitham al-Ghis");
    assert_translit("ميدينسكي", "Midinski");
    assert_translit("رستم عمروف", "Rastm Amrov");
    /* أل is no article: Alexander, not al-Kasndr. */
    assert_translit("ألكسندر نوفاك", "Alksndr Nofak");
    assert_translit("فاطمة", "Fatima");
    assert_translit("إسطنبول", "Istnbol");
}

static void skeletons(const char *arabic, const char *latin, struct tj_skeleton *ar,
                      struct tj_skeleton *la)
{
    tj_skeleton_arabic(arabic, strlen(arabic), ar);
    tj_skeleton_latin(latin, strlen(latin), la);
}

static bool sounds_like(const char *arabic, const char *latin, bool strict)
{
    struct tj_skeleton ar, la;
    skeletons(arabic, latin, &ar, &la);
    return tj_skeleton_close(&ar, &la, strict);
}

/* An engine's spellings of a name sound like the Arabic; other words do not. */
static void test_skeletons(void **state)
{
    (void)state;
    assert_true(sounds_like("ميدينسكي", "Medinsky", true));
    assert_true(sounds_like("ميدينسكي", "Medinskiy", true));
    assert_true(sounds_like("غوتيريش", "Guterres", true));
    assert_true(sounds_like("عمروف", "Umerov", true));
    assert_true(sounds_like("أردوغان", "Erdoğan", true));
    assert_true(sounds_like("قصر دولما بهتشه", "Dolmabahçe Palace", false) == false);
    assert_true(sounds_like("دولما بهتشه", "Dolmabahçe", true));
    /* The article may be written, assimilated or left out; a final ه may be a vowel. */
    assert_true(sounds_like("الغيص", "al-Ghais", true));
    assert_true(sounds_like("الغيص", "Ghais", true));
    assert_true(sounds_like("هيثم الغيص", "Haitham al-Ghais", true));
    assert_true(sounds_like("مارك روته", "Mark Rutte", true));
    /* One edit is allowed only for longer names, and never when telling names apart. */
    assert_true(sounds_like("واشنطن", "Washington", false));
    assert_false(sounds_like("واشنطن", "Washington", true));
    assert_false(sounds_like("غربي", "Cairo", false));
    assert_false(sounds_like("النفط", "India", false));
    assert_false(sounds_like("مستعدة", "Moscow", true));
    assert_false(sounds_like("ميدينسكي", "Medvedev", false));
}

/* The Latin words of an English sentence that sound like a name. */
static void test_translit_find(void **state)
{
    (void)state;
    const char *text = "Talks between Rustem Umerov and Vladimir Medinsky ended on Monday.";
    size_t a, b;
    unsigned d;
    assert_true(
        tj_translit_find(text, strlen(text), "ميدينسكي", strlen("ميدينسكي"), true, &a, &b, &d));
    assert_int_equal(b - a, strlen("Medinsky"));
    assert_memory_equal(text + a, "Medinsky", b - a);
    assert_int_equal(d, 0);
    assert_true(tj_translit_find(text, strlen(text), "رستم عمروف", strlen("رستم عمروف"), true, &a,
                                 &b, NULL));
    assert_memory_equal(text + a, "Rustem Umerov", b - a);
    assert_false(
        tj_translit_find(text, strlen(text), "غوتيريش", strlen("غوتيريش"), false, &a, &b, NULL));
    /* Lower case only when asked. */
    const char *fake = "Said the president mydynsky in moscow";
    assert_false(
        tj_translit_find(fake, strlen(fake), "ميدينسكي", strlen("ميدينسكي"), true, &a, &b, NULL));
    assert_true(
        tj_translit_find(fake, strlen(fake), "ميدينسكي", strlen("ميدينسكي"), false, &a, &b, NULL));
    assert_memory_equal(fake + a, "mydynsky", b - a);
}

/* A segment with its pins (and a target, when given). */
static struct tj_segment *segment(struct tj_document *doc, const char *source, const char *target,
                                  enum tj_origin origin)
{
    struct tj_block *b = tj_document_add_block(doc, TJ_BLOCK_PARAGRAPH, doc->nblocks + 1, 0);
    struct tj_segment *s = tj_block_add_segment(b, source, strlen(source));
    s->npins = tj_pin_find(g, s->source, s->source_len, &s->pins);
    if (target)
        tj_segment_set_target(s, target, strlen(target), origin);
    tj_document_number(doc);
    return s;
}

static char *name_text(const struct tj_segment *s, const struct tj_name *n)
{
    return tj_xstrndup(s->source + n->start, n->end - n->start);
}

static void assert_name(const struct tj_segment *s, const struct tj_name *n, const char *arabic,
                        enum tj_term_type type, enum tj_name_cue cue, const char *why)
{
    char *got = name_text(s, n);
    assert_string_equal(got, arabic);
    free(got);
    assert_int_equal(n->type, type);
    assert_int_equal(n->cue, cue);
    assert_string_equal(n->why, why);
}

/* After a title and the words that qualify it; in «»; never a pinned name. */
static void test_names_source_cues(void **state)
{
    (void)state;
    struct tj_document doc;
    tj_document_init(&doc);
    struct tj_segment *s =
        segment(&doc, "وقال المتحدث باسم الكرملين دميتري بيسكوف إن الرئيس بوتين يرحب بالمحادثات.",
                NULL, TJ_ORIGIN_NONE);
    struct tj_name *v;
    size_t n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 1);
    assert_name(s, &v[0], "دميتري بيسكوف", TJ_TERM_PERSON, TJ_CUE_TITLE,
                "after المتحدث باسم الكرملين");
    assert_string_equal(v[0].key, "دميتري بيسكوف");
    assert_null(v[0].rendering);
    tj_names_free(v, n);

    /* A clitic on the title, a nationality between, a name of three words with joiners. */
    s = segment(&doc,
                "والتقى بالرئيس التركي رجب طيب أردوغان ووزير الخارجية محمد بن عبد الرحمن آل "
                "ثاني قبل الجلسة.",
                NULL, TJ_ORIGIN_NONE);
    n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 2);
    assert_name(s, &v[0], "رجب طيب أردوغان", TJ_TERM_PERSON, TJ_CUE_TITLE, "after بالرئيس التركي");
    assert_name(s, &v[1], "محمد بن عبد الرحمن آل ثاني", TJ_TERM_PERSON, TJ_CUE_TITLE,
                "after ووزير الخارجية");
    tj_names_free(v, n);

    /* A place after a place title, an organisation after its own, a phrase in «»; a pinned
     * place after a place title is the glossary's. */
    s = segment(&doc,
                "وأعلنت حركة فتح في مدينة جنين أن عملية «الدرع الواقي» انتهت في منطقة بيلغورود "
                "أمس.",
                NULL, TJ_ORIGIN_NONE);
    n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 3);
    assert_name(s, &v[0], "فتح", TJ_TERM_ORG, TJ_CUE_TITLE, "after حركة");
    assert_name(s, &v[1], "جنين", TJ_TERM_PLACE, TJ_CUE_TITLE, "after مدينة");
    assert_name(s, &v[2], "الدرع الواقي", TJ_TERM_TERM, TJ_CUE_QUOTES, "in «»");
    tj_names_free(v, n);

    /* A person's name goes on through a word with و (ويتكوف), not through "and ...". */
    s = segment(&doc, "وشارك المبعوث ستيف ويتكوف وممثلون عن الوسطاء.", NULL, TJ_ORIGIN_NONE);
    n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 1);
    assert_name(s, &v[0], "ستيف ويتكوف", TJ_TERM_PERSON, TJ_CUE_TITLE, "after المبعوث");
    tj_names_free(v, n);

    /* Nothing: a title followed by a preposition, a verb, a pinned person. */
    s = segment(&doc, "وقال مندوب في المنظمة إن الرئيس بوتين قال ذلك.", NULL, TJ_ORIGIN_NONE);
    n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 0);
    assert_null(v);
    tj_document_finish(&doc);
}

/* From the output: words the engine wrote in Latin letters that sound like them (never a
 * demonym, never a pin's English), and words a remote engine left in Arabic. */
static void test_names_output_cues(void **state)
{
    (void)state;
    struct tj_document doc;
    tj_document_init(&doc);
    struct tj_segment *s =
        segment(&doc, "والتقى ميدينسكي الدبلوماسيين الأوروبيين في موسكو.",
                "Medinsky met European diplomats in Moscow.", TJ_ORIGIN_PROVIDER);
    struct tj_name *v;
    size_t n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 1);
    assert_name(s, &v[0], "ميدينسكي", TJ_TERM_TERM, TJ_CUE_TRANSLITERATED,
                "written 'Medinsky' by the engine");
    assert_string_equal(v[0].rendering, "Medinsky");
    tj_names_free(v, n);

    /* The clitic stays out of the name. */
    s = segment(&doc, "وقال لميدينسكي إن موسكو مستعدة.", "He told Medinskiy Moscow was ready.",
                TJ_ORIGIN_PROVIDER);
    n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 1);
    assert_name(s, &v[0], "ميدينسكي", TJ_TERM_TERM, TJ_CUE_TRANSLITERATED,
                "written 'Medinskiy' by the engine");
    tj_names_free(v, n);

    s = segment(&doc, "وصل رستم عمروف إلى موسكو.", "رستم عمروف arrived in Moscow.",
                TJ_ORIGIN_PROVIDER);
    n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 1);
    assert_name(s, &v[0], "رستم عمروف", TJ_TERM_TERM, TJ_CUE_LEFT_ARABIC,
                "left in Arabic by the engine");
    assert_string_equal(v[0].rendering, "رستم عمروف");
    tj_names_free(v, n);

    /* The offline engine leaves every word it does not know: that is no cue. */
    s = segment(&doc, "وصل رستم عمروف إلى موسكو.", "وصل رستم عمروف to Moscow.", TJ_ORIGIN_OFFLINE);
    n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 0);
    tj_names_free(v, n);

    /* A name after a title gets its rendering from the target, in any case. */
    s = segment(&doc, "قال الرئيس ميدينسكي إن موسكو مستعدة.",
                "Said the president mydynsky that Moscow ready.", TJ_ORIGIN_PROVIDER);
    n = tj_names_find(s, NULL, NULL, &v);
    assert_int_equal(n, 1);
    assert_int_equal(v[0].cue, TJ_CUE_TITLE);
    assert_string_equal(v[0].rendering, "mydynsky");
    tj_names_free(v, n);
    tj_document_finish(&doc);
}

static bool is_medinsky(void *ud, const char *key, size_t len)
{
    (void)ud;
    return len == strlen("ميدينسكي") && memcmp(key, "ميدينسكي", len) == 0;
}

/* A name known from before is found without a cue, through its clitics. */
static void test_names_known(void **state)
{
    (void)state;
    struct tj_document doc;
    tj_document_init(&doc);
    struct tj_segment *s =
        segment(&doc, "وأكد ميدينسكي وقال لميدينسكي مرة أخرى.", NULL, TJ_ORIGIN_NONE);
    struct tj_name *v;
    size_t n = tj_names_known(s, is_medinsky, NULL, &v);
    assert_int_equal(n, 2);
    char *a = name_text(s, &v[0]), *b = name_text(s, &v[1]);
    assert_string_equal(a, "ميدينسكي");
    assert_string_equal(b, "ميدينسكي");
    assert_true(v[1].start > v[0].end);
    assert_int_equal(v[0].cue, TJ_CUE_KNOWN);
    free(a);
    free(b);
    tj_names_free(v, n);
    tj_document_finish(&doc);
}

/* glossary suggest: glossary rows, most frequent first, counted in every document. */
static void test_suggest_rows(void **state)
{
    (void)state;
    struct tj_document d1, d2;
    tj_document_init(&d1);
    tj_document_init(&d2);
    segment(&d1, "قال المتحدث دميتري بيسكوف إن الرئيس ميدينسكي يرحب.", NULL, TJ_ORIGIN_NONE);
    segment(&d1, "وأضاف بيسكوف أن ميدينسكي سيزور موسكو.", NULL, TJ_ORIGIN_NONE);
    segment(&d2, "ورد ميدينسكي على «الدرع الواقي» في منطقة بيلغورود.", NULL, TJ_ORIGIN_NONE);
    struct tj_suggest *sg = tj_suggest_create();
    tj_suggest_add(sg, &d1);
    tj_suggest_add(sg, &d2);
    tj_suggest_count(sg, &d1);
    tj_suggest_count(sg, &d2);
    assert_int_equal(tj_suggest_count_names(sg), 3);
    struct tj_buf out;
    tj_buf_init(&out, 0);
    tj_suggest_write(sg, tr, &out);
    assert_string_equal(out.data,
                        "ميدينسكي\tMidinski\tperson\tsuggested: seen 3 times, after الرئيس\n"
                        "دميتري بيسكوف\tDamitri Biskov\tperson\tsuggested: seen 1 time, after "
                        "المتحدث\n"
                        "الدرع الواقي\tal-Dara al-Waqi\tterm\tsuggested: seen 1 time, in «»\n");
    tj_buf_finish(&out);
    tj_suggest_destroy(sg);
    tj_document_finish(&d1);
    tj_document_finish(&d2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_translit_news_style), cmocka_unit_test(test_skeletons),
        cmocka_unit_test(test_translit_find),       cmocka_unit_test(test_names_source_cues),
        cmocka_unit_test(test_names_output_cues),   cmocka_unit_test(test_names_known),
        cmocka_unit_test(test_suggest_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
