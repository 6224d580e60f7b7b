/* The loopback fake of the translation services (tests/fake), started as a subprocess and
 * driven by libcurl: for each protocol a request in the service's wire format gets the
 * service's answer shape with the protected span kept, and a refused key gets the service's
 * refusal; then the faults a client must survive (429 with and without Retry-After, latency,
 * a hung connection, a truncated body) and the request counts in /_stats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KEY "fake-key-1234"
#define REGION "westeurope"
#define MODEL "m1"

static const char *fake_path;
static pid_t fake_pid = -1;
static char base[64];

/* ---- the subprocess ------------------------------------------------------------------- */

/* Starts the fake and reads its "port N" line; 0 on success. */
static int start_fake(void **state)
{
    (void)state;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fake_pid = fork();
    if (fake_pid < 0)
        return -1;
    if (fake_pid == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        execl(fake_path, fake_path, "--port", "0", "--key", KEY, "--region", REGION, "--model",
              MODEL, "--exit-with-parent", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[64];
    size_t n = 0;
    struct pollfd p = {.fd = fds[0], .events = POLLIN};
    while (n + 1 < sizeof line && poll(&p, 1, 10000) > 0) {
        ssize_t k = read(fds[0], line + n, 1);
        if (k <= 0 || line[n] == '\n')
            break;
        n++;
    }
    line[n] = '\0';
    close(fds[0]);
    unsigned port;
    if (sscanf(line, "port %u", &port) != 1 || !port) {
        fprintf(stderr, "fake did not print its port (got '%s')\n", line);
        return -1;
    }
    snprintf(base, sizeof base, "http://127.0.0.1:%u", port);
    return 0;
}

static int stop_fake(void **state)
{
    (void)state;
    if (fake_pid > 0) {
        kill(fake_pid, SIGTERM);
        int st;
        waitpid(fake_pid, &st, 0);
        fake_pid = -1;
    }
    return 0;
}

/* ---- HTTP ------------------------------------------------------------------------------ */

struct reply {
    CURLcode rc;
    long status;
    char *body;
    size_t len;
    char retry_after[32];
    bool has_retry_after;
    double seconds;
    json_t *json; /* the body parsed, when it is JSON */
};

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
    struct reply *r = cls;
    r->body = realloc(r->body, r->len + size * n + 1);
    memcpy(r->body + r->len, data, size * n);
    r->len += size * n;
    r->body[r->len] = '\0';
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
    struct reply *r = cls;
    size_t len = size * n;
    if (len > 12 && strncasecmp(data, "Retry-After:", 12) == 0) {
        r->has_retry_after = true;
        snprintf(r->retry_after, sizeof r->retry_after, "%.*s", (int)(len - 12), data + 12);
        char *e = r->retry_after + strlen(r->retry_after);
        while (e > r->retry_after && (e[-1] == '\r' || e[-1] == '\n' || e[-1] == ' '))
            *--e = '\0';
        memmove(r->retry_after, r->retry_after + strspn(r->retry_after, " "),
                strlen(r->retry_after + strspn(r->retry_after, " ")) + 1);
    }
    return len;
}

/* Sends method path (relative to the fake) with extra headers (NULL-terminated) and body
 * (NULL: none); timeout_ms 0: 10 s. */
static void request(struct reply *r, const char *method, const char *path,
                    const char *const *headers, const char *body, long timeout_ms)
{
    memset(r, 0, sizeof *r);
    char url[4096];
    snprintf(url, sizeof url, "%s%s", base, path);
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    for (size_t i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "tarjim-test/1");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms ? timeout_ms : 10000L);
    r->rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &r->seconds);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (r->body)
        r->json = json_loads(r->body, 0, NULL);
}

static void reply_free(struct reply *r)
{
    free(r->body);
    json_decref(r->json);
}

static const char *const json_hdr[] = {"Content-Type: application/json", NULL};

/* The string at a path of keys and indexes, e.g. get_str(j, "data", "translations", "#0",
 * "translatedText", NULL). */
static json_t *get(json_t *j, ...)
{
    va_list ap;
    va_start(ap, j);
    for (const char *k = va_arg(ap, const char *); j && k; k = va_arg(ap, const char *))
        j = k[0] == '#' ? json_array_get(j, (size_t)atoi(k + 1)) : json_object_get(j, k);
    va_end(ap);
    return j;
}

#define STR(j) (json_string_value(j) ? json_string_value(j) : "(none)")

/* ---- LibreTranslate ----------------------------------------------------------------------- */

static void libretranslate_answers_in_kind(void **state)
{
    (void)state;
    struct reply r;
    request(&r, "POST", "/libretranslate/translate", json_hdr,
            "{\"q\":[\"قال الرئيس <span translate=\\\"no\\\">Vladimir Putin</span> في "
            "القاهرة\",\"<span translate=\\\"no\\\">بوتين</span> <span "
            "class=\\\"notranslate\\\">بوتين</span>\"],\"source\":\"ar\",\"target\":\"en\","
            "\"format\":\"html\",\"api_key\":\"" KEY "\"}",
            0);
    assert_int_equal(r.status, 200);
    json_t *t = get(r.json, "translatedText", NULL);
    assert_true(json_is_array(t));
    assert_int_equal(json_array_size(t), 2);
    /* the pinned English kept, in its place between the translated words */
    assert_non_null(strstr(STR(json_array_get(t, 0)),
                           "Said the president <span translate=\"no\">Vladimir Putin</span> in"));
    /* translate="no" keeps its Arabic; class="notranslate" is not LibreTranslate's */
    assert_string_equal(STR(json_array_get(t, 1)), "<span translate=\"no\">بوتين</span> <span "
                                                   "class=\"notranslate\">bwtyn</span>");
    reply_free(&r);

    /* a string q gets a string back */
    request(&r, "POST", "/translate", json_hdr,
            "{\"q\":\"في\",\"source\":\"ar\",\"target\":\"en\",\"api_key\":\"" KEY "\"}", 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(STR(get(r.json, "translatedText", NULL)), "In");
    reply_free(&r);
}

static void libretranslate_refuses_a_bad_key(void **state)
{
    (void)state;
    struct reply r;
    request(&r, "POST", "/translate", json_hdr,
            "{\"q\":\"في\",\"source\":\"ar\",\"target\":\"en\",\"api_key\":\"wrong\"}", 0);
    assert_int_equal(r.status, 403);
    assert_string_equal(STR(get(r.json, "error", NULL)), "Invalid API key");
    reply_free(&r);
    request(&r, "POST", "/translate", json_hdr,
            "{\"q\":\"في\",\"source\":\"ar\",\"target\":\"en\"}", 0);
    assert_int_equal(r.status, 400);
    reply_free(&r);
}

/* ---- DeepL -------------------------------------------------------------------------------- */

static const char *const deepl_hdr[] = {"Content-Type: application/json",
                                        "Authorization: DeepL-Auth-Key " KEY, NULL};

static void deepl_answers_in_kind(void **state)
{
    (void)state;
    struct reply r;
    request(&r, "POST", "/v2/translate", deepl_hdr,
            "{\"text\":[\"قال وزير الدفاع <x>Sergei Shoigu</x> في مراكز\",\"في\"],"
            "\"source_lang\":\"AR\",\"target_lang\":\"EN-GB\",\"tag_handling\":\"xml\","
            "\"ignore_tags\":[\"x\"],\"context\":\"سياق لا يدفع ثمنه\"}",
            0);
    assert_int_equal(r.status, 200);
    json_t *t = get(r.json, "translations", NULL);
    assert_int_equal(json_array_size(t), 2);
    assert_string_equal(STR(get(t, "#0", "detected_source_language", NULL)), "AR");
    assert_string_equal(STR(get(t, "#0", "text", NULL)),
                        "Said minister the defence <x>Sergei Shoigu</x> in centres");
    reply_free(&r);

    /* form-encoded, ignore_tags as a comma list, EN-US spelling */
    const char *const form[] = {"Authorization: DeepL-Auth-Key " KEY, NULL};
    request(&r, "POST", "/deepl/v2/translate", form,
            "text=%D9%85%D8%B1%D8%A7%D9%83%D8%B2%20%3Cx%3EKyiv%3C%2Fx%3E&text=x&target_lang=EN-US&"
            "tag_handling=xml&ignore_tags=y,x",
            0);
    assert_int_equal(r.status, 200);
    assert_string_equal(STR(get(r.json, "translations", "#0", "text", NULL)),
                        "Centers <x>Kyiv</x>");
    assert_int_equal(json_array_size(get(r.json, "translations", NULL)), 2);
    reply_free(&r);
}

static void deepl_refuses_a_bad_key(void **state)
{
    (void)state;
    struct reply r;
    const char *const bad[] = {"Authorization: DeepL-Auth-Key wrong", NULL};
    request(&r, "POST", "/v2/translate", bad, "text=x&target_lang=EN-US", 0);
    assert_int_equal(r.status, 403);
    reply_free(&r);
    /* the key as a parameter is no longer accepted */
    request(&r, "POST", "/v2/translate", NULL, "auth_key=" KEY "&text=x&target_lang=EN-US", 0);
    assert_int_equal(r.status, 403);
    reply_free(&r);

    /* 51 texts are more than one request may carry */
    char body[2048] = "target_lang=EN-US";
    for (int i = 0; i < 51; i++)
        strcat(body, "&text=x");
    const char *const good[] = {"Authorization: DeepL-Auth-Key " KEY, NULL};
    request(&r, "POST", "/v2/translate", good, body, 0);
    assert_int_equal(r.status, 413);
    reply_free(&r);

    const char *const quota[] = {"Authorization: DeepL-Auth-Key " KEY, "X-Fake-Fault: quota", NULL};
    request(&r, "POST", "/v2/translate", quota, "text=x&target_lang=EN-US", 0);
    assert_int_equal(r.status, 456);
    assert_non_null(get(r.json, "message", NULL));
    reply_free(&r);
}

/* ---- Google ------------------------------------------------------------------------------- */

static void google_answers_in_kind(void **state)
{
    (void)state;
    struct reply r;
    /* format html (the default): text escaped, the notranslate span kept */
    request(&r, "POST", "/language/translate/v2?key=" KEY, json_hdr,
            "{\"q\":[\"قال «نعم» <span class=\\\"notranslate\\\">Donald Trump</span>\","
            "\"في\"],\"source\":\"ar\",\"target\":\"en\"}",
            0);
    assert_int_equal(r.status, 200);
    json_t *t = get(r.json, "data", "translations", NULL);
    assert_int_equal(json_array_size(t), 2);
    assert_string_equal(STR(get(t, "#0", "translatedText", NULL)),
                        "Said &quot;nem&quot; <span class=\"notranslate\">Donald Trump</span>");
    assert_null(get(t, "#0", "detectedSourceLanguage", NULL));
    reply_free(&r);

    /* format text: nothing escaped */
    request(&r, "POST", "/google/language/translate/v2?key=" KEY, json_hdr,
            "{\"q\":\"قال «نعم»\",\"target\":\"en\",\"format\":\"text\"}", 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(STR(get(r.json, "data", "translations", "#0", "translatedText", NULL)),
                        "Said \"nem\"");
    assert_string_equal(
        STR(get(r.json, "data", "translations", "#0", "detectedSourceLanguage", NULL)), "ar");
    reply_free(&r);
}

static void google_refuses_a_bad_key(void **state)
{
    (void)state;
    struct reply r;
    const char *q = "{\"q\":[\"في\"],\"source\":\"ar\",\"target\":\"en\",\"format\":\"text\"}";
    request(&r, "POST", "/language/translate/v2?key=wrong", json_hdr, q, 0);
    assert_int_equal(r.status, 400);
    assert_string_equal(STR(get(r.json, "error", "status", NULL)), "INVALID_ARGUMENT");
    assert_string_equal(STR(get(r.json, "error", "details", "#0", "reason", NULL)),
                        "API_KEY_INVALID");
    reply_free(&r);
    request(&r, "POST", "/language/translate/v2", json_hdr, q, 0);
    assert_int_equal(r.status, 403);
    assert_string_equal(STR(get(r.json, "error", "status", NULL)), "PERMISSION_DENIED");
    reply_free(&r);
    const char *const quota[] = {"Content-Type: application/json", "X-Fake-Fault: quota", NULL};
    request(&r, "POST", "/language/translate/v2?key=" KEY, quota, q, 0);
    assert_int_equal(r.status, 403);
    assert_string_equal(STR(get(r.json, "error", "errors", "#0", "reason", NULL)),
                        "dailyLimitExceeded");
    reply_free(&r);
}

/* ---- Microsoft ---------------------------------------------------------------------------- */

static void microsoft_answers_in_kind(void **state)
{
    (void)state;
    struct reply r;
    const char *const h[] = {"Content-Type: application/json; charset=UTF-8",
                             "Ocp-Apim-Subscription-Key: " KEY,
                             "Ocp-Apim-Subscription-Region: " REGION, NULL};
    request(&r, "POST", "/translate?api-version=3.0&from=ar&to=en&textType=html", h,
            "[{\"Text\":\"قال المبعوث <span class=\\\"notranslate\\\">Steve Witkoff</span>\"},"
            "{\"Text\":\"في\"}]",
            0);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_array_size(r.json), 2);
    assert_string_equal(STR(get(r.json, "#0", "translations", "#0", "text", NULL)),
                        "Said the envoy <span class=\"notranslate\">Steve Witkoff</span>");
    assert_string_equal(STR(get(r.json, "#0", "translations", "#0", "to", NULL)), "en");
    assert_null(get(r.json, "#0", "detectedLanguage", NULL));
    reply_free(&r);
}

static void microsoft_refuses_a_bad_key(void **state)
{
    (void)state;
    struct reply r;
    const char *const wrong_key[] = {"Content-Type: application/json",
                                     "Ocp-Apim-Subscription-Key: wrong",
                                     "Ocp-Apim-Subscription-Region: " REGION, NULL};
    const char *const no_region[] = {"Content-Type: application/json",
                                     "Ocp-Apim-Subscription-Key: " KEY, NULL};
    const char *const *cases[] = {wrong_key, no_region};
    for (size_t i = 0; i < 2; i++) {
        request(&r, "POST", "/microsoft/translate?api-version=3.0&from=ar&to=en", cases[i],
                "[{\"Text\":\"في\"}]", 0);
        assert_int_equal(r.status, 401);
        assert_int_equal(json_integer_value(get(r.json, "error", "code", NULL)), 401000);
        reply_free(&r);
    }
    /* more than 50,000 characters in one request */
    size_t n = 50001;
    char *big = malloc(n + 32);
    strcpy(big, "[{\"Text\":\"");
    memset(big + 10, 'a', n);
    strcpy(big + 10 + n, "\"}]");
    const char *const h[] = {"Content-Type: application/json", "Ocp-Apim-Subscription-Key: " KEY,
                             "Ocp-Apim-Subscription-Region: " REGION, NULL};
    request(&r, "POST", "/translate?api-version=3.0&from=ar&to=en", h, big, 0);
    free(big);
    assert_int_equal(r.status, 400);
    assert_int_equal(json_integer_value(get(r.json, "error", "code", NULL)) / 1000, 400);
    reply_free(&r);
}

/* ---- MyMemory ----------------------------------------------------------------------------- */

static void mymemory_answers_in_kind(void **state)
{
    (void)state;
    struct reply r;
    /* q = "قال المبعوث ⟦1⟧" */
    request(&r, "GET",
            "/get?q=%D9%82%D8%A7%D9%84%20%D8%A7%D9%84%D9%85%D8%A8%D8%B9%D9%88%D8%AB%20%E2%9F%A6"
            "1%E2%9F%A7&langpair=ar%7Cen",
            NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(STR(get(r.json, "responseData", "translatedText", NULL)),
                        "Said the envoy ⟦1⟧");
    assert_int_equal(json_integer_value(get(r.json, "responseStatus", NULL)), 200);
    assert_true(json_is_false(get(r.json, "quotaFinished", NULL)));
    reply_free(&r);
}

static void mymemory_refuses_what_it_refuses(void **state)
{
    (void)state;
    struct reply r;
    /* 251 Arabic letters: 502 bytes, over the 500-byte limit; still HTTP 200 */
    char path[4096] = "/mymemory/get?langpair=ar|en&q=";
    for (int i = 0; i < 251; i++)
        strcat(path, "%D9%82");
    request(&r, "GET", path, NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(STR(get(r.json, "responseStatus", NULL)), "403");
    assert_non_null(strstr(STR(get(r.json, "responseData", "translatedText", NULL)),
                           "QUERY LENGTH LIMIT EXCEEDED"));
    reply_free(&r);
    /* the daily quota: a warning where the translation should be */
    const char *const quota[] = {"X-Fake-Fault: quota", NULL};
    request(&r, "GET", "/get?q=%D9%82&langpair=ar|en", quota, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_true(json_is_true(get(r.json, "quotaFinished", NULL)));
    assert_int_equal(
        strncmp(STR(get(r.json, "responseData", "translatedText", NULL)), "MYMEMORY WARNING", 16),
        0);
    reply_free(&r);
}

/* ---- OpenAI-compatible -------------------------------------------------------------------- */

static const char *const openai_hdr[] = {"Content-Type: application/json",
                                         "Authorization: Bearer " KEY, NULL};

#define CHAT(user)                                                                                 \
    "{\"model\":\"" MODEL "\",\"temperature\":0,\"messages\":[{\"role\":\"system\",\"content\":"   \
    "\"Translate each string of the JSON array from Arabic to English.\"},{\"role\":\"user\","     \
    "\"content\":\"" user "\"}]}"

static void openai_answers_in_kind(void **state)
{
    (void)state;
    struct reply r;
    request(&r, "POST", "/v1/chat/completions", openai_hdr,
            CHAT("[\\\"قال <span translate=\\\\\\\"no\\\\\\\">Rustem Umerov</span>\\\", "
                 "\\\"في\\\"]"),
            0);
    assert_int_equal(r.status, 200);
    assert_string_equal(STR(get(r.json, "choices", "#0", "finish_reason", NULL)), "stop");
    json_t *a = json_loads(STR(get(r.json, "choices", "#0", "message", "content", NULL)), 0, NULL);
    assert_true(json_is_array(a));
    assert_int_equal(json_array_size(a), 2);
    assert_string_equal(STR(json_array_get(a, 0)),
                        "Said <span translate=\"no\">Rustem Umerov</span>");
    json_decref(a);
    reply_free(&r);

    /* the fence fault wraps the same array in a code block */
    const char *const fenced[] = {"Content-Type: application/json", "Authorization: Bearer " KEY,
                                  "X-Fake-Fault: fence", NULL};
    request(&r, "POST", "/openai/v1/chat/completions", fenced, CHAT("[\\\"في\\\"]"), 0);
    assert_int_equal(r.status, 200);
    assert_string_equal(STR(get(r.json, "choices", "#0", "message", "content", NULL)),
                        "```json\n[\"In\"]\n```");
    reply_free(&r);
}

static void openai_refuses_a_bad_key(void **state)
{
    (void)state;
    struct reply r;
    const char *const bad[] = {"Content-Type: application/json",
                               "Authorization: Bearer sk-wrong-secret-key", NULL};
    request(&r, "POST", "/v1/chat/completions", bad, CHAT("[\\\"في\\\"]"), 0);
    assert_int_equal(r.status, 401);
    assert_string_equal(STR(get(r.json, "error", "code", NULL)), "invalid_api_key");
    assert_null(strstr(r.body, "wrong-secret")); /* the key is never echoed whole */
    reply_free(&r);

    const char *const quota[] = {"Content-Type: application/json", "Authorization: Bearer " KEY,
                                 "X-Fake-Fault: quota", NULL};
    request(&r, "POST", "/v1/chat/completions", quota, CHAT("[\\\"في\\\"]"), 0);
    assert_int_equal(r.status, 429);
    assert_string_equal(STR(get(r.json, "error", "code", NULL)), "insufficient_quota");
    reply_free(&r);
}

/* ---- faults ------------------------------------------------------------------------------- */

static const char *const lt_body =
    "{\"q\":\"في\",\"source\":\"ar\",\"target\":\"en\",\"api_key\":\"" KEY "\"}";

static void rate_limit_says_when_to_retry(void **state)
{
    (void)state;
    struct reply r;
    const char *const with[] = {"Content-Type: application/json",
                                "X-Fake-Fault: 429; retry-after=2", NULL};
    request(&r, "POST", "/translate", with, lt_body, 0);
    assert_int_equal(r.status, 429);
    assert_true(r.has_retry_after);
    assert_string_equal(r.retry_after, "2");
    assert_non_null(get(r.json, "error", NULL));
    reply_free(&r);

    const char *const without[] = {"Content-Type: application/json", "X-Fake-Fault: 429", NULL};
    request(&r, "POST", "/translate", without, lt_body, 0);
    assert_int_equal(r.status, 429);
    assert_false(r.has_retry_after);
    reply_free(&r);
}

static void latency_is_honoured(void **state)
{
    (void)state;
    struct reply r;
    request(&r, "POST", "/translate", json_hdr, lt_body, 0);
    assert_int_equal(r.status, 200);
    double plain = r.seconds;
    reply_free(&r);
    assert_true(plain < 0.25);

    const char *const slow[] = {"Content-Type: application/json", "X-Fake-Fault: latency=400",
                                NULL};
    request(&r, "POST", "/translate", slow, lt_body, 0);
    assert_int_equal(r.status, 200);
    assert_true(r.seconds >= 0.39); /* the fake counts whole milliseconds */
    assert_true(r.seconds < 0.4 + 1.5);
    reply_free(&r);
}

static void hung_and_truncated_answers_fail_the_client(void **state)
{
    (void)state;
    struct reply r;
    const char *const hang[] = {"Content-Type: application/json", "X-Fake-Fault: hang", NULL};
    request(&r, "POST", "/translate", hang, lt_body, 500);
    assert_int_equal(r.rc, CURLE_OPERATION_TIMEDOUT);
    assert_true(r.seconds < 3.0);
    reply_free(&r);

    const char *const cut[] = {"Content-Type: application/json", "X-Fake-Fault: truncated", NULL};
    request(&r, "POST", "/translate", cut, lt_body, 0);
    assert_int_equal(r.rc, CURLE_PARTIAL_FILE);
    reply_free(&r);
}

static void stats_count_requests_and_billed_characters(void **state)
{
    (void)state;
    struct reply r;
    /* a hung request of an earlier test ends when the fake sees its client gone */
    for (int i = 0; i < 40; i++) {
        request(&r, "GET", "/_stats", NULL, NULL, 0);
        long busy = (long)json_integer_value(get(r.json, "in_flight", NULL));
        reply_free(&r);
        if (!busy)
            break;
        usleep(50000);
    }
    request(&r, "POST", "/_reset", NULL, "", 0);
    assert_int_equal(r.status, 200);
    reply_free(&r);

    /* 2 segments of 3 + 2 characters, billed; then a 503 that bills nothing */
    request(&r, "POST", "/v2/translate", deepl_hdr,
            "{\"text\":[\"قال\",\"في\"],\"target_lang\":\"EN-US\",\"context\":\"ليس محسوبا\"}", 0);
    assert_int_equal(r.status, 200);
    reply_free(&r);
    const char *const down[] = {"Content-Type: application/json",
                                "Authorization: DeepL-Auth-Key " KEY, "X-Fake-Fault: 503", NULL};
    request(&r, "POST", "/v2/translate", down, "{\"text\":[\"قال\"],\"target_lang\":\"EN-US\"}", 0);
    assert_int_equal(r.status, 503);
    reply_free(&r);

    request(&r, "GET", "/_stats", NULL, NULL, 0);
    assert_int_equal(r.status, 200);
    assert_int_equal(json_integer_value(get(r.json, "requests", NULL)), 2);
    assert_int_equal(json_integer_value(get(r.json, "segments", NULL)), 3);
    assert_int_equal(json_integer_value(get(r.json, "characters", NULL)), 8);
    assert_int_equal(json_integer_value(get(r.json, "billed_segments", NULL)), 2);
    assert_int_equal(json_integer_value(get(r.json, "billed_characters", NULL)), 5);
    assert_int_equal(json_integer_value(get(r.json, "protocols", "deepl", "status", "503", NULL)),
                     1);
    assert_int_equal(json_integer_value(get(r.json, "protocols", "google", "requests", NULL)), 0);
    reply_free(&r);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_fake PATH-TO-fake_provider\n");
        return 2;
    }
    fake_path = argv[1];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(libretranslate_answers_in_kind),
        cmocka_unit_test(libretranslate_refuses_a_bad_key),
        cmocka_unit_test(deepl_answers_in_kind),
        cmocka_unit_test(deepl_refuses_a_bad_key),
        cmocka_unit_test(google_answers_in_kind),
        cmocka_unit_test(google_refuses_a_bad_key),
        cmocka_unit_test(microsoft_answers_in_kind),
        cmocka_unit_test(microsoft_refuses_a_bad_key),
        cmocka_unit_test(mymemory_answers_in_kind),
        cmocka_unit_test(mymemory_refuses_what_it_refuses),
        cmocka_unit_test(openai_answers_in_kind),
        cmocka_unit_test(openai_refuses_a_bad_key),
        cmocka_unit_test(rate_limit_says_when_to_retry),
        cmocka_unit_test(latency_is_honoured),
        cmocka_unit_test(hung_and_truncated_answers_fail_the_client),
        cmocka_unit_test(stats_count_requests_and_billed_characters),
    };
    int failed = cmocka_run_group_tests(tests, start_fake, stop_fake);
    curl_global_cleanup();
    return failed;
}
