/* The configuration file: values read, precedence left to the caller, errors with lines,
 * keys from key files, and a warning flag for files others can read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "configfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

static char *write_file(const char *name, const char *text, mode_t mode)
{
    char *path = malloc(128);
    snprintf(path, 128, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
    return path;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/tarjim-config-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void test_values(void **state)
{
    (void)state;
    char *key = write_file("deepl.key", "\n  sekrit-key:fx  \nsecond line\n", 0600);
    char text[512];
    snprintf(text, sizeof text,
             "# the desk's settings\n"
             "provider = deepl\n"
             "fallback = google, offline\n"
             "jobs = 8\n"
             "timeout = 12.5\n"
             "\n"
             "[deepl]\n"
             "api_key_file = %s\n"
             "url = https://api-free.deepl.com\n"
             "chars_per_minute = 30000\n"
             "[microsoft]\n"
             "api_key = abc\n"
             "region = westeurope\n",
             key);
    char *path = write_file("config", text, 0600);
    struct tj_config c;
    struct tj_diag d;
    assert_int_equal(tj_config_load(&c, path, true, &d), TJ_OK);
    assert_string_equal(c.provider, "deepl");
    assert_string_equal(c.fallback, "google, offline");
    assert_int_equal(c.jobs, 8);
    assert_true(c.timeout == 12.5);
    assert_int_equal(c.nproviders, 2);
    const struct tj_config_provider *p = tj_config_find(&c, "deepl");
    assert_non_null(p);
    assert_string_equal(p->url, "https://api-free.deepl.com");
    assert_true(p->chars_per_min == 30000);
    char *k;
    bool exposed;
    assert_int_equal(tj_config_key(p, &k, &exposed, &d), TJ_OK);
    assert_string_equal(k, "sekrit-key:fx");
    assert_false(exposed);
    free(k);
    p = tj_config_find(&c, "microsoft");
    assert_string_equal(p->region, "westeurope");
    assert_int_equal(tj_config_key(p, &k, NULL, &d), TJ_OK);
    assert_string_equal(k, "abc");
    free(k);
    assert_null(tj_config_find(&c, "google"));
    /* mode 0600 with a key: not exposed; 0644: exposed. */
    assert_false(c.readable_by_others);
    tj_config_finish(&c);
    chmod(path, 0644);
    assert_int_equal(tj_config_load(&c, path, true, &d), TJ_OK);
    assert_true(c.readable_by_others);
    tj_config_finish(&c);
    chmod(key, 0644);
    assert_int_equal(tj_config_load(&c, path, true, &d), TJ_OK);
    assert_int_equal(tj_config_key(tj_config_find(&c, "deepl"), &k, &exposed, &d), TJ_OK);
    assert_true(exposed);
    free(k);
    tj_config_finish(&c);
    free(path);
    free(key);
}

/* Each bad file is refused with its line and what is wrong. */
static void test_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"provider = deepl\njbos = 4\n", ":2: unknown key 'jbos'"},
        {"[deepl]\nurl = x\n[deeepl]\nurl = y\n", ":4: unknown provider section [deeepl]"},
        {"jobs = many\n", ":1: jobs must be a number"},
        {"jobs = 0\n", ":1: jobs must be a number"},
        {"[google]\napi-key = k\n", ":2: unknown key 'api-key' in [google]"},
        {"[openai]\nrequests_per_second = fast\n", ":2: requests_per_second must be a number"},
        {"provider = deepl\nthis is not ini\n", ":2: not a 'key = value' line"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = write_file("bad", cases[i].text, 0600);
        struct tj_config c;
        struct tj_diag d;
        assert_int_equal(tj_config_load(&c, path, true, &d), TJ_ERR_CONFIG);
        if (!strstr(d.message, cases[i].want))
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, d.message, cases[i].want);
        assert_non_null(strstr(d.message, path));
        free(path);
    }
}

static void test_missing_and_key_file(void **state)
{
    (void)state;
    struct tj_config c;
    struct tj_diag d;
    char path[128];
    snprintf(path, sizeof path, "%s/none", dir);
    assert_int_equal(tj_config_load(&c, path, false, &d), TJ_OK);
    assert_int_equal(c.nproviders, 0);
    assert_null(c.provider);
    tj_config_finish(&c);
    assert_int_equal(tj_config_load(&c, path, true, &d), TJ_ERR_NOINPUT);
    char text[256];
    snprintf(text, sizeof text, "[deepl]\napi_key_file = %s/nokey\n", dir);
    char *cfg = write_file("cfg2", text, 0600);
    assert_int_equal(tj_config_load(&c, cfg, true, &d), TJ_OK);
    char *k;
    assert_int_equal(tj_config_key(tj_config_find(&c, "deepl"), &k, NULL, &d), TJ_ERR_CONFIG);
    assert_non_null(strstr(d.message, "nokey"));
    assert_null(k);
    tj_config_finish(&c);
    free(cfg);
    setenv("XDG_CONFIG_HOME", "/x/y", 1);
    char *def = tj_config_default_path();
    assert_string_equal(def, "/x/y/tarjim/config");
    free(def);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_missing_and_key_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
