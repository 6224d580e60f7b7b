/* GET /api/glossary?q=TEXT: the entries of the loaded glossaries that match, best first.
 * POST /api/glossary {"arabic", "english", "type"?, "note"?, "replace"?}: an entry added to the
 * desk glossary (serve --desk-glossary FILE), which the next translation pins with: 201 with the
 * entry; 200 when the desk glossary has it already; 400 bad_entry when `glossary check` would
 * refuse the row; 409 conflict when the desk glossary gives the Arabic another English (unless
 * "replace" is true); 403 no_desk_glossary. The add runs as a job: it writes and syncs a file,
 * and loads the glossaries again. */
#include "handler.h"

#include "desk.h"
#include "reply.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *term_json(const struct tj_term *t)
{
    json_t *o = json_object();
    struct tj_buf arabic;
    tj_buf_init(&arabic, 0);
    for (size_t i = 0; i < t->nspellings; i++) {
        if (i)
            tj_buf_putc(&arabic, '|');
        tj_buf_puts(&arabic, t->spellings[i]);
    }
    json_object_set_new(o, "arabic", json_stringn(arabic.data ? arabic.data : "", arabic.len));
    tj_buf_finish(&arabic);
    json_object_set_new(o, "english", json_string(t->english));
    json_object_set_new(o, "type", json_string(tj_term_type_name(t->type)));
    json_object_set_new(o, "file", json_string(tj_desk_file_name(t)));
    if (t->note && *t->note)
        json_object_set_new(o, "note", json_string(t->note));
    if (t->naliases) {
        json_t *aliases = json_array();
        for (size_t i = 0; i < t->naliases; i++)
            json_array_append_new(aliases, json_string(t->aliases[i]));
        json_object_set_new(o, "aliases", aliases);
    }
    return o;
}

/* s[0..*len) without the blanks around it. */
static const char *trim(const char *s, size_t *len)
{
    while (*len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
        s++;
        (*len)--;
    }
    while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t' || s[*len - 1] == '\n' ||
                    s[*len - 1] == '\r'))
        (*len)--;
    return s;
}

enum MHD_Result tj_h_glossary_get(const struct tj_request *req)
{
    const char *q = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, "q");
    size_t len = q ? strlen(q) : 0;
    q = q ? trim(q, &len) : NULL;
    if (!q || len == 0)
        return tj_reply_error(req->conn, MHD_HTTP_BAD_REQUEST, NULL, "bad_request",
                              "give the text to look for as ?q=TEXT");
    if (len > TJ_DESK_QUERY_MAX)
        return tj_reply_error(req->conn, MHD_HTTP_BAD_REQUEST, NULL, "bad_request",
                              "q is over %d bytes", TJ_DESK_QUERY_MAX);
    size_t bad;
    bool nul;
    if (!tj_utf8_check_text(q, len, &bad, &nul))
        return tj_reply_error(req->conn, MHD_HTTP_BAD_REQUEST, NULL, "bad_request",
                              "q is not UTF-8 text (byte %zu)", bad);
    struct tj_desk_view *view = tj_desk_acquire(req->env->desk);
    const struct tj_term *terms[TJ_DESK_SEARCH_MAX];
    size_t n = tj_desk_search(view, q, len, terms, TJ_DESK_SEARCH_MAX);
    json_t *entries = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(entries, term_json(terms[i]));
    tj_desk_release(view);
    return tj_reply_json(req->conn, MHD_HTTP_OK, json_pack("{s:o}", "entries", entries));
}

static void fail(struct tj_answer *out, unsigned status, const char *code, const char *message)
{
    out->status = status;
    out->response = tj_reply_error_response(status, NULL, code, "%s", message);
}

/* The optional string member name of o, trimmed into a new string in *out (NULL when absent);
 * false when it is there but not a string, or holds a NUL. */
static bool member(json_t *o, const char *name, char **out, char *why, size_t n)
{
    *out = NULL;
    json_t *v = json_object_get(o, name);
    if (!v || json_is_null(v))
        return true;
    if (!json_is_string(v)) {
        snprintf(why, n, "\"%s\" must be a string", name);
        return false;
    }
    size_t len = json_string_length(v);
    const char *s = json_string_value(v);
    if (memchr(s, '\0', len)) {
        snprintf(why, n, "\"%s\" holds a NUL character", name);
        return false;
    }
    s = trim(s, &len);
    *out = tj_xstrndup(s, len);
    return true;
}

/* A value as a JSON string literal for an audit line (quotes and control characters escaped,
 * so that a value cannot forge a line). */
static char *quoted(const char *s)
{
    json_t *j = json_string(s ? s : "");
    char *q = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    return q ? q : tj_xstrdup("\"\"");
}

void tj_h_glossary_post(const struct tj_handler_env *env, const struct tj_job_request *jr,
                        struct tj_answer *out)
{
    json_error_t jerr;
    json_t *o = json_loadb(jr->body, jr->len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
    if (!json_is_object(o)) {
        fail(out, MHD_HTTP_BAD_REQUEST, o ? "bad_request" : "bad_json",
             o ? "the body must be a JSON object" : jerr.text);
        json_decref(o);
        return;
    }
    char why[128] = "";
    char *arabic = NULL, *english = NULL, *type = NULL, *note = NULL;
    json_t *replace = json_object_get(o, "replace");
    if (!member(o, "arabic", &arabic, why, sizeof why) ||
        !member(o, "english", &english, why, sizeof why) ||
        !member(o, "type", &type, why, sizeof why) || !member(o, "note", &note, why, sizeof why)) {
        fail(out, MHD_HTTP_BAD_REQUEST, "bad_entry", why);
        goto out;
    }
    if (!arabic || !english) {
        fail(out, MHD_HTTP_BAD_REQUEST, "bad_entry", "\"arabic\" and \"english\" are required");
        goto out;
    }
    if (replace && !json_is_boolean(replace)) {
        fail(out, MHD_HTTP_BAD_REQUEST, "bad_entry", "\"replace\" must be true or false");
        goto out;
    }
    struct tj_desk_entry e = {arabic, english, type, note, json_is_true(replace)};
    struct tj_diag diag = {""};
    enum tj_desk_outcome oc = tj_desk_add(env->desk, &e, &diag);
    switch (oc) {
    case TJ_DESK_ADDED:
    case TJ_DESK_EXISTS: {
        enum tj_term_type t = TJ_TERM_TERM;
        if (type && *type)
            tj_term_type_parse(type, &t);
        json_t *entry = json_pack("{s:s,s:s,s:s,s:s}", "arabic", arabic, "english", english, "type",
                                  tj_term_type_name(t), "file", tj_desk_name(env->desk));
        if (note && *note)
            json_object_set_new(entry, "note", json_string(note));
        if (oc == TJ_DESK_ADDED) {
            char *qa = quoted(arabic), *qe = quoted(english);
            tj_h_audit(env, "who=%s glossary %s arabic=%s english=%s type=%s", jr->who,
                       e.replace ? "replace" : "add", qa, qe, tj_term_type_name(t));
            free(qa);
            free(qe);
        }
        out->status = oc == TJ_DESK_ADDED ? MHD_HTTP_CREATED : MHD_HTTP_OK;
        out->response = tj_reply_json_doc(json_pack("{s:o}", "entry", entry));
        break;
    }
    case TJ_DESK_BAD:
        fail(out, MHD_HTTP_BAD_REQUEST, "bad_entry", diag.message);
        break;
    case TJ_DESK_CONFLICT:
        fail(out, MHD_HTTP_CONFLICT, "conflict", diag.message);
        break;
    case TJ_DESK_NONE:
        fail(out, MHD_HTTP_FORBIDDEN, "no_desk_glossary", diag.message);
        break;
    case TJ_DESK_FAILED:
        fail(out, MHD_HTTP_INTERNAL_SERVER_ERROR, "glossary_error", diag.message);
        break;
    }
out:
    free(arabic);
    free(english);
    free(type);
    free(note);
    json_decref(o);
}
