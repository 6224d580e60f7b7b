/* Normalization: the display form and the matching form of Arabic text.
 *
 * The display form is what tarjim shows and sends: Arabic presentation forms (text pasted from
 * PDFs) are folded with NFKC, bidi control characters are removed, everything else is kept.
 * The matching form is used only to look things up (glossary, dictionary, memory): no
 * diacritics or tatweel, alef/yaa/taa marbuta/hamza seats unified, presentation forms read as
 * the letters they stand for, ASCII lowercased, each of its bytes mapped back to the byte of
 * the input it came from. */
#ifndef TJ_NORMALIZE_H
#define TJ_NORMALIZE_H

#include "tj.h"

/* Returns the display form of s[0..len) as a new NUL-terminated string owned by the caller,
 * its length in *out_len. s must be valid UTF-8. */
char *tj_normalize_display(const char *s, size_t len, size_t *out_len);

struct tj_mform {
    char *text; /* matching form, NUL-terminated */
    size_t len;
    size_t *map; /* map[i]: offset in the input of the character that produced text[i];
                    map[len] is the input length */
};

/* Builds the matching form of s[0..len) (valid UTF-8) into caller storage. */
void tj_mform_init(struct tj_mform *m, const char *s, size_t len);
void tj_mform_finish(struct tj_mform *m);

/* Appends the matching form of the code point cp to out (at least 4 bytes) and returns the
 * byte count, 0 when the character is dropped (diacritics, tatweel, bidi controls). */
size_t tj_mform_char(uint32_t cp, char *out);

/* Returns the matching form of s[0..len) as a new string owned by the caller (no map). */
char *tj_mform_string(const char *s, size_t len);

#endif
