/* Glossary loading: the TSV, CSV and TBX formats, errors with line numbers, overrides, keys,
 * dates and status, the checks, and writing TSV, TBX and DeepL's TSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "glossary.h"
#include "pin.h"

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
    expect_error("a\tb\tterm\tnote\textra\n", "bad.tsv:1: field 5 'extra' is not key=value");
    expect_error("a\tb\tterm\tnote\tstatus=approved\tvalid_from=2020-01-01\tvalid_to=2021-01-01\t"
                 "x=y\n",
                 "bad.tsv:1: too many fields");
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

static const struct tj_term *lookup_on(struct tj_glossary *g, const char *arabic, uint32_t date)
{
    size_t klen, words;
    char *key = tj_glossary_key(arabic, strlen(arabic), &klen, &words);
    const struct tj_term *t = tj_glossary_lookup_on(g, key, klen, date);
    free(key);
    return t;
}

static struct tj_glossary *load_as(enum tj_glossary_format fmt, const char *name, const char *data)
{
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    enum tj_status rc = tj_glossary_load_mem_as(g, fmt, name, data, strlen(data), &d);
    if (rc != TJ_OK)
        print_error("load: %s\n", d.message);
    assert_int_equal(rc, TJ_OK);
    return g;
}

static char *tsv_of(const struct tj_glossary *g)
{
    struct tj_buf b;
    tj_buf_init(&b, 0);
    tj_glossary_write_tsv(g, &b);
    return tj_buf_take(&b, NULL);
}

/* An office changes hands: each row holds from its valid_from to its valid_to, both days
 * included; a lookup answers for the day asked, and by default for today. */
static void test_dates(void **state)
{
    (void)state;
    const char *tsv =
        "رئيس الوزراء البريطاني\tRishi "
        "Sunak\tperson\t\tvalid_from=2022-10-25\tvalid_to=2024-07-04\n"
        "رئيس الوزراء البريطاني\tKeir Starmer\tperson\tLabour\tvalid_from=2024-07-05\n"
        "المستشار الألماني\tOlaf Scholz\tperson\t\tvalid_to=2000-01-01\n"
        "مريخستان\tMarsistan\tplace\t\tvalid_from=2999-01-01\n";
    struct tj_glossary *g = load_as(TJ_GLOSSARY_TSV, "g.tsv", tsv);
    const struct tj_term *t = lookup_on(g, "رئيس الوزراء البريطاني", 20240704);
    assert_string_equal(t->english, "Rishi Sunak");
    assert_int_equal(t->valid_from, 20221025);
    assert_int_equal(t->valid_to, 20240704);
    assert_string_equal(lookup_on(g, "رئيس الوزراء البريطاني", 20240705)->english, "Keir Starmer");
    assert_string_equal(lookup_on(g, "رئيس الوزراء البريطاني", 20300101)->english, "Keir Starmer");
    assert_null(lookup_on(g, "رئيس الوزراء البريطاني", 20221024));
    /* Today by default: an entry that ended in 2000 or starts in 2999 is not pinned. */
    assert_null(lookup(g, "المستشار الألماني"));
    assert_null(lookup(g, "مريخستان"));
    assert_string_equal(lookup(g, "رئيس الوزراء البريطاني")->english, "Keir Starmer");
    tj_glossary_set_date(g, 19990101);
    assert_string_equal(lookup(g, "المستشار الألماني")->english, "Olaf Scholz");
    assert_null(lookup(g, "رئيس الوزراء البريطاني"));
    /* The pin finder asks the glossary, so it pins what holds on the glossary's day. */
    const char *text = "قال رئيس الوزراء البريطاني";
    struct tj_pin *pins;
    tj_glossary_set_date(g, 20230301);
    assert_int_equal(tj_pin_find(g, text, strlen(text), &pins), 1);
    assert_string_equal(pins[0].term->english, "Rishi Sunak");
    free(pins);
    tj_glossary_set_date(g, 20250301);
    assert_int_equal(tj_pin_find(g, text, strlen(text), &pins), 1);
    assert_string_equal(pins[0].term->english, "Keir Starmer");
    free(pins);
    tj_glossary_set_date(g, 20000101);
    assert_int_equal(tj_pin_find(g, text, strlen(text), &pins), 0);
    free(pins);
    tj_glossary_destroy(g);
}

static void test_parse_date(void **state)
{
    (void)state;
    uint32_t d = 0;
    assert_true(tj_glossary_parse_date("2024-02-29", &d));
    assert_int_equal(d, 20240229);
    assert_true(tj_glossary_parse_date("2000-02-29", &d));
    assert_false(tj_glossary_parse_date("2023-02-29", &d));
    assert_false(tj_glossary_parse_date("1900-02-29", &d));
    assert_false(tj_glossary_parse_date("2024-04-31", &d));
    assert_false(tj_glossary_parse_date("2024-13-01", &d));
    assert_false(tj_glossary_parse_date("2024-1-01", &d));
    assert_false(tj_glossary_parse_date("2024-01-01x", &d));
    assert_false(tj_glossary_parse_date("24-01-01", &d));
    assert_true(tj_glossary_today() > 20240101);
}

/* A proposed row waits: it is not pinned unless asked for, and an earlier approved row for the
 * same spelling stays in force meanwhile. */
static void test_proposed(void **state)
{
    (void)state;
    const char *tsv = "كييف\tKyiv\tplace\n"
                      "كييف\tKiev\tplace\t\tstatus=proposed\n"
                      "زيلينسكي\tZelensky\tperson\t\tstatus=proposed\n"
                      "خاركيف\tKharkiv\tplace\t\tstatus=approved\n";
    struct tj_glossary *g = load_as(TJ_GLOSSARY_TSV, "g.tsv", tsv);
    assert_string_equal(lookup(g, "كييف")->english, "Kyiv");
    assert_null(lookup(g, "زيلينسكي"));
    assert_int_equal(lookup(g, "خاركيف")->status, TJ_TERM_APPROVED);
    tj_glossary_set_proposed(g, true);
    assert_string_equal(lookup(g, "كييف")->english, "Kiev");
    assert_int_equal(lookup(g, "زيلينسكي")->status, TJ_TERM_PROPOSED);
    tj_glossary_destroy(g);
}

/* The key=value fields after the note, and what is wrong with them, by line. */
static void test_field_errors(void **state)
{
    (void)state;
    expect_error("#\nبوتين\tPutin\tperson\t\tvalid_from=2024-02-30\n",
                 "bad.tsv:2: valid_from '2024-02-30' is not a date (YYYY-MM-DD)");
    expect_error("بوتين\tPutin\tperson\t\tvalid_til=2024-01-01\n",
                 "bad.tsv:1: unknown field 'valid_til' (valid_from, valid_to or status)");
    expect_error("بوتين\tPutin\tperson\t\tstatus=approved\tstatus=proposed\n",
                 "bad.tsv:1: status given twice");
    expect_error("بوتين\tPutin\tperson\t\tstatus=maybe\n",
                 "bad.tsv:1: status 'maybe': approved or proposed");
    expect_error("بوتين\tPutin\tperson\t\tvalid_from=2024-02-01\tvalid_to=2024-01-31\n",
                 "bad.tsv:1: valid_from 2024-02-01 is after valid_to 2024-01-31");
    /* Fields in any order, spaces around them ignored, an empty note kept empty. */
    struct tj_glossary *g = load_as(TJ_GLOSSARY_TSV, "g.tsv",
                                    "بوتين\tPutin\tperson\t\t status = proposed "
                                    "\tvalid_to=2030-12-31\tvalid_from=2000-05-07\n");
    const struct tj_term *t = tj_glossary_term(g, 0);
    assert_int_equal(t->status, TJ_TERM_PROPOSED);
    assert_int_equal(t->valid_from, 20000507);
    assert_int_equal(t->valid_to, 20301231);
    assert_null(t->note);
    tj_glossary_destroy(g);
}

static const struct tj_glossary_finding *find(const struct tj_glossary_finding *f, size_t n,
                                              const char *kind, size_t line)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].kind, kind) == 0 && f[i].line == line)
            return &f[i];
    return NULL;
}

/* Everything glossary check reports, with its line, errors before warnings. */
static void test_check(void **state)
{
    (void)state;
    const char *tsv = "بوتين\tPutin\tperson\n"                                           /* 1 */
                      "بُوتين\tPutin\tperson\n"                                           /* 2 */
                      "موسكو|موسكوفا\tMoscow\tplace\n"                                   /* 3 */
                      "موسكو\tMoskva\tplace\n"                                           /* 4 */
                      "روسيا\n"                                                          /* 5 */
                      "ترامب\tترامب\tperson\n"                                           /* 6 */
                      "منصة X\tX\torg\n"                                                 /* 7 */
                      "كيم\tKim\tperson\n"                                               /* 8 */
                      "كيم جونغ أون\tKim Jong Un\tperson\n"                              /* 9 */
                      "الرئيس الأمريكي\tJoe Biden\tperson\t\tvalid_to=2025-01-19\n"      /* 10 */
                      "الرئيس الأمريكي\tDonald Trump\tperson\t\tvalid_from=2025-01-20\n" /* 11 */
                      "كييف\tKyiv\tplace\n"                                              /* 12 */
                      "كييف\tKiev\tplace\t\tstatus=proposed\n"                           /* 13 */
                      "لندن\tLondon\tplace\t\tvalid_to=2024-12-31\n"                     /* 14 */
                      "لندن\tLondon\tplace\t\tvalid_from=2024-06-01\n";                  /* 15 */
    struct tj_glossary *g = tj_glossary_create();
    tj_glossary_keep_going(g, true);
    struct tj_diag d;
    assert_int_equal(tj_glossary_load_mem(g, "c.tsv", tsv, strlen(tsv), &d), TJ_OK);
    assert_int_equal(tj_glossary_terms(g), 14); /* the bad row is left out, the rest loaded */
    const struct tj_glossary_finding *f;
    size_t n = tj_glossary_check(g, &f);
    for (size_t i = 0; i < n; i++)
        print_message("%zu %s %s %s\n", f[i].line, f[i].kind,
                      f[i].level == TJ_FINDING_ERROR ? "E" : "W", f[i].message);
    assert_int_equal(n, 8);
    /* Errors first, in line order. */
    assert_int_equal(f[0].level, TJ_FINDING_ERROR);
    assert_int_equal(f[0].line, 4);
    assert_string_equal(f[0].kind, "conflict");
    assert_string_equal(f[0].message, "conflict: 'موسكو' is 'Moskva' here, 'Moscow' on line 3");
    assert_string_equal(f[1].kind, "bad-row");
    assert_int_equal(f[1].line, 5);
    assert_string_equal(f[1].message, "expected arabic<TAB>english, found no tab");
    assert_string_equal(f[2].kind, "script");
    assert_int_equal(f[2].line, 6);
    assert_int_equal(f[2].level, TJ_FINDING_ERROR);
    for (size_t i = 3; i < n; i++)
        assert_int_equal(f[i].level, TJ_FINDING_WARNING);
    const struct tj_glossary_finding *x = find(f, n, "duplicate", 2);
    assert_non_null(x);
    assert_string_equal(x->message, "duplicate: 'بُوتين' is 'Putin' on line 1 too");
    x = find(f, n, "shadowed", 1);
    assert_non_null(x);
    assert_string_equal(x->message,
                        "shadowed: never pinned, each of its spellings is taken by a later row "
                        "(line 2)");
    assert_non_null(find(f, n, "script", 7)); /* Latin in the Arabic: a warning */
    x = find(f, n, "conflict", 13);
    assert_non_null(x);
    assert_int_equal(x->level, TJ_FINDING_WARNING);
    x = find(f, n, "duplicate", 15);
    assert_non_null(x);
    assert_string_equal(x->message, "duplicate: 'لندن' is 'London' on line 14 too (both in force "
                                    "from 2024-06-01 to 2024-12-31)");
    /* Not reported: row 3 keeps موسكوفا; كيم is not shadowed by كيم جونغ أون (it pins where
     * جونغ أون does not follow); the presidents never hold on the same day; row 14 holds
     * alone before 2024-06-01. */
    assert_null(find(f, n, "shadowed", 3));
    assert_null(find(f, n, "shadowed", 8));
    assert_null(find(f, n, "conflict", 11));
    assert_null(find(f, n, "shadowed", 14));
    /* Without keep-going the bad row stops the load. */
    struct tj_glossary *h = tj_glossary_create();
    assert_int_equal(tj_glossary_load_mem(h, "c.tsv", tsv, strlen(tsv), &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "c.tsv:5: expected arabic<TAB>english"));
    tj_glossary_destroy(h);
    tj_glossary_destroy(g);
}

/* A row whose every key is taken by later rows of its file on all its days is shadowed (the
 * days counted across a month's end); one that keeps a key on some day is not. Across files a
 * different English is an override, a warning, and shadows nothing. */
static void test_shadowed_dates(void **state)
{
    (void)state;
    const char *a = "غزة\tGaza\tplace\t\tvalid_from=2020-01-01\tvalid_to=2020-12-31\n"
                    "رفح\tRafah\tplace\t\tvalid_from=2020-01-01\tvalid_to=2020-12-31\n"
                    "غزة\tGaza\tplace\t\tvalid_to=2020-06-30\n"
                    "غزة\tGaza\tplace\t\tvalid_from=2020-07-01\n"
                    "رفح\tRafah\tplace\t\tvalid_to=2020-06-29\n"
                    "رفح\tRafah\tplace\t\tvalid_from=2020-07-01\n";
    const char *b = "غزة\tGaza Strip\tplace\n";
    struct tj_glossary *g = tj_glossary_create();
    tj_glossary_keep_going(g, true);
    assert_int_equal(tj_glossary_load_mem(g, "a.tsv", a, strlen(a), NULL), TJ_OK);
    assert_int_equal(tj_glossary_load_mem(g, "b.tsv", b, strlen(b), NULL), TJ_OK);
    const struct tj_glossary_finding *f;
    size_t n = tj_glossary_check(g, &f);
    for (size_t i = 0; i < n; i++)
        print_message("%s:%zu %s %s\n", f[i].file, f[i].line, f[i].kind, f[i].message);
    const struct tj_glossary_finding *x = find(f, n, "shadowed", 1);
    assert_non_null(x);
    assert_string_equal(x->file, "a.tsv");
    assert_string_equal(x->message,
                        "shadowed: never pinned, each of its spellings is taken by a later row "
                        "(line 3)");
    assert_null(find(f, n, "shadowed", 2)); /* رفح keeps 2020-06-30 */
    assert_null(find(f, n, "shadowed", 4)); /* b.tsv's row overrides it on purpose */
    x = find(f, n, "override", 1);
    assert_non_null(x);
    assert_string_equal(x->file, "b.tsv");
    assert_string_equal(x->message, "override: 'غزة' is 'Gaza Strip' here, 'Gaza' in a.tsv:1 "
                                    "(both in force from 2020-01-01 to 2020-12-31); this file "
                                    "wins");
    for (size_t i = 0; i < n; i++)
        assert_int_equal(f[i].level, TJ_FINDING_WARNING);
    tj_glossary_destroy(g);
}

/* CSV: a header naming the columns in any order, quoted fields with commas, doubled quotes and
 * line breaks, CRLF; rows read as TSV rows do. */
static void test_csv(void **state)
{
    (void)state;
    const char *csv =
        "\xEF\xBB\xBF"
        "English,Arabic,type,note,valid_from,status\r\n"
        "Putin|Vladimir Putin,بوتين|فلاديمير بوتين,person,\"President, Russia\",,\r\n"
        "\r\n"
        "\"Kim Jong Un\",كيم جونغ أون,person,\"the \"\"Marshal\"\"\nof the DPRK\",,\r\n"
        "Keir Starmer,رئيس الوزراء البريطاني,person,,2024-07-05,proposed\r\n"
        "Kremlin,الكرملين,org\n";
    struct tj_glossary *g = load_as(TJ_GLOSSARY_CSV, "g.csv", csv);
    assert_int_equal(tj_glossary_terms(g), 4);
    const struct tj_term *t = tj_glossary_term(g, 0);
    assert_string_equal(t->arabic, "بوتين");
    assert_int_equal(t->nspellings, 2);
    assert_string_equal(t->aliases[0], "Vladimir Putin");
    assert_string_equal(t->note, "President, Russia");
    assert_int_equal(t->line, 2);
    t = tj_glossary_term(g, 1);
    assert_string_equal(t->note, "the \"Marshal\" of the DPRK");
    assert_int_equal(t->line, 4);
    t = tj_glossary_term(g, 2);
    assert_int_equal(t->line, 6);
    assert_int_equal(t->status, TJ_TERM_PROPOSED);
    assert_int_equal(t->valid_from, 20240705);
    assert_int_equal(tj_glossary_term(g, 3)->line, 7);
    /* CSV to TSV. */
    char *tsv = tsv_of(g);
    assert_string_equal(tsv,
                        "# arabic\tenglish\ttype\tnote\tvalid_from=\tvalid_to=\tstatus=\n"
                        "بوتين|فلاديمير بوتين\tPutin|Vladimir Putin\tperson\tPresident, Russia\n"
                        "كيم جونغ أون\tKim Jong Un\tperson\tthe \"Marshal\" of the DPRK\n"
                        "رئيس الوزراء البريطاني\tKeir Starmer\tperson\t\tvalid_from=2024-07-05"
                        "\tstatus=proposed\n"
                        "الكرملين\tKremlin\torg\n");
    free(tsv);
    tj_glossary_destroy(g);
}

static void expect_error_as(enum tj_glossary_format fmt, const char *name, const char *data,
                            const char *want)
{
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    assert_int_equal(tj_glossary_load_mem_as(g, fmt, name, data, strlen(data), &d), TJ_ERR_CONFIG);
    if (!strstr(d.message, want))
        print_error("message: %s\n", d.message);
    assert_non_null(strstr(d.message, want));
    tj_glossary_destroy(g);
}

static void test_csv_errors(void **state)
{
    (void)state;
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv", "arabic,english,gender\n",
                    "g.csv:1: header: unknown column 'gender'");
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv", "arabic,type\n",
                    "g.csv:1: header: needs the "
                    "columns arabic and english");
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv", "arabic,english\nبوتين,Putin,person\n",
                    "g.csv:2: 3 fields, the header names 2");
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv",
                    "arabic,english,note\nبوتين,Putin,\"a\nb\"\nموسكو,\"Moscow\n",
                    "g.csv:4: a quoted field is not closed");
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv", "arabic,english\nبوتين,\"Putin\"x\n",
                    "g.csv:2: text after a closing quote");
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv", "arabic,english,valid_to\nبوتين,Putin,2024-1-1\n",
                    "g.csv:2: valid_to '2024-1-1' is not a date");
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv", "arabic,english\n\"a\tb\",x\n",
                    "g.csv:2: a control character in Arabic spelling 1");
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv", "arabic,english\nبوتين,\"Put\nin\"\n",
                    "g.csv:2: a control character in the English");
    expect_error_as(TJ_GLOSSARY_CSV, "g.csv", "", "g.csv: no header row");
}

static const char tbx_v3[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<tbx style=\"dca\" type=\"TBX-Basic\" xml:lang=\"en\" xmlns=\"urn:iso:std:iso:30042:ed-2\">\n"
    "<tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>\n"
    "<text><body>\n"
    "<conceptEntry id=\"1\">\n" /* 5 */
    "  <note>Russian president</note>\n"
    "  <langSec xml:lang=\"ar\"><termSec><term>بوتين</term></termSec>\n"
    "    <termSec><term>فلاديمير\n بوتين</term></termSec></langSec>\n"
    "  <langSec xml:lang=\"en-GB\">\n"
    "    <termSec><term>Vladimir Putin</term>"
    "<termNote type=\"administrativeStatus\">admittedTerm-admn-sts</termNote></termSec>\n"
    "    <termSec><term>Poutine</term>"
    "<termNote type=\"administrativeStatus\">deprecatedTerm-admn-sts</termNote></termSec>\n"
    "    <termSec><term>Putin</term><termNote type=\"partOfSpeech\">properNoun</termNote>"
    "<termNote type=\"administrativeStatus\">preferredTerm-admn-sts</termNote></termSec>\n"
    "  </langSec>\n"
    "  <langSec xml:lang=\"fr\"><termSec><term>Poutine</term></termSec></langSec>\n"
    "</conceptEntry>\n"
    "<conceptEntry id=\"2\">\n" /* 17 */
    "  <langSec xml:lang=\"fr\"><termSec><term>Moscou</term></termSec></langSec>\n"
    "</conceptEntry>\n"
    "<conceptEntry id=\"3\">\n" /* 20 */
    "  <admin type=\"x-tarjim-type\">person</admin>\n"
    "  <admin type=\"x-tarjim-valid_from\">2024-07-05</admin>\n"
    "  <langSec xml:lang=\"ar\"><termSec><term>ستارمر</term></termSec></langSec>\n"
    "  <langSec xml:lang=\"en\"><termSec><term>Keir Starmer &amp; co</term>"
    "<termNote type=\"processStatus\">provisionallyProcessed</termNote></termSec></langSec>\n"
    "</conceptEntry>\n"
    "</body></text></tbx>\n";

static const char tbx_v2[] =
    "<?xml version=\"1.0\"?>\n"
    "<martif type=\"TBX\" xml:lang=\"en\"><text><body>\n"
    "<termEntry id=\"a\">\n"
    "<langSet xml:lang=\"ar\"><tig><term>الكرملين</term></tig></langSet>\n"
    "<langSet xml:lang=\"en\"><ntig><termGrp><term>Kremlin</term></termGrp></ntig></langSet>\n"
    "</termEntry>\n"
    "</body></text></martif>\n";

/* TBX: v3 (conceptEntry, langSec, termSec) and v2 (termEntry, langSet, tig or ntig); the
 * preferred English term is canonical, admitted ones aliases, deprecated ones left out; an
 * entry without both languages is skipped with a warning at its line. */
static void test_tbx(void **state)
{
    (void)state;
    struct tj_glossary *g = tj_glossary_create();
    tj_glossary_keep_going(g, true);
    struct tj_diag d;
    assert_int_equal(
        tj_glossary_load_mem_as(g, TJ_GLOSSARY_TBX, "g.tbx", tbx_v3, strlen(tbx_v3), &d), TJ_OK);
    assert_int_equal(tj_glossary_terms(g), 2);
    const struct tj_term *t = tj_glossary_term(g, 0);
    assert_string_equal(t->english, "Putin");
    assert_int_equal(t->naliases, 1);
    assert_string_equal(t->aliases[0], "Vladimir Putin");
    assert_int_equal(t->nspellings, 2);
    assert_string_equal(t->spellings[1], "فلاديمير بوتين");
    assert_string_equal(t->note, "Russian president");
    assert_int_equal(t->line, 5);
    assert_int_equal(t->type, TJ_TERM_TERM);
    t = tj_glossary_term(g, 1);
    assert_string_equal(t->english, "Keir Starmer & co");
    assert_int_equal(t->type, TJ_TERM_PERSON);
    assert_int_equal(t->valid_from, 20240705);
    assert_int_equal(t->status, TJ_TERM_PROPOSED);
    assert_int_equal(t->line, 20);
    const struct tj_glossary_finding *f;
    size_t n = tj_glossary_check(g, &f);
    assert_int_equal(n, 1);
    assert_int_equal(f[0].line, 17);
    assert_string_equal(f[0].message, "skipped: entry without an Arabic term");
    assert_int_equal(
        tj_glossary_load_mem_as(g, TJ_GLOSSARY_TBX, "v2.tbx", tbx_v2, strlen(tbx_v2), &d), TJ_OK);
    assert_string_equal(lookup(g, "الكرملين")->english, "Kremlin");
    tj_glossary_destroy(g);
}

static void test_tbx_errors(void **state)
{
    (void)state;
    expect_error_as(TJ_GLOSSARY_TBX, "g.tbx", "<tbx><text><body>\n<conceptEntry>\n</body>",
                    "g.tbx:3: mismatched tag");
    expect_error_as(TJ_GLOSSARY_TBX, "g.tbx", "<?xml version=\"1.0\"?>\n<srx/>",
                    "g.tbx:2: not a TBX file: the root element is srx");
    expect_error_as(TJ_GLOSSARY_TBX, "g.tbx",
                    "<!DOCTYPE tbx [<!ENTITY a \"aaaa\">]>\n<tbx>&a;</tbx>",
                    "g.tbx:1: entity declarations are not allowed");
    expect_error_as(TJ_GLOSSARY_TBX, "g.tbx",
                    "<tbx><text><body>\n<conceptEntry>"
                    "<admin type=\"x-tarjim-valid_to\">soon</admin>"
                    "<langSec xml:lang=\"ar\"><termSec><term>بوتين</term></termSec></langSec>"
                    "<langSec xml:lang=\"en\"><termSec><term>Putin</term></termSec></langSec>"
                    "</conceptEntry></body></text></tbx>",
                    "g.tbx:2: valid_to 'soon' is not a date");
}

/* TSV → TBX → TSV gives the same rows: spellings, aliases, type, note with markup characters,
 * dates and status. */
static void test_tbx_round_trip(void **state)
{
    (void)state;
    const char *rows = "بوتين|فلاديمير بوتين\tPutin|Vladimir Putin|President Putin\tperson\n"
                       "الكرملين\tKremlin\torg\tseat of <power> & \"the\" presidency\n"
                       "رئيس الوزراء البريطاني\tKeir Starmer\tperson\t\tvalid_from=2024-07-05\n"
                       "رئيس الوزراء البريطاني\tRishi Sunak\tperson\t\tvalid_from=2022-10-25"
                       "\tvalid_to=2024-07-04\n"
                       "كييف\tKiev\tplace\t\tstatus=proposed\n"
                       "بريكس\tBRICS\n";
    struct tj_glossary *g = load_as(TJ_GLOSSARY_TSV, "g.tsv", rows);
    char *first = tsv_of(g);
    struct tj_buf tbx;
    tj_buf_init(&tbx, 0);
    tj_glossary_write_tbx(g, &tbx);
    assert_non_null(strstr(tbx.data, "<term>Vladimir Putin</term>"));
    assert_non_null(strstr(tbx.data, "<note>seat of &lt;power&gt; &amp; &quot;the&quot; "
                                     "presidency</note>"));
    struct tj_glossary *h = load_as(TJ_GLOSSARY_TBX, "g.tbx", tbx.data);
    char *second = tsv_of(h);
    assert_string_equal(first, second);
    assert_int_equal(tj_glossary_terms(h), 6);
    /* And the TSV loads back to itself. */
    struct tj_glossary *k = load_as(TJ_GLOSSARY_TSV, "again.tsv", second);
    char *third = tsv_of(k);
    assert_string_equal(first, third);
    free(first);
    free(second);
    free(third);
    tj_buf_finish(&tbx);
    tj_glossary_destroy(g);
    tj_glossary_destroy(h);
    tj_glossary_destroy(k);
}

/* DeepL's TSV: source<TAB>target, each spelling as written once, only rows in force on the day
 * (and approved), a spelling that another row wins goes to the winner's English. */
static void test_deepl(void **state)
{
    (void)state;
    const char *rows = "بوتين|فلاديمير بوتين\tPutin|Vladimir Putin\tperson\n"
                       "بُوتين\tPresident Putin\tperson\n"
                       "رئيس الوزراء البريطاني\tRishi Sunak\tperson\t\tvalid_to=2024-07-04\n"
                       "رئيس الوزراء البريطاني\tKeir Starmer\tperson\t\tvalid_from=2024-07-05\n"
                       "كييف\tKiev\tplace\t\tstatus=proposed\n"
                       "موسكو|موسكو\tMoscow\tplace\n"
                       "بيروت\tBeirut\u2028\tplace\n";
    struct tj_glossary *g = load_as(TJ_GLOSSARY_TSV, "g.tsv", rows);
    struct tj_buf b;
    tj_buf_init(&b, 0);
    assert_int_equal(tj_glossary_write_deepl(g, 20230101, &b), 1);
    assert_string_equal(b.data, "بوتين\tPresident Putin\n"
                                "فلاديمير بوتين\tPutin\n"
                                "بُوتين\tPresident Putin\n"
                                "رئيس الوزراء البريطاني\tRishi Sunak\n"
                                "موسكو\tMoscow\n");
    tj_buf_reset(&b);
    tj_glossary_set_proposed(g, true);
    tj_glossary_write_deepl(g, 20250101, &b);
    assert_non_null(strstr(b.data, "رئيس الوزراء البريطاني\tKeir Starmer\n"));
    assert_null(strstr(b.data, "Rishi Sunak"));
    assert_non_null(strstr(b.data, "كييف\tKiev\n"));
    tj_buf_finish(&b);
    tj_glossary_destroy(g);
}

static void test_format_of(void **state)
{
    (void)state;
    assert_int_equal(tj_glossary_format_of("a/b.tsv"), TJ_GLOSSARY_TSV);
    assert_int_equal(tj_glossary_format_of("a/b.CSV"), TJ_GLOSSARY_CSV);
    assert_int_equal(tj_glossary_format_of("terms.tbx"), TJ_GLOSSARY_TBX);
    assert_int_equal(tj_glossary_format_of("dir.tbx/terms"), TJ_GLOSSARY_TSV);
    assert_int_equal(tj_glossary_format_of("glossary.txt"), TJ_GLOSSARY_TSV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_rows),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_later_overrides),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_bundled),
        cmocka_unit_test(test_expanding_spelling),
        cmocka_unit_test(test_english_aliases),
        cmocka_unit_test(test_empty_spelling_named),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_proposed),
        cmocka_unit_test(test_field_errors),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_shadowed_dates),
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_tbx),
        cmocka_unit_test(test_tbx_errors),
        cmocka_unit_test(test_tbx_round_trip),
        cmocka_unit_test(test_deepl),
        cmocka_unit_test(test_format_of),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
