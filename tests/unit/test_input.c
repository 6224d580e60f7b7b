/* The line reader: lines as written with their offsets, and bounded memory on bad input (a
 * line past the cap, an endless stream of NUL bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "input.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes data[0..len) to a new temporary file and returns its path (static storage). */
static const char *temp_file(const void *data, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/tj_test_input_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return path;
}

static void test_lines_and_offsets(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBFسطر.\r\n\n  ب\nآخر";
    const char *path = temp_file(text, sizeof text - 1);
    struct tj_input_lines *in;
    assert_int_equal(tj_input_lines_open(path, &in, NULL), TJ_OK);
    const char *want[] = {"سطر.\r", "", "  ب", "آخر"};
    size_t want_off[] = {3, 12, 13, 18};
    for (size_t i = 0; i < 4; i++) {
        const char *line;
        size_t len, off;
        assert_int_equal(tj_input_lines_next(in, &line, &len, &off, NULL), TJ_OK);
        assert_non_null(line);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(line, want[i], len);
        assert_int_equal(line[len], '\0');
        assert_int_equal(off, want_off[i]);
    }
    const char *line;
    size_t len;
    assert_int_equal(tj_input_lines_next(in, &line, &len, NULL, NULL), TJ_OK);
    assert_null(line);
    tj_input_lines_close(in);
    unlink(path);
}

static void test_invalid_names_offset(void **state)
{
    (void)state;
    static const char text[] = "ab\ncd\xFF\n";
    const char *path = temp_file(text, sizeof text - 1);
    struct tj_input_lines *in;
    struct tj_diag diag;
    assert_int_equal(tj_input_lines_open(path, &in, &diag), TJ_OK);
    const char *line;
    size_t len;
    assert_int_equal(tj_input_lines_next(in, &line, &len, NULL, &diag), TJ_OK);
    assert_int_equal(tj_input_lines_next(in, &line, &len, NULL, &diag), TJ_ERR_DATA);
    assert_non_null(strstr(diag.message, "invalid UTF-8 at byte offset 5 (line 2, column 3)"));
    /* After an error the reader is at its end. */
    assert_int_equal(tj_input_lines_next(in, &line, &len, NULL, &diag), TJ_OK);
    assert_null(line);
    tj_input_lines_close(in);
    unlink(path);
}

static void test_line_cap(void **state)
{
    (void)state;
    size_t n = TJ_INPUT_LINE_MAX + 100;
    char *text = malloc(n + 8);
    memcpy(text, "first\n", 6);
    memset(text + 6, 'a', n);
    const char *path = temp_file(text, n + 6);
    free(text);
    struct tj_input_lines *in;
    struct tj_diag diag;
    assert_int_equal(tj_input_lines_open(path, &in, &diag), TJ_OK);
    const char *line;
    size_t len;
    assert_int_equal(tj_input_lines_next(in, &line, &len, NULL, &diag), TJ_OK);
    assert_string_equal(line, "first");
    assert_int_equal(tj_input_lines_next(in, &line, &len, NULL, &diag), TJ_ERR_DATA);
    char want[128];
    snprintf(want, sizeof want, "line 2 longer than 16 MiB at byte offset %zu",
             TJ_INPUT_LINE_MAX + 6);
    assert_non_null(strstr(diag.message, want));
    tj_input_lines_close(in);
    unlink(path);
}

/* Writes NUL bytes into the pipe until it is closed at the other end. */
static void *zeros(void *arg)
{
    int fd = *(int *)arg;
    static const char block[65536];
    size_t total = 0;
    while (total < ((size_t)1 << 30)) {
        ssize_t n = write(fd, block, sizeof block);
        if (n <= 0)
            break;
        total += (size_t)n;
    }
    close(fd);
    return NULL;
}

/* An endless stream of NUL bytes (/dev/zero) is refused at the first one, not at the cap. */
static void test_nul_stream_refused_at_once(void **state)
{
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pthread_t writer;
    pthread_create(&writer, NULL, zeros, &fds[1]);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    struct tj_input_lines *in;
    struct tj_diag diag;
    assert_int_equal(tj_input_lines_open(path, &in, &diag), TJ_OK);
    const char *line;
    size_t len;
    assert_int_equal(tj_input_lines_next(in, &line, &len, NULL, &diag), TJ_ERR_DATA);
    assert_non_null(strstr(diag.message, "NUL byte at byte offset 0 (line 1, column 1)"));
    tj_input_lines_close(in);
    close(fds[0]);
    pthread_join(writer, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_and_offsets),
        cmocka_unit_test(test_invalid_names_offset),
        cmocka_unit_test(test_line_cap),
        cmocka_unit_test(test_nul_stream_refused_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
