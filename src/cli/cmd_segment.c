/* tarjim segment: the sentences tarjim would translate, one per line, or as JSON. Both stream:
 * memory holds one line (one block) at a time for text, a window of blocks for JSON, whatever
 * the size of the input. */
#include "cli.h"

#include "input.h"
#include "pipeline.h"
#include "segment.h"
#include "writer.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return false;
    return true;
}

/* Segments one input line by line onto stdout. *first tracks whether a block was written
 * (blocks are separated by a blank line). Returns 0 or an exit status, after a message. */
static int stream_file(const char *path, const struct tj_segment_options *opt, bool *first)
{
    struct tj_input_lines *in = NULL;
    struct tj_diag diag;
    enum tj_status rc = tj_input_lines_open(path, &in, &diag);
    const char *s;
    size_t n;
    while (rc == TJ_OK && (rc = tj_input_lines_next(in, &s, &n, NULL, &diag)) == TJ_OK && s) {
        if (n && s[n - 1] == '\r')
            n--;
        if (blank(s, n))
            continue;
        struct tj_span *spans;
        size_t ns = tj_segment_line(s, n, opt, &spans);
        if (ns == 0) { /* only invisible marks or no-break spaces: a blank line, as in JSON */
            free(spans);
            continue;
        }
        if (!*first)
            putchar('\n');
        *first = false;
        for (size_t i = 0; i < ns; i++) {
            fwrite(s + spans[i].start, 1, spans[i].end - spans[i].start, stdout);
            putchar('\n');
        }
        free(spans);
        if (ferror(stdout)) {
            tj_input_lines_close(in);
            return tj_cli_stdout_check(); /* output is lost: reading on is pointless */
        }
    }
    tj_input_lines_close(in);
    if (rc == TJ_OK)
        return 0;
    tj_cli_error("%s", diag.message);
    return tj_status_exit_code(rc);
}

/* Writes the JSON document of one input onto stdout as its blocks are cut (through out).
 * Input that turns out bad midway ends the document early. Returns 0 or an exit status, after
 * a message. */
static int stream_json(const char *path, const struct tj_segment_options *opt, struct tj_buf *out)
{
    struct tj_input_lines *in;
    struct tj_diag diag;
    if (tj_input_lines_open(path, &in, &diag) != TJ_OK) {
        tj_cli_error("%s", diag.message);
        return TJ_EXIT_NOINPUT;
    }
    struct tj_writer *w = tj_writer_create(TJ_FORMAT_JSON, NULL, out);
    struct tj_pipeline_config cfg = {.seg = opt, .writer = w};
    struct tj_pipeline *pl = tj_pipeline_create(&cfg);
    int status = tj_cli_pump(in, pl, out, stdout, NULL);
    tj_pipeline_finish(pl, NULL);
    if (status != TJ_EXIT_IOERR)
        status = tj_cli_worse(status, tj_cli_put(out, stdout, NULL));
    tj_pipeline_destroy(pl);
    tj_writer_destroy(w);
    tj_input_lines_close(in);
    return status;
}

static const struct option long_opts[] = {
    {"format", required_argument, NULL, 'f'}, {"lang", required_argument, NULL, 'l'},
    {"srx", required_argument, NULL, 'S'},    {"max-segment", required_argument, NULL, 'M'},
    {"help", no_argument, NULL, 'h'},         {0},
};

static int run(int argc, char **argv)
{
    bool json = false;
    const char *lang = "ar", *srx = NULL;
    struct tj_segment_options opt = {0};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:l:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") == 0)
                json = true;
            else if (strcmp(optarg, "text") != 0)
                return tj_cli_usage(&tj_cmd_segment, "unknown format '%s' (text or json)", optarg);
            break;
        case 'l':
            lang = optarg;
            break;
        case 'S':
            srx = optarg;
            break;
        case 'M':
            if (!tj_cli_parse_size(optarg, 64, TJ_INPUT_MAX, &opt.max_bytes))
                return tj_cli_usage(&tj_cmd_segment, "--max-segment wants a byte count >= 64");
            break;
        case 'h':
            fputs(tj_cmd_segment.usage, stdout);
            return 0;
        default: /* ':' too */
            return tj_cli_bad_option(&tj_cmd_segment, c, argv);
        }
    }
    struct tj_segmenter *rules;
    int status = tj_cli_segmenter(srx, lang, &rules);
    if (status)
        return status;
    opt.rules = rules ? rules : tj_segmenter_default(lang);
    if (tj_segmenter_warning(opt.rules))
        tj_cli_error("warning: %s", tj_segmenter_warning(opt.rules));
    const char *const *files;
    size_t nfiles = tj_cli_inputs(argc, argv, &files);
    bool first = true;
    struct tj_buf out;
    tj_buf_init(&out, 0);
    for (size_t i = 0; i < nfiles; i++) {
        if (!json) {
            int st = stream_file(files[i], &opt, &first);
            status = tj_cli_worse(status, st);
            if (st == TJ_EXIT_IOERR)
                break;
            continue;
        }
        int st = stream_json(files[i], &opt, &out);
        status = tj_cli_worse(status, st);
        if (st == TJ_EXIT_IOERR)
            break;
    }
    tj_buf_finish(&out);
    struct tj_diag diag;
    if (tj_segmenter_limit_hits(opt.rules, &diag))
        tj_cli_error("warning: %s", diag.message);
    tj_segmenter_destroy(rules);
    return status;
}

const struct tj_cmd tj_cmd_segment = {
    .name = "segment",
    .summary = "cut articles into the sentences tarjim translates",
    .usage = "Usage: tarjim segment [OPTIONS] [FILE...]\n"
             "Prints one segment per line, a blank line between blocks (text), or the\n"
             "document's blocks and segments (json). Both stream as they read.\n\n"
             "  -f, --format FMT      text (default) | json\n"
             "  -l, --lang CODE       language of the rules to apply (default ar)\n"
             "      --srx FILE        segmentation rules (SRX 2.0) instead of the built-in ones\n"
             "      --max-segment N   cut sentences longer than N bytes (default 2000)\n",
    .run = run,
};
