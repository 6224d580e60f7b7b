/* Input reading and validation. */
#include "input.h"

#include "utf8.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t tj_input_bom(const char *data, size_t len)
{
    return len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

enum tj_status tj_input_check_at(const char *name, const char *data, size_t len, size_t offset,
                                 size_t line, struct tj_diag *diag)
{
    size_t bad;
    bool nul;
    if (tj_utf8_check_text(data, len, &bad, &nul))
        return TJ_OK;
    size_t col = 1;
    for (size_t i = 0; i < bad; i++) {
        if (data[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    if (nul)
        return tj_diag_set(diag, TJ_ERR_DATA,
                           "%s: NUL byte at byte offset %zu (line %zu, column %zu): not text", name,
                           offset + bad, line, col);
    return tj_diag_set(diag, TJ_ERR_DATA,
                       "%s: invalid UTF-8 at byte offset %zu (line %zu, column %zu): byte 0x%02X",
                       name, offset + bad, line, col, (unsigned char)data[bad]);
}

enum tj_status tj_input_check(const char *name, const char *data, size_t len, struct tj_diag *diag)
{
    return tj_input_check_at(name, data, len, 0, 1, diag);
}

enum tj_status tj_input_slurp(FILE *f, size_t cap, char **out, size_t *len)
{
    char *data = NULL;
    size_t n = 0, alloc = 0;
    *out = NULL;
    *len = 0;
    for (;;) {
        if (alloc - n < 4096) {
            alloc = alloc ? alloc * 2 : 65536;
            data = tj_xrealloc(data, alloc + 1);
        }
        size_t got = fread(data + n, 1, alloc - n, f);
        n += got;
        if (n > cap) {
            free(data);
            return TJ_ERR_DATA;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        int err = errno;
        free(data);
        errno = err;
        return TJ_ERR_NOINPUT;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    return TJ_OK;
}

enum tj_status tj_input_read(const char *path, char **out, size_t *len, struct tj_diag *diag)
{
    bool std = strcmp(path, "-") == 0;
    const char *name = std ? "<stdin>" : path;
    FILE *f = std ? stdin : fopen(path, "rb");
    if (!f)
        return tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: %s", name, strerror(errno));
    char *data = NULL;
    size_t n = 0;
    enum tj_status rc = tj_input_slurp(f, TJ_INPUT_MAX, &data, &n);
    if (rc == TJ_ERR_DATA) {
        tj_diag_set(diag, rc, "%s: larger than %zu MiB", name, TJ_INPUT_MAX >> 20);
        goto out;
    }
    if (rc != TJ_OK) {
        tj_diag_set(diag, rc, "%s: read error: %s", name, strerror(errno));
        goto out;
    }
    size_t skip = tj_input_bom(data, n);
    rc = tj_input_check_at(name, data + skip, n - skip, skip, 1, diag);
    if (rc != TJ_OK)
        goto out;
    if (skip)
        memmove(data, data + skip, n - skip);
    n -= skip;
    data[n] = '\0';
    *out = data;
    *len = n;
    data = NULL;
out:
    free(data);
    if (!std)
        fclose(f);
    return rc;
}

/* Bytes asked of the input at a time. */
#define LINES_CHUNK ((size_t)64 << 10)

struct tj_input_lines {
    FILE *f;
    bool std;
    bool eof; /* nothing more to read (end of input, or after an error) */
    bool bom_checked;
    char *buf; /* buf[start, end) read but not yet returned */
    size_t alloc, start, end;
    size_t scanned; /* buf[start, scanned) holds no line end */
    size_t offset;  /* input offset of buf[start] */
    size_t line_no; /* of the line at buf[start], 1-based */
    char *name;     /* for messages */
};

enum tj_status tj_input_lines_open(const char *path, struct tj_input_lines **out,
                                   struct tj_diag *diag)
{
    bool std = strcmp(path, "-") == 0;
    FILE *f = std ? stdin : fopen(path, "rb");
    if (!f)
        return tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: %s", std ? "<stdin>" : path, strerror(errno));
    struct tj_input_lines *in = tj_xcalloc(1, sizeof *in);
    in->f = f;
    in->std = std;
    in->line_no = 1;
    in->name = tj_xstrdup(std ? "<stdin>" : path);
    *out = in;
    return TJ_OK;
}

void tj_input_lines_close(struct tj_input_lines *in)
{
    if (!in)
        return;
    if (!in->std)
        fclose(in->f);
    free(in->buf);
    free(in->name);
    free(in);
}

/* Reads the next chunk after buf[end], moving the unreturned bytes to the front first. Returns
 * false at the end of the input or on a read error (ferror tells). */
static bool read_more(struct tj_input_lines *in)
{
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->scanned -= in->start;
        in->start = 0;
    }
    if (in->alloc - in->end < LINES_CHUNK) {
        in->alloc = in->alloc * 2 > in->end + LINES_CHUNK ? in->alloc * 2 : in->end + LINES_CHUNK;
        in->buf = tj_xrealloc(in->buf, in->alloc + 1);
    }
    size_t got = fread(in->buf + in->end, 1, LINES_CHUNK, in->f);
    in->end += got;
    if (!in->bom_checked) {
        in->bom_checked = true;
        in->start = in->scanned = in->offset = tj_input_bom(in->buf, in->end);
    }
    return got > 0;
}

/* Ends the reader after an error, which is returned. */
static enum tj_status lines_fail(struct tj_input_lines *in, enum tj_status rc)
{
    in->eof = true;
    in->start = in->end = in->scanned = 0;
    return rc;
}

enum tj_status tj_input_lines_next(struct tj_input_lines *in, const char **line, size_t *len,
                                   size_t *offset, struct tj_diag *diag)
{
    *line = NULL;
    *len = 0;
    for (;;) {
        size_t avail = in->end - in->scanned;
        const char *nl = avail ? memchr(in->buf + in->scanned, '\n', avail) : NULL;
        size_t stop = nl ? (size_t)(nl - in->buf) : in->end;
        /* A NUL byte makes the line bad however long it gets: it is reported without reading
         * on, so that an endless stream of NULs is refused at once. */
        const char *nul =
            stop > in->scanned ? memchr(in->buf + in->scanned, '\0', stop - in->scanned) : NULL;
        if (nul)
            return lines_fail(in, tj_input_check_at(in->name, in->buf + in->start,
                                                    (size_t)(nul - in->buf) + 1 - in->start,
                                                    in->offset, in->line_no, diag));
        if (stop - in->start > TJ_INPUT_LINE_MAX) {
            /* Bad bytes before the limit are reported as such (checked up to a character
             * boundary), else the length. */
            size_t k = TJ_INPUT_LINE_MAX;
            while (k > 0 && ((unsigned char)in->buf[in->start + k] & 0xC0) == 0x80)
                k--;
            enum tj_status rc =
                tj_input_check_at(in->name, in->buf + in->start, k, in->offset, in->line_no, diag);
            if (rc == TJ_OK)
                rc = tj_diag_set(
                    diag, TJ_ERR_DATA, "%s: line %zu longer than %zu MiB at byte offset %zu",
                    in->name, in->line_no, TJ_INPUT_LINE_MAX >> 20, in->offset + TJ_INPUT_LINE_MAX);
            return lines_fail(in, rc);
        }
        in->scanned = stop;
        if (nl || (in->eof && in->end > in->start)) {
            size_t n = stop - in->start;
            enum tj_status rc =
                tj_input_check_at(in->name, in->buf + in->start, n, in->offset, in->line_no, diag);
            if (rc != TJ_OK)
                return lines_fail(in, rc);
            *line = in->buf + in->start;
            *len = n;
            if (offset)
                *offset = in->offset;
            in->buf[stop] = '\0'; /* the '\n', or the byte after the buffer's end */
            size_t next = nl ? stop + 1 : stop;
            in->offset += next - in->start;
            in->start = in->scanned = next;
            in->line_no++;
            return TJ_OK;
        }
        if (in->eof)
            return TJ_OK;
        if (!read_more(in)) {
            if (ferror(in->f))
                return lines_fail(in, tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: read error: %s",
                                                  in->name, strerror(errno)));
            in->eof = true;
        }
    }
}
