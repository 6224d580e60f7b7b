/* tarjim glossary match|check: what the glossary pins in a text, and whether a glossary file
 * is well formed. */
#include "cli.h"

#include "pin.h"
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
    {"glossary", required_argument, NULL, 'g'},
    {"no-default-glossary", no_argument, NULL, 'G'},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static int run_match(int argc, char **argv)
{
    struct tj_cli_glossaries gl = {0};
    int status = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":g:h", match_opts, NULL)) != -1) {
        switch (c) {
        case 'g':
            tj_cli_glossaries_add(&gl, optarg);
            break;
        case 'G':
            gl.no_default = true;
            break;
        case 'h':
            fputs(tj_cmd_glossary.usage, stdout);
            goto out;
        case ':':
            status = tj_cli_usage(&tj_cmd_glossary, "option '%s' needs a value", argv[optind - 1]);
            goto out;
        default:
            status = tj_cli_usage(&tj_cmd_glossary, "unknown option '%s'", argv[optind - 1]);
            goto out;
        }
    }
    struct tj_glossary *g;
    status = tj_cli_load_glossaries(&gl, &g);
    if (status)
        goto out;
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

static int run_check(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(tj_cmd_glossary.usage, stdout);
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-')
        return tj_cli_usage(&tj_cmd_glossary, "check takes exactly one FILE");
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag diag;
    enum tj_status rc = tj_glossary_load_file(g, argv[1], &diag);
    int status = 0;
    if (rc == TJ_ERR_NOINPUT) {
        tj_cli_error("%s", diag.message);
        status = TJ_EXIT_NOINPUT;
    } else if (rc != TJ_OK) {
        tj_cli_error("%s", diag.message);
        status = TJ_EXIT_CONFIG;
    } else {
        size_t warnings = tj_glossary_overrides(g);
        for (size_t i = 0; i < warnings; i++) {
            const struct tj_glossary_override *o = tj_glossary_override(g, i);
            printf("%s:%zu: warning: '%s' was '%s' (line %zu), now '%s'\n", argv[1], o->later->line,
                   o->spelling, o->earlier->english, o->earlier->line, o->later->english);
        }
        printf("%s: ok, %zu entries, %zu Arabic spellings, %zu warning%s\n", argv[1],
               tj_glossary_terms(g), tj_glossary_spellings(g), warnings, warnings == 1 ? "" : "s");
    }
    tj_glossary_destroy(g);
    return status;
}

static int run(int argc, char **argv)
{
    if (argc < 2)
        return tj_cli_usage(&tj_cmd_glossary, "which: match or check?");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(tj_cmd_glossary.usage, stdout);
        return 0;
    }
    if (strcmp(argv[1], "match") == 0)
        return run_match(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return run_check(argc - 1, argv + 1);
    return tj_cli_usage(&tj_cmd_glossary, "unknown subcommand '%s' (match or check)", argv[1]);
}

const struct tj_cmd tj_cmd_glossary = {
    .name = "glossary",
    .summary = "show the pins in a text, or check a glossary file",
    .usage = "Usage: tarjim glossary match [-g FILE]... [--no-default-glossary] [FILE...]\n"
             "       tarjim glossary check FILE\n"
             "match prints each pin as LINE:COLUMN (FILE:LINE:COLUMN for several files), the\n"
             "Arabic as written, the English and the type, tab-separated. check validates a\n"
             "glossary; errors name the line.\n",
    .run = run,
};
