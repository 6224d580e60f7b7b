/* POST /api/translate {"text": "...", "provider"?: "..."}: the JSON document of
 * `tarjim translate -f json` for the text. A partial translation is still 200 (its failed
 * segments are marked); a provider that could translate nothing is 502. It runs as a job,
 * away from the server's threads, with the glossary in force when it starts.
 *
 * Asked for application/x-ndjson, the answer streams instead, one JSON object a line: "start"
 * with every segment's source and pins (before anything is sent to the engine), then "segment"
 * for each segment once it is translated and checked, in document order, a window at a time
 * (the first windows small, so that the first rows come back after one round of requests), then
 * "end" with the stats and the document's name findings, or "error" when the engine could
 * translate nothing. When the client goes away, no more requests are sent to the engine and
 * those in flight are abandoned. */
#include "handler.h"

#include "client.h"
#include "desk.h"
#include "pipeline.h"
#include "reply.h"
#include "stream.h"
#include "translate_req.h"
#include "writer.h"

#include <string.h>

/* Segments in the first window of a streamed translation by a remote engine, at most. */
#define STREAM_FIRST_WINDOW 8
/* Document findings the end event repeats, at most. */
#define STREAM_QA_MAX 200

static const char ndjson_type[] = "application/x-ndjson; charset=utf-8";

static const char *error_code(enum tj_status rc)
{
    switch (rc) {
    case TJ_ERR_UNAVAILABLE:
        return "provider_unavailable";
    case TJ_ERR_AUTH:
        return "provider_auth";
    default:
        return "provider_error";
    }
}

static json_t *stats_json(const struct tj_client_stats *st)
{
    return json_pack("{s:I,s:I,s:I,s:I,s:I}", "segments", (json_int_t)st->segments, "requests",
                     (json_int_t)st->requests, "chars_sent", (json_int_t)st->chars_sent, "tm_hits",
                     (json_int_t)st->tm_hits, "failed", (json_int_t)st->failed);
}

/* Appends v as one line (compact JSON and a newline) and releases it. */
static void put_line(struct tj_buf *out, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(v);
    if (!text)
        return;
    tj_buf_puts(out, text);
    tj_buf_putc(out, '\n');
    free(text);
}

/* The start event: the blocks and segments the text makes, with their pins. */
static void start_event(const char *text, size_t len, const struct tj_glossary *g,
                        const char *provider, struct tj_buf *out)
{
    struct tj_document doc;
    tj_document_init(&doc);
    tj_pipeline_prepare(text, len, g, NULL, &doc);
    tj_document_number(&doc);
    tj_buf_printf(out, "{\"event\":\"start\",\"provider\":");
    json_t *name = json_string(provider);
    char *quoted = json_dumps(name, JSON_ENCODE_ANY);
    json_decref(name);
    tj_buf_puts(out, quoted);
    free(quoted);
    tj_buf_printf(out, ",\"segments\":%zu,\"blocks\":[", tj_document_count(&doc));
    for (size_t b = 0; b < doc.nblocks; b++) {
        const struct tj_block *bl = &doc.blocks[b];
        tj_buf_printf(out, "%s{\"kind\":\"%s\",\"line\":%zu,\"segments\":[", b ? "," : "",
                      tj_block_kind_name(bl->kind), bl->line);
        for (size_t i = 0; i < bl->nsegs; i++) {
            if (i)
                tj_buf_putc(out, ',');
            tj_writer_segment_json(&bl->segs[i], out);
        }
        tj_buf_puts(out, "]}");
    }
    tj_buf_puts(out, "]}\n");
    tj_document_finish(&doc);
}

struct streaming {
    struct tj_stream *stream;
    size_t block; /* blocks sent so far */
    json_t *qa;   /* the document's name findings, for the end event */
};

static bool document_finding(const char *code)
{
    return strcmp(code, "suggest_pin") == 0 || strcmp(code, "inconsistent") == 0;
}

/* The pipeline's window is translated and checked: its segments go out at once. */
static void on_window(void *ud, const struct tj_document *w)
{
    struct streaming *sm = ud;
    struct tj_buf out;
    tj_buf_init(&out, 0);
    for (size_t b = 0; b < w->nblocks; b++, sm->block++) {
        const struct tj_block *bl = &w->blocks[b];
        for (size_t i = 0; i < bl->nsegs; i++) {
            const struct tj_segment *s = &bl->segs[i];
            tj_buf_printf(&out, "{\"event\":\"segment\",\"block\":%zu,\"index\":%zu,\"segment\":",
                          sm->block, i);
            tj_writer_segment_json(s, &out);
            tj_buf_puts(&out, "}\n");
            for (size_t k = 0; k < s->nqa; k++)
                if (document_finding(s->qa[k].code) && json_array_size(sm->qa) < STREAM_QA_MAX)
                    json_array_append_new(sm->qa, json_pack("{s:s,s:s,s:i}", "code", s->qa[k].code,
                                                            "message", s->qa[k].message, "segment",
                                                            (int)s->id));
        }
    }
    tj_stream_write(sm->stream, out.data, out.len);
    tj_buf_finish(&out);
}

/* The first window of a streamed translation: one batch of a remote engine (at most
 * STREAM_FIRST_WINDOW segments), so that the first rows come back after one request; a local
 * engine's windows stay whole (it answers at once, and its batches are then the command
 * line's). */
static size_t first_window(struct tj_provider *p)
{
    if (tj_provider_is_local(p))
        return 0;
    struct tj_provider_limits lim;
    tj_provider_limits(p, &lim);
    size_t n = lim.max_segments ? lim.max_segments : STREAM_FIRST_WINDOW;
    return n < STREAM_FIRST_WINDOW ? n : STREAM_FIRST_WINDOW;
}

static void translate_stream(const struct tj_handler_env *env, struct tj_stream *stream,
                             const struct tj_translate_req *req, struct tj_provider *const *chain,
                             size_t nchain, const struct tj_glossary *g)
{
    const char *provider = tj_provider_name(req->provider);
    struct tj_buf out;
    tj_buf_init(&out, 0);
    start_event(req->text, req->text_len, g, provider, &out);
    tj_stream_start(stream, ndjson_type);
    tj_stream_write(stream, out.data, out.len);
    tj_buf_finish(&out);

    /* The server's options, with this client's stop flag. */
    struct tj_client_options opts = {0};
    if (env->client)
        opts = *env->client;
    const volatile sig_atomic_t *stop = tj_stream_stop(stream);
    opts.stop = stop;
    struct streaming sm = {stream, 0, json_array()};
    struct tj_client_stats stats = {0};
    struct tj_pipeline_config cfg = {.glossary = g,
                                     .chain = chain,
                                     .nchain = nchain,
                                     .client = &opts,
                                     .stats = &stats,
                                     .on_window = on_window,
                                     .on_window_ud = &sm,
                                     .window_segments = first_window(chain[0])};
    struct tj_pipeline *pl = tj_pipeline_create(&cfg);
    size_t pos = 0;
    while (pos < req->text_len && !*stop) {
        const char *nl = memchr(req->text + pos, '\n', req->text_len - pos);
        size_t end = nl ? (size_t)(nl - req->text) : req->text_len;
        tj_pipeline_line(pl, req->text + pos, end - pos, pos);
        pos = nl ? end + 1 : req->text_len;
    }
    if (*stop) { /* the client has gone: nobody reads the rest */
        tj_pipeline_destroy(pl);
        json_decref(sm.qa);
        return;
    }
    struct tj_diag diag = {""};
    enum tj_status rc = tj_pipeline_finish(pl, &diag);
    tj_pipeline_destroy(pl);
    tj_buf_init(&out, 0);
    if (rc != TJ_OK && rc != TJ_ERR_PARTIAL) {
        put_line(&out,
                 json_pack("{s:s,s:{s:s,s:s},s:o}", "event", "error", "error", "code",
                           error_code(rc), "message", diag.message, "stats", stats_json(&stats)));
        json_decref(sm.qa);
    } else {
        put_line(&out, json_pack("{s:s,s:o,s:o}", "event", "end", "stats", stats_json(&stats), "qa",
                                 sm.qa));
    }
    tj_stream_write(stream, out.data, out.len);
    tj_buf_finish(&out);
}

void tj_h_translate(const struct tj_handler_env *env, const struct tj_job_request *jr,
                    struct tj_answer *out)
{
    struct tj_translate_req req;
    struct tj_api_error err;
    if (tj_translate_req_parse(jr->body, jr->len, env->providers, env->nproviders, &req, &err) !=
        TJ_OK) {
        out->status = err.status;
        out->response = tj_reply_error_response(err.status, NULL, err.code, "%s", err.message);
        return;
    }
    /* The request's engine, then the server's fallbacks (each once). */
    struct tj_provider *chain[1 + TJ_SERVER_MAX_FALLBACK];
    size_t nchain = 0;
    chain[nchain++] = req.provider;
    for (size_t i = 0; i < env->nfallback && nchain < TJ_ARRAY_LEN(chain); i++)
        if (env->fallback[i] != req.provider)
            chain[nchain++] = env->fallback[i];
    /* The glossary in force now, for the whole translation. */
    struct tj_desk_view *view = tj_desk_acquire(env->desk);
    const struct tj_glossary *g = tj_desk_glossary(view);
    if (jr->stream) {
        translate_stream(env, jr->stream, &req, chain, nchain, g);
        tj_translate_req_finish(&req);
        tj_desk_release(view);
        return;
    }
    /* The same pipeline as the command line's, writing the JSON document into a buffer. */
    struct tj_client_stats stats = {0};
    struct tj_buf json;
    tj_buf_init(&json, 0);
    struct tj_write_meta meta = {tj_provider_name(req.provider), NULL, NULL};
    struct tj_writer *w = tj_writer_create(TJ_FORMAT_JSON, &meta, &json);
    struct tj_pipeline_config cfg = {.glossary = g,
                                     .chain = chain,
                                     .nchain = nchain,
                                     .client = env->client,
                                     .stats = &stats,
                                     .writer = w};
    struct tj_pipeline *pl = tj_pipeline_create(&cfg);
    tj_pipeline_text(pl, req.text, req.text_len);
    tj_translate_req_finish(&req); /* the pipeline has copied what it needs */
    struct tj_diag diag = {""};
    enum tj_status rc = tj_pipeline_finish(pl, &diag);
    tj_pipeline_destroy(pl);
    tj_writer_destroy(w);
    tj_desk_release(view);
    if (rc != TJ_OK && rc != TJ_ERR_PARTIAL) {
        out->status = MHD_HTTP_BAD_GATEWAY;
        out->response =
            tj_reply_error_response(MHD_HTTP_BAD_GATEWAY, NULL, error_code(rc), "%s", diag.message);
        tj_buf_finish(&json);
    } else {
        size_t n;
        char *text = tj_buf_take(&json, &n);
        out->status = MHD_HTTP_OK;
        out->response = tj_reply_json_response(text, n);
    }
}
