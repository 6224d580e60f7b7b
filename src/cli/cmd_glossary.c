/* tarjim glossary match|check|export|suggest: what the glossary pins in a text, what is wrong
 * in a glossary file, a glossary written out as TSV, TBX or DeepL's TSV, and the likely names of
 * texts that it does not pin. */
#include "cli.h"

#include "pin.h"
#include "pipeline.h"
#include "suggest.h"
#include "utf8.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints each pin of data as "LINE:COLUMN<TAB>arabic<TAB>english<TAB>type", prefixed with
 * "NAME:" when several inputs are matched (as grep does). The Arabic is as written and the
 * column counts its characters from the start of the line. */
static void match_text(const struct tj_glossary *g, const char *name, const char *data, size_t len,
                       struct tj_buf *out)
{
    size_t pos = 0, line = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line++;
        struct tj_pin *pins;
        size_t n = tj_pin_find(g, data + pos, end - pos, &pins);
        for (size_t i = 0; i < n; i++) {
            size_t col = tj_utf8_count(data + pos, pins[i].start) + 1;
            if (name)
                tj_buf_printf(out, "%s:", name);
            tj_buf_printf(out, "%zu:%zu\t%.*s\t%s\t%s\n", line, col,
                          (int)(pins[i].end - pins[i].start), data + pos + pins[i].start,
                          pins[i].term->english, tj_term_type_name(pins[i].term->type));
        }
        free(pins);
        pos = end + 1;
    }
}

static const struct option match_opts[] = {
    {"glossary", required_argument, NULL, 'g'}, {"no-default-glossary", no_argument, NULL, 'G'},
    {"date", required_argument, NULL, 'Y'},     {"proposed", no_argument, NULL, 'P'},
    {"help", no_argument, NULL, 'h'},           {0},
};

/* Parses the options of a subcommand that takes those of opts: glossaries, date and status
 * into *gl; export's format into *format (may be NULL). Returns -1 to go on, else the exit
 * status to return (0 after --help). */
static int parse_opts(int argc, char **argv, const struct option *opts, const char *shortopts,
                      struct tj_cli_glossaries *gl, const char **format)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
        switch (c) {
        case 'g':
            tj_cli_glossaries_add(gl, optarg);
            break;
        case 'G':
            gl->no_default = true;
            break;
        case 'Y':
            gl->date = optarg;
            break;
        case 'P':
            gl->proposed = true;
            break;
        case 'f':
            *format = optarg;
            break;
        case 'h':
            fputs(tj_cmd_glossary.usage, stdout);
            return 0;
        default: /* ':' too */
            return tj_cli_bad_option(&tj_cmd_glossary, c, argv);
        }
    }
    return -1;
}

/* The start of match and suggest: parses their options into *gl and loads the glossaries they
 * name into *g. Returns -1 to go on, else the exit status to return (0 after --help). */
static int open_glossaries(int argc, char **argv, struct tj_cli_glossaries *gl,
                           struct tj_glossary **g)
{
    int status = parse_opts(argc, argv, match_opts, ":g:h", gl, NULL);
    if (status >= 0)
        return status;
    status = tj_cli_load_glossaries(gl, g);
    return status ? status : -1;
}

/* Loads the n files into g, later files winning, stopping at the first that fails with its
 * message on stderr. Returns 0, or the exit status: 66 for a missing file, else 78. */
static int load_files(struct tj_glossary *g, char *const *files, int n)
{
    for (int i = 0; i < n; i++) {
        struct tj_diag diag;
        enum tj_status rc = tj_glossary_load_file(g, files[i], &diag);
        if (rc != TJ_OK) {
            tj_cli_error("%s", diag.message);
            return rc == TJ_ERR_NOINPUT ? TJ_EXIT_NOINPUT : TJ_EXIT_CONFIG;
        }
    }
    return 0;
}

static int run_match(int argc, char **argv)
{
    struct tj_cli_glossaries gl = {0};
    struct tj_glossary *g;
    int status = open_glossaries(argc, argv, &gl, &g);
    if (status >= 0)
        goto out;
    status = 0;
    const char *const *files;
    size_t nfiles = tj_cli_inputs(argc, argv, &files);
    struct tj_buf out;
    tj_buf_init(&out, 0);
    for (size_t i = 0; i < nfiles; i++) {
        char *data;
        size_t len;
        int st = tj_cli_read(files[i], &data, &len);
        if (st) {
            status = tj_cli_worse(status, st);
            continue;
        }
        const char *name = strcmp(files[i], "-") ? files[i] : "<stdin>";
        match_text(g, nfiles > 1 ? name : NULL, data, len, &out);
        free(data);
    }
    status = tj_cli_worse(status, tj_cli_write(&out, NULL));
    tj_buf_finish(&out);
    tj_glossary_destroy(g);
out:
    tj_cli_glossaries_finish(&gl);
    return status;
}

/* The help of glossary check, which documents the format it checks. */
static const char check_help[] =
    "Usage: tarjim glossary check FILE...\n"
    "Reads glossaries (.tsv, .csv or .tbx by their names; later files win, as with -g) and\n"
    "reports every finding as FILE:LINE: error|warning: what, errors first. Exit status: 78\n"
    "when there is an error, 0 when there are only warnings, 66 when a file is missing.\n"
    "\n"
    "TSV rows: arabic<TAB>english[<TAB>type[<TAB>note[<TAB>key=value]...]]\n"
    "  arabic    spellings separated by '|' (all match; the first is the one shown)\n"
    "  english   spellings separated by '|': the first is written, the others are aliases\n"
    "            an engine's output may use (Putin|Vladimir Putin|President Putin)\n"
    "  type      person, place, org or term (empty: term)\n"
    "  note      free text for editors\n"
    "  key=value after the note, in any order, each at most once:\n"
    "    valid_from=YYYY-MM-DD  valid_to=YYYY-MM-DD   the days the entry holds, both\n"
    "        included (an office-holder: the old one's valid_to, the new one's valid_from)\n"
    "    status=approved|proposed   proposed entries pin only with --proposed\n"
    "  They are named fields after the note, not words inside it, so a note stays free\n"
    "  text, rows without them read as before, and an older tarjim refuses such a row\n"
    "  instead of pinning a name out of office.\n"
    "CSV (RFC 4180): a header row names the columns arabic, english and any of type, note,\n"
    "  valid_from, valid_to, status. TBX (ISO 30042, TBX-Basic or v2): Arabic and English\n"
    "  terms of each entry; see README.md.\n"
    "\n"
    "Errors: a malformed row (bad row); a conflict: one Arabic spelling with two English\n"
    "  renderings in one file on a day both hold; English with Arabic letters.\n"
    "Warnings: a duplicate (the same spelling and English twice); an override (a later\n"
    "  file gives a spelling other English, as it may); a proposal that differs from an\n"
    "  approved row; a shadowed row, one that can never be pinned because on every day it\n"
    "  holds each of its spellings is taken by a later row (a longer entry never shadows a\n"
    "  shorter one: it wins only where all its words stand); Arabic with Latin letters; a\n"
    "  TBX entry without an Arabic or English term (skipped).\n";

static int run_check(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(check_help, stdout);
        return 0;
    }
    if (argc < 2)
        return tj_cli_usage(&tj_cmd_glossary, "check takes one or more FILEs");
    for (int i = 1; i < argc; i++)
        if (argv[i][0] == '-' && argv[i][1])
            return tj_cli_usage(&tj_cmd_glossary, "check: unknown option '%s'", argv[i]);
    struct tj_glossary *g = tj_glossary_create();
    tj_glossary_keep_going(g, true);
    int status = load_files(g, argv + 1, argc - 1);
    if (!status) {
        const struct tj_glossary_finding *f;
        size_t n = tj_glossary_check(g, &f), errors = 0;
        struct tj_buf out;
        tj_buf_init(&out, 0);
        for (size_t i = 0; i < n; i++) {
            errors += f[i].level == TJ_FINDING_ERROR;
            tj_buf_printf(&out, "%s:%zu: %s: %s%s\n", f[i].file, f[i].line,
                          f[i].level == TJ_FINDING_ERROR ? "error" : "warning",
                          strcmp(f[i].kind, "bad-row") == 0 ? "bad row: " : "", f[i].message);
        }
        const char *what = argc == 2 ? argv[1] : "glossaries";
        tj_buf_printf(
            &out, "%s: %s, %zu entries, %zu Arabic spellings, %zu error%s, %zu warning%s\n", what,
            errors ? "FAILED" : "ok", tj_glossary_terms(g), tj_glossary_spellings(g), errors,
            errors == 1 ? "" : "s", n - errors, n - errors == 1 ? "" : "s");
        status = tj_cli_write(&out, NULL);
        if (!status && errors)
            status = TJ_EXIT_CONFIG;
        tj_buf_finish(&out);
    }
    tj_glossary_destroy(g);
    return status;
}

static const struct option export_opts[] = {
    {"format", required_argument, NULL, 'f'},
    {"date", required_argument, NULL, 'Y'},
    {"proposed", no_argument, NULL, 'P'},
    {"help", no_argument, NULL, 'h'},
    {0},
};

/* glossary export: the files' entries in one format on standard output. */
static int run_export(int argc, char **argv)
{
    const char *format = NULL;
    struct tj_cli_glossaries gl = {0};
    int st = parse_opts(argc, argv, export_opts, ":f:h", &gl, &format);
    tj_cli_glossaries_finish(&gl); /* only its date and status are used */
    if (st >= 0)
        return st;
    const char *date_arg = gl.date;
    bool proposed = gl.proposed;
    if (!format || (strcmp(format, "tsv") && strcmp(format, "tbx") && strcmp(format, "deepl")))
        return tj_cli_usage(&tj_cmd_glossary, "export needs --format tsv, tbx or deepl");
    if (optind == argc)
        return tj_cli_usage(&tj_cmd_glossary, "export takes one or more FILEs");
    uint32_t date = 0;
    if (date_arg && !tj_glossary_parse_date(date_arg, &date))
        return tj_cli_usage(&tj_cmd_glossary, "--date '%s': expected YYYY-MM-DD", date_arg);
    struct tj_glossary *g = tj_glossary_create();
    tj_glossary_set_proposed(g, proposed);
    int status = load_files(g, argv + optind, argc - optind);
    if (!status) {
        struct tj_buf out;
        tj_buf_init(&out, 0);
        if (strcmp(format, "tsv") == 0) {
            tj_glossary_write_tsv(g, &out);
        } else if (strcmp(format, "tbx") == 0) {
            tj_glossary_write_tbx(g, &out);
        } else {
            size_t refused = tj_glossary_write_deepl(g, date, &out);
            if (refused)
                tj_cli_note("%zu spelling%s left out: DeepL refuses terms over 1024 bytes or "
                            "with control characters",
                            refused, refused == 1 ? "" : "s");
        }
        status = tj_cli_write(&out, NULL);
        tj_buf_finish(&out);
    }
    tj_glossary_destroy(g);
    return status;
}

/* glossary suggest: the likely names of the files that the glossaries do not pin, as rows to
 * append to a glossary, most frequent first. */
static int run_suggest(int argc, char **argv)
{
    struct tj_cli_glossaries gl = {0};
    struct tj_glossary *g;
    int status = open_glossaries(argc, argv, &gl, &g);
    if (status >= 0)
        goto out;
    status = 0;
    const char *const *files;
    size_t nfiles = tj_cli_inputs(argc, argv, &files);
    /* Every document is read before names are counted, so that a name found in a later file
     * counts in the earlier ones too. */
    struct tj_document *docs = tj_xcalloc(nfiles, sizeof *docs);
    struct tj_suggest *sg = tj_suggest_create();
    for (size_t i = 0; i < nfiles; i++) {
        tj_document_init(&docs[i]);
        char *data;
        size_t len;
        int st = tj_cli_read(files[i], &data, &len);
        if (st) {
            status = tj_cli_worse(status, st);
            continue;
        }
        tj_pipeline_prepare(data, len, g, NULL, &docs[i]);
        free(data);
        tj_suggest_add(sg, &docs[i]);
    }
    for (size_t i = 0; i < nfiles; i++)
        tj_suggest_count(sg, &docs[i]);
    struct tj_translit *tr;
    struct tj_diag diag;
    if (tj_translit_create(&tr, &diag) != TJ_OK)
        tj_cli_note("%s: the English column repeats the Arabic", diag.message);
    struct tj_buf out;
    tj_buf_init(&out, 0);
    tj_suggest_write(sg, tr, &out);
    status = tj_cli_worse(status, tj_cli_write(&out, NULL));
    tj_buf_finish(&out);
    tj_translit_destroy(tr);
    tj_suggest_destroy(sg);
    for (size_t i = 0; i < nfiles; i++)
        tj_document_finish(&docs[i]);
    free(docs);
    tj_glossary_destroy(g);
out:
    tj_cli_glossaries_finish(&gl);
    return status;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return tj_cli_usage(&tj_cmd_glossary, "which: match, check, export or suggest?");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(tj_cmd_glossary.usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "match") == 0)
        return run_match(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return run_check(argc - 1, argv + 1);
    if (strcmp(argv[1], "export") == 0)
        return run_export(argc - 1, argv + 1);
    if (strcmp(argv[1], "suggest") == 0)
        return run_suggest(argc - 1, argv + 1);
    return tj_cli_usage(&tj_cmd_glossary,
                        "unknown subcommand '%s' (match, check, export or suggest)", argv[1]);
}

const struct tj_cmd tj_cmd_glossary = {
    .name = "glossary",
    .summary = "show the pins in a text, or check a glossary file",
    .usage = "Usage: tarjim glossary match [-g FILE]... [--no-default-glossary] [--date DAY]\n"
             "                             [--proposed] [FILE...]\n"
             "       tarjim glossary check FILE...\n"
             "       tarjim glossary export --format tsv|tbx|deepl [--date DAY] [--proposed]\n"
             "                              FILE...\n"
             "       tarjim glossary suggest [-g FILE]... [--no-default-glossary] [FILE...]\n"
             "match prints each pin as LINE:COLUMN (FILE:LINE:COLUMN for several files), the\n"
             "Arabic as written, the English and the type, tab-separated; entries pin on --date\n"
             "(YYYY-MM-DD, default today) when their dates hold, proposed ones with --proposed.\n"
             "check reports errors and warnings with FILE:LINE (glossary check --help for the\n"
             "format). export writes the entries of .tsv, .csv or .tbx files as TSV, as TBX, or\n"
             "as the TSV DeepL's glossary API takes (the entries in force on --date).\n"
             "suggest lists the likely names of the files that the glossaries do not pin (after\n"
             "a title such as الرئيس or الوزير, or in «»), most frequent first, as rows to append\n"
             "to a glossary: arabic, an English spelling to check, the type, and a note with the\n"
             "count and the cue.\n",
    .run = run,
};
