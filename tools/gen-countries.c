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
#include "gen-common.h"
#include "tj.h"

#include <getopt.h> /* optind */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uloc.h>

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

/* Prints the row of one code; -1 when ICU has no name for it. */
static int print_row(struct gen_block *b, const char *code)
{
    char arabic[GEN_NAME_MAX], english[GEN_NAME_MAX];
    if (gen_region_name(code, "ar", arabic, sizeof arabic) != 0 ||
        gen_region_name(code, "en", english, sizeof english) != 0) {
        fprintf(stderr, "gen-countries: ICU has no display name for region %s\n", code);
        return -1;
    }
    const char *spellings[8];
    size_t n = 0;
    for (char *p = arabic; n < TJ_ARRAY_LEN(spellings);) {
        spellings[n++] = p;
        char *bar = strchr(p, '|');
        if (bar == NULL)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    gen_block_row(b, code, spellings, n, english, "place", code);
    return 0;
}

static int print_group(struct gen_block *b, const char *title, const char *const *codes, size_t n)
{
    int rc = 0;
    printf("# %s (%zu)\n", title, n);
    for (size_t i = 0; i < n; i++)
        if (print_row(b, codes[i]) != 0)
            rc = -1;
    return rc;
}

static bool listed(const char *code)
{
    for (size_t i = 0; i < TJ_ARRAY_LEN(un_members); i++)
        if (strcmp(un_members[i], code) == 0)
            return true;
    for (size_t i = 0; i < TJ_ARRAY_LEN(observers); i++)
        if (strcmp(observers[i], code) == 0)
            return true;
    for (size_t i = 0; i < TJ_ARRAY_LEN(others); i++)
        if (strcmp(others[i], code) == 0)
            return true;
    return false;
}

/* The member list is typed by hand: refuse to run if it has the wrong size or a repeat. */
static int check_member_list(void)
{
    size_t n = TJ_ARRAY_LEN(un_members);
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

static void usage(FILE *f)
{
    fprintf(f, "usage: gen-countries [-v] [-g GLOSSARY] [-d FREEDICT_DIR]\n");
}

int main(int argc, char **argv)
{
    struct gen_options o;
    int status = gen_options_parse(argc, argv, &o, usage);
    if (status >= 0)
        return status;
    if (optind != argc) {
        usage(stderr);
        return 64;
    }
    if (check_member_list() != 0)
        return EXIT_FAILURE;
    struct gen_block b = {.name = "countries", .verbose = o.verbose};
    struct gen_except *ex = NULL;
    if (o.glossary != NULL && (ex = gen_except_load(o.glossary, b.name)) == NULL)
        return EXIT_FAILURE;
    b.ex = ex;
    if ((b.words = gen_words_open(o.dict_dir)) == NULL) {
        gen_except_destroy(ex);
        return EXIT_FAILURE;
    }
    /* The territories: every other ISO 3166 code ICU names. */
    const char *territories[300];
    size_t nterritories = 0;
    for (const char *const *c = uloc_getISOCountries(); *c != NULL; c++)
        if (!listed(*c) && nterritories < TJ_ARRAY_LEN(territories))
            territories[nterritories++] = *c;
    int rc = 0;
    gen_block_begin(&b, "tools/gen-countries (ICU/CLDR display names)");
    rc |= print_group(&b, "UN member states", un_members, TJ_ARRAY_LEN(un_members));
    rc |= print_group(&b, "UN observer states", observers, TJ_ARRAY_LEN(observers));
    rc |= print_group(&b, "other states and territories in the news", others, TJ_ARRAY_LEN(others));
    /* A territory the hand-written rows already name (Greenland, Hong Kong) stays theirs. */
    b.one_row_per_english = true;
    rc |= print_group(&b, "dependent territories and other ISO 3166 regions", territories,
                      nterritories);
    gen_block_end(&b);
    gen_words_close(b.words);
    gen_except_destroy(ex);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen-countries: write");
        return EXIT_FAILURE;
    }
    return rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
