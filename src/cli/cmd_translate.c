/* tarjim translate: files or standard input → English in the chosen format. */
#include "cli.h"

#include "client.h"
#include "input.h"
#include "pipeline.h"
#include "progress.h"
#include "provider.h"
#include "report.h"
#include "segment.h"
#include "strmap.h"
#include "tm.h"
#include "writer.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum format { FMT_TEXT, FMT_JSON, FMT_JSONL, FMT_HTML, FMT_XLIFF, FMT_TMX };

static const struct {
    const char *name;
    const char *ext;
    enum tj_format writer;
} formats[] = {{"text", ".en.txt", TJ_FORMAT_TEXT},     {"json", ".en.json", TJ_FORMAT_JSON},
               {"jsonl", ".en.jsonl", TJ_FORMAT_JSONL}, {"html", ".en.html", TJ_FORMAT_HTML},
               {"xliff", ".en.xlf", TJ_FORMAT_XLIFF},   {"tmx", ".en.tmx", TJ_FORMAT_TMX}};

/* What a run adds up as its inputs end. */
struct run_state {
    struct tj_progress *progress;
    struct tj_report *report; /* with --report, else NULL */
    struct tj_progress_totals totals;
};

struct options {
    const char *srx;
    struct tj_segment_options seg;
    struct tj_cli_engine engine;
    enum format format;
    const char *out_dir;
    long jobs;    /* 0 until given: then the configuration file's, else 4 */
    long timeout; /* 0 until given: then the configuration file's, else 30 */
    bool quiet;
    bool dry_run;
    struct tj_provider **chain; /* the chosen provider, then the fallbacks */
    size_t nchain;
    struct tj_consistency *names; /* names checked across the inputs of the run */
    struct tj_tm *tm;             /* the translation memory, or NULL */
    const char *report;           /* --report FILE */
    struct run_state *rs;
};

/* Ctrl+C: 1 after the first (nothing more is sent, the requests in flight are waited for), 2
 * after the second (they are abandoned). The client reads it (tj_client_options.stop). */
static volatile sig_atomic_t interrupted;
static bool interrupt_erase; /* the live line is drawn: the handler's note first erases it */

static void say(const char *s, size_t n)
{
    ssize_t w = write(STDERR_FILENO, s, n);
    (void)w;
}

static void on_sigint(int sig)
{
    (void)sig;
    static const char first[] = "tarjim: interrupted: waiting for the requests in flight "
                                "(Ctrl+C again to abandon them)\n";
    static const char again[] = "tarjim: interrupted again: abandoning the requests in flight\n";
    int saved = errno;
    if (interrupted < 2)
        interrupted++;
    if (interrupt_erase)
        say("\r\033[K", 4);
    if (interrupted == 1) {
        say(first, sizeof first - 1);
    } else {
        say(again, sizeof again - 1);
        /* A third Ctrl+C ends the process at once, as without this handler. */
        struct sigaction sa = {0};
        sa.sa_handler = SIG_DFL;
        sigaction(SIGINT, &sa, NULL);
    }
    errno = saved;
}

/* The live line, erased before each message (tj_cli_before_message). */
static struct tj_progress *live;

static void erase_live(void)
{
    tj_progress_clear(live);
}

static int parse_long(const char *arg, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno || end == arg || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* DIR/NAME.en.EXT for input path: a trailing .txt and then .ar are dropped; standard input
 * ("-") is named stdin. */
static char *output_path(const char *dir, const char *path, enum format fmt)
{
    if (strcmp(path, "-") == 0)
        path = "stdin";
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".txt") == 0)
        n -= 4;
    if (n > 3 && strncmp(base + n - 3, ".ar", 3) == 0)
        n -= 3;
    return tj_xasprintf("%s/%.*s%s", dir, (int)n, base, formats[fmt].ext);
}

/* With --out-dir, refuses two inputs that would be written to the same file (a/x.ar.txt and
 * b/x.ar.txt), since the second would overwrite the first. Returns 0 or TJ_EXIT_USAGE after
 * naming both inputs and the file. */
static int check_out_names(const char *dir, const char *const *files, size_t n, enum format fmt)
{
    struct tj_strmap *seen = tj_strmap_create();
    int status = 0;
    for (size_t i = 0; i < n && !status; i++) {
        char *path = output_path(dir, files[i], fmt);
        const char *earlier = tj_strmap_put(seen, path, strlen(path), (void *)files[i]);
        if (earlier)
            status = tj_cli_usage(&tj_cmd_translate, "%s and %s would both be written to %s",
                                  strcmp(earlier, "-") ? earlier : "<stdin>",
                                  strcmp(files[i], "-") ? files[i] : "<stdin>", path);
        free(path);
    }
    tj_strmap_destroy(seen);
    return status;
}

/* One input being translated: its reader, its output and its pipeline. With a group (a batch
 * run into --out-dir with a remote engine) it lives on after translate_one, until the group has
 * written its end and called job_done. */
struct job {
    const struct options *o;
    const char *name;
    FILE *f; /* standard output, or NAME.part */
    char *out_path, *part;
    struct tj_buf out;
    struct tj_client_stats stats;
    struct tj_writer *w;
    struct tj_pipeline *pl;
    int status;                /* of reading the input and writing the output so far */
    int *total;                /* the run's exit status, made worse by this input's */
    struct tj_report_file *rf; /* with --report */
};

/* Everything after an input's last window: messages, the rest of its output, the file renamed
 * into place (or removed when the input was bad), its status added to the run's. */
static void job_end(struct job *j, enum tj_status rc, const struct tj_diag *diag)
{
    const struct options *o = j->o;
    int status = j->status;
    if (o->dry_run) {
        printf("%s: %s: %zu segments, %zu requests, %zu characters would be sent\n", j->name,
               tj_provider_name(o->chain[0]), j->stats.segments, j->stats.requests,
               j->stats.chars_sent);
        rc = TJ_OK;
    } else if (j->stats.fallbacks && rc == TJ_OK) {
        tj_cli_note("%s: %zu segments translated by a fallback (%s)", j->name, j->stats.fallbacks,
                    diag->message);
    } else if (rc != TJ_OK && !(interrupted && rc == TJ_ERR_PARTIAL)) {
        /* (After Ctrl+C, the summary says what was left; a line per input would bury it.) */
        tj_cli_error("%s: %s", j->name, diag->message);
    }
    if (status != TJ_EXIT_IOERR)
        status = tj_cli_worse(status, tj_cli_put(&j->out, j->f, j->out_path));
    if (j->out_path) {
        if (fclose(j->f) != 0 && status != TJ_EXIT_IOERR) {
            tj_cli_error("%s: write error: %s", j->out_path, strerror(errno));
            status = tj_cli_worse(status, TJ_EXIT_IOERR);
        }
        if (status == TJ_EXIT_DATA || status == TJ_EXIT_NOINPUT || status == TJ_EXIT_IOERR) {
            unlink(j->part);
        } else if (rename(j->part, j->out_path) != 0) {
            tj_cli_error("%s: cannot write: %s", j->out_path, strerror(errno));
            unlink(j->part);
            status = tj_cli_worse(status, TJ_EXIT_CANTCREAT);
        }
    }
    status = tj_cli_worse(status, tj_status_exit_code(rc));
    *j->total = tj_cli_worse(*j->total, status);
    struct run_state *rs = o->rs;
    rs->totals.segments += j->stats.segments;
    rs->totals.tm_hits += j->stats.tm_hits;
    rs->totals.failed += j->stats.failed;
    if (j->rf)
        tj_report_file_end(j->rf, &j->stats, status, rc != TJ_OK ? diag->message : NULL);
    tj_progress_file_done(rs->progress);
    tj_pipeline_destroy(j->pl);
    tj_writer_destroy(j->w);
    tj_buf_finish(&j->out);
    free(j->part);
    free(j->out_path);
    free(j);
}

static void job_done(void *ud, struct tj_pipeline *pl, enum tj_status rc,
                     const struct tj_diag *diag)
{
    (void)pl;
    job_end(ud, rc, diag);
}

/* Translates one input ("-": standard input), written as it goes (window by window, see
 * pipeline.h) to standard output, or with --out-dir to its output file: that one is written
 * under a temporary name (NAME.part) and renamed when the input has been read whole, so that an
 * input found bad midway leaves no output file and an earlier one in place. With a group, the
 * input's windows travel with those of the inputs around it and its end comes when the group
 * writes it. The exit status goes to *total, after a message. */
static void translate_one(const struct options *o, const struct tj_client_options *copts,
                          const struct tj_glossary *g, const char *path,
                          struct tj_pipeline_group *group, int *total)
{
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    struct tj_input_lines *in;
    struct tj_diag diag;
    enum tj_status rc = tj_input_lines_open(path, &in, &diag);
    struct run_state *rs = o->rs;
    if (rc != TJ_OK) {
        tj_cli_error("%s", diag.message);
        *total = tj_cli_worse(*total, tj_status_exit_code(rc));
        if (rs->report)
            tj_report_file_end(tj_report_add(rs->report, path, NULL), NULL, tj_status_exit_code(rc),
                               diag.message);
        tj_progress_read(rs->progress);
        tj_progress_file_done(rs->progress);
        return;
    }
    struct job *j = tj_xcalloc(1, sizeof *j);
    j->o = o;
    j->name = name;
    j->total = total;
    j->f = stdout;
    if (o->out_dir && !o->dry_run) {
        j->out_path = output_path(o->out_dir, path, o->format);
        j->part = tj_xasprintf("%s.part", j->out_path);
        j->f = fopen(j->part, "wb");
        if (!j->f) {
            tj_cli_error("%s: cannot write: %s", j->out_path, strerror(errno));
            *total = tj_cli_worse(*total, TJ_EXIT_CANTCREAT);
            if (rs->report)
                tj_report_file_end(tj_report_add(rs->report, path, j->out_path), NULL,
                                   TJ_EXIT_CANTCREAT, "cannot write the output");
            tj_progress_read(rs->progress);
            tj_progress_file_done(rs->progress);
            free(j->part);
            free(j->out_path);
            free(j);
            tj_input_lines_close(in);
            return;
        }
    }
    tj_buf_init(&j->out, 0);
    if (rs->report)
        j->rf = tj_report_add(rs->report, path, j->out_path);
    struct tj_write_meta meta = {tj_provider_name(o->chain[0]), NULL,
                                 strcmp(path, "-") ? path : NULL};
    j->w = o->dry_run ? NULL : tj_writer_create(formats[o->format].writer, &meta, &j->out);
    struct tj_pipeline_config cfg = {.glossary = g,
                                     .seg = &o->seg,
                                     .chain = o->chain,
                                     .nchain = o->nchain,
                                     .client = copts,
                                     .stats = &j->stats,
                                     .writer = j->w,
                                     .group = group,
                                     .done = job_done,
                                     .done_ud = j,
                                     .consistency = o->names,
                                     .name = name,
                                     .on_window = j->rf ? tj_report_window : NULL,
                                     .on_window_ud = j->rf};
    j->pl = tj_pipeline_create(&cfg);
    tj_progress_reading(rs->progress, j->pl);
    j->status = tj_cli_pump(in, j->pl, &j->out, j->f, j->out_path);
    tj_progress_read(rs->progress);
    tj_input_lines_close(in);
    if (group) {
        tj_pipeline_close(j->pl); /* job_end runs when the group writes this input's end */
        return;
    }
    rc = tj_pipeline_finish(j->pl, &diag);
    job_end(j, rc, &diag);
}

static const struct option long_opts[] = {
    TJ_CLI_ENGINE_OPTIONS,
    {"format", required_argument, NULL, 'f'},
    {"out-dir", required_argument, NULL, 'o'},
    {"jobs", required_argument, NULL, 'j'},
    {"timeout", required_argument, NULL, 'T'},
    {"dry-run", no_argument, NULL, 'D'},
    {"quiet", no_argument, NULL, 'q'},
    {"srx", required_argument, NULL, 'S'},
    {"max-segment", required_argument, NULL, 'M'},
    {"report", required_argument, NULL, 'R'},
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
    while ((c = getopt_long(argc, argv, ":p:u:k:g:f:o:j:qh", long_opts, NULL)) != -1) {
        if (tj_cli_engine_option(&o.engine, c, optarg))
            continue;
        switch (c) {
        case 'f': {
            size_t i;
            for (i = 0; i < TJ_ARRAY_LEN(formats); i++)
                if (strcmp(optarg, formats[i].name) == 0)
                    break;
            if (i == TJ_ARRAY_LEN(formats)) {
                status = tj_cli_usage(&tj_cmd_translate, "unknown format '%s'", optarg);
                goto out;
            }
            o.format = (enum format)i;
            break;
        }
        case 'o':
            o.out_dir = optarg;
            break;
        case 'j':
            if (parse_long(optarg, 1, 64, &o.jobs) < 0) {
                status = tj_cli_usage(&tj_cmd_translate, "--jobs wants 1..64, not '%s'", optarg);
                goto out;
            }
            break;
        case 'T':
            if (parse_long(optarg, 1, 3600, &o.timeout) < 0) {
                status = tj_cli_usage(&tj_cmd_translate,
                                      "--timeout wants 1..3600 seconds, not '%s'", optarg);
                goto out;
            }
            break;
        case 'S':
            o.srx = optarg;
            break;
        case 'M':
            if (!tj_cli_parse_size(optarg, 64, 1u << 20, &o.seg.max_bytes)) {
                status = tj_cli_usage(&tj_cmd_translate, "--max-segment wants a byte count >= 64");
                goto out;
            }
            break;
        case 'q':
            o.quiet = true;
            break;
        case 'R':
            o.report = optarg;
            break;
        case 'D':
            o.dry_run = true;
            break;
        case 'h':
            fputs(tj_cmd_translate.usage, stdout);
            goto out;
        default: /* ':' too */
            status = tj_cli_bad_option(&tj_cmd_translate, c, argv);
            goto out;
        }
    }
    status = tj_cli_engine_chain(&o.engine, &tj_cmd_translate, &o.chain, &o.nchain);
    if (!status)
        status = tj_cli_tm_open(&o.engine, &o.tm);
    if (status)
        goto out;
    if (!o.jobs)
        o.jobs = tj_cli_engine_jobs(&o.engine) ? (long)tj_cli_engine_jobs(&o.engine) : 4;
    if (!o.timeout)
        o.timeout =
            tj_cli_engine_timeout(&o.engine) > 0 ? (long)tj_cli_engine_timeout(&o.engine) : 30;
    if (o.out_dir) {
        const char *const *inputs;
        size_t ninputs = tj_cli_inputs(argc, argv, &inputs);
        status = check_out_names(o.out_dir, inputs, ninputs, o.format);
        if (status)
            goto out;
        struct stat st;
        if (stat(o.out_dir, &st) != 0 && mkdir(o.out_dir, 0777) != 0) {
            tj_cli_error("%s: cannot create output directory: %s", o.out_dir, strerror(errno));
            status = TJ_EXIT_CANTCREAT;
            goto out;
        }
    }

    struct tj_segmenter *rules = NULL;
    status = tj_cli_segmenter(o.srx, "ar", &rules);
    if (status)
        goto out;
    o.seg.rules = rules;
    if (rules && tj_segmenter_warning(rules))
        tj_cli_error("warning: %s", tj_segmenter_warning(rules));
    struct tj_glossary *g = NULL;
    status = tj_cli_load_glossaries(&o.engine.glossaries, &g);
    if (status) {
        tj_segmenter_destroy(rules);
        goto out;
    }
    struct tj_provider *p = o.chain[0];
    struct tj_diag diag;
    /* Sentences longer than a remote engine takes at once are cut into parts at clause
     * marks by the dispatcher and joined again, so the segment stays whole. */
    const char *notice = tj_provider_notice(p);
    if (notice)
        tj_cli_note("%s", notice);

    const char *const *files;
    size_t nfiles = tj_cli_inputs(argc, argv, &files);
    /* The live line on a terminal only; the sum of the input files' sizes makes its estimate
     * of the segments to come until they have all been read. */
    size_t input_bytes = 0;
    for (size_t i = 0; i < nfiles && input_bytes != SIZE_MAX; i++) {
        struct stat st;
        if (strcmp(files[i], "-") != 0 && stat(files[i], &st) == 0 && S_ISREG(st.st_mode))
            input_bytes += (size_t)st.st_size;
        else
            input_bytes = SIZE_MAX; /* unknown */
    }
    if (input_bytes == SIZE_MAX)
        input_bytes = 0;
    bool draw = !o.quiet && !o.dry_run && isatty(STDERR_FILENO);
    struct run_state rs = {.progress =
                               tj_progress_create(nfiles, input_bytes, draw ? stderr : NULL),
                           .report = o.report ? tj_report_create() : NULL,
                           .totals = {.files = nfiles}};
    o.rs = &rs;
    if (draw) {
        live = rs.progress;
        tj_cli_before_message = erase_live;
    }
    /* Ctrl+C stops the run the way the client knows (stop), rather than killing it: what was
     * answered is written. SA_RESTART, so that reading an input or writing an output is not
     * cut short by it; the client's waits (poll, nanosleep) return early all the same. */
    interrupted = 0;
    interrupt_erase = draw;
    struct sigaction sa = {0}, old_sa;
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sa);
    o.names = tj_consistency_create(TJ_CONSISTENCY_BYTES);
    struct tj_client_options copts = {.jobs = (unsigned)o.jobs,
                                      .timeout = (double)o.timeout,
                                      .dry_run = o.dry_run,
                                      .stop = &interrupted,
                                      .progress = tj_progress_client,
                                      .progress_ud = rs.progress};
    /* The memory serves what it holds and keeps each answer as it comes; the formats an editor
     * reads get its similar segments too. */
    copts.tm = o.tm;
    copts.tm_candidates = o.format == FMT_JSON || o.format == FMT_JSONL || o.format == FMT_XLIFF;
    /* A batch of inputs into --out-dir keeps a remote engine's requests in flight across
     * inputs: they go to it together (pipeline.h, groups). Standard output is one stream, in
     * input order: there, and with a local engine, inputs go one after the other. */
    struct tj_pipeline_group *group = o.out_dir && nfiles > 1 && !tj_provider_is_local(p)
                                          ? tj_pipeline_group_create(o.chain, o.nchain, &copts)
                                          : NULL;
    /* After a Ctrl+C the inputs left are still read and written, with what the memory holds
     * and their other segments failed as interrupted: every output is whole. */
    for (size_t i = 0; i < nfiles; i++) {
        translate_one(&o, &copts, g, files[i], group, &status);
        if (status == TJ_EXIT_IOERR && !o.out_dir)
            break; /* standard output is lost */
    }
    tj_pipeline_group_destroy(group); /* writes the inputs still waiting */
    status = tj_cli_worse(status, tj_cli_tm_report(o.tm));
    if (!o.out_dir)
        status = tj_cli_worse(status, tj_cli_stdout_check());
    tj_glossary_destroy(g);
    if (tj_segmenter_limit_hits(rules ? rules : tj_segmenter_default("ar"), &diag))
        tj_cli_error("warning: %s", diag.message);
    tj_segmenter_destroy(rules);
    rs.totals.interrupted = interrupted != 0;
    if (rs.totals.interrupted)
        status = tj_cli_worse(status, TJ_EXIT_PARTIAL);
    if (rs.report)
        status = tj_cli_worse(status, tj_report_write(rs.report, o.report, rs.progress,
                                                      rs.totals.interrupted, status));
    /* The closing summary, in every case (a dry run prints its own counts instead). */
    if (!o.dry_run)
        tj_progress_summary(rs.progress, &rs.totals, stderr);
    tj_cli_before_message = NULL;
    live = NULL;
    sigaction(SIGINT, &old_sa, NULL);
    tj_report_destroy(rs.report);
    tj_progress_destroy(rs.progress);
out:
    tj_consistency_destroy(o.names);
    tj_tm_close(o.tm);
    for (size_t i = 0; i < o.nchain; i++)
        tj_provider_destroy(o.chain[i]);
    free(o.chain);
    tj_cli_engine_finish(&o.engine);
    return status;
}

const struct tj_cmd tj_cmd_translate = {
    .name = "translate",
    .summary = "translate Arabic articles into English",
    .usage = "Usage: tarjim translate [OPTIONS] [FILE...]\n"
             "Translates each FILE (or standard input: '-' or none) into English on standard\n"
             "output, or into one file per input with --out-dir.\n\n"
             "  -p, --provider NAME   engine: offline (default; or $TARJIM_PROVIDER)\n"
             "  -u, --url URL         provider base URL\n"
             "  -k, --api-key KEY     provider key (or the provider's environment variable)\n"
             "  -g, --glossary FILE   add a glossary (repeatable; later files win)\n"
             "      --no-default-glossary   do not load the bundled glossary\n"
             "  -f, --format FMT      text (default) | json | jsonl | html | xliff | tmx\n"
             "  -o, --out-dir DIR     write DIR/NAME.en.txt (.en.json, .en.jsonl, .en.html,\n"
             "                        .en.xlf, .en.tmx) per input\n"
             "  -j, --jobs N          requests in flight for remote providers (default 4)\n"
             "      --timeout SECONDS per-request timeout for remote providers (default 30)\n"
             "      --fallback LIST   providers to try, in order, for segments the first could\n"
             "                        not translate (e.g. google,offline)\n"
             "      --native-glossary pins through the service's own glossary: a DeepL glossary\n"
             "                        (made once per set of entries, cached), Microsoft's\n"
             "                        dynamic dictionary; the output is checked as always\n"
             "      --dry-run         send nothing; print per input the segments, requests and\n"
             "                        characters that would be sent\n"
             "      --config FILE     instead of $XDG_CONFIG_HOME/tarjim/config\n"
             "      --tm FILE         translation memory (default\n"
             "                        $XDG_DATA_HOME/tarjim/tm.sqlite3, or $TARJIM_TM)\n"
             "      --no-tm           no translation memory: everything is sent\n"
             "      --srx FILE        segmentation rules (SRX 2.0) instead of the built-in ones\n"
             "      --max-segment N   cut sentences longer than N bytes (default 2000)\n"
             "      --report FILE     write a JSON run report: per input its output, segments,\n"
             "                        failures, memory hits and QA findings by code; totals,\n"
             "                        requests and characters per provider, seconds, whether\n"
             "                        it was interrupted, the exit status\n"
             "  -q, --quiet           no progress line (it is drawn only when stderr is a\n"
             "                        terminal)\n"
             "  -h, --help            this help\n\n"
             "A summary line closes every run on stderr (segments, requests and characters per\n"
             "provider, memory hits, failures, seconds), with -q too. Ctrl+C stops sending and\n"
             "waits for the requests in flight (a second Ctrl+C abandons them), then writes\n"
             "every output, the segments not translated kept in Arabic and marked interrupted,\n"
             "and exits 75; a run started again sends only what the memory does not hold.\n",
    .run = run,
};
