/* Text and JSON writers: layout kept, contract fields present; a document written block by block
 * (each block in the output as soon as it is given) is the whole document's, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "glossary.h"
#include "writer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static char kremlin_ar[] = "الكرملين", kremlin_en[] = "Kremlin";
static struct tj_term kremlin = {.arabic = kremlin_ar, .english = kremlin_en, .type = TJ_TERM_ORG};

static void build(struct tj_document *doc)
{
    tj_document_init(doc);
    struct tj_block *b = tj_document_add_block(doc, TJ_BLOCK_HEADING, 1, 0);
    struct tj_segment *s = tj_block_add_segment(b, "عنوان", strlen("عنوان"));
    tj_segment_set_target(s, "Title", 5, TJ_ORIGIN_OFFLINE);
    b = tj_document_add_block(doc, TJ_BLOCK_PARAGRAPH, 3, 1);
    s = tj_block_add_segment(b, "أعلن الكرملين.", strlen("أعلن الكرملين."));
    tj_segment_set_target(s, "Announced Kremlin.", 18, TJ_ORIGIN_OFFLINE);
    s->pins = malloc(sizeof *s->pins);
    s->pins[0] = (struct tj_pin){9, 25, &kremlin};
    s->npins = 1;
    s = tj_block_add_segment(b, "جملة.", strlen("جملة."));
    tj_segment_set_target(s, "جملة.", strlen("جملة."), TJ_ORIGIN_FAILED);
    tj_segment_add_qa(s, "failed", "provider timed out");
    doc->blank_after = 1;
    tj_document_number(doc);
}

static void test_text_layout(void **state)
{
    (void)state;
    struct tj_document doc;
    build(&doc);
    struct tj_buf out;
    tj_buf_init(&out, 0);
    tj_write_text(&doc, &out);
    assert_string_equal(out.data, "Title\n\nAnnounced Kremlin. [untranslated] جملة.\n\n");
    tj_buf_finish(&out);
    tj_document_finish(&doc);
}

static void test_json_contract(void **state)
{
    (void)state;
    struct tj_document doc;
    build(&doc);
    struct tj_client_stats st = {.segments = 3, .requests = 1, .chars_sent = 20, .failed = 1};
    struct tj_write_meta meta = {"offline", &st, "a.ar.txt"};
    struct tj_buf out;
    tj_buf_init(&out, 0);
    tj_write_json(&doc, &meta, &out);
    json_error_t err;
    json_t *root = json_loads(out.data, 0, &err);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "provider")), "offline");
    json_t *blocks = json_object_get(root, "blocks");
    assert_int_equal(json_array_size(blocks), 2);
    json_t *b1 = json_array_get(blocks, 1);
    assert_string_equal(json_string_value(json_object_get(b1, "kind")), "paragraph");
    json_t *seg = json_array_get(json_object_get(b1, "segments"), 0);
    assert_int_equal(json_integer_value(json_object_get(seg, "id")), 2);
    assert_string_equal(json_string_value(json_object_get(seg, "origin")), "offline");
    json_t *pin = json_array_get(json_object_get(seg, "pins"), 0);
    assert_string_equal(json_string_value(json_object_get(pin, "source")), "الكرملين");
    assert_string_equal(json_string_value(json_object_get(pin, "target")), "Kremlin");
    assert_int_equal(json_integer_value(json_object_get(pin, "start")), 9);
    json_t *failed = json_array_get(json_object_get(b1, "segments"), 1);
    assert_string_equal(json_string_value(json_object_get(failed, "origin")), "failed");
    json_t *qa = json_array_get(json_object_get(failed, "qa"), 0);
    assert_string_equal(json_string_value(json_object_get(qa, "code")), "failed");
    json_t *stats = json_object_get(root, "stats");
    assert_int_equal(json_integer_value(json_object_get(stats, "failed")), 1);
    json_decref(root);

    tj_buf_reset(&out);
    tj_write_jsonl(&doc, &meta, &out);
    size_t lines = 0;
    for (char *p = out.data; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 3);
    root = json_loads(out.data, JSON_DISABLE_EOF_CHECK, &err);
    assert_string_equal(json_string_value(json_object_get(root, "file")), "a.ar.txt");
    assert_int_equal(json_integer_value(json_object_get(root, "block")), 1);
    json_decref(root);
    tj_buf_finish(&out);
    tj_document_finish(&doc);
}

static void build_three(struct tj_document *doc)
{
    tj_document_init(doc);
    struct tj_block *b = tj_document_add_block(doc, TJ_BLOCK_HEADING, 1, 0);
    struct tj_segment *s = tj_block_add_segment(b, "عنوان", strlen("عنوان"));
    tj_segment_set_target(s, "Title", 5, TJ_ORIGIN_OFFLINE);
    b = tj_document_add_block(doc, TJ_BLOCK_PARAGRAPH, 3, 1);
    s = tj_block_add_segment(b, "جملة \"أولى\".", strlen("جملة \"أولى\"."));
    tj_segment_set_target(s, "A \"first\" sentence.", 19, TJ_ORIGIN_OFFLINE);
    tj_segment_add_qa(s, "untranslated", "1 word not in the dictionary: \\ / \t");
    s = tj_block_add_segment(b, "جملة.", strlen("جملة."));
    tj_segment_set_target(s, "جملة.", strlen("جملة."), TJ_ORIGIN_FAILED);
    b = tj_document_add_block(doc, TJ_BLOCK_LIST_ITEM, 4, 0);
    doc->blank_after = 2;
    tj_document_number(doc);
}

/* Each block is in the output as soon as the writer has it, before the next one is given; the
 * finished output is the whole document's, in every format. */
static void test_writer_block_by_block(void **state)
{
    (void)state;
    struct tj_document doc;
    build_three(&doc);
    struct tj_client_stats st = {.segments = 3, .requests = 1, .chars_sent = 20, .failed = 1};
    struct tj_write_meta meta = {"offline", &st, "a \"b\".ar.txt"};
    const enum tj_format fmts[] = {TJ_FORMAT_TEXT, TJ_FORMAT_JSON, TJ_FORMAT_JSONL};
    for (size_t f = 0; f < 3; f++) {
        struct tj_buf whole, out;
        tj_buf_init(&whole, 0);
        tj_buf_init(&out, 0);
        if (fmts[f] == TJ_FORMAT_TEXT)
            tj_write_text(&doc, &whole);
        else if (fmts[f] == TJ_FORMAT_JSON)
            tj_write_json(&doc, &meta, &whole);
        else
            tj_write_jsonl(&doc, &meta, &whole);
        struct tj_writer *w = tj_writer_create(fmts[f], &meta, &out);
        tj_writer_block(w, &doc.blocks[0]);
        assert_non_null(strstr(out.data, fmts[f] == TJ_FORMAT_TEXT ? "Title" : "\"Title\""));
        assert_null(strstr(out.data, "first"));
        tj_writer_block(w, &doc.blocks[1]);
        assert_non_null(strstr(out.data, "first"));
        tj_writer_block(w, &doc.blocks[2]);
        tj_writer_end(w, doc.blank_after, &st);
        tj_writer_destroy(w);
        assert_string_equal(out.data, whole.data);
        tj_buf_finish(&whole);
        tj_buf_finish(&out);
    }
    tj_document_finish(&doc);
}

/* The JSON the writer puts together around jansson's segment objects is what jansson gives
 * for the whole document, here an empty one and one with a block without segments. */
static void test_writer_json_as_jansson(void **state)
{
    (void)state;
    struct tj_document doc;
    struct tj_buf out;
    tj_buf_init(&out, 0);
    for (int k = 0; k < 2; k++) {
        tj_document_init(&doc);
        if (k)
            tj_document_add_block(&doc, TJ_BLOCK_PARAGRAPH, 1, 0);
        tj_buf_reset(&out);
        struct tj_client_stats st = {0};
        struct tj_write_meta meta = {"off\"line", &st, NULL};
        tj_write_json(&doc, &meta, &out);
        json_error_t err;
        json_t *root = json_loads(out.data, 0, &err);
        assert_non_null(root);
        char *again = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        size_t n = strlen(again);
        assert_int_equal(out.len, n + 1);
        assert_memory_equal(out.data, again, n);
        free(again);
        json_decref(root);
        tj_document_finish(&doc);
    }
    tj_buf_finish(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_layout),
        cmocka_unit_test(test_json_contract),
        cmocka_unit_test(test_writer_block_by_block),
        cmocka_unit_test(test_writer_json_as_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
