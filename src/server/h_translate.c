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
    struct tj_document doc;
    tj_document_init(&doc);
    tj_pipeline_prepare(req.text, req.text_len, env->glossary, NULL, &doc);
    /* The document owns copies of what it needs: the request's JSON goes now. */
    struct tj_provider *p = req.provider;
    tj_translate_req_finish(&req);
    struct tj_client_stats stats = {0};
    struct tj_diag diag;
    enum tj_status rc = tj_client_translate(p, &doc, &stats, &diag);
    if (rc != TJ_OK && rc != TJ_ERR_PARTIAL) {
        out->status = MHD_HTTP_BAD_GATEWAY;
        out->response =
            tj_reply_error_response(MHD_HTTP_BAD_GATEWAY, NULL, error_code(rc), "%s", diag.message);
    } else {
        struct tj_write_meta meta = {tj_provider_name(p), &stats, NULL};
        struct tj_buf json;
        tj_buf_init(&json, 0);
        tj_write_json(&doc, &meta, &json);
        size_t n;
        char *text = tj_buf_take(&json, &n);
        out->status = MHD_HTTP_OK;
        out->response = tj_reply_json_response(text, n);
    }
    tj_document_finish(&doc);
}
