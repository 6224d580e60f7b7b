/* Fuzz target: the segmenter on arbitrary valid UTF-8. Invariants: spans are in order and do
 * not overlap, the bytes between them are whitespace or invisible marks only (so spans and
 * separators give back the line byte for byte and no visible text is dropped), and no span is
 * longer than the limit. */
#include "input.h"
#include "segment.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_gap(const char *s, size_t from, size_t to)
{
    /* Whitespace as the segmenter trims it (ASCII blanks, Unicode spaces) and the invisible
     * marks it leaves between segments (bidi controls, zero-width characters, BOM). */
    static const char *const spaces[] = {"\xC2\xA0",     "\xE2\x80\x89", "\xE2\x80\x8A",
                                         "\xE2\x80\xAF", "\xE3\x80\x80", "\xD8\x9C",
                                         "\xEF\xBB\xBF"};
    size_t i = from;
    while (i < to) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            i++;
            continue;
        }
        if (c == 0xE2 && i + 2 < to && (unsigned char)s[i + 1] == 0x80) {
            unsigned char d = (unsigned char)s[i + 2];
            /* U+2000..U+200F spaces, zero-width and bidi marks; U+202A..U+202E embeddings */
            if (d <= 0x8F || (d >= 0xAA && d <= 0xAE)) {
                i += 3;
                continue;
            }
        }
        if (c == 0xE2 && i + 2 < to && (unsigned char)s[i + 1] == 0x81 &&
            (unsigned char)s[i + 2] >= 0xA0 && (unsigned char)s[i + 2] <= 0xA9) {
            i += 3; /* U+2060..U+2069: word joiner, isolates */
            continue;
        }
        size_t k;
        for (k = 0; k < sizeof spaces / sizeof *spaces; k++) {
            size_t n = strlen(spaces[k]);
            if (i + n <= to && memcmp(s + i, spaces[k], n) == 0) {
                i += n;
                break;
            }
        }
        if (k == sizeof spaces / sizeof *spaces)
            abort(); /* text between segments was dropped */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    if (tj_input_check("fuzz", s, size, NULL) != TJ_OK || memchr(s, '\n', size))
        return 0;
    struct tj_segment_options opt = {.max_bytes = 80};
    struct tj_span *spans;
    size_t n = tj_segment_line(s, size, &opt, &spans);
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (spans[i].start < at || spans[i].end <= spans[i].start || spans[i].end > size)
            abort();
        if (spans[i].end - spans[i].start > opt.max_bytes)
            abort();
        check_gap(s, at, spans[i].start);
        at = spans[i].end;
    }
    check_gap(s, at, size);
    free(spans);
    return 0;
}
