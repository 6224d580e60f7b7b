/* POST /api/translate {"text": "...", "provider"?: "..."}: the JSON document of
 * `tarjim translate -f json` for the text. A partial translation is still 200 (its failed
 * segments are marked); a provider that could translate nothing is 502. */
#include "handler.h"

#include "client.h"
#include "input.h"
#include "pipeline.h"
#include "reply.h"
#include "writer.h"

#include <string.h>

/* The provider a request names (NULL: the default); answers the error itself when there is
 * none, returning NULL with *ret set. */
static struct tj_provider *choose(const struct tj_request *req, json_t *name, enum MHD_Result *ret)
{
    const struct tj_handler_env *env = req->env;
    if (!name || json_is_null(name))
        return env->providers[0];
    if (!json_is_string(name)) {
        *ret = tj_reply_error(req->conn, MHD_HTTP_BAD_REQUEST, NULL, "bad_request",
                              "\"provider\" must be a string");
        return NULL;
    }
    const char *s = json_string_value(name);
    for (size_t i = 0; i < env->nproviders; i++)
        if (strcmp(tj_provider_name(env->providers[i]), s) == 0)
            return env->providers[i];
    if (tj_provider_find(s))
        *ret = tj_reply_error(req->conn, MHD_HTTP_BAD_REQUEST, NULL, "provider_not_configured",
                              "provider '%s' is not configured on this server", s);
    else
        *ret = tj_reply_error(req->conn, MHD_HTTP_BAD_REQUEST, NULL, "unknown_provider",
                              "unknown provider '%s'", s);
    return NULL;
}

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

enum MHD_Result tj_h_translate(const struct tj_request *req)
{
    struct tj_diag diag;
    json_t *root = req->json;
    enum MHD_Result ret = MHD_NO;
    json_t *text = json_object_get(root, "text");
    if (!json_is_object(root) || !json_is_string(text)) {
        ret = tj_reply_error(req->conn, MHD_HTTP_BAD_REQUEST, NULL, "bad_request",
                             "the body must be an object with a string \"text\"");
        goto out;
    }
    struct tj_provider *p = choose(req, json_object_get(root, "provider"), &ret);
    if (!p)
        goto out;
    const char *data = json_string_value(text);
    size_t len = json_string_length(text);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    if (tj_input_check("text", data, len, &diag) != TJ_OK) {
        ret =
            tj_reply_error(req->conn, MHD_HTTP_BAD_REQUEST, NULL, "bad_input", "%s", diag.message);
        goto out;
    }

    struct tj_document doc;
    tj_document_init(&doc);
    tj_pipeline_prepare(data, len, req->env->glossary, NULL, &doc);
    struct tj_client_stats stats = {0};
    enum tj_status rc = tj_client_translate(p, &doc, &stats, &diag);
    if (rc != TJ_OK && rc != TJ_ERR_PARTIAL) {
        ret = tj_reply_error(req->conn, MHD_HTTP_BAD_GATEWAY, NULL, error_code(rc), "%s",
                             diag.message);
    } else {
        struct tj_write_meta meta = {tj_provider_name(p), &stats, NULL};
        struct tj_buf out;
        tj_buf_init(&out, 0);
        tj_write_json(&doc, &meta, &out);
        size_t n;
        char *json = tj_buf_take(&out, &n);
        ret = tj_reply_json_text(req->conn, MHD_HTTP_OK, json, n);
    }
    tj_document_finish(&doc);
out:
    return ret;
}
