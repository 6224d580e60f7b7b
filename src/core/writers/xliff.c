/* XLIFF 2.1 (OASIS; the core namespace of 2.0, which 2.1 keeps): one <file> for the document, a
 * <group> per block, a <unit> per segment holding one <segment>.
 *
 * The segment's state comes from its origin: a failed segment is "initial" and has no target (its
 * Arabic is not a translation); engine, offline gloss, copy and machine translations from the
 * memory are "translated"; a translation a person approved in the memory is "final". subState
 * names the origin ("tj:offline"). A segment an editor approved (tj_segment_approved) is "final"
 * whatever its origin. Pins are <mrk translate="no" type="term"> with the glossary's
 * English as value and its row as ref (FILE#LNUMBER), in the source and, where the English is
 * found, with the same id in the target. QA findings are notes of category "qa"; the memory's
 * translations of similar segments are candidates of the Translation Candidates module
 * (<mtc:matches>), never the target. */
#include "xmlout.h"

#include "glossary.h"

#include <stdlib.h>
#include <string.h>

#define XLIFF_NS "urn:oasis:names:tc:xliff:document:2.0"
#define MATCHES_NS "urn:oasis:names:tc:xliff:matches:2.0"

void tj_xliff_begin(struct tj_xmlout *xo)
{
    xo->cp = true;
    tj_xmlout_start(xo, "xliff");
    tj_xmlout_attr(xo, "xmlns", XLIFF_NS);
    tj_xmlout_attr(xo, "xmlns:mtc", MATCHES_NS);
    tj_xmlout_attr(xo, "version", "2.1");
    tj_xmlout_attr(xo, "srcLang", "ar");
    tj_xmlout_attr(xo, "trgLang", "en");
    tj_xmlout_indent(xo, 1);
    tj_xmlout_start(xo, "file");
    tj_xmlout_attr(xo, "id", "f1");
    if (xo->file)
        tj_xmlout_attr(xo, "original", xo->file);
}

/* The state of a segment of this origin. */
static const char *state_of(const struct tj_segment *s)
{
    if (!s->target)
        return "initial";
    if (tj_segment_approved(s))
        return "final";
    switch (s->origin) {
    case TJ_ORIGIN_TM:
    case TJ_ORIGIN_PROVIDER:
    case TJ_ORIGIN_OFFLINE:
    case TJ_ORIGIN_COPY:
        return "translated";
    case TJ_ORIGIN_NONE:
    case TJ_ORIGIN_FAILED:
        break;
    }
    return "initial";
}

/* An IRI reference to the glossary row: the file's name with its bytes outside the unreserved
 * set percent-encoded, then #L and the line. */
static char *term_ref(const struct tj_term *t)
{
    const char *base = strrchr(t->file, '/');
    base = base ? base + 1 : t->file;
    struct tj_buf b;
    tj_buf_init(&b, 0);
    for (const unsigned char *p = (const unsigned char *)base; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p))
            tj_buf_putc(&b, (char)*p);
        else
            tj_buf_printf(&b, "%%%02X", *p);
    }
    tj_buf_printf(&b, "#L%zu", t->line);
    return tj_buf_take(&b, NULL);
}

static void open_mrk(struct tj_xmlout *xo, const struct tj_span *sp, void *ud)
{
    const struct tj_segment *s = ud;
    const struct tj_term *t = s->pins[sp->pin].term;
    tj_xmlout_start(xo, "mrk");
    tj_xmlout_attrf(xo, "id", "m%zu", sp->pin + 1);
    tj_xmlout_attr(xo, "translate", "no");
    tj_xmlout_attr(xo, "type", "term");
    if (t->file) {
        char *ref = term_ref(t);
        tj_xmlout_attr(xo, "ref", ref);
        free(ref);
    }
    tj_xmlout_attr(xo, "value", t->english);
}

/* <source> or <target> holding text[0..len) as plain text. */
static void plain(struct tj_xmlout *xo, const char *name, const char *text, size_t len)
{
    tj_xmlout_start(xo, name);
    tj_xmlout_attr(xo, "xml:space", "preserve");
    tj_xmlout_text(xo, text, len);
    tj_xmlout_end_full(xo);
}

/* The memory's candidates, for the unit's one segment. */
static void matches(struct tj_xmlout *xo, const struct tj_segment *s)
{
    tj_xmlout_indent(xo, 4);
    tj_xmlout_start(xo, "mtc:matches");
    for (size_t i = 0; i < s->ncands; i++) {
        const struct tj_candidate *c = &s->cands[i];
        tj_xmlout_indent(xo, 5);
        tj_xmlout_start(xo, "mtc:match");
        tj_xmlout_attrf(xo, "ref", "#s%u", s->id);
        tj_xmlout_attr(xo, "type", "tm");
        tj_xmlout_attrf(xo, "similarity", "%u", c->similarity > 100 ? 100 : c->similarity);
        if (c->engine)
            tj_xmlout_attr(xo, "origin", c->engine);
        tj_xmlout_indent(xo, 6);
        plain(xo, "source", c->source, strlen(c->source));
        tj_xmlout_indent(xo, 6);
        plain(xo, "target", c->target, strlen(c->target));
        tj_xmlout_indent(xo, 5);
        tj_xmlout_end(xo);
    }
    tj_xmlout_indent(xo, 4);
    tj_xmlout_end(xo);
}

static void unit(struct tj_xmlout *xo, const struct tj_segment *s)
{
    tj_xmlout_indent(xo, 3);
    tj_xmlout_start(xo, "unit");
    tj_xmlout_attrf(xo, "id", "u%u", s->id);
    if (s->ncands) /* modules come before the notes */
        matches(xo, s);
    if (s->nqa) {
        tj_xmlout_indent(xo, 4);
        tj_xmlout_start(xo, "notes");
        for (size_t i = 0; i < s->nqa; i++) {
            tj_xmlout_indent(xo, 5);
            tj_xmlout_start(xo, "note");
            tj_xmlout_attrf(xo, "id", "n%zu", i + 1);
            tj_xmlout_attr(xo, "category", "qa");
            tj_xmlout_text(xo, s->qa[i].code, strlen(s->qa[i].code));
            tj_xmlout_text(xo, ": ", 2);
            tj_xmlout_text(xo, s->qa[i].message, strlen(s->qa[i].message));
            tj_xmlout_end(xo);
        }
        tj_xmlout_indent(xo, 4);
        tj_xmlout_end(xo);
    }
    tj_xmlout_indent(xo, 4);
    tj_xmlout_start(xo, "segment");
    tj_xmlout_attrf(xo, "id", "s%u", s->id);
    const char *state = state_of(s);
    tj_xmlout_attr(xo, "state", state);
    if (s->origin != TJ_ORIGIN_NONE)
        tj_xmlout_attrf(xo, "subState", "tj:%s", tj_origin_name(s->origin));

    struct tj_span *spans = tj_xcalloc(s->npins, sizeof *spans);
    tj_xmlout_indent(xo, 5);
    tj_xmlout_start(xo, "source");
    tj_xmlout_attr(xo, "xml:space", "preserve");
    size_t n = tj_source_spans(s, spans);
    tj_xmlout_marked(xo, s->source, s->source_len, spans, n, open_mrk, (void *)s);
    tj_xmlout_end_full(xo);
    if (strcmp(state, "initial") != 0) {
        tj_xmlout_indent(xo, 5);
        tj_xmlout_start(xo, "target");
        tj_xmlout_attr(xo, "xml:space", "preserve");
        n = tj_target_spans(s, spans);
        tj_xmlout_marked(xo, s->target, strlen(s->target), spans, n, open_mrk, (void *)s);
        tj_xmlout_end_full(xo);
    }
    free(spans);
    tj_xmlout_indent(xo, 4);
    tj_xmlout_end(xo); /* segment */
    tj_xmlout_indent(xo, 3);
    tj_xmlout_end(xo); /* unit */
}

void tj_xliff_block(struct tj_xmlout *xo, const struct tj_block *b)
{
    tj_xmlout_indent(xo, 2);
    tj_xmlout_start(xo, "group");
    tj_xmlout_attrf(xo, "id", "b%zu", xo->nblocks + 1);
    tj_xmlout_attrf(xo, "type", "tj:%s", tj_block_kind_name(b->kind));
    for (size_t i = 0; i < b->nsegs; i++)
        unit(xo, &b->segs[i]);
    if (b->nsegs)
        tj_xmlout_indent(xo, 2);
    tj_xmlout_end(xo);
}

void tj_xliff_end(struct tj_xmlout *xo)
{
    if (!xo->nblocks) { /* a <file> holds at least one unit or group */
        tj_xmlout_indent(xo, 2);
        tj_xmlout_start(xo, "group");
        tj_xmlout_attr(xo, "id", "b0");
        tj_xmlout_end(xo);
    }
    tj_xmlout_indent(xo, 1);
    tj_xmlout_end(xo); /* file */
    tj_xmlout_indent(xo, 0);
    tj_xmlout_end(xo); /* xliff */
    tj_xmlout_raw(xo, "\n");
}
