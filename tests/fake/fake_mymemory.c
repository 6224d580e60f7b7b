/* MyMemory GET /get?q=...&langpair=ar|en (providers.md §5): one q of at most 500 bytes of
 * UTF-8; parameter errors come back as HTTP 200 with the reason in translatedText and
 * responseDetails and a responseStatus that is a string ("403"); an exhausted quota is an
 * HTTP 200 whose translatedText is the "MYMEMORY WARNING" text and quotaFinished true. No
 * markup is understood: tags are text. */
#include "fake.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MYMEMORY_Q_MAX 500

static const char *const langs[] = {"ar", "en", "es", "fr", "de", "it", "ru", "tr", "fa", "zh"};

/* A language code: "ar" or "ar-SA" with a known primary subtag. */
static bool supported(const char *code, size_t len)
{
    size_t primary = 0;
    while (primary < len && code[primary] != '-')
        primary++;
    for (size_t k = 0; k < sizeof langs / sizeof langs[0]; k++)
        if (strlen(langs[k]) == primary && strncasecmp(langs[k], code, primary) == 0)
            return true;
    return false;
}

/* The body of every answer; status is a number or (for errors) a string. */
static void answer(struct fake_resp *resp, int http, const char *text, json_t *status,
                   json_t *quota_finished, const char *details, json_t *matches)
{
    json_t *j =
        json_pack("{s:{s:s,s:f},s:o,s:n,s:s,s:o,s:n,s:n,s:o}", "responseData", "translatedText",
                  text, "match", matches ? 0.85 : 0.0, "quotaFinished", quota_finished,
                  "mtLangSupported", "responseDetails", details, "responseStatus", status,
                  "responderId", "exception_code", "matches", matches ? matches : json_string(""));
    fake_resp_json(resp, http, j);
}

static void refuse(struct fake_resp *resp, const char *msg)
{
    answer(resp, 200, msg, json_string("403"), json_null(), msg, NULL);
}

static void mm_fail(struct fake_req *req, struct fake_resp *resp, int status)
{
    (void)req;
    if (status == FAKE_QUOTA) {
        answer(resp, 200,
               "MYMEMORY WARNING: YOU USED ALL AVAILABLE FREE TRANSLATIONS FOR TODAY. NEXT "
               "AVAILABLE IN  11 HOURS 29 MINUTES 04 SECONDS VISIT "
               "HTTPS://MYMEMORY.TRANSLATED.NET/DOC/USAGELIMITS.PHP TO TRANSLATE MORE",
               json_integer(200), json_true(), "", NULL);
        return;
    }
    if (status == FAKE_USER_RATE)
        status = 429;
    char msg[64];
    snprintf(msg, sizeof msg, "%s", status == 429 ? "TOO MANY REQUESTS" : "SERVER ERROR");
    answer(resp, status, msg, json_integer(status), json_false(), msg, NULL);
}

static void mm_handle(struct fake_req *req, struct fake_resp *resp)
{
    if (strcmp(req->path, "/get") != 0) {
        if (!req->count_only)
            fake_resp_html_error(resp, 404);
        return;
    }
    if (strcmp(req->method, "GET") != 0) {
        if (!req->count_only)
            fake_resp_html_error(resp, 405);
        return;
    }
    const char *q = fake_arg(req, "q");
    if (q && *q) {
        req->segments = 1;
        req->chars = (long)fake_utf8_chars(q, strlen(q));
    }
    if (req->count_only)
        return;

    char msg[320];
    if (!q || !*q) {
        refuse(resp, "NO QUERY SPECIFIED. EXAMPLE REQUEST: GET?Q=HELLO&LANGPAIR=EN|IT");
        return;
    }
    const char *pair = fake_arg(req, "langpair");
    const char *bar = pair ? strchr(pair, '|') : NULL;
    const char *src = pair ? pair : "";
    size_t src_len = bar ? (size_t)(bar - pair) : strlen(src);
    const char *tgt = bar ? bar + 1 : "";
    if (!supported(src, src_len)) {
        char code[32];
        snprintf(code, sizeof code, "%.*s", (int)(src_len < 16 ? src_len : 16), src);
        for (char *c = code; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        snprintf(msg, sizeof msg,
                 "'%s' IS AN INVALID SOURCE LANGUAGE . EXAMPLE: LANGPAIR=EN|IT USING 2 LETTER ISO "
                 "OR RFC3066 LIKE ZH-CN. ALMOST ALL LANGUAGES SUPPORTED BUT SOME MAY HAVE NO "
                 "CONTENT",
                 code);
        refuse(resp, msg);
        return;
    }
    if (!supported(tgt, strlen(tgt))) {
        char code[32];
        snprintf(code, sizeof code, "%.16s", tgt);
        for (char *c = code; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        snprintf(msg, sizeof msg,
                 "'%s' IS AN INVALID TARGET LANGUAGE . EXAMPLE: LANGPAIR=EN|IT USING 2 LETTER ISO "
                 "OR RFC3066 LIKE ZH-CN. ALMOST ALL LANGUAGES SUPPORTED BUT SOME MAY HAVE NO "
                 "CONTENT",
                 code);
        refuse(resp, msg);
        return;
    }
    if (strncasecmp(src, tgt, 2) == 0) {
        refuse(resp, "PLEASE SELECT TWO DISTINCT LANGUAGES");
        return;
    }
    if (strlen(q) > MYMEMORY_Q_MAX) {
        refuse(resp, "QUERY LENGTH LIMIT EXCEEDED. MAX ALLOWED QUERY : 500 CHARS");
        return;
    }
    if (!fake_quota_take(req, req->chars)) {
        mm_fail(req, resp, FAKE_QUOTA);
        return;
    }
    struct fake_tr_opts o = {.markup = FM_TEXT, .flags = req->faults.flags};
    fake_mangle_opts(&o, &req->faults);
    char **texts = fake_translate_all(&q, 1, &o);
    size_t nt = fake_mangle_list(req->faults.flags & ~FK_WRONG_COUNT, &texts, 1, &q);
    json_t *matches =
        json_pack("[{s:s,s:s,s:s,s:s,s:s,s:s,s:n,s:i,s:s,s:s,s:s,s:s,s:s,s:f}]", "id", "0",
                  "segment", q, "translation", texts[0], "source", "ar-SA", "target", "en-GB",
                  "quality", "74", "reference", "usage-count", 2, "subject", "", "created-by",
                  "MT!", "last-updated-by", "MT!", "create-date", "2026-01-01 00:00:00",
                  "last-update-date", "2026-01-01 00:00:00", "match", 0.85);
    answer(resp, 200, texts[0], json_integer(200), json_false(), "", matches);
    fake_free_all(texts, nt);
    req->billed = true;
}

const struct fake_proto fake_mymemory = {"mymemory", mm_handle, mm_fail};
