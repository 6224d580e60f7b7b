/* Text and JSON writers: layout kept, contract fields present. */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_layout),
        cmocka_unit_test(test_json_contract),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
