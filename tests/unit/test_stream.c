/* The streaming pipeline: it writes its windows before the input ends, and what it writes is
 * byte for byte what the whole-document path gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "client.h"
#include "input.h"
#include "pipeline.h"
#include "qa.h"
#include "provider.h"
#include "test_terms.h"
#include "writer.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct tj_provider *offline;

static int setup(void **state)
{
    (void)state;
    if (terms_load("بوتين\tPutin\tperson\n"
                   "الكرملين\tKremlin\torg\n"
                   "غزة\tGaza\tplace\n") != 0)
        return -1;
    /* The dictionary, when installed, makes the drafts fuller; either way both paths agree. */
    struct tj_provider_config cfg = {.freedict_dir = "/usr/share/dictd"};
    return tj_provider_create(tj_provider_find("offline"), &cfg, &offline, NULL) == TJ_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    tj_provider_destroy(offline);
    return terms_teardown(state);
}

/* Feeds text line by line through a streaming pipeline that writes fmt to out. */
static enum tj_status stream(const char *text, enum tj_format fmt, struct tj_buf *out,
                             struct tj_client_stats *st, size_t *written_before_end)
{
    struct tj_write_meta meta = {"offline", NULL, "in.ar.txt"};
    struct tj_writer *w = tj_writer_create(fmt, &meta, out);
    struct tj_pipeline_config cfg = {
        .glossary = g, .chain = &offline, .nchain = 1, .stats = st, .writer = w};
    struct tj_pipeline *pl = tj_pipeline_create(&cfg);
    tj_pipeline_text(pl, text, strlen(text));
    if (written_before_end)
        *written_before_end = out->len;
    struct tj_diag diag;
    enum tj_status rc = tj_pipeline_finish(pl, &diag);
    tj_pipeline_destroy(pl);
    tj_writer_destroy(w);
    return rc;
}

/* The same text as a whole document, the server's way. */
static void whole(const char *text, enum tj_format fmt, struct tj_buf *out)
{
    struct tj_document doc;
    tj_document_init(&doc);
    tj_pipeline_prepare(text, strlen(text), g, NULL, &doc);
    struct tj_client_stats st = {0};
    tj_client_translate_chain(&offline, 1, &doc, NULL, &st, NULL);
    tj_qa_document(&doc);
    /* The names of the whole document, as the pipeline checks them window by window. */
    struct tj_consistency *names = tj_consistency_create(TJ_CONSISTENCY_BYTES);
    tj_consistency_window(names, tj_consistency_begin(names), NULL, &doc);
    tj_consistency_destroy(names);
    struct tj_write_meta meta = {"offline", &st, "in.ar.txt"};
    if (fmt == TJ_FORMAT_TEXT)
        tj_write_text(&doc, out);
    else if (fmt == TJ_FORMAT_JSON)
        tj_write_json(&doc, &meta, out);
    else
        tj_write_jsonl(&doc, &meta, out);
    tj_document_finish(&doc);
}

static char *read_example(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/examples/%s", getenv("TARJIM_SOURCE"), name);
    char *data;
    size_t len;
    assert_int_equal(tj_input_read(path, &data, &len, NULL), TJ_OK);
    return data;
}

/* An article within one window comes out of the streaming pipeline byte for byte as from the
 * whole-document path, stats included, in every format. */
static void test_pipeline_same_as_whole(void **state)
{
    (void)state;
    const char *names[] = {"gaza-ceasefire.ar.txt", "opec-output.ar.txt", "ukraine-talks.ar.txt"};
    const enum tj_format fmts[] = {TJ_FORMAT_TEXT, TJ_FORMAT_JSON, TJ_FORMAT_JSONL};
    for (size_t i = 0; i < TJ_ARRAY_LEN(names); i++) {
        char *text = read_example(names[i]);
        for (size_t f = 0; f < 3; f++) {
            struct tj_buf a, b;
            tj_buf_init(&a, 0);
            tj_buf_init(&b, 0);
            struct tj_client_stats st = {0};
            assert_int_equal(stream(text, fmts[f], &a, &st, NULL), TJ_OK);
            whole(text, fmts[f], &b);
            assert_string_equal(a.data, b.data);
            tj_buf_finish(&a);
            tj_buf_finish(&b);
        }
        free(text);
    }
}

/* A long article is written window by window: most of it is out before the input ends, and
 * the document is whole (every block, ids in order, the stats at the end). */
static void test_pipeline_writes_before_end(void **state)
{
    (void)state;
    char *article = read_example("gaza-ceasefire.ar.txt");
    struct tj_buf text;
    tj_buf_init(&text, 0);
    for (int i = 0; i < 200; i++)
        tj_buf_puts(&text, article);
    free(article);
    struct tj_buf out;
    tj_buf_init(&out, 0);
    struct tj_client_stats st = {0};
    size_t early;
    assert_int_equal(stream(text.data, TJ_FORMAT_JSON, &out, &st, &early), TJ_OK);
    assert_true(early > out.len / 2);
    json_error_t err;
    json_t *root = json_loads(out.data, 0, &err);
    assert_non_null(root);
    json_t *blocks = json_object_get(root, "blocks");
    json_int_t id = 0;
    for (size_t b = 0; b < json_array_size(blocks); b++) {
        json_t *segs = json_object_get(json_array_get(blocks, b), "segments");
        for (size_t s = 0; s < json_array_size(segs); s++)
            assert_int_equal(json_integer_value(json_object_get(json_array_get(segs, s), "id")),
                             ++id);
    }
    assert_true(id > 2 * TJ_PIPELINE_WINDOW_SEGMENTS);
    json_t *stats = json_object_get(root, "stats");
    assert_int_equal(json_integer_value(json_object_get(stats, "segments")), id);
    assert_int_equal((json_int_t)st.segments, id);
    json_decref(root);
    tj_buf_finish(&out);
    tj_buf_finish(&text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline_same_as_whole),
        cmocka_unit_test(test_pipeline_writes_before_end),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
