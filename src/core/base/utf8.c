/* UTF-8 primitives and Arabic character classes. */
#include "utf8.h"
#include "tj.h"

#include <stdlib.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t tj_utf8_seq_len(const unsigned char *s, size_t avail)
{
    if (avail == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    uint32_t cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

#ifdef __SSE2__
/* Validates 16 bytes at a time while they are ASCII (not NUL) or two-byte sequences (all of
 * Arabic). Returns how far it got: at a block boundary, never inside a sequence; the caller
 * checks the rest, including any block this could not vouch for, byte by byte. */
static size_t check_fast(const unsigned char *u, size_t len)
{
    size_t i = 0;
    unsigned carry = 0;                          /* the previous block ended with a lead byte */
    const __m128i cont_max = _mm_set1_epi8(-64); /* 0x80..0xBF are below -64 */
    const __m128i lead_min = _mm_set1_epi8(-63); /* 0xC2 is -62 */
    const __m128i lead_max = _mm_set1_epi8(-32); /* 0xDF is -33 */
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= len) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
        unsigned ascii = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(v, zero));
        unsigned cont = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, cont_max));
        unsigned lead = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpgt_epi8(v, lead_min), _mm_cmplt_epi8(v, lead_max)));
        if ((ascii | cont | lead) != 0xFFFF || cont != (((lead << 1) | carry) & 0xFFFF))
            break;
        carry = lead >> 15;
        i += 16;
    }
    /* Never stop between a lead byte and its continuation. */
    return carry ? i - 1 : i;
}
#endif

bool tj_utf8_check_text(const char *s, size_t len, size_t *bad_offset, bool *is_nul)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, resume = 0;
#ifdef __SSE2__
    i = check_fast(u, len);
    resume = i + 16; /* the block the fast path could not vouch for is checked here */
#endif
    while (i < len) {
        unsigned c = u[i];
        if (c >= 0x01 && c < 0x80) {
            i++;
            continue;
        }
        /* Two-byte sequences (all of Arabic) are checked inline. */
        if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
            i += 2;
            continue;
        }
        size_t n = c ? tj_utf8_seq_len(u + i, len - i) : 0;
        if (n == 0) {
            if (bad_offset)
                *bad_offset = i;
            if (is_nul)
                *is_nul = c == 0;
            return false;
        }
        i += n;
#ifdef __SSE2__
        if (i >= resume && i + 16 <= len) {
            i += check_fast(u + i, len - i);
            resume = i + 16;
        }
#endif
    }
    return true;
}

uint32_t tj_utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s + *i;
    /* ASCII and two-byte sequences (all of Arabic) are read inline: the hot paths of
     * normalizing, pinning and name finding walk Arabic text a code point at a time. */
    if (*i < len && u[0] < 0x80) {
        (*i)++;
        return u[0];
    }
    if (*i + 1 < len && u[0] >= 0xC2 && u[0] <= 0xDF && (u[1] & 0xC0) == 0x80) {
        *i += 2;
        return (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F);
    }
    size_t n = tj_utf8_seq_len(u, len - *i);
    if (n == 0) {
        (*i)++;
        return 0xFFFD;
    }
    uint32_t cp = n == 1 ? u[0] : (uint32_t)(u[0] & (0x7F >> n));
    for (size_t k = 1; k < n; k++)
        cp = (cp << 6) | (u[k] & 0x3F);
    *i += n;
    return cp;
}

uint32_t tj_utf8_prev(const char *s, size_t *i)
{
    size_t j = *i;
    do {
        j--;
    } while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80 && *i - j < 4);
    size_t k = j;
    uint32_t cp = tj_utf8_next(s, *i, &k);
    *i = j;
    return cp;
}

size_t tj_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

bool tj_is_arabic_mark(uint32_t cp)
{
    return (cp >= 0x0610 && cp <= 0x061A) || (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 ||
           (cp >= 0x06D6 && cp <= 0x06DC) || (cp >= 0x06DF && cp <= 0x06E4) ||
           (cp >= 0x06E7 && cp <= 0x06E8) || (cp >= 0x06EA && cp <= 0x06ED) ||
           (cp >= 0x08D3 && cp <= 0x08FF);
}

bool tj_is_arabic_letter(uint32_t cp)
{
    return (cp >= 0x0620 && cp <= 0x063F) || (cp >= 0x0641 && cp <= 0x064A) ||
           (cp >= 0x066E && cp <= 0x066F) || (cp >= 0x0671 && cp <= 0x06D3) || cp == 0x06D5 ||
           (cp >= 0x06EE && cp <= 0x06EF) || (cp >= 0x06FA && cp <= 0x06FC) || cp == 0x06FF ||
           (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0x08A0 && cp <= 0x08C9) ||
           (cp >= 0xFB50 && cp <= 0xFDFB) || (cp >= 0xFE70 && cp <= 0xFEFC);
}

bool tj_is_bidi_control(uint32_t cp)
{
    return cp == 0x200E || cp == 0x200F || cp == 0x061C || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

size_t tj_utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

bool tj_utf8_has_arabic(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        if (tj_is_arabic_letter(tj_utf8_next(s, len, &i)))
            return true;
    }
    return false;
}

int tj_utf8_digit(uint32_t cp)
{
    if (cp >= '0' && cp <= '9')
        return (int)(cp - '0');
    if (cp >= 0x0660 && cp <= 0x0669)
        return (int)(cp - 0x0660);
    if (cp >= 0x06F0 && cp <= 0x06F9)
        return (int)(cp - 0x06F0);
    return -1;
}

size_t tj_utf8_distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m, size_t max)
{
    if ((n > m ? n - m : m - n) > max)
        return max + 1;
    size_t small[65];
    size_t *row = m < TJ_ARRAY_LEN(small) ? small : tj_xmalloc((m + 1) * sizeof *row);
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    size_t result = max + 1;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0], low = i;
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
            if (best < low)
                low = best;
        }
        if (low > max)
            goto out;
    }
    result = row[m];
out:
    if (row != small)
        free(row);
    return result;
}
