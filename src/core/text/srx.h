/* SRX 2.0 segmentation rules: the loader.
 *
 * An SRX file holds named language rules (ordered break / no-break rules, each a beforebreak
 * and an afterbreak regex in ICU/Java syntax) and a map from language patterns to them; with
 * cascade="yes" every matching map contributes its rules, in order. The loader reads the XML
 * (with expat) and rewrites the regexes into PCRE2 syntax; it does not compile them. */
#ifndef TJ_SRX_H
#define TJ_SRX_H

#include "tj.h"

#include <stdbool.h>

struct tj_srx_rule {
    bool brk;     /* break="yes" */
    char *before; /* PCRE2 syntax; "" when absent */
    char *after;
    size_t line; /* where the rule starts in the file */
};

struct tj_srx_language {
    char *name;
    struct tj_srx_rule *rules;
    size_t nrules;
};

struct tj_srx_map {
    char *pattern; /* regex over language codes, e.g. "ar.*" */
    char *rules;   /* a languagerulename */
    size_t line;
};

struct tj_srx {
    char *name; /* as given to tj_srx_parse, for messages */
    bool cascade;
    struct tj_srx_language *langs;
    size_t nlangs;
    struct tj_srx_map *maps;
    size_t nmaps;
};

/* Parses an SRX document from xml[0..len); name is used in messages. On success *out is a new
 * struct owned by the caller. TJ_ERR_CONFIG with "name:line: what" for malformed XML, a
 * missing element or attribute, a break or cascade other than yes or no, a languagepattern
 * that is not a valid regex, or a map naming an unknown language rule. */
enum tj_status tj_srx_parse(const char *name, const char *xml, size_t len, struct tj_srx **out,
                            struct tj_diag *diag);

/* Reads and parses an SRX file (TJ_ERR_NOINPUT when it cannot be read). */
enum tj_status tj_srx_load(const char *path, struct tj_srx **out, struct tj_diag *diag);

void tj_srx_destroy(struct tj_srx *srx); /* accepts NULL */

/* Bounds on one match of a rule's regex, so that a pattern that backtracks without end
 * ("(a|aa)*\.") fails in about a millisecond instead of running for seconds: PCRE2's match
 * limit (backtracking steps; also honoured by the JIT), its depth limit (nested backtracking
 * points, which the interpreter keeps on the heap) and the JIT's stack, which bounds the JIT's
 * depth instead (1 MiB holds some 30,000 nested repetitions). srx/tarjim.srx needs under a
 * hundred steps and a depth of 5 on news text; a pattern whose work grows with the line, such
 * as (?:\S+\s+)*\S+\., fits on lines of tens of KB. */
#define TJ_SRX_MATCH_LIMIT 100000
#define TJ_SRX_DEPTH_LIMIT 10000
#define TJ_SRX_JIT_STACK_MAX ((size_t)1 << 20)

/* True when the map's language pattern matches all of lang ("ar", "en-GB"), ignoring case as
 * CAT tools' upper-case patterns ("AR.*") need. A pattern that does not compile (tj_srx_parse
 * refuses those) or that hits the limits above matches nothing. */
bool tj_srx_map_applies(const struct tj_srx_map *m, const char *lang);

/* Rewrites an ICU/Java regex into PCRE2 syntax (\uXXXX becomes \x{XXXX}). Returns a new string
 * owned by the caller. */
char *tj_srx_regex_to_pcre2(const char *re, size_t len);

#endif
