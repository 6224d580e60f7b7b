/* tarjim tm: the translation memory from the command line: what it holds, TMX in and out, and
 * approvals for scripts. Segments are keyed as translate keys them: display form, matching form,
 * and the fingerprint of the glossary entries pinned in them (so the glossary options count). */
#include "cli.h"

#include "normalize.h"
#include "pin.h"
#include "tm.h"
#include "tmx.h"
#include "utf8.h"
#include "xmlout.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Translations stored per transaction by an import. */
#define IMPORT_BATCH 2000

struct options {
    struct tj_cli_engine engine;
};

/* ---- stats ---- */

static int tm_stats(struct tj_tm *tm)
{
    struct tj_tm_stats st;
    struct tj_diag diag;
    enum tj_status rc = tj_tm_stats(tm, &st, &diag);
    if (rc != TJ_OK) {
        tj_cli_error("%s", diag.message);
        return TJ_EXIT_CONFIG;
    }
    printf("memory        %s (schema %d)\n", tj_tm_path(tm), st.schema);
    printf("segments      %zu\n", st.sources);
    printf("translations  %zu", st.units);
    for (size_t i = 0; i < st.nengines; i++)
        printf("%s%s %zu", i ? ", " : ": ", st.engines[i].engine, st.engines[i].units);
    printf("\n");
    printf("size          %.1f MiB", (double)st.bytes / (1 << 20));
    if (st.units)
        printf(" (%zu bytes a translation)", st.bytes / st.units);
    printf("\n");
    tj_tm_stats_finish(&st);
    return tj_cli_stdout_check();
}

/* ---- import ---- */

/* Translations waiting to be stored, with the strings they own. */
struct pending {
    struct tj_tm_key keys[IMPORT_BATCH];
    struct tj_tm_entry entries[IMPORT_BATCH];
    char *owned[IMPORT_BATCH][3]; /* source, target, engine */
    size_t n;
};

struct importer {
    struct tj_tm *tm;
    const struct tj_glossary *g;
    struct pending *p;
    size_t stored, not_translations, no_arabic;
};

static enum tj_status flush(struct importer *im, struct tj_diag *diag)
{
    struct pending *p = im->p;
    enum tj_status rc = tj_tm_put(im->tm, p->entries, p->n, diag);
    if (rc == TJ_OK)
        im->stored += p->n;
    for (size_t i = 0; i < p->n; i++) {
        tj_tm_key_finish(&p->keys[i]);
        for (int k = 0; k < 3; k++)
            free(p->owned[i][k]);
    }
    p->n = 0;
    return rc;
}

/* The engine a unit is stored under, or NULL when it is not a translation to remember: tarjim's
 * own TMX names the origin (only an engine's or a person's work is kept) and the engine; a unit
 * without them is a translator's, from a CAT tool, and counts as approved. */
static const char *unit_engine(const struct tj_tmx_unit *u)
{
    if (u->origin && strcmp(u->origin, "provider") != 0)
        return NULL; /* offline drafts, copies, failures, and memory hits of unknown making */
    if (u->engine)
        return u->engine;
    return u->origin ? NULL : TJ_TM_HUMAN;
}

static enum tj_status on_unit(void *ud, const struct tj_tmx_unit *u, struct tj_diag *diag)
{
    struct importer *im = ud;
    const char *engine = unit_engine(u);
    if (!engine) {
        im->not_translations++;
        return TJ_OK;
    }
    size_t len;
    char *source = tj_normalize_display(u->source, u->source_len, &len);
    if (!tj_utf8_has_arabic(source, len)) {
        free(source);
        im->no_arabic++;
        return TJ_OK;
    }
    struct pending *p = im->p;
    struct tj_pin *pins = NULL;
    size_t npins = im->g ? tj_pin_find(im->g, source, len, &pins) : 0;
    tj_tm_key_init(&p->keys[p->n], source, len, pins, npins);
    free(pins);
    char *target = tj_xstrndup(u->target, u->target_len);
    char *eng = tj_xstrdup(engine);
    p->entries[p->n] = (struct tj_tm_entry){&p->keys[p->n], source, len, eng, target, u->changed};
    p->owned[p->n][0] = source;
    p->owned[p->n][1] = target;
    p->owned[p->n][2] = eng;
    p->n++;
    return p->n == IMPORT_BATCH ? flush(im, diag) : TJ_OK;
}

static int tm_import(struct tj_tm *tm, const struct tj_glossary *g, char **files, int n)
{
    int status = 0;
    for (int i = 0; i < n && !status; i++) {
        struct importer im = {tm, g, tj_xcalloc(1, sizeof *im.p), 0, 0, 0};
        struct tj_tmx_counts counts = {0};
        struct tj_diag diag;
        enum tj_status rc = tj_tmx_read(files[i], "ar", "en", on_unit, &im, &counts, &diag);
        if (rc == TJ_OK) {
            rc = flush(&im, &diag);
        } else {
            struct tj_diag ignored; /* the read's error is the one to report */
            flush(&im, &ignored);
        }
        free(im.p);
        const char *name = strcmp(files[i], "-") ? files[i] : "<stdin>";
        if (rc != TJ_OK) {
            tj_cli_error("%s", diag.message);
            status = tj_status_exit_code(rc);
            if (im.stored)
                tj_cli_note("%s: %zu translations were stored before the error", name, im.stored);
            break;
        }
        /* The index of similar segments is read fastest whole. */
        if (im.stored && tj_tm_optimize(tm, &diag) != TJ_OK)
            tj_cli_note("%s", diag.message);
        size_t skipped = counts.skipped + im.not_translations + im.no_arabic;
        printf("%s: %zu translation units, %zu stored", name, counts.units, im.stored);
        if (skipped)
            printf(", %zu skipped (%zu without Arabic and English text, %zu not translations, "
                   "%zu without Arabic letters)",
                   skipped, counts.skipped, im.not_translations, im.no_arabic);
        printf("\n");
    }
    return tj_cli_worse(status, tj_cli_stdout_check());
}

/* ---- export ---- */

struct exporter {
    struct tj_xmlout xo;
    struct tj_buf buf;
    FILE *f;
    size_t units;
    bool failed;
};

/* TMX's date form of t, in UTC, into out (17 bytes). */
static void tmx_date(int64_t t, char out[17])
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

static void put_tuv(struct tj_xmlout *xo, const char *lang, const char *text)
{
    tj_xmlout_indent(xo, 3);
    tj_xmlout_start(xo, "tuv");
    tj_xmlout_attr(xo, "xml:lang", lang);
    tj_xmlout_start(xo, "seg");
    tj_xmlout_text(xo, text, strlen(text));
    tj_xmlout_end_full(xo);
    tj_xmlout_end(xo);
}

static bool on_each(void *ud, const char *source, const char *target, const char *engine,
                    int64_t changed)
{
    struct exporter *ex = ud;
    struct tj_xmlout *xo = &ex->xo;
    char date[17];
    tmx_date(changed, date);
    tj_xmlout_indent(xo, 2);
    tj_xmlout_start(xo, "tu");
    tj_xmlout_attr(xo, "creationdate", date);
    tj_xmlout_attr(xo, "changedate", date);
    tj_xmlout_indent(xo, 3);
    tj_xmlout_start(xo, "prop");
    tj_xmlout_attr(xo, "type", TJ_TMX_ENGINE_PROP);
    tj_xmlout_text(xo, engine, strlen(engine));
    tj_xmlout_end(xo);
    put_tuv(xo, "ar", source);
    put_tuv(xo, "en", target);
    tj_xmlout_indent(xo, 2);
    tj_xmlout_end(xo);
    ex->units++;
    tj_xmlout_flush(xo);
    if (ex->buf.len >= TJ_CLI_PUT_AT) {
        ex->failed |= fwrite(ex->buf.data, 1, ex->buf.len, ex->f) != ex->buf.len;
        tj_buf_reset(&ex->buf);
    }
    return ex->failed;
}

/* Writes the memory as TMX to path ("-": standard output), a file under a temporary name
 * renamed when whole. */
static int tm_export(struct tj_tm *tm, const char *path)
{
    bool std = strcmp(path, "-") == 0;
    char *part = std ? NULL : tj_xasprintf("%s.part", path);
    struct exporter ex = {.f = std ? stdout : fopen(part, "wb")};
    if (!ex.f) {
        tj_cli_error("%s: cannot write: %s", path, strerror(errno));
        free(part);
        return TJ_EXIT_CANTCREAT;
    }
    tj_buf_init(&ex.buf, 0);
    tj_xmlout_init(&ex.xo, &ex.buf, NULL, true);
    tj_tmx_begin(&ex.xo);
    struct tj_diag diag;
    enum tj_status rc = tj_tm_each(tm, on_each, &ex, &diag);
    int status = 0;
    if (rc != TJ_OK && !ex.failed) {
        tj_cli_error("%s", diag.message);
        status = TJ_EXIT_CONFIG;
        tj_xmlout_discard(&ex.xo);
    } else {
        tj_tmx_end(&ex.xo);
        tj_xmlout_finish(&ex.xo);
        ex.failed |= fwrite(ex.buf.data ? ex.buf.data : "", 1, ex.buf.len, ex.f) != ex.buf.len;
    }
    tj_buf_finish(&ex.buf);
    if (std) {
        status = tj_cli_worse(status, tj_cli_stdout_check());
    } else {
        ex.failed |= fclose(ex.f) != 0;
        if (ex.failed && !status) {
            tj_cli_error("%s: write error: %s", path, strerror(errno));
            status = TJ_EXIT_IOERR;
        }
        if (status)
            unlink(part);
        else if (rename(part, path) != 0) {
            tj_cli_error("%s: cannot write: %s", path, strerror(errno));
            unlink(part);
            status = TJ_EXIT_CANTCREAT;
        }
        free(part);
    }
    if (!status && !std)
        fprintf(stderr, "tarjim: %s: %zu translation units\n", path, ex.units);
    return status;
}

/* ---- approve ---- */

static int tm_approve(struct tj_tm *tm, const struct tj_glossary *g, const char *source,
                      const char *target)
{
    size_t slen = strlen(source), tlen = strlen(target);
    size_t bad;
    bool nul;
    if (!tj_utf8_check_text(source, slen, &bad, &nul) ||
        !tj_utf8_check_text(target, tlen, &bad, &nul)) {
        tj_cli_error("tm approve: the text is not valid UTF-8");
        return TJ_EXIT_DATA;
    }
    if (tlen == 0)
        return tj_cli_usage(&tj_cmd_tm, "approve: TARGET is empty");
    /* The segment as translate makes it: trimmed, in display form, with its pins. */
    while (slen && strchr(" \t\r\n", source[0]))
        source++, slen--;
    while (slen && strchr(" \t\r\n", source[slen - 1]))
        slen--;
    if (memchr(source, '\n', slen))
        return tj_cli_usage(&tj_cmd_tm, "approve: SOURCE is one segment, not several lines");
    size_t len;
    char *display = tj_normalize_display(source, slen, &len);
    int status = 0;
    if (!tj_utf8_has_arabic(display, len)) {
        status = tj_cli_usage(&tj_cmd_tm, "approve: SOURCE has no Arabic letters");
    } else {
        struct tj_pin *pins = NULL;
        size_t npins = g ? tj_pin_find(g, display, len, &pins) : 0;
        struct tj_tm_key key;
        tj_tm_key_init(&key, display, len, pins, npins);
        struct tj_tm_entry e = {&key, display, len, TJ_TM_HUMAN, target, 0};
        struct tj_diag diag;
        if (tj_tm_put(tm, &e, 1, &diag) != TJ_OK) {
            tj_cli_error("%s", diag.message);
            status = TJ_EXIT_CONFIG;
        }
        tj_tm_key_finish(&key);
        free(pins);
    }
    free(display);
    return status;
}

static const struct option long_opts[] = {
    TJ_CLI_ENGINE_OPTIONS,
    {"help", no_argument, NULL, 'h'},
    {0},
};

static int run(int argc, char **argv)
{
    struct options o = {0};
    tj_cli_engine_init(&o.engine);
    int status = 0, c;
    optind = 1;
    opterr = 0;
    /* Options may come before or after the subcommand (getopt_long moves the operands to the
     * end); "--" ends them, for a SOURCE or TARGET that starts with '-'. */
    while ((c = getopt_long(argc, argv, ":p:u:k:g:h", long_opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(tj_cmd_tm.usage, stdout);
            goto out;
        }
        if (c == ':' || !tj_cli_engine_option(&o.engine, c, optarg)) {
            status = tj_cli_bad_option(&tj_cmd_tm, c, argv);
            goto out;
        }
    }
    if (o.engine.no_tm) {
        status = tj_cli_usage(&tj_cmd_tm, "--no-tm: the tm command works on a memory");
        goto out;
    }
    if (optind >= argc) {
        status = tj_cli_usage(&tj_cmd_tm, "which: stats, import, export or approve?");
        goto out;
    }
    const char *sub = argv[optind++];
    int nargs = argc - optind;
    char **args = argv + optind;
    bool stats = strcmp(sub, "stats") == 0, import = strcmp(sub, "import") == 0;
    bool export = strcmp(sub, "export") == 0, approve = strcmp(sub, "approve") == 0;
    if (!stats && !import && !export && !approve) {
        status = tj_cli_usage(&tj_cmd_tm, "unknown subcommand '%s'", sub);
        goto out;
    }
    if ((stats && nargs != 0) || (import && nargs < 1) || (export && nargs != 1) ||
        (approve && nargs != 2)) {
        status = tj_cli_usage(&tj_cmd_tm, "%s takes %s", sub,
                              stats    ? "no arguments"
                              : import ? "one or more TMX files"
                              : export ? "one TMX file ('-': standard output)"
                                       : "SOURCE and TARGET");
        goto out;
    }
    struct tj_glossary *g = NULL;
    if (import || approve) {
        status = tj_cli_load_glossaries(&o.engine.glossaries, &g);
        if (status)
            goto out;
    }
    struct tj_tm *tm = NULL;
    status = tj_cli_tm_open(&o.engine, &tm);
    if (!status && !tm) {
        tj_cli_error("no translation memory (use --tm FILE)");
        status = TJ_EXIT_CONFIG;
    }
    if (!status) {
        if (stats)
            status = tm_stats(tm);
        else if (import)
            status = tm_import(tm, g, args, nargs);
        else if (export)
            status = tm_export(tm, args[0]);
        else
            status = tm_approve(tm, g, args[0], args[1]);
    }
    tj_tm_close(tm);
    tj_glossary_destroy(g);
out:
    tj_cli_engine_finish(&o.engine);
    return status;
}

const struct tj_cmd tj_cmd_tm = {
    .name = "tm",
    .summary = "the translation memory: stats, TMX import and export, approvals",
    .usage = "Usage: tarjim tm [OPTIONS] stats | import FILE.tmx... | export FILE.tmx |\n"
             "                            approve SOURCE TARGET\n"
             "The translation memory: every translation an engine gave, and every approved one,\n"
             "keyed by segment and by the glossary entries pinned in it.\n\n"
             "  stats                 what the memory holds\n"
             "  import FILE.tmx...    adds the units of TMX 1.4b files ('-': standard input):\n"
             "                        a unit tarjim wrote keeps its engine, others count as\n"
             "                        approved translations\n"
             "  export FILE.tmx       writes every translation as TMX 1.4b, each unit with its\n"
             "                        engine (x-engine; 'human' for approvals) ('-': standard\n"
             "                        output)\n"
             "  approve SOURCE TARGET stores TARGET as the approved translation of the segment\n"
             "                        SOURCE (one sentence, as translate cuts it): translate\n"
             "                        then serves it (origin tm, engine human)\n\n"
             "      --tm FILE         the memory (default $XDG_DATA_HOME/tarjim/tm.sqlite3, or\n"
             "                        $TARJIM_TM)\n"
             "  -g, --glossary FILE   add a glossary, as translate does: the entries pinned in a\n"
             "                        segment are part of its key (repeatable)\n"
             "      --no-default-glossary   do not load the bundled glossary\n"
             "  -h, --help            this help\n",
    .run = run,
};
