/* Shared command-line plumbing: the command table entry, messages, data paths, and the
 * options that several commands take (glossaries, output). */
#ifndef TJ_CLI_H
#define TJ_CLI_H

#include "buf.h"
#include "configfile.h"
#include "glossary.h"
#include "tj.h"

#include <stdbool.h>
#include <stdio.h>

/* The exit statuses of the command line (sysexits.h), as PRODUCT.md lists them. */
enum tj_exit {
    TJ_EXIT_OK = 0,
    TJ_EXIT_USAGE = 64,       /* bad option or argument */
    TJ_EXIT_DATA = 65,        /* bad input data: invalid UTF-8 or a NUL byte */
    TJ_EXIT_NOINPUT = 66,     /* input missing or unreadable */
    TJ_EXIT_UNAVAILABLE = 69, /* provider unreachable */
    TJ_EXIT_CANTCREAT = 73,   /* cannot create an output file */
    TJ_EXIT_IOERR = 74,       /* I/O error, e.g. writing to a full disk */
    TJ_EXIT_PARTIAL = 75,     /* some segments failed, or the run was interrupted */
    TJ_EXIT_AUTH = 77,        /* provider refused the credentials */
    TJ_EXIT_CONFIG = 78,      /* bad configuration or glossary */
};

struct tj_cmd {
    const char *name;
    const char *summary;
    const char *usage; /* full help text */
    int (*run)(int argc, char **argv);
};

extern const struct tj_cmd tj_cmd_translate;
extern const struct tj_cmd tj_cmd_segment;
extern const struct tj_cmd tj_cmd_glossary;
extern const struct tj_cmd tj_cmd_providers;
extern const struct tj_cmd tj_cmd_serve;
extern const struct tj_cmd tj_cmd_tm;

/* When set, called before each message of tj_cli_error and tj_cli_note: a command that draws a
 * live line on stderr (translate's progress) erases it there. */
extern void (*tj_cli_before_message)(void);

/* Prints "tarjim: message" to stderr. */
void tj_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "tarjim: note: message" to stderr. */
void tj_cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a usage error ("tarjim CMD: message", then a hint) and returns 64. */
int tj_cli_usage(const struct tj_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Reports the option that getopt_long (its short options starting with ':') refused at
 * argv[optind - 1]: c ':' for one that lacks its value, else an unknown one. Returns 64. */
int tj_cli_bad_option(const struct tj_cmd *cmd, int c, char *const *argv);

/* Where glossaries/ and web/ are: $TARJIM_DATA_DIR; the install's data directory when this is
 * the installed executable; else the source tree when run from the build tree. */
const char *tj_cli_data_dir(void);
/* Where the FreeDict files are: $TARJIM_FREEDICT_DIR or the configured default. */
const char *tj_cli_freedict_dir(void);

/* Glossary options shared by translate, glossary match and serve. */
struct tj_cli_glossaries {
    const char **files;
    size_t n;
    bool no_default;
    const char *date; /* --date YYYY-MM-DD: the day whose entries are pinned (else today) */
    bool proposed;    /* --proposed: proposed entries are pinned too */
};
void tj_cli_glossaries_add(struct tj_cli_glossaries *gl, const char *file);
void tj_cli_glossaries_finish(struct tj_cli_glossaries *gl);
/* The engine options shared by translate and serve: -p -u -k -g --no-default-glossary
 * --config --fallback --native-glossary, and the configuration file they fall back on.
 * Precedence: the command line, then the environment (TARJIM_PROVIDER and each provider's
 * customary variables), then the configuration file, then the defaults. */
struct tj_cli_engine {
    const char *provider; /* as given with -p, or NULL */
    const char *url;      /* -u and -k apply to the chosen provider only, not to fallbacks */
    const char *api_key;
    const char *config_path; /* --config, else the default path (missing is fine) */
    const char *fallback;    /* --fallback, else the file's "fallback", comma-separated */
    bool native_glossary;    /* --native-glossary: pins through DeepL and Microsoft's own */
    const char *tm_path;     /* --tm FILE, or NULL */
    bool no_tm;              /* --no-tm */
    struct tj_cli_glossaries glossaries;
    /* Filled by tj_cli_engine_resolve. */
    struct tj_config config;
    bool config_loaded;
    char **owned; /* keys read from key files, freed (and cleared) by finish */
    size_t nowned;
};

/* getopt_long values of the translation memory's options (no short form). */
#define TJ_CLI_OPT_TM 0x7401
#define TJ_CLI_OPT_NO_TM 0x7402

/* getopt_long entries of the engine options, for a command's option table. */
#define TJ_CLI_ENGINE_OPTIONS                                                                      \
    {"provider", required_argument, NULL, 'p'}, {"url", required_argument, NULL, 'u'},             \
        {"api-key", required_argument, NULL, 'k'}, {"glossary", required_argument, NULL, 'g'},     \
        {"no-default-glossary", no_argument, NULL, 'G'}, {"config", required_argument, NULL, 'C'}, \
        {"date", required_argument, NULL, 'Y'}, {"proposed", no_argument, NULL, 'P'},              \
        {"fallback", required_argument, NULL, 'F'},                                                \
        {"tm", required_argument, NULL, TJ_CLI_OPT_TM},                                            \
        {"no-tm", no_argument, NULL, TJ_CLI_OPT_NO_TM},                                            \
    {                                                                                              \
        "native-glossary", no_argument, NULL, 'N'                                                  \
    }

void tj_cli_engine_init(struct tj_cli_engine *e);
void tj_cli_engine_finish(struct tj_cli_engine *e);
/* Takes an engine option (getopt's c and optarg); false when c is not one. */
bool tj_cli_engine_option(struct tj_cli_engine *e, int c, const char *arg);
/* Loads the configuration file (once), finds the chosen provider (a usage error, 64, when
 * unknown) and fills cfg by precedence. Returns 0 or an exit status after a message. The
 * strings in cfg live as long as e. */
struct tj_provider_ops;
struct tj_provider_config;
int tj_cli_engine_resolve(struct tj_cli_engine *e, const struct tj_cmd *cmd,
                          const struct tj_provider_ops **ops, struct tj_provider_config *cfg);
/* Fills cfg for provider ops by precedence (primary: -u and -k apply). *key_from (may be NULL)
 * says where the key came from: "--api-key", the variable's name, "config file", or NULL.
 * Returns 0 or an exit status after a message (an unreadable key file: 78). */
int tj_cli_engine_config(struct tj_cli_engine *e, const struct tj_provider_ops *ops, bool primary,
                         struct tj_provider_config *cfg, const char **key_from);
/* Creates the chain of providers: the chosen one, then each of the fallback list (unknown
 * names are a usage error). Returns 0 or an exit status after a message; *chain (n entries)
 * is owned by the caller (tj_provider_destroy each, then free). */
struct tj_provider;
int tj_cli_engine_chain(struct tj_cli_engine *e, const struct tj_cmd *cmd,
                        struct tj_provider ***chain, size_t *n);
/* Top-level defaults of the configuration file (after tj_cli_engine_resolve): 0 when unset. */
unsigned tj_cli_engine_jobs(const struct tj_cli_engine *e);
double tj_cli_engine_timeout(const struct tj_cli_engine *e);

struct tj_tm;
/* Opens the translation memory the options name: --tm FILE, else $TARJIM_TM, else the default
 * path (tm.h; its directories made); none with --no-tm or TARJIM_TM=off, or when there is no
 * default path or its directory cannot be made (a note says so). Returns 0 (*out NULL when
 * there is none) or, after the message, 78 for a memory that cannot be used. */
int tj_cli_tm_open(const struct tj_cli_engine *e, struct tj_tm **out);
/* Reports a failure of the memory during the run (translations it could not store or look
 * up) and returns the exit status it makes: 0 when none, 78 for a damaged file, else 74. */
int tj_cli_tm_report(const struct tj_tm *tm);

/* Loads the bundled glossary (unless no_default) then the files in order, and sets the date and
 * whether proposed entries pin. On error prints the message and returns the exit status (78
 * malformed, 66 missing, 64 a --date that is not a day); 0 on success. */
int tj_cli_load_glossaries(const struct tj_cli_glossaries *gl, struct tj_glossary **out);

/* The input files named after the options (argv[optind..]), or standard input ("-") when
 * there are none. Returns their count. */
size_t tj_cli_inputs(int argc, char **argv, const char *const **files);

struct tj_segmenter;

/* Compiles the segmentation rules of an SRX file for lang into *out (NULL path: *out = NULL,
 * the built-in rules). Returns 0, or prints the error and returns 78 (66 when missing). */
int tj_cli_segmenter(const char *srx_path, const char *lang, struct tj_segmenter **out);

/* Parses a positive size option (--max-segment); returns false when arg is not one. */
bool tj_cli_parse_size(const char *arg, size_t min, size_t max, size_t *out);

/* Reads and validates one input file ("-": standard input) into a new buffer (*data, *len).
 * Returns 0, or prints the error and returns its exit status (65 bad data, 66 missing). */
int tj_cli_read(const char *path, char **data, size_t *len);

/* Writes buf to stdout (or to path when not NULL); returns 0, TJ_EXIT_CANTCREAT when path
 * cannot be created, or TJ_EXIT_IOERR, after a message. */
int tj_cli_write(const struct tj_buf *buf, const char *path);

/* Flushes standard output and returns 0, or TJ_EXIT_IOERR when a write to it has failed (a full
 * disk, a closed pipe). The message is printed once however often this is called, so commands
 * that stream may call it to stop early. */
int tj_cli_stdout_check(void);

/* Flushes and closes standard output at exit; returns status, or TJ_EXIT_IOERR after the
 * message when output was lost and status did not report a worse error already. */
int tj_cli_stdout_close(int status);

/* The worse of two exit statuses: errors about the input outrank partial results. */
int tj_cli_worse(int a, int b);

struct tj_input_lines;
struct tj_pipeline;

/* Output of a streaming command is written out once this much is waiting. */
#define TJ_CLI_PUT_AT ((size_t)64 << 10)

/* Writes buf to f, standard output when path is NULL (else the file path names, for messages),
 * and empties buf. Returns 0 or, after a message, TJ_EXIT_IOERR. */
int tj_cli_put(struct tj_buf *buf, FILE *f, const char *path);

/* Feeds every line of in to pl, writing what the pipeline appends to out into f (as
 * tj_cli_put) as it comes. Returns 0 at the end of the input or, after a message, the exit
 * status of an input error (TJ_EXIT_DATA, TJ_EXIT_NOINPUT) or of a failed write. Finishing pl
 * and writing the rest of out are the caller's. */
int tj_cli_pump(struct tj_input_lines *in, struct tj_pipeline *pl, struct tj_buf *out, FILE *f,
                const char *path);

#endif
