/* Glossary entries from and to TBX (ISO 30042), read with expat.
 *
 * Reading takes TBX v3 (tbx/conceptEntry/langSec/termSec) and v2 (martif/termEntry/langSet/
 * tig or ntig): each entry's Arabic terms are its spellings, its English terms its English (a
 * preferredTerm first, else the first; admitted ones are aliases; deprecated, superseded,
 * not recommended and obsolete ones are left out). What TBX has no category for travels in
 * entry-level <admin type="x-tarjim-..."> elements (type, valid_from, valid_to, status); a
 * processStatus of unprocessed or provisionallyProcessed also makes an entry proposed. An
 * entry without an Arabic or an English term is left out with a warning finding. */
#include "buf.h"
#include "glossary_int.h"
#include "xml.h"

#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TBX_MAX ((size_t)64 << 20)

enum lang { L_NONE, L_AR, L_EN, L_OTHER };
enum capture { C_NONE, C_TERM, C_TERMNOTE, C_FIELD, C_NOTE };
enum admin { A_NONE, A_PREFERRED, A_ADMITTED, A_REJECTED };

struct en_term {
    char *text;
    enum admin admin;
    bool provisional;
};

struct tbx {
    XML_Parser xp;
    struct tj_glossary *g;
    const char *name;
    struct tj_diag *diag;
    enum tj_status rc;
    int depth;
    bool root_seen;
    /* The entry being read. */
    bool in_entry;
    size_t entry_line;
    enum lang lang;
    bool in_group; /* inside tig, ntig or termSec */
    struct tj_buf ar;
    struct en_term *en;
    size_t nen;
    struct tj_buf note;
    struct tj_glossary_row row;
    char why[160];
    /* The term group being read. */
    char *term;
    enum admin admin;
    bool provisional;
    /* Text being captured. */
    enum capture cap;
    int cap_depth;
    char cap_type[64];
    struct tj_buf text;
};

static bool is(const char *l, const char *a, const char *b, const char *c)
{
    return strcmp(l, a) == 0 || (b && strcmp(l, b) == 0) || (c && strcmp(l, c) == 0);
}

static void fatal(struct tbx *p, const char *what, const char *arg)
{
    if (p->rc != TJ_OK)
        return;
    p->rc = tj_diag_set(p->diag, TJ_ERR_CONFIG, "%s:%lu: %s%.60s", p->name,
                        (unsigned long)XML_GetCurrentLineNumber(p->xp), what, arg);
    XML_StopParser(p->xp, XML_FALSE);
}

static void entry_fault(struct tbx *p, const char *what)
{
    if (!p->why[0])
        snprintf(p->why, sizeof p->why, "%s", what);
}

/* Text as one line: runs of XML whitespace become one space, none at the ends. */
static char *squeeze(const char *s, size_t n)
{
    char *out = tj_xmalloc(n + 1);
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = o > 0;
            continue;
        }
        if (space)
            out[o++] = ' ';
        space = false;
        out[o++] = c;
    }
    out[o] = '\0';
    return out;
}

static void reset_entry(struct tbx *p)
{
    tj_buf_reset(&p->ar);
    for (size_t i = 0; i < p->nen; i++)
        free(p->en[i].text);
    p->nen = 0;
    tj_buf_reset(&p->note);
    memset(&p->row, 0, sizeof p->row);
    p->why[0] = '\0';
    free(p->term);
    p->term = NULL;
}

static void add_term(struct tbx *p, char *text, enum admin admin, bool provisional)
{
    if (!*text || p->lang == L_NONE || p->lang == L_OTHER) {
        free(text);
        return;
    }
    if (p->lang == L_AR) {
        tj_buf_printf(&p->ar, "%s%s", p->ar.len ? "|" : "", text);
        free(text);
        return;
    }
    p->en = tj_xreallocarray(p->en, p->nen + 1, sizeof *p->en);
    p->en[p->nen++] = (struct en_term){text, admin, provisional};
}

static void finish_entry(struct tbx *p)
{
    struct tj_buf english;
    tj_buf_init(&english, 0);
    size_t first = SIZE_MAX;
    for (size_t i = 0; i < p->nen && first == SIZE_MAX; i++)
        if (p->en[i].admin == A_PREFERRED)
            first = i;
    for (size_t i = 0; i < p->nen && first == SIZE_MAX; i++)
        if (p->en[i].admin != A_REJECTED)
            first = i;
    if (first != SIZE_MAX) {
        tj_buf_puts(&english, p->en[first].text);
        for (size_t i = 0; i < p->nen; i++)
            if (i != first && p->en[i].admin != A_REJECTED)
                tj_buf_printf(&english, "|%s", p->en[i].text);
        if (p->en[first].provisional && !p->row.status)
            p->row.status = TJ_TERM_PROPOSED;
    }
    if (p->why[0]) {
        p->rc = tj_glossary_row_error(p->g, p->name, p->entry_line, p->diag, "%s", p->why);
    } else if (!p->ar.len || !english.len) {
        tj_glossary_warn(p->g, p->name, p->entry_line, "skipped: entry without %s term",
                         p->ar.len ? "an English" : "an Arabic");
    } else {
        char why[160];
        struct tj_diag sub;
        p->row.arabic = p->ar.data;
        p->row.english = english.data;
        p->row.note = p->note.len ? p->note.data : NULL;
        if (!tj_glossary_row_finish(&p->row, why, sizeof why))
            p->rc = tj_glossary_row_error(p->g, p->name, p->entry_line, p->diag, "%s", why);
        else if (tj_glossary_add_row(p->g, &p->row, p->name, p->entry_line, &sub) != TJ_OK)
            p->rc = tj_glossary_row_error(p->g, p->name, p->entry_line, p->diag, "%s", sub.message);
    }
    tj_buf_finish(&english);
    if (p->rc != TJ_OK)
        XML_StopParser(p->xp, XML_FALSE);
}

static void capture(struct tbx *p, enum capture c, const char *type)
{
    p->cap = c;
    p->cap_depth = p->depth;
    snprintf(p->cap_type, sizeof p->cap_type, "%s", type ? type : "");
    tj_buf_reset(&p->text);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct tbx *p = ud;
    const char *l = tj_xml_local(name);
    p->depth++;
    if (!p->root_seen) {
        p->root_seen = true;
        if (!is(l, "tbx", "martif", NULL))
            fatal(p, "not a TBX file: the root element is ", name);
        return;
    }
    if (is(l, "termEntry", "conceptEntry", NULL)) {
        if (p->in_entry)
            fatal(p, "an entry inside an entry", "");
        reset_entry(p);
        p->in_entry = true;
        p->entry_line = (size_t)XML_GetCurrentLineNumber(p->xp);
        return;
    }
    if (!p->in_entry || p->cap != C_NONE)
        return;
    if (is(l, "langSet", "langSec", NULL)) {
        const char *lang = tj_xml_attr(atts, "lang");
        p->lang = L_OTHER;
        if (lang && (strncasecmp(lang, "ar", 2) == 0 || strncasecmp(lang, "en", 2) == 0) &&
            (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_'))
            p->lang = (lang[0] | 0x20) == 'a' ? L_AR : L_EN;
    } else if (is(l, "tig", "ntig", "termSec")) {
        p->in_group = true;
        free(p->term);
        p->term = NULL;
        p->admin = A_NONE;
        p->provisional = false;
    } else if (strcmp(l, "term") == 0) {
        capture(p, C_TERM, NULL);
    } else if (strcmp(l, "termNote") == 0) {
        capture(p, C_TERMNOTE, tj_xml_attr(atts, "type"));
    } else if (is(l, "admin", "descrip", NULL) && p->lang == L_NONE) {
        const char *type = tj_xml_attr(atts, "type");
        if (type && (strncmp(type, "x-tarjim-", 9) == 0 || strcmp(type, "processStatus") == 0))
            capture(p, C_FIELD, type);
    } else if (strcmp(l, "note") == 0 && p->lang == L_NONE) {
        capture(p, C_NOTE, NULL);
    }
}

static enum admin admin_of(const char *v)
{
    if (strstr(v, "preferred"))
        return A_PREFERRED;
    if (strstr(v, "admitted"))
        return A_ADMITTED;
    if (strstr(v, "deprecated") || strstr(v, "superseded") || strstr(v, "notRecommended") ||
        strstr(v, "obsolete"))
        return A_REJECTED;
    return A_NONE;
}

static bool provisional(const char *v)
{
    return strcmp(v, "unprocessed") == 0 || strcmp(v, "provisionallyProcessed") == 0;
}

static void end_capture(struct tbx *p)
{
    char *v = squeeze(p->text.data ? p->text.data : "", p->text.len);
    enum capture c = p->cap;
    p->cap = C_NONE;
    if (c == C_TERM) {
        if (p->in_group) {
            free(p->term);
            p->term = v;
        } else {
            add_term(p, v, A_NONE, false);
        }
        return;
    }
    if (c == C_TERMNOTE) {
        if (strcmp(p->cap_type, "administrativeStatus") == 0)
            p->admin = admin_of(v);
        else if (strcmp(p->cap_type, "processStatus") == 0)
            p->provisional = provisional(v);
    } else if (c == C_FIELD) {
        char why[160];
        if (strcmp(p->cap_type, "processStatus") == 0) {
            if (provisional(v))
                p->row.status = TJ_TERM_PROPOSED;
        } else if (strcmp(p->cap_type + 9, "note") == 0 ||
                   !tj_glossary_row_field(&p->row, p->cap_type + 9, v, why, sizeof why)) {
            if (strcmp(p->cap_type + 9, "note") == 0)
                snprintf(why, sizeof why, "unknown field 'note' (a note is a <note>)");
            entry_fault(p, why);
        }
    } else if (c == C_NOTE && *v) {
        tj_buf_printf(&p->note, "%s%s", p->note.len ? "; " : "", v);
        if (p->note.len > TJ_GLOSSARY_FIELD_MAX)
            entry_fault(p, "a note longer than 4096 bytes");
    }
    free(v);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct tbx *p = ud;
    const char *l = tj_xml_local(name);
    if (p->cap != C_NONE && p->depth == p->cap_depth)
        end_capture(p);
    p->depth--;
    if (!p->in_entry || p->cap != C_NONE)
        return;
    if (is(l, "termEntry", "conceptEntry", NULL)) {
        finish_entry(p);
        p->in_entry = false;
    } else if (is(l, "langSet", "langSec", NULL)) {
        p->lang = L_NONE;
    } else if (is(l, "tig", "ntig", "termSec")) {
        if (p->term)
            add_term(p, p->term, p->admin, p->provisional);
        p->term = NULL;
        p->in_group = false;
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct tbx *p = ud;
    if (p->cap == C_NONE)
        return;
    if (p->text.len + (size_t)len > TJ_GLOSSARY_FIELD_MAX) {
        entry_fault(p, "a term or field longer than 4096 bytes");
        return;
    }
    tj_buf_append(&p->text, s, (size_t)len);
}

/* Entities could expand a small file into a huge one: a glossary has no use for them. */
static void XMLCALL on_entity(void *ud, const XML_Char *name, int param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *system_id,
                              const XML_Char *public_id, const XML_Char *notation)
{
    (void)param, (void)value, (void)value_len, (void)base, (void)system_id, (void)public_id;
    (void)notation;
    fatal(ud, "entity declarations are not allowed: ", name);
}

enum tj_status tj_glossary_load_tbx(struct tj_glossary *g, const char *name, const char *data,
                                    size_t len, struct tj_diag *diag)
{
    if (len > TBX_MAX || len > (size_t)INT32_MAX)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "%s: larger than %zu MiB", name, TBX_MAX >> 20);
    struct tbx p = {.g = g, .name = name, .diag = diag, .rc = TJ_OK};
    tj_buf_init(&p.ar, 0);
    tj_buf_init(&p.note, 0);
    tj_buf_init(&p.text, 0);
    p.xp = XML_ParserCreate("UTF-8");
    if (!p.xp)
        abort();
    XML_SetUserData(p.xp, &p);
    XML_SetElementHandler(p.xp, on_start, on_end);
    XML_SetCharacterDataHandler(p.xp, on_text);
    XML_SetEntityDeclHandler(p.xp, on_entity);
    if (XML_Parse(p.xp, data, (int)len, XML_TRUE) == XML_STATUS_ERROR && p.rc == TJ_OK)
        p.rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%lu: %s", name,
                           (unsigned long)XML_GetCurrentLineNumber(p.xp),
                           XML_ErrorString(XML_GetErrorCode(p.xp)));
    reset_entry(&p);
    free(p.en);
    XML_ParserFree(p.xp);
    tj_buf_finish(&p.ar);
    tj_buf_finish(&p.note);
    tj_buf_finish(&p.text);
    return p.rc;
}

/* --- Writing ----------------------------------------------------------------------------- */

static void put_escaped(struct tj_buf *out, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '&':
            tj_buf_puts(out, "&amp;");
            break;
        case '<':
            tj_buf_puts(out, "&lt;");
            break;
        case '>':
            tj_buf_puts(out, "&gt;");
            break;
        case '"':
            tj_buf_puts(out, "&quot;");
            break;
        default:
            tj_buf_putc(out, *s);
        }
}

static void put_admin(struct tj_buf *out, const char *type, const char *value)
{
    tj_buf_printf(out, "        <admin type=\"x-tarjim-%s\">", type);
    put_escaped(out, value);
    tj_buf_puts(out, "</admin>\n");
}

static void put_term(struct tj_buf *out, const char *text, const char *pos, const char *status)
{
    tj_buf_puts(out, "          <termSec>\n            <term>");
    put_escaped(out, text);
    tj_buf_printf(out, "</term>\n            <termNote type=\"partOfSpeech\">%s</termNote>\n", pos);
    if (status)
        tj_buf_printf(out, "            <termNote type=\"administrativeStatus\">%s</termNote>\n",
                      status);
    tj_buf_puts(out, "          </termSec>\n");
}

void tj_glossary_write_tbx(const struct tj_glossary *g, struct tj_buf *out)
{
    tj_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<tbx style=\"dca\" type=\"TBX-Basic\" xml:lang=\"en\" "
                     "xmlns=\"urn:iso:std:iso:30042:ed-2\">\n"
                     "  <tbxHeader>\n    <fileDesc>\n      <sourceDesc>\n"
                     "        <p>tarjim glossary, Arabic to English</p>\n"
                     "      </sourceDesc>\n    </fileDesc>\n  </tbxHeader>\n"
                     "  <text>\n    <body>\n");
    for (size_t i = 0; i < tj_glossary_terms(g); i++) {
        const struct tj_term *t = tj_glossary_term(g, i);
        const char *pos = t->type == TJ_TERM_TERM ? "noun" : "properNoun";
        char date[16];
        tj_buf_printf(out, "      <conceptEntry id=\"c%zu\">\n", i + 1);
        put_admin(out, "type", tj_term_type_name(t->type));
        if (t->valid_from) {
            tj_glossary_format_date(t->valid_from, date);
            put_admin(out, "valid_from", date);
        }
        if (t->valid_to) {
            tj_glossary_format_date(t->valid_to, date);
            put_admin(out, "valid_to", date);
        }
        if (t->status == TJ_TERM_PROPOSED)
            put_admin(out, "status", "proposed");
        if (t->note) {
            tj_buf_puts(out, "        <note>");
            put_escaped(out, t->note);
            tj_buf_puts(out, "</note>\n");
        }
        tj_buf_puts(out, "        <langSec xml:lang=\"ar\">\n");
        for (size_t k = 0; k < t->nspellings; k++)
            put_term(out, t->spellings[k], pos, NULL);
        tj_buf_puts(out, "        </langSec>\n        <langSec xml:lang=\"en\">\n");
        put_term(out, t->english, pos, "preferredTerm-admn-sts");
        for (size_t k = 0; k < t->naliases; k++)
            put_term(out, t->aliases[k], pos, "admittedTerm-admn-sts");
        tj_buf_puts(out, "        </langSec>\n      </conceptEntry>\n");
    }
    tj_buf_puts(out, "    </body>\n  </text>\n</tbx>\n");
}
