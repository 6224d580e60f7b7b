/* The JSON document read back (writers/docjson): a document the JSON writer wrote reads back and
 * writes again byte for byte; edits and approvals come through (XLIFF final for an approved
 * segment, translated for an edited one); the text layout comes back from the block lines; every
 * malformed field is refused with its JSON path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "docjson.h"
#include "glossary.h"
#include "writer.h"

#include <stdlib.h>
#include <string.h>

static char putin_ar[] = "بوتين", putin_en[] = "Putin";
static struct tj_term putin = {.arabic = putin_ar, .english = putin_en, .type = TJ_TERM_PERSON};

/* A document as the pipeline leaves it: a heading, a paragraph of two segments after a blank
 * line, pins, QA, a candidate, a memory approval. */
static void sample(struct tj_document *doc, struct tj_client_stats *st)
{
    tj_document_init(doc);
    struct tj_block *b = tj_document_add_block(doc, TJ_BLOCK_HEADING, 1, 0);
    struct tj_segment *s = tj_block_add_segment(b, "قال بوتين", strlen("قال بوتين"));
    tj_segment_set_target(s, "Putin said", 10, TJ_ORIGIN_PROVIDER);
    s->engine = "deepl";
    s->pins = calloc(1, sizeof *s->pins);
    s->pins[0] = (struct tj_pin){7, 17, &putin};
    s->npins = 1;
    b = tj_document_add_block(doc, TJ_BLOCK_PARAGRAPH, 3, 1);
    s = tj_block_add_segment(b, "جملة أولى.", strlen("جملة أولى."));
    tj_segment_set_target(s, "First sentence.", 15, TJ_ORIGIN_TM);
    s->engine = "human";
    s = tj_block_add_segment(b, "جملة ثانية.", strlen("جملة ثانية."));
    tj_segment_set_target(s, "Second <sentence> & \"more\".", 27, TJ_ORIGIN_OFFLINE);
    s->engine = "offline";
    tj_segment_add_qa(s, "untranslated", "1 word left: %s", "ثانية");
    s->cands = calloc(1, sizeof *s->cands);
    s->cands[0] = (struct tj_candidate){strdup("جملة ثالثة."), strdup("Third sentence."), 80,
                                        strdup("human")};
    s->ncands = 1;
    tj_document_number(doc);
    *st = (struct tj_client_stats){.segments = 3, .requests = 2, .chars_sent = 30, .tm_hits = 1};
}

static char *write_fmt(enum tj_format fmt, const struct tj_document *doc, const char *provider,
                       const struct tj_client_stats *st)
{
    struct tj_buf out;
    tj_buf_init(&out, 0);
    struct tj_write_meta meta = {provider, st, NULL};
    tj_write_document(fmt, doc, &meta, &out);
    return tj_buf_take(&out, NULL);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct tj_document doc;
    struct tj_client_stats st;
    sample(&doc, &st);
    char *json = write_fmt(TJ_FORMAT_JSON, &doc, "deepl", &st);
    char *text = write_fmt(TJ_FORMAT_TEXT, &doc, NULL, NULL);
    struct tj_docjson d;
    struct tj_diag diag;
    if (tj_docjson_read(json, strlen(json), &d, &diag) != TJ_OK)
        fail_msg("%s", diag.message);
    assert_string_equal(d.provider, "deepl");
    assert_true(d.has_stats);
    assert_int_equal(d.stats.requests, 2);
    char *again = write_fmt(TJ_FORMAT_JSON, &d.doc, d.provider, &d.stats);
    assert_string_equal(again, json);
    /* The blank line between the blocks comes back from their line numbers. */
    char *text2 = write_fmt(TJ_FORMAT_TEXT, &d.doc, NULL, NULL);
    assert_string_equal(text2, text);
    assert_string_equal(text, "Putin said\n\nFirst sentence. Second <sentence> & \"more\".\n");
    tj_docjson_finish(&d);
    tj_document_finish(&doc);
    free(json);
    free(text);
    free(again);
    free(text2);
}

static void test_edits(void **state)
{
    (void)state;
    const char *json =
        "{\"provider\": \"offline\", \"blocks\": [{\"kind\": \"paragraph\", \"segments\": ["
        "{\"id\": 1, \"source\": \"قال بوتين\", \"target\": \"Edited by a person\", \"origin\": "
        "\"offline\", \"approved\": true, \"pins\": [{\"start\": 7, \"end\": 17, \"target\": "
        "\"Putin\", \"type\": \"person\", \"source\": \"بوتين\"}]},"
        "{\"id\": 2, \"source\": \"جملة\", \"target\": \"Edited, not approved\"},"
        "{\"id\": 3, \"source\": \"جملة\"}]}]}";
    struct tj_docjson d;
    struct tj_diag diag;
    if (tj_docjson_read(json, strlen(json), &d, &diag) != TJ_OK)
        fail_msg("%s", diag.message);
    const struct tj_segment *s = d.doc.blocks[0].segs;
    assert_true(tj_segment_approved(&s[0]));
    assert_false(tj_segment_approved(&s[1]));
    assert_int_equal(s[1].origin, TJ_ORIGIN_PROVIDER); /* a target without an origin */
    assert_null(s[2].target);
    char *xliff = write_fmt(TJ_FORMAT_XLIFF, &d.doc, d.provider, NULL);
    assert_non_null(strstr(xliff, "<segment id=\"s1\" state=\"final\""));
    assert_non_null(strstr(xliff, "<segment id=\"s2\" state=\"translated\""));
    assert_non_null(strstr(xliff, "<segment id=\"s3\" state=\"initial\""));
    assert_non_null(strstr(xliff, "value=\"Putin\""));
    char *out = write_fmt(TJ_FORMAT_JSON, &d.doc, d.provider, NULL);
    assert_non_null(strstr(out, "\"approved\": true"));
    free(out);
    free(xliff);
    tj_docjson_finish(&d);
}

/* Reads json and expects TJ_ERR_DATA with want in the message. */
static void refused(const char *json, const char *want)
{
    struct tj_docjson d;
    struct tj_diag diag = {""};
    if (tj_docjson_read(json, strlen(json), &d, &diag) != TJ_ERR_DATA)
        fail_msg("accepted: %s", json);
    if (!strstr(diag.message, want))
        fail_msg("'%s' does not say '%s'", diag.message, want);
    tj_docjson_finish(&d); /* zeroed: accepted */
}

#define SEG(body) "{\"blocks\": [{\"kind\": \"paragraph\", \"segments\": [" body "]}]}"

static void test_refused(void **state)
{
    (void)state;
    refused("[1, 2]", "a JSON object");
    refused("{\"blocks\": 1", "not JSON");
    refused("{}", "blocks: missing");
    refused("{\"blocks\": [{\"kind\": \"x\", \"segments\": []}]}", "blocks[0].kind: must be");
    refused("{\"blocks\": [{\"segments\": [], \"line\": -1}]}", "blocks[0].line: -1 is out");
    refused(SEG("{\"source\": \"ا\"}"), "blocks[0].segments[0].id: missing");
    refused(SEG("{\"id\": 2, \"source\": \"ا\"}, {\"id\": 2, \"source\": \"ب\"}"),
            "blocks[0].segments[1].id: 2: ids are positive and increase");
    refused(SEG("{\"id\": 1, \"source\": 5}"), "segments[0].source: must be a string");
    refused(SEG("{\"id\": 1, \"source\": \"ا\", \"origin\": \"magic\", \"target\": \"a\"}"),
            "segments[0].origin: must be");
    refused(SEG("{\"id\": 1, \"source\": \"ا\", \"approved\": \"yes\"}"),
            "segments[0].approved: must be true or false");
    refused(SEG("{\"id\": 1, \"source\": \"ا\\u0000\"}"), "is not allowed");
    /* Pins: within the source, on character boundaries, in order, apart. */
    refused(SEG("{\"id\": 1, \"source\": \"بوتين\", \"pins\": [{\"start\": 0, \"end\": 11, "
                "\"target\": \"P\"}]}"),
            "pins[0].end: 11 is out of range");
    refused(SEG("{\"id\": 1, \"source\": \"بوتين\", \"pins\": [{\"start\": 1, \"end\": 4, "
                "\"target\": \"P\"}]}"),
            "pins[0].start: 1 is inside a character");
    refused(SEG("{\"id\": 1, \"source\": \"بوتين\", \"pins\": [{\"start\": 0, \"end\": 3, "
                "\"target\": \"P\"}]}"),
            "blocks[0].segments[0].pins[0].end: 3 is inside a character of source");
    refused(SEG("{\"id\": 1, \"source\": \"بوتين\", \"pins\": [{\"start\": 4, \"end\": 4, "
                "\"target\": \"P\"}]}"),
            "pins[0].end: 4 is not after start");
    refused(SEG("{\"id\": 1, \"source\": \"بوتين\", \"pins\": [{\"start\": 0, \"end\": 6, "
                "\"target\": \"P\"}, {\"start\": 4, \"end\": 10, \"target\": \"Q\"}]}"),
            "pins[1].start: 4 overlaps");
    refused(SEG("{\"id\": 1, \"source\": \"بوتين\", \"pins\": [{\"start\": 0, \"end\": 10}]}"),
            "pins[0].target: missing");
    refused(SEG("{\"id\": 1, \"source\": \"بوتين\", \"pins\": [{\"start\": 0, \"end\": 10, "
                "\"target\": \"P\", \"source\": \"بوت\"}]}"),
            "pins[0].source: is not source[start:end]");
    refused(SEG("{\"id\": 1, \"source\": \"بوتين\", \"pins\": [{\"start\": 0, \"end\": 10, "
                "\"target\": \"P\", \"type\": \"city\"}]}"),
            "pins[0].type: must be");
    refused(SEG("{\"id\": 1, \"source\": \"ا\", \"qa\": [{\"message\": \"m\"}]}"),
            "qa[0].code: missing");
    refused(SEG("{\"id\": 1, \"source\": \"ا\", \"candidates\": [{\"source\": \"a\", \"target\": "
                "\"b\", \"similarity\": 101}]}"),
            "candidates[0].similarity: 101 is out of range");
    refused("{\"stats\": {\"failed\": -2}, \"blocks\": []}", "stats.failed: -2");
    /* Sizes are capped. */
    size_t n = TJ_DOCJSON_PINS_MAX + 1;
    struct tj_buf b;
    tj_buf_init(&b, 0);
    tj_buf_puts(&b, "{\"blocks\": [{\"segments\": [{\"id\": 1, \"source\": \"ا\", \"pins\": [");
    for (size_t i = 0; i < n; i++)
        tj_buf_puts(&b, i ? ",0" : "0");
    tj_buf_puts(&b, "]}]}]}");
    char *big = tj_buf_take(&b, NULL);
    refused(big, "pins: has over 1000 elements");
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_edits),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
