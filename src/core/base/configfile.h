/* The configuration file (configfile.h, beside the build's generated config.h): INI, read with
 * libinih. Top-level keys set defaults for translate and serve (provider, fallback, jobs, timeout);
 * a section per provider holds its settings (url, api_key, api_key_file, region, model, email,
 * langpair, requests_per_second, chars_per_minute). Unknown keys and sections are errors naming the
 * file and line, so a typo never passes silently. Values are kept as written; the command line and
 * the environment override them (the caller applies that precedence). */
#ifndef TJ_CONFIGFILE_H
#define TJ_CONFIGFILE_H

#include "tj.h"

#include <stdbool.h>

struct tj_config_provider {
    char *name; /* the section */
    char *url, *api_key, *api_key_file, *region, *model, *email;
    char *langpair;                         /* apertium: the APy pair, e.g. eng|spa */
    double requests_per_sec, chars_per_min; /* 0 when not set */
};

struct tj_config {
    char *path;     /* the file read, or NULL when there was none */
    char *provider; /* top-level defaults; NULL when not set */
    char *fallback;
    unsigned jobs;  /* 0 when not set */
    double timeout; /* 0 when not set */
    struct tj_config_provider *providers;
    size_t nproviders;
    bool readable_by_others; /* the file holds a key and its mode lets others read it */
};

/* Reads the file at path into c (caller storage, released with tj_config_finish). A missing
 * file is TJ_OK with an empty config when must_exist is false (the default path), else
 * TJ_ERR_NOINPUT. A malformed line, an unknown key or section, or a bad number is
 * TJ_ERR_CONFIG with "FILE:LINE: what" in diag. Sections must name a provider of the product
 * contract. */
enum tj_status tj_config_load(struct tj_config *c, const char *path, bool must_exist,
                              struct tj_diag *diag);
void tj_config_finish(struct tj_config *c);

/* The default path: $XDG_CONFIG_HOME/tarjim/config, else $HOME/.config/tarjim/config; a new
 * string owned by the caller, or NULL when neither variable is set. */
char *tj_config_default_path(void);

/* The section of provider name, or NULL. */
const struct tj_config_provider *tj_config_find(const struct tj_config *c, const char *name);

/* The provider's key from its section: api_key, else the first line of api_key_file (at most
 * 4 KiB, surrounding whitespace removed). *key_out is a new string owned by the caller, or NULL
 * when the section has neither. A key file that cannot be read is TJ_ERR_CONFIG naming the
 * file (never its contents); one that others may read sets *exposed (may be NULL). */
enum tj_status tj_config_key(const struct tj_config_provider *cp, char **key_out, bool *exposed,
                             struct tj_diag *diag);

#endif
