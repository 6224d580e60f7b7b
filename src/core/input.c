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

enum tj_status tj_input_read(const char *path, char **out, size_t *len, struct tj_diag *diag)
{
    bool std = strcmp(path, "-") == 0;
    const char *name = std ? "<stdin>" : path;
    FILE *f = std ? stdin : fopen(path, "rb");
    if (!f)
        return tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: %s", name, strerror(errno));
    char *data = NULL;
    size_t n = 0, alloc = 0;
    enum tj_status rc = TJ_OK;
    for (;;) {
        if (alloc - n < 4096) {
            alloc = alloc ? alloc * 2 : 65536;
            data = tj_xrealloc(data, alloc + 1);
        }
        size_t got = fread(data + n, 1, alloc - n, f);
        n += got;
        if (n > TJ_INPUT_MAX) {
            rc =
                tj_diag_set(diag, TJ_ERR_DATA, "%s: larger than %zu MiB", name, TJ_INPUT_MAX >> 20);
            goto out;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = tj_diag_set(diag, TJ_ERR_NOINPUT, "%s: read error: %s", name, strerror(errno));
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
