/* SRX loading with expat: a small state machine over the elements SRX 2.0 defines; other
 * elements (formathandle, and any foreign ones) are ignored. */
#include "srx.h"

#include "buf.h"
#include "input.h"
#include "xml.h"

#include <expat.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An SRX file larger than this is refused. */
#define TJ_SRX_MAX ((size_t)16 << 20)

enum where { W_NONE, W_BEFORE, W_AFTER };

struct parser {
    XML_Parser xp;
    const char *name;
    struct tj_srx *srx;
    struct tj_srx_language *lang; /* the languagerule being read */
    struct tj_srx_rule *rule;     /* the rule being read */
    enum where where;
    struct tj_buf text;
    enum tj_status rc;
    struct tj_diag *diag;
};

static void fail(struct parser *p, const char *fmt, const char *arg)
{
    if (p->rc != TJ_OK)
        return;
    char what[256];
    snprintf(what, sizeof what, fmt, arg);
    p->rc = tj_diag_set(p->diag, TJ_ERR_CONFIG, "%s:%lu: %s", p->name,
                        (unsigned long)XML_GetCurrentLineNumber(p->xp), what);
    XML_StopParser(p->xp, XML_FALSE);
}

/* SRX's yes/no attributes: anything else is refused rather than read as one of them. */
static bool yes_or_no(struct parser *p, const char *what, const char *v)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0)
        return true;
    if (p->rc != TJ_OK)
        return false;
    p->rc = tj_diag_set(p->diag, TJ_ERR_CONFIG, "%s:%lu: %s=\"%.40s\": SRX allows yes or no",
                        p->name, (unsigned long)XML_GetCurrentLineNumber(p->xp), what, v);
    XML_StopParser(p->xp, XML_FALSE);
    return false;
}

/* Compiles a languagemap's pattern (PCRE2 syntax) as tj_srx_map_applies uses it. NULL when it
 * does not compile; then, if *rc is still TJ_OK, *rc and diag say so, naming name:line. */
static pcre2_code *compile_language_pattern(const char *pattern, struct tj_diag *diag,
                                            enum tj_status *rc, const char *name, size_t line)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile(
        (PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
        PCRE2_UTF | PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_CASELESS, &err, &off, NULL);
    if (!code && rc && *rc == TJ_OK) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(err, msg, sizeof msg);
        *rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%zu: languagepattern '%.100s' at offset %zu: %s",
                          name, line, pattern, (size_t)off, (const char *)msg);
    }
    return code;
}

static void XMLCALL on_start(void *data, const char *el, const char **atts)
{
    struct parser *p = data;
    const char *n = tj_xml_local(el);
    struct tj_srx *srx = p->srx;
    if (strcmp(n, "header") == 0) {
        const char *c = tj_xml_attr(atts, "cascade");
        if (c && !yes_or_no(p, "header cascade", c))
            return;
        srx->cascade = c && strcmp(c, "yes") == 0;
    } else if (strcmp(n, "languagerule") == 0) {
        const char *name = tj_xml_attr(atts, "languagerulename");
        if (!name) {
            fail(p, "languagerule without %s", "languagerulename");
            return;
        }
        srx->langs = tj_xreallocarray(srx->langs, srx->nlangs + 1, sizeof *srx->langs);
        p->lang = &srx->langs[srx->nlangs++];
        memset(p->lang, 0, sizeof *p->lang);
        p->lang->name = tj_xstrdup(name);
    } else if (strcmp(n, "rule") == 0) {
        if (!p->lang) {
            fail(p, "%s outside a languagerule", "rule");
            return;
        }
        const char *b = tj_xml_attr(atts, "break");
        if (b && !yes_or_no(p, "rule break", b))
            return;
        struct tj_srx_language *l = p->lang;
        l->rules = tj_xreallocarray(l->rules, l->nrules + 1, sizeof *l->rules);
        p->rule = &l->rules[l->nrules++];
        memset(p->rule, 0, sizeof *p->rule);
        p->rule->brk = !b || strcmp(b, "no") != 0; /* SRX: break defaults to yes */
        p->rule->line = (size_t)XML_GetCurrentLineNumber(p->xp);
    } else if (strcmp(n, "beforebreak") == 0 || strcmp(n, "afterbreak") == 0) {
        if (!p->rule) {
            fail(p, "%s outside a rule", n);
            return;
        }
        p->where = n[0] == 'b' ? W_BEFORE : W_AFTER;
        tj_buf_reset(&p->text);
    } else if (strcmp(n, "languagemap") == 0) {
        const char *pat = tj_xml_attr(atts, "languagepattern");
        const char *name = tj_xml_attr(atts, "languagerulename");
        if (!pat || !name) {
            fail(p, "languagemap without %s", pat ? "languagerulename" : "languagepattern");
            return;
        }
        srx->maps = tj_xreallocarray(srx->maps, srx->nmaps + 1, sizeof *srx->maps);
        struct tj_srx_map *m = &srx->maps[srx->nmaps++];
        m->pattern = tj_srx_regex_to_pcre2(pat, strlen(pat));
        m->rules = tj_xstrdup(name);
        m->line = (size_t)XML_GetCurrentLineNumber(p->xp);
        pcre2_code *code = compile_language_pattern(m->pattern, p->diag, &p->rc, p->name, m->line);
        if (!code) {
            XML_StopParser(p->xp, XML_FALSE);
            return;
        }
        pcre2_code_free(code);
    }
}

static void XMLCALL on_end(void *data, const char *el)
{
    struct parser *p = data;
    const char *n = tj_xml_local(el);
    if (strcmp(n, "languagerule") == 0) {
        p->lang = NULL;
    } else if (strcmp(n, "rule") == 0) {
        p->rule = NULL;
    } else if ((strcmp(n, "beforebreak") == 0 || strcmp(n, "afterbreak") == 0) && p->rule) {
        char *re = tj_srx_regex_to_pcre2(p->text.data ? p->text.data : "", p->text.len);
        char **slot = p->where == W_BEFORE ? &p->rule->before : &p->rule->after;
        free(*slot);
        *slot = re;
        p->where = W_NONE;
    }
}

static void XMLCALL on_text(void *data, const char *s, int len)
{
    struct parser *p = data;
    if (p->where != W_NONE && tj_buf_append(&p->text, s, (size_t)len) != TJ_OK)
        fail(p, "a regex longer than %s", "64 KiB");
}

char *tj_srx_regex_to_pcre2(const char *re, size_t len)
{
    struct tj_buf out;
    tj_buf_init(&out, 0);
    tj_buf_append(&out, "", 0);
    for (size_t i = 0; i < len; i++) {
        if (re[i] != '\\' || i + 1 >= len) {
            tj_buf_putc(&out, re[i]);
            continue;
        }
        /* Java's \uXXXX; everything else is copied escape and all. */
        if (re[i + 1] == 'u' && i + 6 <= len) {
            bool hex = true;
            for (size_t k = i + 2; k < i + 6; k++)
                hex = hex && ((re[k] >= '0' && re[k] <= '9') || (re[k] >= 'a' && re[k] <= 'f') ||
                              (re[k] >= 'A' && re[k] <= 'F'));
            if (hex) {
                tj_buf_printf(&out, "\\x{%.4s}", re + i + 2);
                i += 5;
                continue;
            }
        }
        tj_buf_append(&out, re + i, 2);
        i++;
    }
    return tj_buf_take(&out, NULL);
}

bool tj_srx_map_applies(const struct tj_srx_map *m, const char *lang)
{
    pcre2_code *code = compile_language_pattern(m->pattern, NULL, NULL, NULL, 0);
    if (!code)
        return false;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    pcre2_match_context *mc = pcre2_match_context_create(NULL);
    if (!md || !mc)
        abort();
    pcre2_set_match_limit(mc, TJ_SRX_MATCH_LIMIT);
    pcre2_set_depth_limit(mc, TJ_SRX_DEPTH_LIMIT);
    int rc = pcre2_match(code, (PCRE2_SPTR)lang, strlen(lang), 0, 0, md, mc);
    pcre2_match_context_free(mc);
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    return rc >= 0;
}

void tj_srx_destroy(struct tj_srx *srx)
{
    if (!srx)
        return;
    for (size_t i = 0; i < srx->nlangs; i++) {
        for (size_t k = 0; k < srx->langs[i].nrules; k++) {
            free(srx->langs[i].rules[k].before);
            free(srx->langs[i].rules[k].after);
        }
        free(srx->langs[i].rules);
        free(srx->langs[i].name);
    }
    free(srx->langs);
    for (size_t i = 0; i < srx->nmaps; i++) {
        free(srx->maps[i].pattern);
        free(srx->maps[i].rules);
    }
    free(srx->maps);
    free(srx->name);
    free(srx);
}

enum tj_status tj_srx_parse(const char *name, const char *xml, size_t len, struct tj_srx **out,
                            struct tj_diag *diag)
{
    *out = NULL;
    if (len > TJ_SRX_MAX || len > (size_t)INT32_MAX)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: larger than %zu MiB", name, TJ_SRX_MAX >> 20);
    struct parser p = {.name = name, .rc = TJ_OK, .diag = diag};
    p.srx = tj_xcalloc(1, sizeof *p.srx);
    p.srx->name = tj_xstrdup(name);
    tj_buf_init(&p.text, 64 << 10);
    p.xp = XML_ParserCreate("UTF-8");
    if (!p.xp)
        abort();
    XML_SetUserData(p.xp, &p);
    XML_SetElementHandler(p.xp, on_start, on_end);
    XML_SetCharacterDataHandler(p.xp, on_text);
    if (XML_Parse(p.xp, xml, (int)len, XML_TRUE) == XML_STATUS_ERROR && p.rc == TJ_OK)
        p.rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%lu: %s", name,
                           (unsigned long)XML_GetCurrentLineNumber(p.xp),
                           XML_ErrorString(XML_GetErrorCode(p.xp)));
    for (size_t i = 0; p.rc == TJ_OK && i < p.srx->nmaps; i++) {
        bool known = false;
        for (size_t k = 0; k < p.srx->nlangs && !known; k++)
            known = strcmp(p.srx->langs[k].name, p.srx->maps[i].rules) == 0;
        if (!known)
            p.rc = tj_diag_set(diag, TJ_ERR_CONFIG,
                               "%s:%zu: languagemap names unknown languagerule '%.100s'", name,
                               p.srx->maps[i].line, p.srx->maps[i].rules);
    }
    if (p.rc == TJ_OK && p.srx->nmaps == 0)
        p.rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: no languagemap: no rules apply", name);
    /* A rule without afterbreak or beforebreak matches anywhere on that side. */
    for (size_t i = 0; i < p.srx->nlangs; i++)
        for (size_t k = 0; k < p.srx->langs[i].nrules; k++) {
            struct tj_srx_rule *r = &p.srx->langs[i].rules[k];
            if (!r->before)
                r->before = tj_xstrdup("");
            if (!r->after)
                r->after = tj_xstrdup("");
        }
    XML_ParserFree(p.xp);
    tj_buf_finish(&p.text);
    if (p.rc != TJ_OK) {
        tj_srx_destroy(p.srx);
        return p.rc;
    }
    *out = p.srx;
    return TJ_OK;
}

enum tj_status tj_srx_load(const char *path, struct tj_srx **out, struct tj_diag *diag)
{
    char *data;
    size_t len;
    enum tj_status rc = tj_input_read(path, &data, &len, diag);
    if (rc != TJ_OK)
        return rc == TJ_ERR_DATA ? TJ_ERR_CONFIG : rc;
    rc = tj_srx_parse(path, data, len, out, diag);
    free(data);
    return rc;
}
