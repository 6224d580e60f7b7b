/* INI parsing through libinih's callback; the callback records the first error, and
 * ini_parse reports the line it stopped on. */
#include "configfile.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct parse {
    struct tj_config *c;
    char error[256];
};

static bool read_double(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || end == v || *end || d < 0 || d > 1e12)
        return false;
    *out = d;
    return true;
}

static bool read_unsigned(const char *v, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || end == v || *end || *v == '-' || n == 0 || n > max)
        return false;
    *out = (unsigned)n;
    return true;
}

static void set(char **field, const char *v)
{
    free(*field);
    *field = tj_xstrdup(v);
}

static struct tj_config_provider *section(struct tj_config *c, const char *name)
{
    for (size_t i = 0; i < c->nproviders; i++)
        if (strcmp(c->providers[i].name, name) == 0)
            return &c->providers[i];
    c->providers = tj_xreallocarray(c->providers, c->nproviders + 1, sizeof *c->providers);
    struct tj_config_provider *p = &c->providers[c->nproviders++];
    memset(p, 0, sizeof *p);
    p->name = tj_xstrdup(name);
    return p;
}

static int on_value(void *user, const char *sec, const char *key, const char *value)
{
    struct parse *ps = user;
    struct tj_config *c = ps->c;
    if (!*sec) {
        if (strcmp(key, "provider") == 0) {
            set(&c->provider, value);
        } else if (strcmp(key, "fallback") == 0) {
            set(&c->fallback, value);
        } else if (strcmp(key, "jobs") == 0) {
            if (!read_unsigned(value, 256, &c->jobs)) {
                snprintf(ps->error, sizeof ps->error, "jobs must be a number from 1 to 256");
                return 0;
            }
        } else if (strcmp(key, "timeout") == 0) {
            if (!read_double(value, &c->timeout) || c->timeout <= 0) {
                snprintf(ps->error, sizeof ps->error, "timeout must be a positive number");
                return 0;
            }
        } else {
            snprintf(ps->error, sizeof ps->error,
                     "unknown key '%.64s' (top level: provider, fallback, jobs, timeout)", key);
            return 0;
        }
        return 1;
    }
    /* The providers of the contract (the configuration file sits below the engines, so it knows
     * their names, not their table). */
    static const char *const known[] = {"offline",   "libretranslate", "deepl",    "google",
                                        "microsoft", "mymemory",       "apertium", "openai"};
    bool found = false;
    for (size_t i = 0; i < TJ_ARRAY_LEN(known) && !found; i++)
        found = strcmp(sec, known[i]) == 0;
    if (!found) {
        snprintf(ps->error, sizeof ps->error, "unknown provider section [%.64s]", sec);
        return 0;
    }
    struct tj_config_provider *p = section(c, sec);
    if (!key) /* a section header alone */
        return 1;
    char **fields[] = {&p->url,   &p->api_key, &p->api_key_file, &p->region,
                       &p->model, &p->email,   &p->langpair};
    static const char *const names[] = {"url",   "api_key", "api_key_file", "region",
                                        "model", "email",   "langpair"};
    for (size_t i = 0; i < TJ_ARRAY_LEN(names); i++)
        if (strcmp(key, names[i]) == 0) {
            set(fields[i], value);
            return 1;
        }
    double *rate = strcmp(key, "requests_per_second") == 0 ? &p->requests_per_sec
                   : strcmp(key, "chars_per_minute") == 0  ? &p->chars_per_min
                                                           : NULL;
    if (rate) {
        if (!read_double(value, rate)) {
            snprintf(ps->error, sizeof ps->error, "%.32s must be a number", key);
            return 0;
        }
        return 1;
    }
    snprintf(ps->error, sizeof ps->error,
             "unknown key '%.64s' in [%.64s] (url, api_key, api_key_file, region, model, email, "
             "langpair, requests_per_second, chars_per_minute)",
             key, sec);
    return 0;
}

enum tj_status tj_config_load(struct tj_config *c, const char *path, bool must_exist,
                              struct tj_diag *diag)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT && !must_exist)
            return TJ_OK;
        return tj_diag_set(diag, errno == ENOENT ? TJ_ERR_NOINPUT : TJ_ERR_CONFIG, "%s: %s", path,
                           strerror(errno));
    }
    struct stat sb;
    if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > (1 << 20)) {
        fclose(f);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: larger than 1 MiB", path);
    }
    struct parse ps = {c, ""};
    int line = ini_parse_file(f, on_value, &ps);
    fclose(f);
    if (line != 0) {
        tj_config_finish(c);
        if (line < 0)
            return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: cannot be read", path);
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%d: %s", path, line,
                           ps.error[0] ? ps.error : "not a 'key = value' line or [section]");
    }
    c->path = tj_xstrdup(path);
    bool keys = false;
    for (size_t i = 0; i < c->nproviders; i++)
        keys |= c->providers[i].api_key != NULL;
    c->readable_by_others = keys && (sb.st_mode & (S_IRGRP | S_IROTH));
    return TJ_OK;
}

void tj_config_finish(struct tj_config *c)
{
    for (size_t i = 0; i < c->nproviders; i++) {
        struct tj_config_provider *p = &c->providers[i];
        free(p->name);
        free(p->url);
        free(p->api_key);
        free(p->api_key_file);
        free(p->region);
        free(p->model);
        free(p->email);
        free(p->langpair);
    }
    free(c->providers);
    free(c->path);
    free(c->provider);
    free(c->fallback);
    memset(c, 0, sizeof *c);
}

char *tj_config_default_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg == '/')
        return tj_xasprintf("%s/tarjim/config", xdg);
    const char *home = getenv("HOME");
    if (home && *home)
        return tj_xasprintf("%s/.config/tarjim/config", home);
    return NULL;
}

const struct tj_config_provider *tj_config_find(const struct tj_config *c, const char *name)
{
    for (size_t i = 0; i < c->nproviders; i++)
        if (strcmp(c->providers[i].name, name) == 0)
            return &c->providers[i];
    return NULL;
}

enum tj_status tj_config_key(const struct tj_config_provider *cp, char **key_out, bool *exposed,
                             struct tj_diag *diag)
{
    *key_out = NULL;
    if (exposed)
        *exposed = false;
    if (!cp)
        return TJ_OK;
    if (cp->api_key) {
        *key_out = tj_xstrdup(cp->api_key);
        return TJ_OK;
    }
    if (!cp->api_key_file)
        return TJ_OK;
    FILE *f = fopen(cp->api_key_file, "r");
    if (!f)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "[%s] api_key_file %s: %s", cp->name,
                           cp->api_key_file, strerror(errno));
    struct stat sb;
    if (exposed && fstat(fileno(f), &sb) == 0)
        *exposed = (sb.st_mode & (S_IRGRP | S_IROTH)) != 0;
    char buf[4097];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *s = buf;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t len = strcspn(s, "\r\n");
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (len == 0)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "[%s] api_key_file %s: empty", cp->name,
                           cp->api_key_file);
    *key_out = tj_xstrndup(s, len);
    /* Clear the copy on the stack. */
    volatile char *v = buf;
    for (size_t i = 0; i < sizeof buf; i++)
        v[i] = 0;
    return TJ_OK;
}
