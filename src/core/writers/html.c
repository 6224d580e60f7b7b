/* The bilingual HTML page: one self-contained file (the style sheet inline; no script, font or
 * image fetched) with a two-column table, the Arabic (lang="ar" dir="rtl") beside the English
 * (lang="en" dir="ltr"), a row per segment and a row group per block. Pins are <mark>s titled with
 * the glossary's English on both sides; one whose English is missing from the translation is
 * outlined on the Arabic side. Under each English cell stand the segment's number, its origin
 * and its QA findings. Printing keeps rows whole and repeats the column heads on every page.
 *
 * The page is HTML5 written as well-formed XML (polyglot markup), so XML tools read it too. */
#include "xmlout.h"

#include "config.h"
#include "glossary.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* No '>' or '&' in here: the sheet is written into <style> as it is. */
static const char style_sheet[] =
    "\n"
    "body { margin: 2em auto; max-width: 72em; padding: 0 1em; color: #1b1b1b; background: #fff;\n"
    "  font: 16px/1.5 \"Noto Serif\", \"DejaVu Serif\", Georgia, serif; }\n"
    "[lang=\"ar\"] { font-family: \"Noto Naskh Arabic\", \"Noto Sans Arabic\", \"Noto Kufi "
    "Arabic\",\n"
    "  \"Amiri\", \"Scheherazade New\", \"Geeza Pro\", \"Arabic Typesetting\", \"Traditional "
    "Arabic\",\n"
    "  Tahoma, sans-serif; font-size: 1.1em; line-height: 1.8; }\n"
    "header { border-bottom: 2px solid #333; margin-bottom: 1em; }\n"
    "h1 { font-size: 1.4em; margin: 0 0 .2em; }\n"
    ".info { color: #555; margin: 0 0 .6em; }\n"
    "table { width: 100%; border-collapse: collapse; table-layout: fixed; }\n"
    "th, td { width: 50%; vertical-align: top; padding: .4em .7em; text-align: start;\n"
    "  border-top: 1px solid #ddd; }\n"
    "thead th { background: #f3f3f3; border-bottom: 2px solid #333; }\n"
    "tbody { border-top: 2px solid #aaa; }\n"
    "tbody.heading .text { font-weight: bold; font-size: 1.15em; }\n"
    "tbody.list_item .text { padding-inline-start: 1em; }\n"
    "mark { background: #fff0a8; color: inherit; padding: 0 .1em; border-radius: 2px; }\n"
    "mark.missing { background: none; outline: 2px solid #c62828; }\n"
    ".meta { font-size: .8em; color: #555; margin-top: .2em; }\n"
    ".meta .id { margin-inline-end: .5em; }\n"
    ".origin { padding: 0 .4em; border: 1px solid #bbb; border-radius: 3px; }\n"
    ".origin.failed { border-color: #c62828; color: #c62828; }\n"
    ".untranslated { color: #c62828; font-style: italic; }\n"
    "ul.qa { margin: .3em 0 0; padding-inline-start: 1.2em; font-size: .85em; color: #8a4500; }\n"
    "footer { margin-top: 1em; border-top: 1px solid #ddd; color: #555; font-size: .9em; }\n"
    "@media print {\n"
    "  @page { margin: 15mm; }\n"
    "  body { margin: 0; max-width: none; font-size: 10pt; }\n"
    "  thead { display: table-header-group; }\n"
    "  tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "  thead th { background: none; }\n"
    "  mark { background: none; border-bottom: 1.5pt solid #000; }\n"
    "  mark.missing { outline: none; border-bottom: 1.5pt dashed #000; }\n"
    "  .origin { border: none; padding: 0; }\n"
    "}\n";

static void cell(struct tj_xmlout *xo, const char *lang)
{
    tj_xmlout_start(xo, "td");
    tj_xmlout_attr(xo, "class", lang);
    tj_xmlout_attr(xo, "lang", lang);
    tj_xmlout_attr(xo, "dir", strcmp(lang, "ar") ? "ltr" : "rtl");
}

void tj_html_begin(struct tj_xmlout *xo)
{
    xo->html = true;
    const char *name = xo->file ? xo->file : "Standard input";
    char date[40];
    struct tm tm;
    gmtime_r(&xo->date, &tm);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);

    tj_xmlout_raw(xo, "<!DOCTYPE html>\n");
    tj_xmlout_start(xo, "html");
    tj_xmlout_attr(xo, "xmlns", "http://www.w3.org/1999/xhtml");
    tj_xmlout_attr(xo, "lang", "en");
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "head");
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "meta");
    tj_xmlout_attr(xo, "charset", "utf-8");
    tj_xmlout_end_void(xo);
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "meta");
    tj_xmlout_attr(xo, "name", "viewport");
    tj_xmlout_attr(xo, "content", "width=device-width, initial-scale=1");
    tj_xmlout_end_void(xo);
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "meta");
    tj_xmlout_attr(xo, "name", "generator");
    tj_xmlout_attr(xo, "content", "tarjim " TJ_VERSION);
    tj_xmlout_end_void(xo);
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "title");
    tj_xmlout_text(xo, name, strlen(name));
    tj_xmlout_text(xo, " \xE2\x80\x94 Arabic and English",
                   strlen(" \xE2\x80\x94 Arabic and English"));
    tj_xmlout_end_full(xo);
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "style");
    tj_xmlout_raw(xo, style_sheet);
    tj_xmlout_end_full(xo);
    tj_xmlout_indent(xo, 0);
    tj_xmlout_end(xo); /* head */
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "body");
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "header");
    tj_xmlout_indent(xo, 1);
    tj_xmlout_element(xo, "h1", name);
    tj_xmlout_indent(xo, 1);
    tj_xmlout_start(xo, "p");
    tj_xmlout_attr(xo, "class", "info");
    struct tj_buf info;
    tj_buf_init(&info, 0);
    tj_buf_puts(&info, "Arabic \xE2\x86\x92 English draft \xC2\xB7 ");
    if (xo->provider)
        tj_buf_printf(&info, "engine %s \xC2\xB7 ", xo->provider);
    tj_buf_printf(&info, "%s \xC2\xB7 tarjim %s", date, TJ_VERSION);
    tj_xmlout_text(xo, info.data, info.len);
    tj_buf_finish(&info);
    tj_xmlout_end(xo);
    tj_xmlout_indent(xo, 0);
    tj_xmlout_end(xo); /* header */
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "table");
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "thead");
    tj_xmlout_start(xo, "tr");
    tj_xmlout_start(xo, "th");
    tj_xmlout_attr(xo, "lang", "ar");
    tj_xmlout_attr(xo, "dir", "rtl");
    tj_xmlout_text(xo, "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9",
                   14); /* العربية */
    tj_xmlout_end(xo);
    tj_xmlout_start(xo, "th");
    tj_xmlout_attr(xo, "lang", "en");
    tj_xmlout_attr(xo, "dir", "ltr");
    tj_xmlout_text(xo, "English", 7);
    tj_xmlout_end(xo);
    tj_xmlout_end(xo); /* tr */
    tj_xmlout_end(xo); /* thead */
}

struct marking {
    const struct tj_segment *s;
    const bool *in_target; /* per pin: its English was found in the target; NULL: no target */
};

static void open_mark(struct tj_xmlout *xo, const struct tj_span *sp, void *ud)
{
    const struct marking *m = ud;
    const struct tj_term *t = m->s->pins[sp->pin].term;
    bool missing = m->in_target && !m->in_target[sp->pin];
    tj_xmlout_start(xo, "mark");
    tj_xmlout_attrf(xo, "class", "pin %s%s", tj_term_type_name(t->type), missing ? " missing" : "");
    if (missing)
        tj_xmlout_attrf(xo, "title", "%s (not in the English)", t->english);
    else
        tj_xmlout_attr(xo, "title", t->english);
}

/* Arabic script: its blocks, presentation forms included. */
static bool arabic_script(uint32_t cp)
{
    return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
           (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= 0xFB50 && cp <= 0xFDFF) ||
           (cp >= 0xFE70 && cp <= 0xFEFF);
}

/* English text with each run of Arabic in it (words an engine left untranslated, with the
 * spaces between them) isolated in <bdi lang="ar" dir="rtl">: it reads right to left without
 * reordering the English and punctuation around it. */
static void english_text(struct tj_xmlout *xo, const char *text, size_t len)
{
    size_t at = 0, i = 0;
    while (i < len) {
        size_t k = i;
        if (!arabic_script(tj_utf8_next(text, len, &k))) {
            i = k;
            continue;
        }
        size_t end = k, j = k;
        while (j < len) {
            size_t q = j;
            uint32_t cp = tj_utf8_next(text, len, &q);
            if (arabic_script(cp))
                end = q;
            else if (cp != ' ')
                break;
            j = q;
        }
        tj_xmlout_text(xo, text + at, i - at);
        tj_xmlout_start(xo, "bdi");
        tj_xmlout_attr(xo, "lang", "ar");
        tj_xmlout_attr(xo, "dir", "rtl");
        tj_xmlout_text(xo, text + i, end - i);
        tj_xmlout_end(xo);
        at = i = end;
    }
    tj_xmlout_text(xo, text + at, len - at);
}

static void row(struct tj_xmlout *xo, const struct tj_segment *s)
{
    bool translated = s->target && s->origin != TJ_ORIGIN_FAILED && s->origin != TJ_ORIGIN_NONE;
    const char *origin = s->origin == TJ_ORIGIN_NONE ? "none" : tj_origin_name(s->origin);
    struct tj_span *src = tj_xcalloc(s->npins, sizeof *src);
    struct tj_span *tgt = tj_xcalloc(s->npins, sizeof *tgt);
    bool *in_target = tj_xcalloc(s->npins, sizeof *in_target);
    size_t ns = tj_source_spans(s, src);
    size_t nt = translated ? tj_target_spans(s, tgt) : 0;
    for (size_t i = 0; i < nt; i++)
        in_target[tgt[i].pin] = true;
    struct marking source_marks = {s, translated ? in_target : NULL};
    struct marking target_marks = {s, NULL};

    tj_xmlout_indent(xo, 1);
    tj_xmlout_start(xo, "tr");
    tj_xmlout_attrf(xo, "id", "s%u", s->id);
    tj_xmlout_attr(xo, "class", origin);

    tj_xmlout_indent(xo, 2);
    cell(xo, "ar");
    tj_xmlout_start(xo, "div");
    tj_xmlout_attr(xo, "class", "text");
    tj_xmlout_marked(xo, s->source, s->source_len, src, ns, open_mark, &source_marks);
    tj_xmlout_end_full(xo);
    tj_xmlout_end_full(xo); /* td */

    tj_xmlout_indent(xo, 2);
    cell(xo, "en");
    tj_xmlout_start(xo, "div");
    if (translated) {
        tj_xmlout_attr(xo, "class", "text");
        tj_xmlout_marked_with(xo, s->target, strlen(s->target), tgt, nt, open_mark, &target_marks,
                              english_text);
    } else {
        tj_xmlout_attr(xo, "class", "text untranslated");
        tj_xmlout_text(xo, "[untranslated]", 14);
    }
    tj_xmlout_end_full(xo);
    tj_xmlout_start(xo, "div");
    tj_xmlout_attr(xo, "class", "meta");
    tj_xmlout_start(xo, "span");
    tj_xmlout_attr(xo, "class", "id");
    char id[24];
    snprintf(id, sizeof id, "#%u", s->id);
    tj_xmlout_text(xo, id, strlen(id));
    tj_xmlout_end(xo);
    tj_xmlout_text(xo, " ", 1);
    tj_xmlout_start(xo, "span");
    tj_xmlout_attrf(xo, "class", "origin %s", origin);
    tj_xmlout_text(xo, origin, strlen(origin));
    if (s->engine && (s->origin == TJ_ORIGIN_PROVIDER || s->origin == TJ_ORIGIN_TM)) {
        tj_xmlout_text(xo, ": ", 2);
        tj_xmlout_text(xo, s->engine, strlen(s->engine));
    }
    tj_xmlout_end(xo);
    tj_xmlout_end(xo); /* div.meta */
    if (s->nqa) {
        tj_xmlout_start(xo, "ul");
        tj_xmlout_attr(xo, "class", "qa");
        for (size_t i = 0; i < s->nqa; i++) {
            tj_xmlout_start(xo, "li");
            tj_xmlout_element(xo, "code", s->qa[i].code);
            tj_xmlout_text(xo, " ", 1);
            tj_xmlout_text(xo, s->qa[i].message, strlen(s->qa[i].message));
            tj_xmlout_end(xo);
        }
        tj_xmlout_end(xo);
    }
    tj_xmlout_end_full(xo); /* td */
    tj_xmlout_indent(xo, 1);
    tj_xmlout_end(xo); /* tr */
    free(in_target);
    free(tgt);
    free(src);
}

void tj_html_block(struct tj_xmlout *xo, const struct tj_block *b)
{
    tj_xmlout_indent(xo, 0);
    tj_xmlout_start(xo, "tbody");
    tj_xmlout_attrf(xo, "id", "b%zu", xo->nblocks + 1);
    tj_xmlout_attr(xo, "class", tj_block_kind_name(b->kind));
    for (size_t i = 0; i < b->nsegs; i++)
        row(xo, &b->segs[i]);
    if (b->nsegs)
        tj_xmlout_indent(xo, 0);
    tj_xmlout_end_full(xo);
}

void tj_html_end(struct tj_xmlout *xo, const struct tj_client_stats *stats)
{
    tj_xmlout_indent(xo, 0);
    tj_xmlout_end_full(xo); /* table */
    if (stats) {
        tj_xmlout_indent(xo, 0);
        tj_xmlout_start(xo, "footer");
        tj_xmlout_start(xo, "p");
        struct tj_buf t;
        tj_buf_init(&t, 0);
        tj_buf_printf(&t,
                      "%zu segment%s \xC2\xB7 %zu request%s \xC2\xB7 %zu characters sent \xC2\xB7 "
                      "%zu from memory \xC2\xB7 %zu failed",
                      stats->segments, stats->segments == 1 ? "" : "s", stats->requests,
                      stats->requests == 1 ? "" : "s", stats->chars_sent, stats->tm_hits,
                      stats->failed);
        tj_xmlout_text(xo, t.data, t.len);
        tj_buf_finish(&t);
        tj_xmlout_end(xo);
        tj_xmlout_end(xo);
    }
    tj_xmlout_indent(xo, 0);
    tj_xmlout_end(xo); /* body */
    tj_xmlout_indent(xo, 0);
    tj_xmlout_end(xo); /* html */
    tj_xmlout_raw(xo, "\n");
}
