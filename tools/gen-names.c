/* gen-names: prints a generated block of the bundled glossary from ICU's CLDR data.
 *
 *   gen-names cities     the exemplar cities of CLDR's time zones (Arabic and English)
 *   gen-names currencies the current ISO 4217 currencies: CLDR's Arabic name, and the English
 *                        singular ("US dollar", "Egyptian pound"), lowercase as in news copy
 *   gen-names languages  the languages ICU has locale data for (Arabic and English names)
 *
 * Only the selection is code; the names come from ICU. General rules bring them to the
 * glossary's conventions (newsroom English, the Arabic as running text writes it: the
 * definite forms of currencies, "اللغة …" beside a language's name), and short tables override
 * what CLDR gets wrong for a news desk or leave out what it should not pin. Every spelling is
 * checked against the rest of the glossary (-g FILE: its rows outside this block win) and a
 * one-word name that is also a common Arabic word (FreeDict: نوم "sleep" for Nome) is left
 * out; each is reported on stderr.
 *
 * Usage: gen-names [-v] [-g GLOSSARY] [-d FREEDICT_DIR] cities|currencies|languages > block
 * Exit status 0, 1 when ICU or the dictionary fails, 64 on bad usage.
 * tools/update-glossary.py runs it and puts the block into the glossary. */
#include "gen-common.h"
#include "gen-names-tz.h"
#include "tj.h"

#include <getopt.h> /* optind */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucurr.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

/* An override: for key (a zone id, currency code or language code), arabic replaces the
 * CLDR spellings ('|'-separated, the first canonical) and english the CLDR English; a NULL
 * field keeps CLDR's. skip leaves the record out. */
struct override {
    const char *key;
    const char *arabic;
    const char *english;
    bool skip;
};

static const struct override *find_override(const struct override *o, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(o[i].key, key) == 0)
            return &o[i];
    return NULL;
}

static int utf16_to_utf8(const UChar *s, int32_t len, char *out, size_t cap)
{
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = 0;
    u_strToUTF8(out, (int32_t)cap, &n, s, len, &err);
    return U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING ? -1 : 0;
}

/* Splits a '|'-separated list (modified in place) into at most max spellings. */
static size_t split_bars(char *s, const char **out, size_t max)
{
    size_t n = 0;
    for (char *p = s; n < max;) {
        out[n++] = p;
        char *bar = strchr(p, '|');
        if (bar == NULL)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    return n;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* ---- cities ---- */

/* What CLDR's Arabic exemplar cities get wrong for a news desk. Left out (skip): Arabic that
 * news copy does not write for the place (misspelt transliterations: وينكتون for Moncton,
 * سكالين for Sakhalin when not fixed below), Arabic that is another word or name (سمراء
 * "brunette" for Samara, أورال the Urals for Oral, ماهي "what is" for Mahe, أبيا for Apia,
 * دارون Darwin, استانلي Stanley), an English that does not match the Arabic (Coral Harbour
 * named Atikokan), and hamlets no news names. Fixed: the spelling Arabic news uses, with
 * CLDR's kept after it when it is also seen; English in Reuters style. */
static const struct override city_overrides[] = {
    {"Africa/Ceuta", "سبتة", NULL, false},
    {"Africa/El_Aaiun", NULL, "Laayoune", false},
    {"Africa/Lubumbashi", "لوبومباشي", NULL, false},
    {"Africa/Ndjamena", NULL, "N'Djamena", false},
    {"America/Adak", NULL, NULL, true},
    {"America/Araguaina", NULL, NULL, true},
    {"America/Argentina/Rio_Gallegos", NULL, NULL, true},
    {"America/Argentina/Tucuman", NULL, NULL, true},
    {"America/Argentina/Ushuaia", NULL, NULL, true},
    {"America/Bahia_Banderas", NULL, NULL, true},
    {"America/Blanc-Sablon", NULL, NULL, true},
    {"America/Boa_Vista", NULL, NULL, true},
    {"America/Cambridge_Bay", NULL, NULL, true},
    {"America/Campo_Grande", NULL, NULL, true},
    {"America/Coral_Harbour", NULL, NULL, true},
    {"America/Creston", NULL, NULL, true},
    {"America/Cuiaba", NULL, NULL, true},
    {"America/Danmarkshavn", NULL, NULL, true},
    {"America/Dawson", NULL, NULL, true},
    {"America/Eirunepe", NULL, NULL, true},
    {"America/Godthab", "نوك|غودثاب", NULL, false},
    {"America/Inuvik", NULL, NULL, true},
    {"America/Iqaluit", NULL, NULL, true},
    {"America/Jujuy", NULL, NULL, true},
    {"America/Kralendijk", NULL, NULL, true},
    {"America/Lower_Princes", NULL, NULL, true},
    {"America/Maceio", NULL, NULL, true},
    {"America/Marigot", NULL, NULL, true},
    {"America/Menominee", NULL, NULL, true},
    {"America/Metlakatla", NULL, NULL, true},
    {"America/Miquelon", NULL, NULL, true},
    {"America/Moncton", NULL, NULL, true},
    {"America/Nipigon", NULL, NULL, true},
    {"America/Noronha", NULL, NULL, true},
    {"America/Ojinaga", NULL, NULL, true},
    {"America/Pangnirtung", NULL, NULL, true},
    {"America/Rainy_River", NULL, NULL, true},
    {"America/Rankin_Inlet", NULL, NULL, true},
    {"America/Resolute", NULL, NULL, true},
    {"America/Santa_Isabel", NULL, NULL, true},
    {"America/Scoresbysund", NULL, NULL, true},
    {"America/Sitka", NULL, NULL, true},
    {"America/Swift_Current", NULL, NULL, true},
    {"America/Thule", NULL, NULL, true},
    {"America/Yakutat", NULL, NULL, true},
    {"America/Yellowknife", NULL, NULL, true},
    {"Antarctica/Macquarie", NULL, NULL, true},
    {"Asia/Anadyr", NULL, NULL, true},
    {"Asia/Irkutsk", "إيركوتسك", NULL, false},
    {"Asia/Jayapura", NULL, NULL, true},
    {"Asia/Khandyga", NULL, NULL, true},
    {"Asia/Kuching", NULL, NULL, true},
    {"Asia/Magadan", "ماغادان", NULL, false},
    {"Asia/Makassar", NULL, NULL, true},
    {"Asia/Oral", NULL, NULL, true},
    {"Asia/Pontianak", NULL, NULL, true},
    {"Asia/Saigon", "مدينة هو تشي منه", NULL, false},
    {"Asia/Sakhalin", "سخالين", NULL, false},
    {"Asia/Srednekolymsk", NULL, NULL, true},
    {"Asia/Urumqi", "أورومتشي|أرومكي", NULL, false},
    {"Asia/Ust-Nera", NULL, NULL, true},
    {"Asia/Yakutsk", "ياكوتسك", NULL, false},
    {"Atlantic/Azores", "جزر الأزور|الأزور", "Azores", false},
    {"Atlantic/Canary", NULL, NULL, true}, /* جزر الكناري, with the territories */
    {"Atlantic/Stanley", NULL, NULL, true},
    {"Australia/Adelaide", "أديلايد|أديليد", NULL, false},
    {"Australia/Brisbane", "بريزبن|بريسبان", NULL, false},
    {"Australia/Darwin", NULL, NULL, true},
    {"Australia/Eucla", NULL, NULL, true},
    {"Australia/Lindeman", NULL, NULL, true},
    {"Australia/Lord_Howe", NULL, NULL, true},
    {"Australia/Perth", "بيرث", NULL, false},
    {"Europe/Busingen", NULL, NULL, true},
    {"Europe/Tirane", NULL, "Tirana", false},
    {"Europe/Zaporozhye", NULL, "Zaporizhzhia", false},
    {"Indian/Chagos", "جزر تشاغوس|أرخبيل تشاغوس", "Chagos Islands", false},
    {"Indian/Kerguelen", NULL, NULL, true},
    {"Indian/Mahe", NULL, NULL, true},
    {"Pacific/Apia", NULL, NULL, true},
    {"Pacific/Easter", "جزيرة الفصح", "Easter Island", false},
    {"Pacific/Efate", NULL, NULL, true},
    {"Pacific/Enderbury", NULL, NULL, true},
    {"Pacific/Fakaofo", NULL, NULL, true},
    {"Pacific/Galapagos", "جزر غالاباغوس|غالاباغوس|جلاباجوس", "Galapagos Islands", false},
    {"Pacific/Gambier", NULL, NULL, true},
    {"Pacific/Kiritimati", NULL, NULL, true},
    {"Pacific/Kosrae", NULL, NULL, true},
    {"Pacific/Kwajalein", NULL, NULL, true},
    {"Pacific/Marquesas", NULL, NULL, true},
    {"Pacific/Ponape", NULL, NULL, true},
};

struct cities {
    struct gen_block *block;
    int rc;
};

/* CLDR English to newsroom form: "St." is written "St" (Reuters), typographic apostrophes
 * are plain, parenthetical variants go. */
static int clean_city_english(char *s, size_t cap)
{
    gen_strip_parenthetical(s);
    int rc = gen_replace_all(s, cap, "St. ", "St ") |
             gen_replace_all(s, cap, "\xE2\x80\x99", "'"); /* U+2019 */
    gen_trim(s);
    return rc;
}

/* CLDR's English name of region code, as ICU gives it. */
static int raw_region_english(const char *code, char *out, size_t cap)
{
    char locale[16];
    snprintf(locale, sizeof locale, "und_%s", code);
    UChar name[GEN_NAME_MAX / 2];
    UErrorCode err = U_ZERO_ERROR;
    int32_t len = uloc_getDisplayCountry(locale, "en", name, GEN_NAME_MAX / 2, &err);
    return U_FAILURE(err) ? -1 : utf16_to_utf8(name, len, out, cap);
}

static void city(const char *zone, const char *region, const char *arabic, const char *english,
                 void *ctx)
{
    struct cities *c = ctx;
    const struct override *o = find_override(city_overrides, TJ_ARRAY_LEN(city_overrides), zone);
    if (o != NULL && o->skip)
        return;
    /* Antarctic stations and the US minor islands are not cities; zones with no region are
     * not places. */
    if (strcmp(region, "AQ") == 0 || strcmp(region, "UM") == 0 || strcmp(region, "001") == 0)
        return;
    char ar[GEN_NAME_MAX], en[GEN_NAME_MAX], country[GEN_NAME_MAX];
    snprintf(ar, sizeof ar, "%s", o != NULL && o->arabic != NULL ? o->arabic : arabic);
    snprintf(en, sizeof en, "%s", o != NULL && o->english != NULL ? o->english : english);
    /* ICU falls back to the zone id in Latin letters when CLDR has no Arabic name. */
    if (!gen_has_arabic(ar)) {
        fprintf(stderr, "cities: %s: no Arabic name in CLDR\n", zone);
        return;
    }
    /* US and Canadian zones named "Town, State" are small towns. */
    if (strchr(en, ',') != NULL)
        return;
    if (gen_region_name(region, "en", country, sizeof country) != 0) {
        fprintf(stderr, "cities: %s: no name for region %s\n", zone, region);
        c->rc = -1;
        return;
    }
    /* A zone named after its country or territory (Asia/Qatar, Indian/Comoro for Comoros,
     * Asia/Hong_Kong for "Hong Kong SAR China") is that place, a row of the countries. */
    char raw[GEN_NAME_MAX];
    if (raw_region_english(region, raw, sizeof raw) == 0 &&
        strncmp(raw, english, strlen(english)) == 0)
        return;
    gen_strip_parenthetical(ar);
    gen_trim(ar);
    if (clean_city_english(en, sizeof en) != 0) {
        fprintf(stderr, "cities: %s: name too long\n", zone);
        c->rc = -1;
        return;
    }
    const char *spellings[8];
    size_t n = split_bars(ar, spellings, TJ_ARRAY_LEN(spellings));
    gen_block_row(c->block, zone, spellings, n, en, "place", country);
}

static int gen_cities(struct gen_block *b)
{
    struct cities c = {b, 0};
    gen_block_begin(b, "tools/gen-names cities (exemplar cities of CLDR time zones, from ICU)");
    if (gen_tz_exemplars(city, &c) != 0) {
        fprintf(stderr, "cities: ICU failed to list the time zones\n");
        c.rc = -1;
    }
    gen_block_end(b);
    return c.rc;
}

/* ---- currencies ---- */

static const struct override currency_overrides[] = {
    /* Reuters writes rouble; CLDR ruble */
    {"RUB", NULL, "Russian rouble", false},
    {"BYN", NULL, "Belarusian rouble", false},
    /* The Lebanese and Syrian pounds are the lira in Arabic (CLDR: جنيه لبناني) */
    {"LBP", "الليرة اللبنانية|ليرة لبنانية", NULL, false},
    {"ILS", "الشيكل الإسرائيلي|شيكل إسرائيلي|الشيكل الإسرائيلي الجديد|شيكل إسرائيلي جديد",
     "Israeli shekel|shekel|new shekel", false},
    {"GBP", "الجنيه الإسترليني|جنيه إسترليني", "sterling|pound sterling|British pound", false},
    {"USD", NULL, "US dollar|U.S. dollar|dollar", false},
    {"TWD", NULL, "Taiwan dollar|New Taiwan dollar", false},
    {"KGS", "السوم القيرغيزي|سوم قيرغيزي", "Kyrgyz som", false},
    {"GYD", NULL, "Guyanese dollar", false},
    {"BMD", NULL, "Bermudian dollar", false},
    {"BAM", "المارك البوسني|مارك بوسني|مارك البوسنة والهرسك القابل للتحويل",
     "Bosnia and Herzegovina convertible mark", false},
    {"AZN", "المانات الأذربيجاني|مانات أذربيجاني", NULL, false},
    {"TMT", "المانات التركمانستاني|مانات تركمانستاني", NULL, false},
    {"GEL", "اللاري الجورجي|لاري جورجي", NULL, false},
    /* CLDR misspellings: هريفنيا أوكراني, شلن كينيي, بولا بتسواني, ليمبيرا هنداروس */
    {"UAH", "الهريفنيا الأوكرانية|هريفنيا أوكرانية", NULL, false},
    {"KES", "الشلن الكيني|شلن كيني", NULL, false},
    {"BWP", "البولا البوتسواني|بولا بوتسواني", "Botswana pula", false},
    {"HNL", "ليمبيرا هندوراس", NULL, false},
    /* AFN's Arabic name is the demonym أفغاني; the euro (اليورو, يورو) is a hand-written row;
     * Croatia has used the euro since 2023 */
    {"AFN", NULL, NULL, true},
    {"EUR", NULL, NULL, true},
    {"HRK", NULL, NULL, true},
};

/* A feminine noun takes a feminine adjective: CLDR writes روبية هندي for روبية هندية. */
static void agree(char *ar, size_t cap)
{
    char *space = strchr(ar, ' ');
    if (space == NULL || strchr(space + 1, ' ') != NULL)
        return;
    *space = '\0';
    bool fem_noun = ends_with(ar, "ة");
    *space = ' ';
    if (fem_noun && ends_with(space + 1, "ي") && strlen(ar) + strlen("ة") < cap)
        strcat(ar, "ة");
}

/* The definite form news copy writes: the article on the noun and on each adjective
 * (الدولار الأمريكي). Returns 0, or -1 when the name is not noun + adjectives (دولار شرق
 * الكاريبي, وون كوريا الجنوبية, دولار بروناي) and has no definite form made this way. */
static int definite(const char *ar, char *out, size_t cap)
{
    char copy[GEN_NAME_MAX];
    snprintf(copy, sizeof copy, "%s", ar);
    size_t o = 0;
    out[0] = '\0';
    int i = 0;
    for (char *w = strtok(copy, " "); w != NULL; w = strtok(NULL, " "), i++) {
        if (strncmp(w, "ال", strlen("ال")) == 0)
            return -1;
        /* Adjectives are nisbas: ـي, ـية; not a name ending in ـاي (بروناي). */
        if (i > 0 && !((ends_with(w, "ي") && !ends_with(w, "اي")) || ends_with(w, "ية")))
            return -1;
        int n = snprintf(out + o, cap - o, "%sال%s", i > 0 ? " " : "", w);
        if (n < 0 || (size_t)n >= cap - o)
            return -1;
        o += (size_t)n;
    }
    return i > 0 ? 0 : -1;
}

static int gen_currencies(struct gen_block *b)
{
    int rc = 0;
    UErrorCode err = U_ZERO_ERROR;
    UEnumeration *codes = ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &err);
    if (U_FAILURE(err)) {
        fprintf(stderr, "currencies: ICU cannot list the currencies: %s\n", u_errorName(err));
        return -1;
    }
    gen_block_begin(b, "tools/gen-names currencies (CLDR currency names, from ICU)");
    const char *code;
    int32_t code_len;
    while ((code = uenum_next(codes, &code_len, &err)) != NULL && U_SUCCESS(err)) {
        UChar ucode[4];
        u_charsToUChars(code, ucode, 4);
        UBool is_choice = 0;
        int32_t alen = 0, elen = 0;
        UErrorCode e = U_ZERO_ERROR;
        const UChar *ua = ucurr_getName(ucode, "ar", UCURR_LONG_NAME, &is_choice, &alen, &e);
        const UChar *ue = ucurr_getPluralName(ucode, "en", &is_choice, "one", &elen, &e);
        char ar[GEN_NAME_MAX], en[GEN_NAME_MAX], def[GEN_NAME_MAX], spellings_buf[GEN_NAME_MAX];
        if (U_FAILURE(e) || utf16_to_utf8(ua, alen, ar, sizeof ar) != 0 ||
            utf16_to_utf8(ue, elen, en, sizeof en) != 0) {
            fprintf(stderr, "currencies: %s: no name in ICU\n", code);
            rc = -1;
            continue;
        }
        const struct override *o =
            find_override(currency_overrides, TJ_ARRAY_LEN(currency_overrides), code);
        if (o != NULL && o->skip)
            continue;
        /* A name with a date or a parenthesis is a currency being replaced ("Sierra Leonean
         * leone (1964—2022)"); no Arabic letters means CLDR has no Arabic name. */
        if (gen_has_digit(en) || strchr(en, '(') != NULL || !gen_has_arabic(ar)) {
            fprintf(stderr, "currencies: %s: %s / %s: left out\n", code, ar, en);
            continue;
        }
        if (o != NULL && o->english != NULL)
            snprintf(en, sizeof en, "%s", o->english);
        if (gen_replace_all(en, sizeof en, " & ", " and ") != 0 ||
            gen_replace_all(en, sizeof en, "St. ", "Saint ") != 0) {
            rc = -1;
            continue;
        }
        if (o != NULL && o->arabic != NULL) {
            snprintf(spellings_buf, sizeof spellings_buf, "%s", o->arabic);
        } else {
            gen_strip_parenthetical(ar);
            gen_trim(ar);
            agree(ar, sizeof ar);
            /* Both spellings fit (the buffer holds two names and the bar); a cut row would
             * be worse than none, so a row that does not fit is left out. */
            if (definite(ar, def, sizeof def) == 0) {
                int w = snprintf(spellings_buf, sizeof spellings_buf, "%.*s|%.*s",
                                 (int)(sizeof spellings_buf / 2 - 1), def,
                                 (int)(sizeof spellings_buf / 2 - 1), ar);
                if (w < 0 || (size_t)w >= sizeof spellings_buf)
                    continue;
            } else
                snprintf(spellings_buf, sizeof spellings_buf, "%s", ar);
        }
        const char *spellings[8];
        size_t n = split_bars(spellings_buf, spellings, TJ_ARRAY_LEN(spellings));
        gen_block_row(b, code, spellings, n, en, "term", code);
    }
    if (U_FAILURE(err)) {
        fprintf(stderr, "currencies: %s\n", u_errorName(err));
        rc = -1;
    }
    uenum_close(codes);
    gen_block_end(b);
    return rc;
}

/* ---- languages ---- */

static const struct override language_overrides[] = {
    /* العربية alone is Arab or Arabic; الرومانية is also "Roman"; الألمانية السويسرية is also
     * "German-Swiss"; اللغة الوسيطة is "the intermediate language"; لغة ميتا is "Meta's
     * language" */
    {"ar", "اللغة العربية", NULL, false},
    {"ro", "اللغة الرومانية", NULL, false},
    {"gsw", "اللغة الألمانية السويسرية", NULL, false},
    {"ia", NULL, NULL, true},
    {"mgo", NULL, NULL, true},
    /* A name news copy writes without the article */
    {"shi", "تشلحيت", NULL, false},
    /* Reuters: Bengali; Maori */
    {"bn", NULL, "Bengali", false},
    {"mi", NULL, "Maori", false},
};

/* Languages whose Arabic name is not a nisba in ـية but that news copy names alone, with the
 * article (الهوسا, البشتو): their bare name is a row too. */
static const char *const bare_languages[] = {"ha", "yo",  "zu",  "ps", "eo", "xh", "sn",  "ln",
                                             "rw", "mas", "nus", "ki", "ig", "mg", "chr", "qu"};

static bool bare_name_ok(const char *lang, const char *ar)
{
    char first[GEN_NAME_MAX];
    snprintf(first, sizeof first, "%s", ar);
    first[strcspn(first, " ")] = '\0';
    if (ends_with(first, "ية"))
        return true;
    for (size_t i = 0; i < TJ_ARRAY_LEN(bare_languages); i++)
        if (strcmp(bare_languages[i], lang) == 0)
            return true;
    return false;
}

static int gen_languages(struct gen_block *b)
{
    int rc = 0;
    gen_block_begin(b, "tools/gen-names languages (CLDR language names, from ICU)");
    int32_t count = uloc_countAvailable();
    char **done = tj_xcalloc((size_t)count, sizeof *done);
    size_t ndone = 0;
    for (int32_t i = 0; i < count; i++) {
        char lang[ULOC_LANG_CAPACITY];
        UErrorCode err = U_ZERO_ERROR;
        uloc_getLanguage(uloc_getAvailable(i), lang, sizeof lang, &err);
        if (U_FAILURE(err) || lang[0] == '\0')
            continue;
        bool seen = false;
        for (size_t k = 0; k < ndone && !seen; k++)
            seen = strcmp(done[k], lang) == 0;
        if (seen)
            continue;
        done[ndone++] = tj_xstrdup(lang);
        const struct override *o =
            find_override(language_overrides, TJ_ARRAY_LEN(language_overrides), lang);
        if (o != NULL && o->skip)
            continue;
        UChar ua[GEN_NAME_MAX / 2], ue[GEN_NAME_MAX / 2];
        int32_t alen = uloc_getDisplayLanguage(lang, "ar", ua, GEN_NAME_MAX / 2, &err);
        int32_t elen = uloc_getDisplayLanguage(lang, "en", ue, GEN_NAME_MAX / 2, &err);
        char ar[GEN_NAME_MAX], en[GEN_NAME_MAX], spellings_buf[3 * GEN_NAME_MAX];
        if (U_FAILURE(err) || utf16_to_utf8(ua, alen, ar, sizeof ar) != 0 ||
            utf16_to_utf8(ue, elen, en, sizeof en) != 0) {
            fprintf(stderr, "languages: %s: no name in ICU\n", lang);
            rc = -1;
            continue;
        }
        if (!gen_has_arabic(ar)) {
            fprintf(stderr, "languages: %s: no Arabic name in CLDR\n", lang);
            continue;
        }
        if (o != NULL && o->english != NULL)
            snprintf(en, sizeof en, "%s", o->english);
        gen_strip_parenthetical(ar);
        gen_trim(ar);
        bool with_article = strncmp(ar, "ال", strlen("ال")) == 0;
        bool says_language = strncmp(ar, "لغة ", strlen("لغة ")) == 0 ||
                             strncmp(ar, "اللغة ", strlen("اللغة ")) == 0;
        if (o != NULL && o->arabic != NULL) {
            snprintf(spellings_buf, sizeof spellings_buf, "%s", o->arabic);
        } else if (says_language) {
            snprintf(spellings_buf, sizeof spellings_buf, "%s", ar);
        } else if (with_article && bare_name_ok(lang, ar)) {
            /* الفارسية, and as news copy names the language: اللغة الفارسية */
            snprintf(spellings_buf, sizeof spellings_buf, "%s|اللغة %s", ar, ar);
        } else if (with_article) {
            /* الرندي alone may be a name (a surname, a people) */
            snprintf(spellings_buf, sizeof spellings_buf, "اللغة %s", ar);
        } else {
            /* A bare name without the article (بينا for Bena) is too often another word. */
            fprintf(stderr, "languages: %s: %s has no article: left out\n", lang, ar);
            continue;
        }
        char note[64];
        snprintf(note, sizeof note, "language (%s)", lang);
        const char *spellings[8];
        size_t n = split_bars(spellings_buf, spellings, TJ_ARRAY_LEN(spellings));
        gen_block_row(b, lang, spellings, n, en, "term", note);
    }
    for (size_t k = 0; k < ndone; k++)
        free(done[k]);
    free(done);
    gen_block_end(b);
    return rc;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: gen-names [-v] [-g GLOSSARY] [-d FREEDICT_DIR] "
               "cities|currencies|languages\n");
}

int main(int argc, char **argv)
{
    struct gen_options o;
    int status = gen_options_parse(argc, argv, &o, usage);
    if (status >= 0)
        return status;
    if (optind + 1 != argc) {
        usage(stderr);
        return 64;
    }
    const char *what = argv[optind];
    int (*gen)(struct gen_block *) = strcmp(what, "cities") == 0       ? gen_cities
                                     : strcmp(what, "currencies") == 0 ? gen_currencies
                                     : strcmp(what, "languages") == 0  ? gen_languages
                                                                       : NULL;
    if (gen == NULL) {
        usage(stderr);
        return 64;
    }
    struct gen_block b = {.name = what, .verbose = o.verbose};
    b.one_row_per_english = gen == gen_cities;
    struct gen_except *ex = NULL;
    if (o.glossary != NULL && (ex = gen_except_load(o.glossary, what)) == NULL)
        return 1;
    b.ex = ex;
    b.words = gen_words_open(o.dict_dir);
    int rc = b.words != NULL ? gen(&b) : -1;
    gen_words_close(b.words);
    gen_except_destroy(ex);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen-names: write");
        return 1;
    }
    return rc == 0 ? 0 : 1;
}
