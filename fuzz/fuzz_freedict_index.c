/* libFuzzer target for the dictd reader.
 *
 * The input is a .index file. When it contains the separator "\0DICT\0", what follows is the
 * .dict or .dict.dz, handed over through a memfd: every headword of the index is then looked
 * up, which drives the dictzip header and chunk code, inflation and the choice of a gloss. */
#include "freedict.h"
#include "normalize.h"
#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char separator[] = "\0DICT\0";

/* Looks up the matching form of the first field of every line. */
static void look_up_all(struct tj_freedict *d, const char *index, size_t len)
{
    for (size_t pos = 0; pos < len;) {
        const char *line = index + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        pos += n + 1;
        const char *tab = memchr(line, '\t', n);
        size_t hn = tab ? (size_t)(tab - line) : n;
        if (!tj_utf8_check_text(line, hn, NULL, NULL))
            continue;
        char *key = tj_mform_string(line, hn);
        size_t kn = strlen(key);
        const char *gloss = NULL;
        (void)tj_freedict_contains(d, key, kn);
        (void)tj_freedict_finals(d, key, kn);
        if (tj_freedict_lookup(d, key, kn, &gloss) && strlen(gloss) > 1000)
            abort(); /* senses are capped well below this */
        free(key);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    const char *sep = memmem(text, size, separator, sizeof separator - 1);
    size_t index_len = sep ? (size_t)(sep - text) : size;
    char dict_path[64] = "";
    int fd = -1;
    if (sep) {
        fd = memfd_create("fuzz_dict", MFD_CLOEXEC);
        if (fd < 0)
            return 0;
        const char *dict = sep + sizeof separator - 1;
        size_t dict_len = size - (size_t)(dict - text);
        if (write(fd, dict, dict_len) != (ssize_t)dict_len) {
            close(fd);
            return 0;
        }
        snprintf(dict_path, sizeof dict_path, "/proc/self/fd/%d", fd);
    }
    struct tj_freedict *d = NULL;
    struct tj_diag diag;
    if (tj_freedict_open_mem(text, index_len, "fuzz.index", sep ? dict_path : NULL, &d, &diag) ==
        TJ_OK) {
        look_up_all(d, text, index_len);
        tj_freedict_destroy(d);
    } else if (d) {
        abort(); /* a failed open leaves no dictionary */
    }
    if (fd >= 0)
        close(fd);
    return 0;
}
