/* The HTML, XLIFF 2.1 and TMX 1.4b writers, read back with libxml2: languages, counts, the text
 * of every segment (with <, & and ]]> in it) and the pins, states, notes and dates each format
 * promises; written a block at a time, each block out as soon as it is given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "glossary.h"
#include "writer.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#define XLIFF_NS "urn:oasis:names:tc:xliff:document:2.0"
#define MATCHES_NS "urn:oasis:names:tc:xliff:matches:2.0"
#define XHTML_NS "http://www.w3.org/1999/xhtml"

static char putin_ar[] = "بوتين", putin_en[] = "Putin", desk[] = "glossaries/desk terms.tsv";
static struct tj_term putin = {
    .arabic = putin_ar, .english = putin_en, .type = TJ_TERM_PERSON, .file = desk, .line = 7};
static char nato_ar[] = "الناتو", nato_en[] = "NATO", nato_alias[] = "North Atlantic Alliance";
static char *nato_aliases[] = {nato_alias};
static struct tj_term nato = {.arabic = nato_ar,
                              .english = nato_en,
                              .aliases = nato_aliases,
                              .naliases = 1,
                              .type = TJ_TERM_ORG,
                              .file = desk,
                              .line = 12};

static const char *const src1 = "بوتين <يصل> & ]]>";
static const char *const tgt1 = "Putin <arrives> & ]]>";
static const char *const src2 = "قال الناتو\x01 شيئا.";
static const char *const tgt2 = "The North Atlantic Alliance said شيئا (something).";
static const char *const src4 = "<b>CNN</b> & ]]> \"q\"";

static void pin(struct tj_segment *s, const char *arabic, const struct tj_term *t)
{
    const char *at = strstr(s->source, arabic);
    assert_non_null(at);
    s->pins = realloc(s->pins, (s->npins + 1) * sizeof *s->pins);
    size_t start = (size_t)(at - s->source);
    s->pins[s->npins++] = (struct tj_pin){start, start + strlen(arabic), t};
}

static struct tj_segment *seg(struct tj_block *b, const char *source, const char *target,
                              enum tj_origin origin)
{
    struct tj_segment *s = tj_block_add_segment(b, source, strlen(source));
    tj_segment_set_target(s, target, strlen(target), origin);
    return s;
}

/* A heading translated by an engine, a paragraph of four segments (offline with a control
 * character, failed, copied, approved in the memory with its pin lost and a similar segment's
 * translation as a candidate), an empty list item. */
static void build(struct tj_document *doc)
{
    tj_document_init(doc);
    struct tj_block *b = tj_document_add_block(doc, TJ_BLOCK_HEADING, 1, 0);
    struct tj_segment *s = seg(b, src1, tgt1, TJ_ORIGIN_PROVIDER);
    s->engine = "deepl";
    pin(s, "بوتين", &putin);
    b = tj_document_add_block(doc, TJ_BLOCK_PARAGRAPH, 3, 1);
    s = seg(b, src2, tgt2, TJ_ORIGIN_OFFLINE);
    pin(s, "الناتو", &nato);
    tj_segment_add_qa(s, "untranslated", "1 word <x> & y");
    s = seg(b, "جملة فاشلة.", "جملة فاشلة.", TJ_ORIGIN_FAILED);
    tj_segment_add_qa(s, "failed", "provider timed out");
    seg(b, src4, src4, TJ_ORIGIN_COPY);
    s = seg(b, "بوتين في موسكو.", "He is in Moscow.", TJ_ORIGIN_TM);
    s->engine = "human";
    pin(s, "بوتين", &putin);
    tj_segment_add_qa(s, "pin_missing", "Putin is missing");
    s->cands = calloc(1, sizeof *s->cands);
    s->cands[0] = (struct tj_candidate){strdup("بوتين في القاهرة."), strdup("Putin in Cairo <&>"),
                                        88, strdup("deepl")};
    s->ncands = 1;
    tj_document_add_block(doc, TJ_BLOCK_LIST_ITEM, 4, 0);
    tj_document_number(doc);
}

static const struct tj_client_stats stats = {.segments = 5, .requests = 2, .failed = 1};
static const struct tj_write_meta meta = {"deepl", &stats, "a.ar.txt"};

static xmlDocPtr write_and_parse(enum tj_format fmt, const struct tj_document *doc,
                                 struct tj_buf *out)
{
    tj_buf_init(out, 0);
    tj_write_document(fmt, doc, &meta, out);
    xmlDocPtr x = xmlReadMemory(out->data, (int)out->len, "out.xml", NULL, XML_PARSE_NONET);
    assert_non_null(x); /* well-formed XML, whatever the text held */
    return x;
}

static xmlXPathObjectPtr eval(xmlDocPtr x, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(x);
    xmlXPathRegisterNs(ctx, BAD_CAST "x", BAD_CAST XLIFF_NS);
    xmlXPathRegisterNs(ctx, BAD_CAST "h", BAD_CAST XHTML_NS);
    xmlXPathRegisterNs(ctx, BAD_CAST "mtc", BAD_CAST MATCHES_NS);
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    xmlXPathFreeContext(ctx);
    assert_non_null(r);
    return r;
}

static long count(xmlDocPtr x, const char *expr)
{
    char wrapped[512];
    snprintf(wrapped, sizeof wrapped, "count(%s)", expr);
    xmlXPathObjectPtr r = eval(x, wrapped);
    long n = (long)xmlXPathCastToNumber(r);
    xmlXPathFreeObject(r);
    return n;
}

/* The string value of expr; the caller frees it. */
static char *str(xmlDocPtr x, const char *expr)
{
    char wrapped[512];
    snprintf(wrapped, sizeof wrapped, "string(%s)", expr);
    xmlXPathObjectPtr r = eval(x, wrapped);
    char *s = strdup((const char *)r->stringval);
    xmlXPathFreeObject(r);
    return s;
}

static void assert_str(xmlDocPtr x, const char *expr, const char *want)
{
    char *got = str(x, expr);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got '%s', want '%s'", expr, got, want);
    free(got);
}

/* What an XPath expression gives: the string str, or n nodes when str is NULL. */
struct xp {
    const char *expr;
    const char *str;
    long n;
};

/* Checks each of want[0..n) against x, in order; a failure names the expression. */
static void assert_xp(xmlDocPtr x, const struct xp *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (want[i].str) {
            assert_str(x, want[i].expr, want[i].str);
            continue;
        }
        long got = count(x, want[i].expr);
        if (got != want[i].n)
            fail_msg("count(%s): got %ld, want %ld", want[i].expr, got, want[i].n);
    }
}

/* An expression's string, and its count of nodes. */
#define XS(expr, want)                                                                             \
    {                                                                                              \
        (expr), (want), 0                                                                          \
    }
#define XN(expr, want)                                                                             \
    {                                                                                              \
        (expr), NULL, (want)                                                                       \
    }

#define ASSERT_XP(x, ...)                                                                          \
    do {                                                                                           \
        const struct xp want_[] = {__VA_ARGS__};                                                   \
        assert_xp((x), want_, sizeof want_ / sizeof want_[0]);                                     \
    } while (0)

static void test_xliff(void **state)
{
    (void)state;
    struct tj_document doc;
    build(&doc);
    struct tj_buf out;
    xmlDocPtr x = write_and_parse(TJ_FORMAT_XLIFF, &doc, &out);
    ASSERT_XP(x, XS("/x:xliff/@version", "2.1"), XS("/x:xliff/@srcLang", "ar"),
              XS("/x:xliff/@trgLang", "en"), XN("/x:xliff/x:file", 1),
              XS("/x:xliff/x:file/@original", "a.ar.txt"),
              /* a group per block, a unit per segment, each unit one segment */
              XN("/x:xliff/x:file/x:group", 3), XS("//x:group[1]/@type", "tj:heading"),
              XS("//x:group[3]/@type", "tj:list_item"), XN("//x:group[1]/x:unit", 1),
              XN("//x:group[2]/x:unit", 4), XN("//x:group[3]/*", 0), XN("//x:unit", 5),
              XN("//x:unit[count(x:segment) = 1]", 5),
              /* states from origins; a failed segment has no target */
              XS("//x:unit[@id='u1']/x:segment/@state", "translated"),
              XS("//x:unit[@id='u1']/x:segment/@subState", "tj:provider"),
              XS("//x:unit[@id='u2']/x:segment/@subState", "tj:offline"),
              XS("//x:unit[@id='u3']/x:segment/@state", "initial"),
              XS("//x:unit[@id='u3']/x:segment/@subState", "tj:failed"),
              XN("//x:unit[@id='u3']/x:segment/x:target", 0),
              XS("//x:unit[@id='u4']/x:segment/@state", "translated"),
              XS("//x:unit[@id='u5']/x:segment/@subState", "tj:tm"),
              XS("//x:unit[@id='u5']/x:segment/@state", "final"), /* approved */
              XN("//x:segment[@state='translated']/x:target", 3),
              XN("//x:segment[@state='final']", 1),
              /* the memory's candidate is offered, first in the unit, never as the target */
              XN("//mtc:match", 1), XN("//x:unit[@id='u5']/*[1][self::mtc:matches]/mtc:match", 1),
              XS("//mtc:match/@ref", "#s5"), XS("//mtc:match/@type", "tm"),
              XS("//mtc:match/@similarity", "88"), XS("//mtc:match/@origin", "deepl"),
              XS("//mtc:match/x:source", "بوتين في القاهرة."),
              XS("//mtc:match/x:target", "Putin in Cairo <&>"),
              XS("//x:unit[@id='u5']/x:segment/x:target", "He is in Moscow."),
              /* text, with markup characters, comes back as it was */
              XS("//x:unit[@id='u1']/x:segment/x:source", src1),
              XS("//x:unit[@id='u1']/x:segment/x:target", tgt1),
              XS("//x:unit[@id='u4']/x:segment/x:source", src4),
              XS("//x:unit[@id='u4']/x:segment/x:target", src4));
    assert_non_null(strstr(out.data, "]]&gt;"));
    ASSERT_XP(
        x, /* a control character XML cannot hold is XLIFF's <cp/> */
        XS("//x:unit[@id='u2']/x:segment/x:source/x:cp/@hex", "0001"),
        XS("//x:unit[@id='u2']/x:segment/x:source", "قال الناتو شيئا."),
        /* pins: <mrk> with the glossary entry, the same id in the target */
        XN("//x:unit[@id='u1']/x:segment/x:source/x:mrk", 1),
        XS("//x:unit[@id='u1']/x:segment/x:source/x:mrk", "بوتين"),
        XS("//x:unit[@id='u1']//x:source/x:mrk/@id", "m1"),
        XS("//x:unit[@id='u1']//x:source/x:mrk/@translate", "no"),
        XS("//x:unit[@id='u1']//x:source/x:mrk/@type", "term"),
        XS("//x:unit[@id='u1']//x:source/x:mrk/@value", "Putin"),
        XS("//x:unit[@id='u1']//x:source/x:mrk/@ref", "desk%20terms.tsv#L7"),
        XS("//x:unit[@id='u1']//x:target/x:mrk[@id='m1']", "Putin"),
        XS("//x:unit[@id='u2']//x:target/x:mrk[@id='m1']", "North Atlantic Alliance"),
        XS("//x:unit[@id='u2']//x:target/x:mrk/@value", "NATO"),
        XN("//x:unit[@id='u5']//x:source/x:mrk", 1),
        XN("//x:unit[@id='u5']//x:target/x:mrk", 0), /* the pin was lost */
        /* QA findings are notes, before the segment as XLIFF orders them */
        XS("//x:unit[@id='u2']/x:notes/x:note[@category='qa']", "untranslated: 1 word <x> & y"),
        XS("//x:unit[@id='u3']/x:notes/x:note", "failed: provider timed out"),
        XN("//x:unit[@id='u2']/*[1][self::x:notes]", 1), XN("//x:unit[@id='u1']/x:notes", 0));
    xmlFreeDoc(x);
    tj_buf_finish(&out);

    /* An empty document still has what XLIFF requires: a file with a group in it. */
    struct tj_document empty;
    tj_document_init(&empty);
    x = write_and_parse(TJ_FORMAT_XLIFF, &empty, &out);
    assert_int_equal(count(x, "/x:xliff/x:file/x:group"), 1);
    xmlFreeDoc(x);
    tj_buf_finish(&out);
    tj_document_finish(&empty);
    tj_document_finish(&doc);
}

static bool tmx_date(const char *d)
{
    if (strlen(d) != 16 || d[8] != 'T' || d[15] != 'Z')
        return false;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (d[i] < '0' || d[i] > '9'))
            return false;
    return true;
}

static void test_tmx(void **state)
{
    (void)state;
    struct tj_document doc;
    build(&doc);
    struct tj_buf out;
    xmlDocPtr x = write_and_parse(TJ_FORMAT_TMX, &doc, &out);
    ASSERT_XP(
        x, XS("/tmx/@version", "1.4"), XS("/tmx/header/@creationtool", "tarjim"),
        XS("/tmx/header/@creationtoolversion", TJ_VERSION), XS("/tmx/header/@srclang", "ar"),
        XS("/tmx/header/@adminlang", "en"), XS("/tmx/header/@datatype", "plaintext"),
        XS("/tmx/header/@segtype", "sentence"), XS("/tmx/header/@o-tmf", "tarjim"),
        /* one unit per translated segment: the failed one is left out */
        XN("/tmx/body/tu", 4),
        XN("//tu[tuv[@xml:lang='ar'] and tuv[@xml:lang='en'] and count(tuv) = 2]", 4),
        XN("//tuv[count(seg) = 1]", 8), XN("//seg[contains(., 'فاشلة')]", 0),
        XS("//tu[1]/tuv[@xml:lang='ar']/seg", src1), XS("//tu[1]/tuv[@xml:lang='en']/seg", tgt1),
        XS("//tu[3]/tuv[@xml:lang='en']/seg", src4),
        XS("//tu[1]/prop[@type='x-origin']", "provider"),
        XS("//tu[1]/prop[@type='x-engine']", "deepl"), XS("//tu[4]/prop[@type='x-origin']", "tm"),
        XS("//tu[4]/prop[@type='x-engine']", "human"),
        /* TMX has no <cp/>: the control character is U+FFFD */
        XS("//tu[2]/tuv[@xml:lang='ar']/seg", "قال الناتو\xEF\xBF\xBD شيئا."));
    for (int i = 1; i <= 4; i++) {
        char expr[64];
        snprintf(expr, sizeof expr, "//tu[%d]/@changedate", i);
        char *d = str(x, expr);
        assert_true(tmx_date(d));
        free(d);
    }
    xmlFreeDoc(x);
    tj_buf_finish(&out);
    tj_document_finish(&doc);
}

static void test_html(void **state)
{
    (void)state;
    struct tj_document doc;
    build(&doc);
    struct tj_buf out;
    xmlDocPtr x = write_and_parse(TJ_FORMAT_HTML, &doc, &out);
    assert_memory_equal(out.data, "<!DOCTYPE html>\n", 16);
    assert_null(strstr(out.data, "<?xml")); /* HTML has no XML declaration */
    ASSERT_XP(
        x, /* two cells per segment, each with its language and direction */
        XN("//h:tbody", 3), XN("//h:tbody/h:tr", 5), XN("//h:tbody//h:td", 10),
        XN("//h:tr/h:td[1][@lang='ar' and @dir='rtl']", 5),
        XN("//h:tr/h:td[2][@lang='en' and @dir='ltr']", 5),
        XN("//h:th[@lang='ar' and @dir='rtl']", 1),
        /* text with markup characters */
        XS("//h:tr[@id='s1']/h:td[1]/h:div[@class='text']", src1),
        XS("//h:tr[@id='s1']/h:td[2]/h:div[@class='text']", tgt1),
        XS("//h:tr[@id='s4']/h:td[2]/h:div[@class='text']", src4),
        /* pins marked on both sides, titled with the glossary's English; the lost one outlined */
        XS("//h:tr[@id='s1']/h:td[1]//h:mark/@title", "Putin"),
        XS("//h:tr[@id='s1']/h:td[1]//h:mark", "بوتين"),
        XS("//h:tr[@id='s1']/h:td[2]//h:mark", "Putin"),
        XS("//h:tr[@id='s2']/h:td[2]//h:mark", "North Atlantic Alliance"),
        XS("//h:tr[@id='s2']/h:td[2]//h:mark/@title", "NATO"),
        XN("//h:mark[contains(@class, 'missing')]", 1),
        XN("//h:tr[@id='s5']/h:td[1]//h:mark[contains(@class, 'missing')]", 1),
        /* origin and QA findings per row; a failed segment shows no English */
        XS("//h:tr[@id='s1']//h:span[contains(@class, 'origin')]", "provider: deepl"),
        XS("//h:tr[@id='s3']//h:span[contains(@class, 'origin')]", "failed"),
        XS("//h:tr[@id='s5']//h:span[contains(@class, 'origin')]", "tm: human"),
        XS("//h:tr[@id='s3']/h:td[2]/h:div[contains(@class, 'text')]", "[untranslated]"),
        /* Arabic left in the English is isolated, right to left; the cell's text is unchanged */
        XS("//h:tr[@id='s2']/h:td[2]//h:bdi[@lang='ar' and @dir='rtl']", "شيئا"),
        XS("//h:tr[@id='s2']/h:td[2]/h:div[@class='text']", tgt2),
        XN("//h:td[@lang='ar']//h:bdi", 0),
        XS("//h:tr[@id='s2']//h:ul[@class='qa']/h:li/h:code", "untranslated"),
        XS("//h:tr[@id='s2']//h:ul[@class='qa']/h:li", "untranslated 1 word <x> & y"),
        XS("//h:tr[@id='s3']//h:li/h:code", "failed"), XN("//h:tr[@id='s1']//h:li", 0),
        /* one self-contained, printable file */
        XN("//h:script | //h:link | //h:img | //h:iframe | //@src | //@href", 0),
        XN("//h:style", 1));
    char *css = str(x, "//h:style");
    assert_non_null(strstr(css, "@media print"));
    assert_non_null(strstr(css, "Noto Naskh Arabic"));
    assert_null(strstr(css, "url("));
    assert_null(strstr(css, "@import"));
    free(css);
    assert_str(x, "//h:meta/@charset", "utf-8");
    assert_non_null(strstr(out.data, "</td>")); /* no <td/>, which HTML would not close */
    assert_null(strstr(out.data, "<td/>"));
    assert_null(strstr(out.data, "<div/>"));
    char *footer = str(x, "//h:footer");
    assert_non_null(strstr(footer, "5 segments"));
    free(footer);
    xmlFreeDoc(x);
    tj_buf_finish(&out);
    tj_document_finish(&doc);
}

/* The formats written as XML, and a writer of one into out (a new buffer). */
static const enum tj_format xml_formats[] = {TJ_FORMAT_HTML, TJ_FORMAT_XLIFF, TJ_FORMAT_TMX};

static struct tj_writer *writer_into(enum tj_format fmt, struct tj_buf *out)
{
    tj_buf_init(out, 0);
    return tj_writer_create(fmt, &meta, out);
}

/* Each block is in the output as soon as the writer has it, before the next is given, and the
 * output only grows; a writer destroyed before its end adds nothing more. */
static void test_xml_block_by_block(void **state)
{
    (void)state;
    struct tj_document doc;
    build(&doc);
    for (size_t f = 0; f < TJ_ARRAY_LEN(xml_formats); f++) {
        struct tj_buf out;
        struct tj_writer *w = writer_into(xml_formats[f], &out);
        tj_writer_block(w, &doc.blocks[0]);
        assert_non_null(strstr(out.data, "&lt;arrives&gt; &amp; ]]&gt;"));
        assert_null(strstr(out.data, "Alliance"));
        char *first = strdup(out.data);
        tj_writer_block(w, &doc.blocks[1]);
        assert_non_null(strstr(out.data, "Alliance"));
        assert_non_null(strstr(out.data, "Moscow"));
        assert_memory_equal(out.data, first, strlen(first));
        size_t before_end = out.len;
        tj_writer_end(w, 0, &stats);
        tj_writer_destroy(w);
        assert_true(out.len > before_end);
        xmlDocPtr x = xmlReadMemory(out.data, (int)out.len, "out.xml", NULL, XML_PARSE_NONET);
        assert_non_null(x);
        xmlFreeDoc(x);

        tj_buf_reset(&out);
        w = tj_writer_create(xml_formats[f], &meta, &out);
        tj_writer_block(w, &doc.blocks[0]);
        size_t len = out.len;
        tj_writer_destroy(w);
        assert_int_equal(out.len, len);
        free(first);
        tj_buf_finish(&out);
    }
    tj_document_finish(&doc);
}

/* Bytes allocated, small and large (mmapped) chunks alike. */
static size_t in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

/* Memory stays flat however many blocks: the caller takes each block's output, and the writer
 * keeps nothing of the blocks it has written. */
static void test_xml_memory_flat(void **state)
{
    (void)state;
    struct tj_document doc;
    build(&doc);
    for (size_t f = 0; f < TJ_ARRAY_LEN(xml_formats); f++) {
        struct tj_buf out;
        struct tj_writer *w = writer_into(xml_formats[f], &out);
        size_t in_use_early = 0, written = 0;
        for (int i = 0; i < 20000; i++) {
            tj_writer_block(w, &doc.blocks[1]);
            written += out.len;
            tj_buf_reset(&out);
            if (i == 1000)
                in_use_early = in_use();
        }
        size_t in_use_late = in_use();
        assert_true(written > 20000u * 300u);
        assert_true(in_use_late <= in_use_early + 64 * 1024);
        tj_writer_end(w, 0, NULL);
        tj_writer_destroy(w);
        tj_buf_finish(&out);
    }
    tj_document_finish(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xliff),
        cmocka_unit_test(test_tmx),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_xml_block_by_block),
        cmocka_unit_test(test_xml_memory_flat),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
