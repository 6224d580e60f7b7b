/* Tests of the dictd reader: a small dictionary written by the test itself (index plus a
 * dictzip file made with zlib, in small chunks so that definitions straddle them), malformed
 * files, and the installed FreeDict Arabic-English dictionary when it is there. */
#include "freedict.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

struct dict_entry {
    const char *headword;
    const char *body; /* the definition after the headword line */
};

/* A definition of the size FreeDict's have, and one headword per interesting case. */
static const struct dict_entry entries[] = {
    {"كتاب", "1. Book\n2. Volume\n"},
    /* Alphabetical senses, as FreeDict lists them: the common word must win. */
    {"القمة", "1. Acme\n2. Apogee\n3. Summit\n4. Summits\n"},
    /* Diacritics and hamza in the headword: found through the matching form. */
    {"مُدَرِّسَة", "1. Schoolmistress\n2. Teacher\n"},
    {"أعلن", "1. Annunciated\n2. Announced\n3. Made-known\n"},
    /* Two entries sharing a key: the senses of both are considered. */
    {"عين", "1. Eyelet\n"},
    {"عين", "1. Eye\n2. Spring\n"},
    {"روسيا", "Russia\n"},
    {"الأول", "1. 1st\n"},
    /* Lam-alef written as a presentation form. */
    {"ﻻعب", "Player\n"},
    {"صعب", "1. Made-difficult\n2. Self-scanning-and-multiple-parts\n"},
};

static char tmpdir[256];

static const char b64_digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Appends v in dictd's base64 (most significant digit first). */
static void put_b64(FILE *f, uint64_t v)
{
    char digits[16];
    int n = 0;
    do {
        digits[n++] = b64_digits[v & 63];
        v >>= 6;
    } while (v);
    while (n > 0)
        fputc(digits[--n], f);
}

static char *path_in_tmp(const char *name)
{
    size_t n = strlen(tmpdir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", tmpdir, name);
    return p;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Builds the uncompressed .dict text of entries[] and writes the index for it. */
static char *build_dict(const char *index_path, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    FILE *idx = fopen(index_path, "wb");
    assert_non_null(idx);
    /* dictd's own headers come first and are not headwords. */
    fputs("00databaseutf8\tA\tB\n", idx);
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++) {
        int k = snprintf(text + n, cap - n, "%s /x/\n%s", entries[i].headword, entries[i].body);
        assert_true(k > 0 && (size_t)k < cap - n);
        fprintf(idx, "%s\t", entries[i].headword);
        put_b64(idx, n);
        fputc('\t', idx);
        put_b64(idx, (uint64_t)k);
        fputc('\n', idx);
        n += (size_t)k;
    }
    assert_int_equal(fclose(idx), 0);
    *len = n;
    return text;
}

/* Writes text as a dictzip file: raw deflate, a full flush after each chunk of chunk_len
 * bytes, the chunk sizes in the RA subfield of the gzip extra field. */
static void write_dictzip(const char *path, const char *text, size_t len, unsigned chunk_len)
{
    size_t n_chunks = (len + chunk_len - 1) / chunk_len;
    unsigned char *out = malloc(len * 2 + 1024);
    unsigned *sizes = calloc(n_chunks, sizeof *sizes);
    assert_non_null(out);
    assert_non_null(sizes);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t total = 0;
    for (size_t i = 0; i < n_chunks; i++) {
        size_t start = i * chunk_len;
        size_t clen = len - start < chunk_len ? len - start : chunk_len;
        zs.next_in = (unsigned char *)text + start;
        zs.avail_in = (uInt)clen;
        zs.next_out = out + total;
        zs.avail_out = (uInt)(len * 2 + 1024 - total);
        int zr = deflate(&zs, i + 1 == n_chunks ? Z_FINISH : Z_FULL_FLUSH);
        assert_true(zr == Z_OK || zr == Z_STREAM_END);
        sizes[i] = (unsigned)(zs.next_out - (out + total));
        total += sizes[i];
    }
    deflateEnd(&zs);

    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    size_t ra_len = 6 + 2 * n_chunks, xlen = 4 + ra_len;
    const unsigned char head[] = {0x1f, 0x8b, 8, 0x04 | 0x08, 0, 0, 0, 0, 2, 3};
    fwrite(head, 1, sizeof head, f);
    unsigned vals[] = {(unsigned)xlen};
    fputc(vals[0] & 0xff, f);
    fputc(vals[0] >> 8, f);
    fputs("RA", f);
    unsigned words[] = {(unsigned)ra_len, 1, chunk_len, (unsigned)n_chunks};
    for (size_t i = 0; i < 4; i++) {
        fputc(words[i] & 0xff, f);
        fputc(words[i] >> 8, f);
    }
    for (size_t i = 0; i < n_chunks; i++) {
        fputc(sizes[i] & 0xff, f);
        fputc(sizes[i] >> 8, f);
    }
    fputs("test.dict", f);
    fputc(0, f);
    fwrite(out, 1, total, f);
    uLong crc = crc32(0, (const unsigned char *)text, (uInt)len);
    unsigned long trailer[] = {crc, (unsigned long)len};
    for (size_t i = 0; i < 2; i++)
        for (int b = 0; b < 4; b++)
            fputc((int)(trailer[i] >> (8 * b)) & 0xff, f);
    assert_int_equal(fclose(f), 0);
    free(sizes);
    free(out);
}

struct fixture {
    char *index;
    char *dictzip;
    char *plain;
    struct tj_freedict *d;
};

static int setup(void **state)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/tj_freedict_XXXXXX", base);
    if (!mkdtemp(tmpdir))
        return -1;
    struct fixture *fx = calloc(1, sizeof *fx);
    fx->index = path_in_tmp("test.index");
    fx->dictzip = path_in_tmp("test.dict.dz");
    fx->plain = path_in_tmp("test.dict");
    size_t len;
    char *text = build_dict(fx->index, &len);
    write_dictzip(fx->dictzip, text, len, 40); /* ~10 chunks: entries straddle them */
    write_file(fx->plain, text, len);
    free(text);
    struct tj_diag diag = {{0}};
    if (tj_freedict_open(fx->index, fx->dictzip, &fx->d, &diag) != TJ_OK) {
        fprintf(stderr, "setup: %s\n", diag.message);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    tj_freedict_destroy(fx->d);
    char *names[] = {fx->index, fx->dictzip, fx->plain};
    for (size_t i = 0; i < 3; i++) {
        unlink(names[i]);
        free(names[i]);
    }
    const char *extra[] = {"bad.index", "bad.dict"};
    for (size_t i = 0; i < 2; i++) {
        char *p = path_in_tmp(extra[i]);
        unlink(p);
        free(p);
    }
    rmdir(tmpdir);
    free(fx);
    return 0;
}

static const char *lookup(struct tj_freedict *d, const char *key)
{
    const char *gloss = NULL;
    return tj_freedict_lookup(d, key, strlen(key), &gloss) ? gloss : NULL;
}

static void test_counts_headwords_not_database_entries(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(tj_freedict_count(fx->d), sizeof entries / sizeof entries[0]);
    assert_false(tj_freedict_contains(fx->d, "00databaseutf8", 14));
}

static void test_common_sense_wins_over_alphabetical_first(void **state)
{
    struct fixture *fx = *state;
    assert_string_equal(lookup(fx->d, "كتاب"), "book");
    /* Key in matching form: ة is ه. Acme and Apogee come first, Summits is a plural. */
    assert_string_equal(lookup(fx->d, "القمه"), "summit");
    assert_string_equal(lookup(fx->d, "اعلن"), "announced");
}

static void test_headword_matched_through_matching_form(void **state)
{
    struct fixture *fx = *state;
    assert_string_equal(lookup(fx->d, "مدرسه"), "teacher");
    assert_null(lookup(fx->d, "مُدَرِّسَة")); /* keys must already be in matching form */
    assert_string_equal(lookup(fx->d, "لاعب"), "player");
}

static void test_entries_sharing_a_key_are_merged(void **state)
{
    struct fixture *fx = *state;
    assert_string_equal(lookup(fx->d, "عين"), "eye");
}

static void test_proper_names_keep_capital(void **state)
{
    struct fixture *fx = *state;
    assert_string_equal(lookup(fx->d, "روسيا"), "Russia");
}

static void test_unclean_senses(void **state)
{
    struct fixture *fx = *state;
    /* Only an ordinal written with a digit: used as it is. */
    assert_string_equal(lookup(fx->d, "الاول"), "1st");
    /* A verb phrase joined by hyphens is spread out; a long compound is not taken. */
    assert_string_equal(lookup(fx->d, "صعب"), "made difficult");
}

static void test_missing_key(void **state)
{
    struct fixture *fx = *state;
    const char *gloss = "untouched";
    assert_false(tj_freedict_lookup(fx->d, "قزقز", strlen("قزقز"), &gloss));
    assert_string_equal(gloss, "untouched");
    assert_false(tj_freedict_contains(fx->d, "قزقز", strlen("قزقز")));
    assert_int_equal(tj_freedict_finals(fx->d, "قزقز", strlen("قزقز")), 0);
    assert_false(tj_freedict_lookup(fx->d, "", 0, &gloss));
}

static void test_finals_tell_taa_marbuta(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(tj_freedict_finals(fx->d, "القمه", strlen("القمه")), TJ_FREEDICT_FINAL_TAA);
    assert_int_equal(tj_freedict_finals(fx->d, "كتاب", strlen("كتاب")), TJ_FREEDICT_FINAL_OTHER);
}

static void test_gloss_pointer_is_cached(void **state)
{
    struct fixture *fx = *state;
    const char *a = lookup(fx->d, "كتاب"), *b = lookup(fx->d, "كتاب");
    assert_non_null(a);
    assert_ptr_equal(a, b);
}

static void test_every_entry_readable_through_chunks(void **state)
{
    struct fixture *fx = *state;
    /* Looked up in reverse so that the chunk cache is cold and then evicted. */
    static const char *const keys[] = {"صعب",  "لاعب",  "الاول", "روسيا", "عين",
                                       "اعلن", "مدرسه", "القمه", "كتاب"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(lookup(fx->d, keys[i]));
}

static void test_plain_dict(void **state)
{
    struct fixture *fx = *state;
    struct tj_freedict *d = NULL;
    assert_int_equal(tj_freedict_open(fx->index, fx->plain, &d, NULL), TJ_OK);
    assert_string_equal(lookup(d, "القمه"), "summit");
    assert_string_equal(lookup(d, "عين"), "eye");
    tj_freedict_destroy(d);
}

static void test_missing_files(void **state)
{
    struct fixture *fx = *state;
    struct tj_freedict *d = (struct tj_freedict *)1;
    struct tj_diag diag = {{0}};
    char *nowhere = path_in_tmp("nowhere.index");
    assert_int_equal(tj_freedict_open(nowhere, fx->dictzip, &d, &diag), TJ_ERR_NOINPUT);
    assert_null(d);
    assert_non_null(strstr(diag.message, "nowhere.index"));
    assert_int_equal(tj_freedict_open(fx->index, nowhere, &d, &diag), TJ_ERR_NOINPUT);
    assert_non_null(strstr(diag.message, "nowhere.index"));
    free(nowhere);
}

static enum tj_status open_index_text(struct fixture *fx, const char *text, struct tj_diag *diag)
{
    char *path = path_in_tmp("bad.index");
    write_file(path, text, strlen(text));
    struct tj_freedict *d = NULL;
    enum tj_status rc = tj_freedict_open(path, fx->dictzip, &d, diag);
    if (rc != TJ_OK)
        assert_null(d);
    tj_freedict_destroy(d);
    free(path);
    return rc;
}

static void test_bad_index_rows_name_the_line(void **state)
{
    struct fixture *fx = *state;
    struct tj_diag diag = {{0}};
    assert_int_equal(open_index_text(fx, "كتاب\tA\tB\nقمة\tA\n", &diag), TJ_ERR_CONFIG);
    assert_non_null(strstr(diag.message, "bad.index: line 2:"));
    assert_int_equal(open_index_text(fx, "كتاب\tA\tB\n\nقمة\tA!\tB\n", &diag), TJ_ERR_CONFIG);
    assert_non_null(strstr(diag.message, "line 3:"));
    assert_non_null(strstr(diag.message, "base64"));
    assert_int_equal(open_index_text(fx, "\xff\xfe\tA\tB\n", &diag), TJ_ERR_CONFIG);
    assert_non_null(strstr(diag.message, "line 1: headword is not valid UTF-8"));
    assert_int_equal(open_index_text(fx, "\tA\tB\n", &diag), TJ_ERR_CONFIG);
    assert_non_null(strstr(diag.message, "empty headword"));
    /* An offset beyond the dictionary. */
    assert_int_equal(open_index_text(fx, "كتاب\tZZZZ\tB\n", &diag), TJ_ERR_CONFIG);
    assert_non_null(strstr(diag.message, "past the end"));
    /* A fourth field (dictd's original headword) is accepted, and so is a missing last
     * newline. */
    assert_int_equal(open_index_text(fx, "كتاب\tA\tB\tKitab", &diag), TJ_OK);
}

static void test_bad_dict_files(void **state)
{
    struct fixture *fx = *state;
    char *path = path_in_tmp("bad.dict");
    struct tj_freedict *d = NULL;
    struct tj_diag diag = {{0}};

    /* gzip without the RA field: not a dictzip file. */
    const unsigned char gz[] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0,
                                0,    0,    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    write_file(path, gz, sizeof gz);
    assert_int_equal(tj_freedict_open(fx->index, path, &d, &diag), TJ_ERR_CONFIG);
    assert_non_null(strstr(diag.message, "bad.dict"));
    assert_non_null(strstr(diag.message, "dictzip"));

    /* A chunk table pointing past the end of the file. */
    const unsigned char cut[] = {0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3, 12, 0, 'R', 'A',
                                 8,    0,    1, 0, 0, 1, 1, 0, 0, 1, 0,  0, 0,   0};
    write_file(path, cut, sizeof cut);
    assert_int_equal(tj_freedict_open(fx->index, path, &d, &diag), TJ_ERR_CONFIG);
    assert_non_null(strstr(diag.message, "past end"));
    free(path);
}

static void test_damaged_chunk_fails_lookup_only(void **state)
{
    struct fixture *fx = *state;
    FILE *f = fopen(fx->dictzip, "rb");
    assert_non_null(f);
    unsigned char buf[8192];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    char *path = path_in_tmp("bad.dict");
    /* Garble the compressed data after the header (which ends at "test.dict\0"). */
    unsigned char *name = memmem(buf, n, "test.dict", 10);
    assert_non_null(name);
    for (unsigned char *p = name + 10; p < buf + n - 8; p++)
        *p = 0xff;
    write_file(path, buf, n);
    struct tj_freedict *d = NULL;
    assert_int_equal(tj_freedict_open(fx->index, path, &d, NULL), TJ_OK);
    assert_null(lookup(d, "كتاب"));
    assert_true(tj_freedict_contains(d, "كتاب", strlen("كتاب")));
    tj_freedict_destroy(d);
    free(path);
}

static void test_open_mem_without_dict(void **state)
{
    (void)state;
    const char index[] = "كتاب\tA\tB\nقمة\tB\tC";
    struct tj_freedict *d = NULL;
    assert_int_equal(tj_freedict_open_mem(index, strlen(index), "mem", NULL, &d, NULL), TJ_OK);
    assert_int_equal(tj_freedict_count(d), 2);
    assert_true(tj_freedict_contains(d, "قمه", strlen("قمه")));
    assert_null(lookup(d, "قمه"));
    tj_freedict_destroy(d);
    tj_freedict_destroy(NULL);
}

/* ---- the installed dictionary ---- */

static char *real_path(const char *suffix)
{
    const char *dir = getenv("TARJIM_FREEDICT_DIR");
    if (!dir || !*dir)
        dir = "/usr/share/dictd";
    size_t n = strlen(dir) + strlen(suffix) + 32;
    char *p = malloc(n);
    snprintf(p, n, "%s/freedict-ara-eng%s", dir, suffix);
    return p;
}

static struct tj_freedict *open_real(void)
{
    char *index = real_path(".index"), *dict = real_path(".dict.dz");
    struct tj_freedict *d = NULL;
    bool present = access(index, R_OK) == 0 && access(dict, R_OK) == 0;
    struct tj_diag diag = {{0}};
    enum tj_status rc = present ? tj_freedict_open(index, dict, &d, &diag) : TJ_ERR_NOINPUT;
    free(index);
    free(dict);
    if (!present)
        return NULL;
    if (rc != TJ_OK)
        fail_msg("%s", diag.message);
    return d;
}

static void test_real_dictionary(void **state)
{
    (void)state;
    struct tj_freedict *d = open_real();
    if (!d)
        skip();
    assert_true(tj_freedict_count(d) > 50000);
    assert_string_equal(lookup(d, "الرييس"), "president");
    assert_string_equal(lookup(d, "القمه"), "summit");
    assert_string_equal(lookup(d, "البرازيل"), "Brazil");
    assert_string_equal(lookup(d, "الروسي"), "Russian");
    assert_string_equal(lookup(d, "الصداقه"), "friendship");
    assert_string_equal(lookup(d, "الجنود"), "soldiers");
    assert_string_equal(lookup(d, "و"), "and");
    assert_null(lookup(d, "قزقزقز"));
    tj_freedict_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_headwords_not_database_entries),
        cmocka_unit_test(test_common_sense_wins_over_alphabetical_first),
        cmocka_unit_test(test_headword_matched_through_matching_form),
        cmocka_unit_test(test_entries_sharing_a_key_are_merged),
        cmocka_unit_test(test_proper_names_keep_capital),
        cmocka_unit_test(test_unclean_senses),
        cmocka_unit_test(test_missing_key),
        cmocka_unit_test(test_finals_tell_taa_marbuta),
        cmocka_unit_test(test_gloss_pointer_is_cached),
        cmocka_unit_test(test_every_entry_readable_through_chunks),
        cmocka_unit_test(test_plain_dict),
        cmocka_unit_test(test_missing_files),
        cmocka_unit_test(test_bad_index_rows_name_the_line),
        cmocka_unit_test(test_bad_dict_files),
        cmocka_unit_test(test_damaged_chunk_fails_lookup_only),
        cmocka_unit_test(test_open_mem_without_dict),
        cmocka_unit_test(test_real_dictionary),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
