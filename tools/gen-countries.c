/* gen-countries: prints the country rows of the bundled glossary.
 *
 * For every UN member state (and the two observer states, plus Kosovo and Taiwan, which
 * news copy names constantly) it asks ICU for the CLDR display name of the country in
 * Arabic and in English and prints one glossary row:
 *
 *     arabic<TAB>english<TAB>place<TAB>ISO 3166-1 alpha-2 code
 *
 * Only the list of codes is data here; the names come from ICU. The English names are
 * brought to newsroom form by a few general rules (" & " becomes " and ", "St." becomes
 * "Saint", typographic apostrophes become plain ones, parenthetical variants are dropped)
 * and by a short override table for the names those rules cannot fix. Arabic names lose
 * parenthetical variants and the " - " separator CLDR uses in a few of them.
 *
 * Usage: gen-countries > rows.tsv   (exit status 0, or 1 when ICU lacks a name) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uloc.h>
#include <unicode/ustring.h>

#define NAME_MAX_BYTES 512

/* ISO 3166-1 alpha-2 codes of the 193 member states of the United Nations. */
static const char *const un_members[] = {
    "AF", "AL", "DZ", "AD", "AO", "AG", "AR", "AM", "AU", "AT", "AZ", "BS", "BH", "BD", "BB",
    "BY", "BE", "BZ", "BJ", "BT", "BO", "BA", "BW", "BR", "BN", "BG", "BF", "BI", "CV", "KH",
    "CM", "CA", "CF", "TD", "CL", "CN", "CO", "KM", "CG", "CR", "CI", "HR", "CU", "CY", "CZ",
    "KP", "CD", "DK", "DJ", "DM", "DO", "EC", "EG", "SV", "GQ", "ER", "EE", "SZ", "ET", "FJ",
    "FI", "FR", "GA", "GM", "GE", "DE", "GH", "GR", "GD", "GT", "GN", "GW", "GY", "HT", "HN",
    "HU", "IS", "IN", "ID", "IR", "IQ", "IE", "IL", "IT", "JM", "JP", "JO", "KZ", "KE", "KI",
    "KW", "KG", "LA", "LV", "LB", "LS", "LR", "LY", "LI", "LT", "LU", "MG", "MW", "MY", "MV",
    "ML", "MT", "MH", "MR", "MU", "MX", "FM", "MD", "MC", "MN", "ME", "MA", "MZ", "MM", "NA",
    "NR", "NP", "NL", "NZ", "NI", "NE", "NG", "MK", "NO", "OM", "PK", "PW", "PA", "PG", "PY",
    "PE", "PH", "PL", "PT", "QA", "KR", "RO", "RU", "RW", "KN", "LC", "VC", "WS", "SM", "ST",
    "SA", "SN", "RS", "SC", "SL", "SG", "SK", "SI", "SB", "SO", "ZA", "SS", "ES", "LK", "SD",
    "SR", "SE", "CH", "SY", "TJ", "TH", "TL", "TG", "TO", "TT", "TN", "TR", "TM", "TV", "UG",
    "UA", "AE", "GB", "TZ", "US", "UY", "UZ", "VU", "VE", "VN", "YE", "ZM", "ZW",
};

#define UN_MEMBER_COUNT 193

/* Non-member observer states of the General Assembly. */
static const char *const observers[] = {"PS", "VA"};

/* Not UN members, but named in the news every day. */
static const char *const others[] = {"XK", "TW"};

/* Names the general rules do not bring to the form a news desk uses. A NULL field keeps
 * the (cleaned) CLDR name in that language. */
struct override {
    const char *code;
    const char *arabic;
    const char *english;
};

static const struct override overrides[] = {
    {"CD", "جمهورية الكونغو الديمقراطية", "Democratic Republic of the Congo"},
    {"CG", "جمهورية الكونغو", "Republic of the Congo"},
    {"PS", "فلسطين", "Palestine"},
    {"VA", NULL, "Vatican"},
    {"VC", NULL, "Saint Vincent and the Grenadines"},
};

static const struct override *find_override(const char *code)
{
    for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++)
        if (strcmp(overrides[i].code, code) == 0)
            return &overrides[i];
    return NULL;
}

/* Replaces every occurrence of from in s (capacity cap bytes) with to, in place. Returns 0,
 * or -1 when the result would not fit. */
static int replace_all(char *s, size_t cap, const char *from, const char *to)
{
    size_t flen = strlen(from), tlen = strlen(to);
    char *p = s;
    while ((p = strstr(p, from)) != NULL) {
        size_t rest = strlen(p + flen);
        if ((size_t)(p - s) + tlen + rest + 1 > cap)
            return -1;
        memmove(p + tlen, p + flen, rest + 1);
        memcpy(p, to, tlen);
        p += tlen;
    }
    return 0;
}

/* Drops " (…)" parenthetical variants, e.g. "Myanmar (Burma)" → "Myanmar". */
static void strip_parenthetical(char *s)
{
    char *open;
    while ((open = strchr(s, '(')) != NULL) {
        char *close = strchr(open, ')');
        char *from = open;
        while (from > s && from[-1] == ' ')
            from--;
        if (close == NULL) {
            *from = '\0';
            break;
        }
        memmove(from, close + 1, strlen(close + 1) + 1);
    }
}

static void trim(char *s)
{
    size_t len = strlen(s);
    while (len > 0 && s[len - 1] == ' ')
        s[--len] = '\0';
    size_t lead = strspn(s, " ");
    if (lead > 0)
        memmove(s, s + lead, len - lead + 1);
}

static int clean_english(char *s, size_t cap)
{
    strip_parenthetical(s);
    if (replace_all(s, cap, " & ", " and ") != 0 || replace_all(s, cap, "St. ", "Saint ") != 0 ||
        replace_all(s, cap, "\xE2\x80\x99", "'") != 0) /* U+2019 RIGHT SINGLE QUOTATION MARK */
        return -1;
    trim(s);
    return 0;
}

static int clean_arabic(char *s, size_t cap)
{
    strip_parenthetical(s);
    if (replace_all(s, cap, " - ", " ") != 0)
        return -1;
    trim(s);
    return 0;
}

/* The CLDR name of the region code in display language lang, as UTF-8 in out. Returns 0,
 * or -1 when ICU fails or has no name (it then echoes the code back). */
static int display_country(const char *code, const char *lang, char *out, size_t cap)
{
    char locale[16];
    snprintf(locale, sizeof locale, "und_%s", code);
    UChar name[NAME_MAX_BYTES / 2];
    UErrorCode err = U_ZERO_ERROR;
    int32_t len =
        uloc_getDisplayCountry(locale, lang, name, (int32_t)(sizeof name / sizeof name[0]), &err);
    if (U_FAILURE(err) || len <= 0)
        return -1;
    int32_t u8len = 0;
    u_strToUTF8(out, (int32_t)cap, &u8len, name, len, &err);
    if (U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING || strcmp(out, code) == 0)
        return -1;
    return 0;
}

static int print_row(const char *code)
{
    char arabic[NAME_MAX_BYTES], english[NAME_MAX_BYTES];
    if (display_country(code, "ar", arabic, sizeof arabic) != 0 ||
        display_country(code, "en", english, sizeof english) != 0) {
        fprintf(stderr, "gen-countries: ICU has no display name for region %s\n", code);
        return -1;
    }
    if (clean_arabic(arabic, sizeof arabic) != 0 || clean_english(english, sizeof english) != 0) {
        fprintf(stderr, "gen-countries: name of region %s too long\n", code);
        return -1;
    }
    const struct override *o = find_override(code);
    const char *ar = o != NULL && o->arabic != NULL ? o->arabic : arabic;
    const char *en = o != NULL && o->english != NULL ? o->english : english;
    printf("%s\t%s\tplace\t%s\n", ar, en, code);
    return 0;
}

static int print_group(const char *title, const char *const *codes, size_t n)
{
    int rc = 0;
    printf("# %s (%zu)\n", title, n);
    for (size_t i = 0; i < n; i++)
        if (print_row(codes[i]) != 0)
            rc = -1;
    return rc;
}

/* The member list is typed by hand: refuse to run if it has the wrong size or a repeat. */
static int check_member_list(void)
{
    size_t n = sizeof un_members / sizeof un_members[0];
    if (n != UN_MEMBER_COUNT) {
        fprintf(stderr, "gen-countries: member list has %zu codes, expected %d\n", n,
                UN_MEMBER_COUNT);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            if (strcmp(un_members[i], un_members[j]) == 0) {
                fprintf(stderr, "gen-countries: code %s listed twice\n", un_members[i]);
                return -1;
            }
    return 0;
}

int main(void)
{
    if (check_member_list() != 0)
        return EXIT_FAILURE;
    int rc = 0;
    rc |= print_group("UN member states", un_members, sizeof un_members / sizeof un_members[0]);
    rc |= print_group("UN observer states", observers, sizeof observers / sizeof observers[0]);
    rc |= print_group("other states and territories in the news", others,
                      sizeof others / sizeof others[0]);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen-countries: write");
        return EXIT_FAILURE;
    }
    return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
