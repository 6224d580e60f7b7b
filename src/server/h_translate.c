/* POST /api/translate {"text": "...", "provider"?: "..."}: the JSON document of
 * `tarjim translate -f json` for the text. A partial translation is still 200 (its failed
 * segments are marked); a provider that could translate nothing is 502. It runs as a job,
 * away from the server's threads. */
#include "handler.h"

#include "client.h"
#include "pipeline.h"
#include "reply.h"
#include "translate_req.h"
#include "writer.h"

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

void tj_h_translate(const struct tj_handler_env *env, const char *body, size_t len,
                    struct tj_answer *out)
{
    struct tj_translate_req req;
    struct tj_api_error err;
    if (tj_translate_req_parse(body, len, env->providers, env->nproviders, &req, &err) != TJ_OK) {
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
    /* The same pipeline as the command line's, writing the JSON document into a buffer. */
    struct tj_client_stats stats = {0};
    struct tj_buf json;
    tj_buf_init(&json, 0);
    struct tj_write_meta meta = {tj_provider_name(req.provider), NULL, NULL};
    struct tj_writer *w = tj_writer_create(TJ_FORMAT_JSON, &meta, &json);
    struct tj_pipeline_config cfg = {.glossary = env->glossary,
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
