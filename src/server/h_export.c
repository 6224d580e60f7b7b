/* POST /api/export?format=text|json|jsonl|html|xliff|tmx with a JSON document (as
 * POST /api/translate answers it, perhaps edited: targets changed, segments approved): the
 * document written by the command line's writers, as a file to save (Content-Disposition:
 * attachment; filename="article.en.EXT"). 400 bad_format for another format, 400 bad_document
 * with the JSON path of what is wrong. The answer is never shown as a page: it is an attachment,
 * and a sandbox policy keeps an HTML export from running anything if it were opened here. Runs
 * as a job (a large document takes a moment to write). */
#include "handler.h"

#include "docjson.h"
#include "reply.h"
#include "writer.h"

#include <stdio.h>
#include <string.h>

struct format {
    const char *name;
    enum tj_format fmt;
    const char *ext;
    const char *type;
};

static const struct format formats[] = {
    {"text", TJ_FORMAT_TEXT, "txt", "text/plain; charset=utf-8"},
    {"json", TJ_FORMAT_JSON, "json", "application/json; charset=utf-8"},
    {"jsonl", TJ_FORMAT_JSONL, "jsonl", "application/x-ndjson; charset=utf-8"},
    {"html", TJ_FORMAT_HTML, "html", "text/html; charset=utf-8"},
    {"xliff", TJ_FORMAT_XLIFF, "xlf", "application/xliff+xml; charset=utf-8"},
    {"tmx", TJ_FORMAT_TMX, "tmx", "application/x-tmx+xml; charset=utf-8"},
};

void tj_h_export(const struct tj_handler_env *env, const struct tj_job_request *jr,
                 struct tj_answer *out)
{
    (void)env;
    const struct format *f = NULL;
    for (size_t i = 0; jr->format && i < TJ_ARRAY_LEN(formats); i++)
        if (strcmp(formats[i].name, jr->format) == 0)
            f = &formats[i];
    if (!f) {
        out->status = MHD_HTTP_BAD_REQUEST;
        out->response = tj_reply_error_response(
            MHD_HTTP_BAD_REQUEST, NULL, "bad_format",
            "give ?format= text, json, jsonl, html, xliff or tmx%s", jr->format ? "" : " (none)");
        return;
    }
    struct tj_docjson d;
    struct tj_diag diag;
    if (tj_docjson_read(jr->body, jr->len, &d, &diag) != TJ_OK) {
        out->status = MHD_HTTP_BAD_REQUEST;
        out->response =
            tj_reply_error_response(MHD_HTTP_BAD_REQUEST, NULL, "bad_document", "%s", diag.message);
        return;
    }
    struct tj_buf text;
    tj_buf_init(&text, 0);
    struct tj_write_meta meta = {d.provider, d.has_stats ? &d.stats : NULL, NULL};
    tj_write_document(f->fmt, &d.doc, &meta, &text);
    tj_docjson_finish(&d);
    size_t n;
    char *data = tj_buf_take(&text, &n);
    if (!data)
        data = tj_xstrdup("");
    struct MHD_Response *r = tj_reply_buffer(data, n, f->type);
    if (r) {
        char disposition[64];
        snprintf(disposition, sizeof disposition, "attachment; filename=\"article.en.%s\"", f->ext);
        MHD_add_response_header(r, "Content-Disposition", disposition);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
    }
    out->status = MHD_HTTP_OK;
    out->response = r;
}
