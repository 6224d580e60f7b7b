/* Reading the body of POST /api/translate. */
#include "translate_req.h"

#include "input.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum tj_status fail(struct tj_api_error *err, unsigned status, const char *code,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum tj_status fail(struct tj_api_error *err, unsigned status, const char *code,
                           const char *fmt, ...)
{
    err->status = status;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return TJ_ERR_DATA;
}

/* name[0..len) (valid UTF-8) for a message: its first 48 bytes or so, cut between
 * characters, control characters (NUL among them) written as \uXXXX. */
static void quote_name(const char *name, size_t len, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 8 < size; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (i >= 48 && (ch & 0xC0) != 0x80) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (ch < 0x20 || ch == 0x7f)
            o += (size_t)snprintf(out + o, size - o, "\\u%04x", ch);
        else
            out[o++] = (char)ch;
    }
    out[o] = '\0';
}

static enum tj_status choose(json_t *name, struct tj_provider *const *providers, size_t n,
                             struct tj_provider **out, struct tj_api_error *err)
{
    if (!name || json_is_null(name)) {
        *out = providers[0];
        return TJ_OK;
    }
    if (!json_is_string(name))
        return fail(err, 400, "bad_request", "\"provider\" must be a string");
    /* Compared with its length: "offline\u0000x" is not offline. */
    const char *s = json_string_value(name);
    size_t len = json_string_length(name);
    for (size_t i = 0; i < n; i++) {
        const char *have = tj_provider_name(providers[i]);
        if (strlen(have) == len && memcmp(have, s, len) == 0) {
            *out = providers[i];
            return TJ_OK;
        }
    }
    char quoted[48 * 6 + 16];
    quote_name(s, len, quoted, sizeof quoted);
    if (memchr(s, '\0', len) == NULL && tj_provider_find(s))
        return fail(err, 400, "provider_not_configured",
                    "provider '%s' is not configured on this server", quoted);
    return fail(err, 400, "unknown_provider", "unknown provider '%s'", quoted);
}

enum tj_status tj_translate_req_parse(const char *body, size_t len,
                                      struct tj_provider *const *providers, size_t n,
                                      struct tj_translate_req *req, struct tj_api_error *err)
{
    memset(req, 0, sizeof *req);
    json_error_t jerr;
    /* "\u0000" escapes are let through, so that the text check below can name their offset. */
    json_t *root = json_loadb(len ? body : "", len, JSON_ALLOW_NUL, &jerr);
    if (!root)
        return fail(err, 400, "bad_json", "the body is not JSON: line %d, column %d: %s", jerr.line,
                    jerr.column, jerr.text);
    enum tj_status rc;
    json_t *text = json_object_get(root, "text");
    if (!json_is_object(root) || !json_is_string(text)) {
        rc = fail(err, 400, "bad_request", "the body must be an object with a string \"text\"");
        goto out;
    }
    struct tj_provider *p = NULL;
    rc = choose(json_object_get(root, "provider"), providers, n, &p, err);
    if (rc != TJ_OK)
        goto out;
    const char *data = json_string_value(text);
    size_t dlen = json_string_length(text);
    size_t bom = tj_input_bom(data, dlen);
    data += bom;
    dlen -= bom;
    struct tj_diag diag; /* offsets count the text as sent, its byte order mark included */
    if (tj_input_check_at("text", data, dlen, bom, 1, &diag) != TJ_OK) {
        rc = fail(err, 400, "bad_input", "%s", diag.message);
        goto out;
    }
    req->root = root;
    req->text = data;
    req->text_len = dlen;
    req->provider = p;
    return TJ_OK;
out:
    json_decref(root);
    return rc;
}

void tj_translate_req_finish(struct tj_translate_req *req)
{
    json_decref(req->root);
    memset(req, 0, sizeof *req);
}
