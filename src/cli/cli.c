/* Shared command-line plumbing. */
#include "cli.h"

#include "config.h"
#include "input.h"
#include "pipeline.h"
#include "provider.h"
#include "segment.h"
#include "srx.h"
#include "tm.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void (*tj_cli_before_message)(void);

void tj_cli_error(const char *fmt, ...)
{
    if (tj_cli_before_message)
        tj_cli_before_message();
    va_list ap;
    va_start(ap, fmt);
    fputs("tarjim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void tj_cli_note(const char *fmt, ...)
{
    if (tj_cli_before_message)
        tj_cli_before_message();
    va_list ap;
    va_start(ap, fmt);
    fputs("tarjim: note: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int tj_cli_usage(const struct tj_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "tarjim %s: ", cmd->name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'tarjim %s --help'.\n", cmd->name);
    va_end(ap);
    return TJ_EXIT_USAGE;
}

int tj_cli_bad_option(const struct tj_cmd *cmd, int c, char *const *argv)
{
    return tj_cli_usage(cmd, c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
                        argv[optind - 1]);
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tj_cli_data_dir(void)
{
    static char dir[PATH_MAX];
    if (dir[0])
        return dir;
    const char *env = getenv("TARJIM_DATA_DIR");
    if (env && *env) {
        snprintf(dir, sizeof dir, "%s", env);
        return dir;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    bool installed = false;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            installed = strcmp(exe, TJ_BIN_DIR) == 0;
        }
    }
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/glossaries", TJ_SOURCE_DIR);
    if (!installed && is_dir(probe))
        snprintf(dir, sizeof dir, "%s", TJ_SOURCE_DIR);
    else
        snprintf(dir, sizeof dir, "%s", TJ_DATA_DIR);
    return dir;
}

const char *tj_cli_freedict_dir(void)
{
    const char *env = getenv("TARJIM_FREEDICT_DIR");
    return env && *env ? env : TJ_FREEDICT_DIR;
}

void tj_cli_glossaries_add(struct tj_cli_glossaries *gl, const char *file)
{
    gl->files = tj_xreallocarray(gl->files, gl->n + 1, sizeof *gl->files);
    gl->files[gl->n++] = file;
}

void tj_cli_glossaries_finish(struct tj_cli_glossaries *gl)
{
    free(gl->files);
    gl->files = NULL;
    gl->n = 0;
}

void tj_cli_engine_init(struct tj_cli_engine *e)
{
    memset(e, 0, sizeof *e);
}

void tj_cli_engine_finish(struct tj_cli_engine *e)
{
    tj_cli_glossaries_finish(&e->glossaries);
    if (e->config_loaded)
        tj_config_finish(&e->config);
    for (size_t i = 0; i < e->nowned; i++) {
        volatile char *k = e->owned[i];
        while (*k)
            *k++ = 0;
        free(e->owned[i]);
    }
    free(e->owned);
    e->owned = NULL;
    e->nowned = 0;
}

bool tj_cli_engine_option(struct tj_cli_engine *e, int c, const char *arg)
{
    switch (c) {
    case 'p':
        e->provider = arg;
        return true;
    case 'u':
        e->url = arg;
        return true;
    case 'k':
        e->api_key = arg;
        return true;
    case 'g':
        tj_cli_glossaries_add(&e->glossaries, arg);
        return true;
    case 'G':
        e->glossaries.no_default = true;
        return true;
    case 'Y':
        e->glossaries.date = arg;
        return true;
    case 'P':
        e->glossaries.proposed = true;
        return true;
    case 'C':
        e->config_path = arg;
        return true;
    case 'F':
        e->fallback = arg;
        return true;
    case TJ_CLI_OPT_TM:
        e->tm_path = arg;
        e->no_tm = false;
        return true;
    case TJ_CLI_OPT_NO_TM:
        e->no_tm = true;
        return true;
    case 'N':
        e->native_glossary = true;
        return true;
    default:
        return false;
    }
}

/* Loads the configuration file once: --config must exist, the default path may not. */
static int load_config(struct tj_cli_engine *e)
{
    if (e->config_loaded)
        return 0;
    char *def = e->config_path ? NULL : tj_config_default_path();
    const char *path = e->config_path ? e->config_path : def;
    struct tj_diag diag;
    enum tj_status rc = TJ_OK;
    if (path)
        rc = tj_config_load(&e->config, path, e->config_path != NULL, &diag);
    else
        memset(&e->config, 0, sizeof e->config);
    free(def);
    if (rc != TJ_OK) {
        tj_cli_error("%s", diag.message);
        return rc == TJ_ERR_NOINPUT ? TJ_EXIT_NOINPUT : TJ_EXIT_CONFIG;
    }
    e->config_loaded = true;
    if (e->config.readable_by_others)
        tj_cli_error("warning: %s holds an API key and others can read it (chmod 600 it)",
                     e->config.path);
    return 0;
}

int tj_cli_engine_config(struct tj_cli_engine *e, const struct tj_provider_ops *ops, bool primary,
                         struct tj_provider_config *cfg, const char **key_from)
{
    int status = load_config(e);
    if (status)
        return status;
    *cfg = (struct tj_provider_config){
        .source_lang = "ar",
        .target_lang = "en",
        .freedict_dir = tj_cli_freedict_dir(),
        .native_glossary = e->native_glossary,
    };
    if (primary) {
        cfg->url = e->url;
        cfg->api_key = e->api_key;
    }
    if (key_from)
        *key_from = cfg->api_key ? "--api-key" : NULL;
    unsigned from_env = tj_provider_env_apply(ops, cfg, NULL, NULL);
    if (key_from && !*key_from && (from_env & (1u << TJ_PCFG_API_KEY)))
        *key_from = tj_provider_env_var(ops, TJ_PCFG_API_KEY);
    const struct tj_config_provider *cp =
        tj_config_find(&e->config, tj_provider_class_info(ops)->name);
    if (!cp)
        return 0;
    if (!cfg->url)
        cfg->url = cp->url;
    if (!cfg->region)
        cfg->region = cp->region;
    if (!cfg->model)
        cfg->model = cp->model;
    if (!cfg->email)
        cfg->email = cp->email;
    cfg->langpair = cp->langpair;
    cfg->requests_per_sec = cp->requests_per_sec;
    cfg->chars_per_min = cp->chars_per_min;
    if (!cfg->api_key) {
        char *key;
        bool exposed;
        struct tj_diag diag;
        if (tj_config_key(cp, &key, &exposed, &diag) != TJ_OK) {
            tj_cli_error("%s: %s", e->config.path, diag.message);
            return TJ_EXIT_CONFIG;
        }
        if (key) {
            if (exposed)
                tj_cli_error("warning: %s: others can read %s (chmod 600 it)", e->config.path,
                             cp->api_key_file);
            e->owned = tj_xreallocarray(e->owned, e->nowned + 1, sizeof *e->owned);
            e->owned[e->nowned++] = key;
            cfg->api_key = key;
            if (key_from)
                *key_from = "config file";
        }
    }
    return 0;
}

/* The chosen provider's name: -p, $TARJIM_PROVIDER, the file's provider, offline. */
static const char *chosen_name(const struct tj_cli_engine *e)
{
    if (e->provider)
        return e->provider;
    const char *env = getenv("TARJIM_PROVIDER");
    if (env && *env)
        return env;
    if (e->config.provider)
        return e->config.provider;
    return "offline";
}

int tj_cli_engine_resolve(struct tj_cli_engine *e, const struct tj_cmd *cmd,
                          const struct tj_provider_ops **ops, struct tj_provider_config *cfg)
{
    int status = load_config(e);
    if (status)
        return status;
    const char *name = chosen_name(e);
    *ops = tj_provider_find(name);
    if (!*ops)
        return tj_cli_usage(cmd, "unknown provider '%s' (see 'tarjim providers')", name);
    return tj_cli_engine_config(e, *ops, true, cfg, NULL);
}

/* Creates one provider of the chain; prints why it cannot be. */
static int create_one(struct tj_cli_engine *e, const struct tj_provider_ops *ops, bool primary,
                      struct tj_provider **out)
{
    struct tj_provider_config cfg;
    int status = tj_cli_engine_config(e, ops, primary, &cfg, NULL);
    if (status)
        return status;
    struct tj_diag diag;
    enum tj_status rc = tj_provider_create(ops, &cfg, out, &diag);
    if (rc != TJ_OK) {
        tj_cli_error("provider %s: %s", tj_provider_class_info(ops)->name, diag.message);
        return tj_status_exit_code(rc);
    }
    return 0;
}

int tj_cli_engine_chain(struct tj_cli_engine *e, const struct tj_cmd *cmd,
                        struct tj_provider ***chain, size_t *n)
{
    *chain = NULL;
    *n = 0;
    const struct tj_provider_ops *ops;
    struct tj_provider_config cfg;
    int status = tj_cli_engine_resolve(e, cmd, &ops, &cfg);
    if (status)
        return status;
    const char *list = e->fallback ? e->fallback : e->config.fallback;
    size_t cap = 2; /* the chosen provider, and one more than the commas */
    for (const char *c = list; c && *c; c++)
        cap += *c == ',';
    struct tj_provider **v = tj_xcalloc(cap, sizeof *v);
    size_t k = 0;
    status = create_one(e, ops, true, &v[k]);
    if (status)
        goto out;
    k++;
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, ",");
        const char *q = p;
        size_t l = len;
        while (l && (*q == ' ' || *q == '\t'))
            q++, l--;
        while (l && (q[l - 1] == ' ' || q[l - 1] == '\t'))
            l--;
        p += len + (p[len] == ',');
        if (l == 0)
            continue;
        char *name = tj_xstrndup(q, l);
        const struct tj_provider_ops *fo = tj_provider_find(name);
        if (!fo) {
            status = tj_cli_usage(cmd, "unknown provider '%s' in --fallback", name);
            free(name);
            goto out;
        }
        free(name);
        bool dup = false;
        for (size_t i = 0; i < k; i++)
            dup |= tj_provider_class(v[i]) == fo;
        if (dup)
            continue;
        status = create_one(e, fo, false, &v[k]);
        if (status)
            goto out;
        k++;
    }
out:
    if (status) {
        for (size_t i = 0; i < k; i++)
            tj_provider_destroy(v[i]);
        free(v);
        return status;
    }
    *chain = v;
    *n = k;
    return 0;
}

unsigned tj_cli_engine_jobs(const struct tj_cli_engine *e)
{
    return e->config_loaded ? e->config.jobs : 0;
}

double tj_cli_engine_timeout(const struct tj_cli_engine *e)
{
    return e->config_loaded ? e->config.timeout : 0;
}

int tj_cli_tm_open(const struct tj_cli_engine *e, struct tj_tm **out)
{
    *out = NULL;
    if (e->no_tm)
        return 0;
    const char *path = e->tm_path;
    const char *env = getenv("TARJIM_TM");
    if (!path && env && *env) {
        if (strcmp(env, "off") == 0)
            return 0;
        path = env;
    }
    char *def = NULL;
    struct tj_diag diag;
    if (!path) {
        def = tj_tm_default_path();
        if (!def) {
            tj_cli_note("no translation memory: neither XDG_DATA_HOME nor HOME is set (use --tm "
                        "FILE)");
            return 0;
        }
        if (tj_tm_make_parent(def, &diag) != TJ_OK) {
            /* Nobody asked for this one: the run goes on without it, and says so. */
            tj_cli_note("no translation memory: %s (use --tm FILE)", diag.message);
            free(def);
            return 0;
        }
        path = def;
    }
    enum tj_status rc = tj_tm_open(path, out, &diag);
    free(def);
    if (rc != TJ_OK) {
        tj_cli_error("%s", diag.message);
        return TJ_EXIT_CONFIG;
    }
    return 0;
}

int tj_cli_tm_report(const struct tj_tm *tm)
{
    size_t lost;
    const char *msg = tm ? tj_tm_error(tm, &lost) : NULL;
    if (!msg)
        return 0;
    if (lost)
        tj_cli_error("%s (%zu translation%s not stored: a rerun sends them again)", msg, lost,
                     lost == 1 ? "" : "s");
    else
        tj_cli_error("%s", msg);
    return tj_tm_error_status(tm) == TJ_ERR_CONFIG ? TJ_EXIT_CONFIG : TJ_EXIT_IOERR;
}

int tj_cli_load_glossaries(const struct tj_cli_glossaries *gl, struct tj_glossary **out)
{
    uint32_t date = 0;
    if (gl->date && !tj_glossary_parse_date(gl->date, &date)) {
        tj_cli_error("--date '%s': expected a day as YYYY-MM-DD", gl->date);
        return TJ_EXIT_USAGE;
    }
    struct tj_glossary *g = tj_glossary_create();
    tj_glossary_set_date(g, date);
    tj_glossary_set_proposed(g, gl->proposed);
    struct tj_diag diag;
    if (!gl->no_default) {
        char *path = tj_xasprintf("%s/glossaries/news-ar-en.tsv", tj_cli_data_dir());
        enum tj_status rc = tj_glossary_load_file(g, path, &diag);
        free(path);
        if (rc != TJ_OK) {
            tj_cli_error("bundled glossary: %s (set TARJIM_DATA_DIR, or use "
                         "--no-default-glossary)",
                         diag.message);
            tj_glossary_destroy(g);
            return TJ_EXIT_CONFIG;
        }
    }
    for (size_t i = 0; i < gl->n; i++) {
        enum tj_status rc = tj_glossary_load_file(g, gl->files[i], &diag);
        if (rc != TJ_OK) {
            /* A glossary the user named but that cannot be read is bad configuration. */
            tj_cli_error("%s", diag.message);
            tj_glossary_destroy(g);
            return TJ_EXIT_CONFIG;
        }
    }
    *out = g;
    return 0;
}

size_t tj_cli_inputs(int argc, char **argv, const char *const **files)
{
    static const char *const stdin_only[] = {"-"};
    if (optind < argc) {
        *files = (const char *const *)argv + optind;
        return (size_t)(argc - optind);
    }
    *files = stdin_only;
    return 1;
}

int tj_cli_segmenter(const char *srx_path, const char *lang, struct tj_segmenter **out)
{
    *out = NULL;
    if (!srx_path)
        return 0;
    struct tj_srx *srx;
    struct tj_diag diag;
    enum tj_status rc = tj_srx_load(srx_path, &srx, &diag);
    if (rc == TJ_OK) {
        rc = tj_segmenter_create(srx, lang, out, &diag);
        tj_srx_destroy(srx);
        if (rc != TJ_OK) /* the segmenter's messages name the rule's line, not the file */
            tj_cli_error("%s:%s", srx_path, diag.message + strlen("line"));
        else
            return 0;
    } else {
        tj_cli_error("%s", diag.message);
    }
    return rc == TJ_ERR_NOINPUT ? TJ_EXIT_NOINPUT : TJ_EXIT_CONFIG;
}

bool tj_cli_parse_size(const char *arg, size_t min, size_t max, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max)
        return false;
    *out = (size_t)v;
    return true;
}

int tj_cli_read(const char *path, char **data, size_t *len)
{
    struct tj_diag diag;
    enum tj_status rc = tj_input_read(path, data, len, &diag);
    if (rc == TJ_OK)
        return 0;
    tj_cli_error("%s", diag.message);
    return tj_status_exit_code(rc);
}

int tj_cli_write(const struct tj_buf *buf, const char *path)
{
    if (!path) {
        if (buf->len)
            fwrite(buf->data, 1, buf->len, stdout);
        return tj_cli_stdout_check();
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        tj_cli_error("%s: cannot write: %s", path, strerror(errno));
        return TJ_EXIT_CANTCREAT;
    }
    size_t n = buf->len ? fwrite(buf->data, 1, buf->len, f) : 0;
    int bad = n != buf->len;
    bad |= fclose(f) != 0;
    if (bad) {
        tj_cli_error("%s: write error: %s", path, strerror(errno));
        return TJ_EXIT_IOERR;
    }
    return 0;
}

/* Set once the loss of standard output has been reported. */
static bool stdout_lost;

static int stdout_error(int err)
{
    if (err)
        tj_cli_error("<stdout>: write error: %s", strerror(err));
    else
        tj_cli_error("<stdout>: write error");
    stdout_lost = true;
    return TJ_EXIT_IOERR;
}

int tj_cli_stdout_check(void)
{
    if (stdout_lost)
        return TJ_EXIT_IOERR;
    /* A write that failed earlier may have left nothing to flush: its error flag remains, but
     * errno may since have changed, so the reason is given only when the flush itself fails. */
    errno = 0;
    if (fflush(stdout) != 0)
        return stdout_error(errno);
    if (ferror(stdout))
        return stdout_error(0);
    return 0;
}

int tj_cli_stdout_close(int status)
{
    int rc = tj_cli_stdout_check();
    /* Everything is flushed now, so a standard output that was closed before the run (EBADF)
     * lost nothing; any other failure of the close may have lost data. */
    if (fclose(stdout) != 0 && errno != EBADF && !rc)
        rc = stdout_error(errno);
    return rc ? tj_cli_worse(status, rc) : status;
}

int tj_cli_worse(int a, int b)
{
    /* Rank: 0 < partial < everything else, which keeps the first seen. */
    if (a == TJ_EXIT_OK)
        return b;
    if (a == TJ_EXIT_PARTIAL && b != TJ_EXIT_OK)
        return b;
    return a;
}

int tj_cli_put(struct tj_buf *buf, FILE *f, const char *path)
{
    size_t n = buf->len ? fwrite(buf->data, 1, buf->len, f) : 0;
    bool bad = n != buf->len;
    int err = errno;
    tj_buf_reset(buf);
    if (!path)
        return bad || ferror(f) ? tj_cli_stdout_check() : 0;
    if (bad) {
        tj_cli_error("%s: write error: %s", path, strerror(err));
        return TJ_EXIT_IOERR;
    }
    return 0;
}

int tj_cli_pump(struct tj_input_lines *in, struct tj_pipeline *pl, struct tj_buf *out, FILE *f,
                const char *path)
{
    const char *line;
    size_t len, offset;
    struct tj_diag diag;
    enum tj_status rc;
    while ((rc = tj_input_lines_next(in, &line, &len, &offset, &diag)) == TJ_OK && line) {
        tj_pipeline_line(pl, line, len, offset);
        if (out->len >= TJ_CLI_PUT_AT) {
            int status = tj_cli_put(out, f, path);
            if (status)
                return status; /* output is lost: reading on is pointless */
        }
    }
    if (rc == TJ_OK)
        return 0;
    tj_cli_error("%s", diag.message);
    return tj_status_exit_code(rc);
}
