/* POST /api/tm {"source": "...", "target": "..."}: an editor approves the English of one
 * segment. The source is cut, normalized and pinned as a translation would make it, and the
 * target is stored in the translation memory as human work: from then on that segment comes back
 * with origin tm, engine human, and that target. Answers 201 with the segment as stored. It runs
 * as a job: a write may wait for another process's lock. */
#include "handler.h"

#include "desk.h"
#include "native.h"
#include "pipeline.h"
#include "reply.h"
#include "tm.h"
#include "utf8.h"

#include <string.h>

static void fail(struct tj_answer *out, unsigned status, const char *code, const char *message)
{
    out->status = status;
    out->response = tj_reply_error_response(status, NULL, code, "%s", message);
}

/* The string member name of o, or NULL (and the error in out) when it is missing, not a
 * string, or empty. */
static const char *member(json_t *o, const char *name, size_t *len, struct tj_answer *out)
{
    json_t *v = json_object_get(o, name);
    if (!json_is_string(v) || json_string_length(v) == 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "\"%s\" must be a non-empty string", name);
        fail(out, MHD_HTTP_BAD_REQUEST, "bad_request", msg);
        return NULL;
    }
    *len = json_string_length(v);
    return json_string_value(v);
}

void tj_h_tm(const struct tj_handler_env *env, const struct tj_job_request *jr,
             struct tj_answer *out)
{
    const char *body = jr->body;
    size_t len = jr->len;
    struct tj_tm *tm = env->client ? env->client->tm : NULL;
    if (!tm) {
        fail(out, MHD_HTTP_CONFLICT, "no_memory",
             "this server has no translation memory (it was started with --no-tm)");
        return;
    }
    json_error_t jerr;
    json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(o)) {
        fail(out, MHD_HTTP_BAD_REQUEST, o ? "bad_request" : "bad_json",
             o ? "the body must be a JSON object" : jerr.text);
        json_decref(o);
        return;
    }
    size_t slen, tlen;
    const char *source = member(o, "source", &slen, out);
    const char *target = source ? member(o, "target", &tlen, out) : NULL;
    if (!target) {
        json_decref(o);
        return;
    }
    if (memchr(source, '\n', slen) || memchr(target, '\0', tlen)) {
        fail(out, MHD_HTTP_BAD_REQUEST, "bad_request",
             "\"source\" is one segment, without line breaks");
        json_decref(o);
        return;
    }
    /* The segment as a translation makes it. */
    struct tj_document doc;
    tj_document_init(&doc);
    struct tj_desk_view *view = tj_desk_acquire(env->desk);
    tj_pipeline_prepare(source, slen, tj_desk_glossary(view), NULL, &doc);
    size_t n = tj_document_count(&doc);
    const struct tj_segment *s = n == 1 ? &doc.blocks[0].segs[0] : NULL;
    if (!s || !tj_utf8_has_arabic(s->source, s->source_len)) {
        char msg[128];
        if (s)
            snprintf(msg, sizeof msg, "\"source\" has no Arabic letters");
        else
            snprintf(msg, sizeof msg, "\"source\" is %zu segments: approve each alone", n);
        fail(out, MHD_HTTP_BAD_REQUEST, "bad_request", msg);
        tj_document_finish(&doc);
        tj_desk_release(view);
        json_decref(o);
        return;
    }
    struct tj_tm_key key;
    tj_tm_key_init(&key, s->source, s->source_len, s->pins, s->npins);
    struct tj_tm_entry e = {&key, s->source, s->source_len, TJ_TM_HUMAN, target, 0};
    struct tj_diag diag;
    enum tj_status rc = tj_tm_put(tm, &e, 1, &diag);
    tj_tm_key_finish(&key);
    if (rc != TJ_OK) {
        fail(out, MHD_HTTP_SERVICE_UNAVAILABLE, "memory_error", diag.message);
    } else {
        /* Who approved what: the segment's length and a short hash, never its text. */
        char hex[65];
        tj_native_sha256_hex(s->source, s->source_len, hex);
        tj_h_audit(env, "who=%s tm approve source_bytes=%zu source_sha256=%.8s target_bytes=%zu",
                   jr->who, s->source_len, hex, strlen(target));
        json_t *answer = json_object();
        json_object_set_new(answer, "source", json_stringn(s->source, s->source_len));
        json_object_set_new(answer, "target", json_string(target));
        json_object_set_new(answer, "engine", json_string(TJ_TM_HUMAN));
        out->status = MHD_HTTP_CREATED;
        out->response = tj_reply_json_doc(answer);
    }
    tj_document_finish(&doc);
    tj_desk_release(view);
    json_decref(o);
}
