/* Shared command-line plumbing. */
#include "cli.h"

#include "config.h"
#include "input.h"
#include "provider.h"
#include "segment.h"
#include "srx.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void tj_cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tarjim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void tj_cli_note(const char *fmt, ...)
{
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
    e->provider = getenv("TARJIM_PROVIDER");
    if (!e->provider || !*e->provider)
        e->provider = "offline";
}

void tj_cli_engine_finish(struct tj_cli_engine *e)
{
    tj_cli_glossaries_finish(&e->glossaries);
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
    default:
        return false;
    }
}

int tj_cli_engine_resolve(struct tj_cli_engine *e, const struct tj_cmd *cmd,
                          const struct tj_provider_ops **ops, struct tj_provider_config *cfg)
{
    *ops = tj_provider_find(e->provider);
    if (!*ops)
        return tj_cli_usage(cmd, "unknown provider '%s' (see 'tarjim providers')", e->provider);
    *cfg = (struct tj_provider_config){
        .url = e->url,
        .api_key = e->api_key,
        .source_lang = "ar",
        .target_lang = "en",
        .freedict_dir = tj_cli_freedict_dir(),
    };
    tj_provider_env_apply(*ops, cfg, NULL, NULL);
    return 0;
}

int tj_cli_load_glossaries(const struct tj_cli_glossaries *gl, struct tj_glossary **out)
{
    struct tj_glossary *g = tj_glossary_create();
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
