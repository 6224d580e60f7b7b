/* tarjim segment: the sentences tarjim would translate, one per line. */
#include "cli.h"

#include "pipeline.h"
#include "writer.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct option long_opts[] = {
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static int run(int argc, char **argv)
{
    bool json = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:h", long_opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") == 0)
                json = true;
            else if (strcmp(optarg, "text") != 0)
                return tj_cli_usage(&tj_cmd_segment, "unknown format '%s' (text or json)", optarg);
            break;
        case 'h':
            fputs(tj_cmd_segment.usage, stdout);
            return 0;
        case ':':
            return tj_cli_usage(&tj_cmd_segment, "option '%s' needs a value", argv[optind - 1]);
        default:
            return tj_cli_usage(&tj_cmd_segment, "unknown option '%s'", argv[optind - 1]);
        }
    }
    const char *const *files;
    size_t nfiles = tj_cli_inputs(argc, argv, &files);
    int status = 0;
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
        struct tj_document doc;
        tj_document_init(&doc);
        tj_pipeline_prepare(data, len, NULL, NULL, &doc);
        free(data);
        if (json)
            tj_write_json(&doc, NULL, &out);
        else
            tj_write_segments(&doc, &out);
        tj_document_finish(&doc);
    }
    status = tj_cli_worse(status, tj_cli_write(&out, NULL));
    tj_buf_finish(&out);
    return status;
}

const struct tj_cmd tj_cmd_segment = {
    .name = "segment",
    .summary = "cut articles into the sentences tarjim translates",
    .usage = "Usage: tarjim segment [--format text|json] [FILE...]\n"
             "Prints one segment per line, a blank line between blocks (text), or the\n"
             "document's blocks and segments (json).\n",
    .run = run,
};
