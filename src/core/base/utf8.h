/* UTF-8 validation, decoding and encoding.
 *
 * Validation follows RFC 3629 strictly: no overlongs, no surrogates, nothing above U+10FFFF.
 * NUL bytes are valid UTF-8 but rejected by tj_utf8_check_text, since text input never has them. */
#ifndef TJ_UTF8_H
#define TJ_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the valid sequence starting at s[0] (1..4), or 0 if it is invalid or truncated. */
size_t tj_utf8_seq_len(const unsigned char *s, size_t avail);

/* Returns true when s[0..len) is valid UTF-8 without NUL bytes. Otherwise false, and
 * *bad_offset (if not NULL) is the byte offset of the first offending byte and *is_nul tells
 * whether it is a NUL byte. */
bool tj_utf8_check_text(const char *s, size_t len, size_t *bad_offset, bool *is_nul);

/* Decodes the code point at s[*i] (which must be valid UTF-8) and advances *i. */
uint32_t tj_utf8_next(const char *s, size_t len, size_t *i);

/* Decodes the code point ending just before s[*i] and moves *i back to its first byte. */
uint32_t tj_utf8_prev(const char *s, size_t *i);

/* Encodes cp into out (at least 4 bytes); returns the byte count. */
size_t tj_utf8_encode(uint32_t cp, char *out);

/* True for letters of the Arabic script (U+0620–U+064A, U+066E–U+06D3, U+06D5, U+06FA–U+06FC,
 * supplements and presentation forms), not for Arabic digits or punctuation. */
bool tj_is_arabic_letter(uint32_t cp);

/* True for Arabic combining marks (harakat, U+0670, Quranic marks). */
bool tj_is_arabic_mark(uint32_t cp);

/* True for the invisible bidi controls tarjim removes: LRM, RLM, ALM, LRE..RLO, LRI..PDI. */
bool tj_is_bidi_control(uint32_t cp);

/* Number of code points in s[0..len) (valid UTF-8). */
size_t tj_utf8_count(const char *s, size_t len);

/* The value of a decimal digit, ASCII (0-9), Arabic-Indic (U+0660..0669) or extended
 * Arabic-Indic (U+06F0..06F9), or -1 when cp is none of them. The one place that knows the
 * digit sets: numbers are compared, normalized and rendered through it. */
int tj_utf8_digit(uint32_t cp);

/* True when s[0..len) contains at least one Arabic letter. */
bool tj_utf8_has_arabic(const char *s, size_t len);

/* Levenshtein distance of the code points a[0..n) and b[0..m) (insertions, deletions and
 * substitutions each cost 1), or max + 1 once it is sure to exceed max (max < SIZE_MAX). */
size_t tj_utf8_distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m, size_t max);

#endif
