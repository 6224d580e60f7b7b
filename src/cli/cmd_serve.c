/* tarjim serve: the web editor and its JSON API until SIGINT or SIGTERM, then a graceful stop:
 * no new connections, requests under way answered (for up to STOP_GRACE_MS), exit 0. */
#include "cli.h"

#include "provider.h"
#include "server.h"
#include "tm.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* How long a stop waits for requests under way. */
#define STOP_GRACE_MS 10000

struct options {
    const char *listen;
    const char *token;
    const char *desk; /* --desk-glossary FILE, or NULL */
    unsigned max_jobs;
    long jobs;    /* requests in flight per translation; 0: the config file's, else 4 */
    long timeout; /* seconds per request; 0: the config file's, else 30 */
    struct tj_cli_engine engine;
    struct tj_tm *tm; /* the translation memory, or NULL */
};

static const struct option long_opts[] = {
    {"listen", required_argument, NULL, 'l'},
    {"token", required_argument, NULL, 't'},
    {"max-jobs", required_argument, NULL, 'J'},
    {"desk-glossary", required_argument, NULL, 'D'},
    TJ_CLI_ENGINE_OPTIONS,
    {"jobs", required_argument, NULL, 'j'},
    {"timeout", required_argument, NULL, 'T'},
    {"help", no_argument, NULL, 'h'},
    {0},
};

static void log_http(void *cls, const char *message)
{
    (void)cls;
    tj_cli_error("http: %s", message);
}

/* One line per write to the memory or the desk glossary, on standard error. */
static void log_audit(void *cls, const char *line)
{
    (void)cls;
    fprintf(stderr, "tarjim: audit: %s\n", line);
}

/* Makes the desk glossary when it is missing: an empty TSV with a comment. Returns 0 or an exit
 * status after a message. */
static int make_desk(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST)
            return 0;
        tj_cli_error("--desk-glossary %s: %s", path, strerror(errno));
        return TJ_EXIT_CANTCREAT;
    }
    static const char head[] = "# The desk glossary: entries added from tarjim's editor "
                               "(arabic, english, type, note; later rows win).\n";
    bool ok = write(fd, head, sizeof head - 1) == (ssize_t)(sizeof head - 1);
    if (close(fd) != 0 || !ok) {
        tj_cli_error("--desk-glossary %s: %s", path, strerror(errno));
        return TJ_EXIT_CANTCREAT;
    }
    return 0;
}

/* The engines the server offers: the chosen one with the command line's settings first, then
 * every other one that its environment configures (a key when it needs one). An engine that
 * cannot be created is left out. Returns the count; *out is owned by the caller. */
static size_t create_providers(const struct tj_provider_ops *chosen,
                               const struct tj_provider_config *cfg, struct tj_provider ***out,
                               int *status)
{
    size_t n;
    const struct tj_provider_ops *const *table = tj_provider_table(&n);
    struct tj_provider **list = tj_xcalloc(n, sizeof *list);
    size_t k = 0;
    struct tj_diag diag;
    enum tj_status rc = tj_provider_create(chosen, cfg, &list[k], &diag);
    if (rc != TJ_OK) {
        tj_cli_error("provider %s: %s", tj_provider_class_info(chosen)->name, diag.message);
        *status = tj_status_exit_code(rc);
        free(list);
        return 0;
    }
    k++;
    for (size_t i = 0; i < n; i++) {
        const struct tj_provider_ops *ops = table[i];
        if (ops == chosen)
            continue;
        struct tj_provider_config other = {
            .source_lang = cfg->source_lang,
            .target_lang = cfg->target_lang,
            .freedict_dir = cfg->freedict_dir,
            .native_glossary = cfg->native_glossary,
        };
        /* A remote engine is offered only when its environment sets it up (a key or a URL):
         * no text leaves the machine through an engine the operator did not name. */
        if (!tj_provider_env_apply(ops, &other, NULL, NULL) && tj_provider_class_info(ops)->remote)
            continue;
        if (tj_provider_create(ops, &other, &list[k], NULL) == TJ_OK)
            k++;
    }
    *out = list;
    return k;
}

/* Blocks until SIGINT or SIGTERM (blocked in every thread before the server starts). */
static void wait_for_signal(const sigset_t *set)
{
    int sig;
    while (sigwait(set, &sig) != 0)
        ;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The graceful part of a stop: no new connections, then up to STOP_GRACE_MS for the requests
 * under way, cut short by a second signal. */
static void drain(struct tj_server *srv, const sigset_t *set)
{
    tj_server_quiesce(srv);
    size_t pending = tj_server_pending(srv);
    if (pending)
        fprintf(stderr, "tarjim: stopping: finishing %zu connection%s (up to %d s)\n", pending,
                pending == 1 ? "" : "s", STOP_GRACE_MS / 1000);
    long long deadline = now_ms() + STOP_GRACE_MS;
    while ((pending = tj_server_pending(srv)) > 0) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            fprintf(stderr, "tarjim: stopping: %zu connection%s cut off\n", pending,
                    pending == 1 ? "" : "s");
            return;
        }
        struct timespec slice = {0, (left < 50 ? left : 50) * 1000000L};
        if (sigtimedwait(set, NULL, &slice) >= 0) {
            fprintf(stderr, "tarjim: stopping now\n");
            return;
        }
    }
}

/* Room for the server's connections: the soft limit on descriptors raised to the hard one
 * (up to what the server can use). */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = TJ_SERVER_CONNECTIONS * 2;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
        want = rl.rlim_max;
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want;
    setrlimit(RLIMIT_NOFILE, &rl);
}

/* N in 1..TJ_SERVER_JOBS_MAX, or 0. */
static unsigned parse_jobs(const char *arg)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(arg, &end, 10);
    if (errno || end == arg || *end || arg[0] == '-' || n < 1 || n > TJ_SERVER_JOBS_MAX)
        return 0;
    return (unsigned)n;
}

static int run(int argc, char **argv)
{
    struct options o = {.listen = TJ_SERVER_LISTEN_DEFAULT};
    tj_cli_engine_init(&o.engine);
    o.token = getenv("TARJIM_TOKEN");
    int status = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":l:t:p:u:k:g:j:h", long_opts, NULL)) != -1) {
        if (tj_cli_engine_option(&o.engine, c, optarg))
            continue;
        switch (c) {
        case 'l':
            o.listen = optarg;
            break;
        case 't':
            o.token = optarg;
            break;
        case 'D':
            o.desk = optarg;
            break;
        case 'J':
            o.max_jobs = parse_jobs(optarg);
            if (!o.max_jobs) {
                status = tj_cli_usage(&tj_cmd_serve, "--max-jobs takes a number from 1 to %u",
                                      TJ_SERVER_JOBS_MAX);
                goto out;
            }
            break;
        case 'j':
        case 'T': {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            long max = c == 'j' ? 64 : 3600;
            if (errno || end == optarg || *end || v < 1 || v > max) {
                status = tj_cli_usage(&tj_cmd_serve, "--%s wants 1..%ld, not '%s'",
                                      c == 'j' ? "jobs" : "timeout", max, optarg);
                goto out;
            }
            *(c == 'j' ? &o.jobs : &o.timeout) = v;
            break;
        }
        case 'h':
            fputs(tj_cmd_serve.usage, stdout);
            goto out;
        default: /* ':' too */
            status = tj_cli_bad_option(&tj_cmd_serve, c, argv);
            goto out;
        }
    }
    if (optind < argc) {
        status = tj_cli_usage(&tj_cmd_serve, "takes no file arguments");
        goto out;
    }
    const struct tj_provider_ops *ops;
    struct tj_provider_config cfg;
    status = tj_cli_engine_resolve(&o.engine, &tj_cmd_serve, &ops, &cfg);
    if (!status)
        status = tj_cli_tm_open(&o.engine, &o.tm);
    if (status)
        goto out;

    /* The glossary files, loaded again after each add to the desk glossary, which comes last so
     * that its rows win. */
    struct tj_cli_glossaries *gl = &o.engine.glossaries;
    const char **files = tj_xcalloc(gl->n + 1, sizeof *files);
    char *bundled = NULL;
    size_t nfiles = 0;
    if (!gl->no_default)
        files[nfiles++] = bundled = tj_xasprintf("%s/glossaries/news-ar-en.tsv", tj_cli_data_dir());
    for (size_t i = 0; i < gl->n; i++)
        files[nfiles++] = gl->files[i];
    uint32_t date = 0;
    if (gl->date)
        tj_glossary_parse_date(gl->date, &date);
    if (o.desk) {
        status = make_desk(o.desk);
        if (status) {
            free(files);
            free(bundled);
            goto out;
        }
        tj_cli_glossaries_add(gl, o.desk);
    }
    struct tj_glossary *g = NULL;
    status = tj_cli_load_glossaries(gl, &g);
    if (status) {
        free(files);
        free(bundled);
        goto out;
    }
    struct tj_provider **providers = NULL;
    size_t nproviders = create_providers(ops, &cfg, &providers, &status);
    if (!nproviders) {
        tj_glossary_destroy(g);
        free(files);
        free(bundled);
        goto out;
    }
    /* The fallbacks (--fallback, or the configuration file's): chain[0] is the default engine
     * again, left out; the rest are tried after a request's own engine. */
    struct tj_provider **chain = NULL;
    size_t nchain = 0;
    status = tj_cli_engine_chain(&o.engine, &tj_cmd_serve, &chain, &nchain);
    if (status) {
        for (size_t i = 0; i < nproviders; i++)
            tj_provider_destroy(providers[i]);
        free(providers);
        tj_glossary_destroy(g);
        free(files);
        free(bundled);
        goto out;
    }
    if (!o.jobs)
        o.jobs = tj_cli_engine_jobs(&o.engine) ? (long)tj_cli_engine_jobs(&o.engine) : 4;
    if (!o.timeout)
        o.timeout =
            tj_cli_engine_timeout(&o.engine) > 0 ? (long)tj_cli_engine_timeout(&o.engine) : 30;

    /* Block the stop signals before the server's threads start, so that they inherit the mask
     * and only sigwait() below receives them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_nofile();

    char *web_dir = tj_xasprintf("%s/web", tj_cli_data_dir());
    struct tj_server_config scfg = {
        .listen = o.listen,
        .token = o.token,
        .token_hint = "set the environment variable TARJIM_TOKEN (or pass --token T)",
        .web_dir = web_dir,
        .glossary = g,
        .glossary_files = files,
        .nglossary_files = nfiles,
        .glossary_date = date,
        .glossary_proposed = gl->proposed,
        .desk_glossary = o.desk,
        .providers = providers,
        .nproviders = nproviders,
        .fallback = chain + 1,
        .nfallback = nchain - 1,
        .client = {.jobs = (unsigned)o.jobs,
                   .timeout = (double)o.timeout,
                   .tm = o.tm,
                   .tm_candidates = true},
        .max_jobs = o.max_jobs,
        .log = log_http,
        .audit = log_audit,
    };
    struct tj_server *srv = NULL;
    struct tj_diag diag;
    enum tj_status rc = tj_server_create(&scfg, &srv, &diag);
    if (rc != TJ_OK) {
        if (rc == TJ_ERR_USAGE)
            status = tj_cli_usage(&tj_cmd_serve, "%s", diag.message);
        else
            status = (tj_cli_error("serve: %s", diag.message), tj_status_exit_code(rc));
    } else {
        fprintf(stderr, "tarjim: serving on %s\n", tj_server_url(srv));
        wait_for_signal(&stop);
        drain(srv, &stop);
        tj_server_destroy(srv);
    }
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    free(web_dir);
    for (size_t i = 0; i < nproviders; i++)
        tj_provider_destroy(providers[i]);
    free(providers);
    for (size_t i = 0; i < nchain; i++)
        tj_provider_destroy(chain[i]);
    free(chain);
    tj_glossary_destroy(g);
    free(files);
    free(bundled);
out:
    if (!status)
        status = tj_cli_tm_report(o.tm);
    tj_tm_close(o.tm);
    tj_cli_engine_finish(&o.engine);
    return status;
}

const struct tj_cmd tj_cmd_serve = {
    .name = "serve",
    .summary = "serve the web editor and its JSON API",
    .usage =
        "Usage: tarjim serve [OPTIONS]\n"
        "Serves the web editor on http://HOST:PORT/ and its JSON API until interrupted\n"
        "(SIGINT or SIGTERM): it then stops accepting connections, finishes the requests\n"
        "under way (for up to 10 s; a second signal stops at once, though a translation\n"
        "already running is finished) and exits with status 0.\n\n"
        "  GET  /healthz, /api/providers\n"
        "  POST /api/translate {\"text\", \"provider\"?}   the JSON document; with\n"
        "       'Accept: application/x-ndjson' one event a line as segments are done\n"
        "       (start, segment..., end or error); closing the connection cancels\n"
        "  POST /api/tm {\"source\", \"target\"}   approve a translation into the memory\n"
        "  GET  /api/glossary?q=TEXT   entries of the glossaries matching TEXT\n"
        "  POST /api/glossary {\"arabic\", \"english\", \"type\"?, \"note\"?, \"replace\"?}\n"
        "       add to the desk glossary (--desk-glossary)\n"
        "  POST /api/export?format=text|json|jsonl|html|xliff|tmx   an (edited) JSON document\n"
        "       written as a file\n"
        "Every POST from another site (Sec-Fetch-Site, Origin) is refused (403); writes to\n"
        "the memory and the desk glossary are logged on standard error (who: a fingerprint\n"
        "of the token, or 'local'; never the token).\n\n"
        "      --listen HOST:PORT  address to listen on (default 127.0.0.1:8080; [::1]:PORT\n"
        "                          for IPv6; port 0 picks a free port)\n"
        "      --token T           require 'Authorization: Bearer T' on /api/ requests (or\n"
        "                          $TARJIM_TOKEN, which other users cannot see in the process\n"
        "                          list); required on any address other than loopback\n"
        "      --max-jobs N        translations, exports and writes at once (default 64:\n"
        "                          they mostly wait for the engine); past that a request is\n"
        "                          answered 503 (busy) with Retry-After\n"
        "      --desk-glossary FILE   the glossary editors add to with POST /api/glossary\n"
        "                          (TSV, made when missing, loaded after the others so that\n"
        "                          its rows win; rewritten atomically on each add)\n"
        "  -p, --provider NAME     default engine: offline (default; or $TARJIM_PROVIDER)\n"
        "  -u, --url URL           provider base URL\n"
        "  -k, --api-key KEY       provider key (or the provider's environment variable)\n"
        "  -g, --glossary FILE     add a glossary (repeatable; later files win)\n"
        "      --no-default-glossary   do not load the bundled glossary\n"
        "      --fallback LIST     engines to try, in order, for segments a request's engine\n"
        "                          could not translate (e.g. offline)\n"
        "      --native-glossary   pins through DeepL's glossaries and Microsoft's dynamic\n"
        "                          dictionary (see tarjim translate --help)\n"
        "  -j, --jobs N            requests in flight per translation for remote engines\n"
        "                          (default 4)\n"
        "      --timeout SECONDS   per-request timeout for remote engines (default 30)\n"
        "      --config FILE       instead of $XDG_CONFIG_HOME/tarjim/config\n"
        "      --tm FILE           translation memory (default\n"
        "                          $XDG_DATA_HOME/tarjim/tm.sqlite3, or $TARJIM_TM); POST\n"
        "                          /api/tm stores approvals in it\n"
        "      --no-tm             no translation memory\n"
        "  -h, --help              this help\n",
    .run = run,
};
