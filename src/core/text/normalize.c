/* Display and matching forms. NFKC comes from ICU and is applied only to runs of Arabic
 * presentation forms, so that other compatibility characters (ligatures in Latin text,
 * full-width digits in quotations) reach the engine as written. */
#include "normalize.h"

#include "buf.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

static bool is_presentation_form(uint32_t cp)
{
    return (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF);
}

/* NFKC of one run of presentation forms, appended to out. Falls back to copying the run when
 * ICU fails, so that no text is ever lost. */
static void nfkc_append(struct tj_buf *out, const char *run, size_t len)
{
    UErrorCode err = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&err);
    int32_t ulen = 0;
    UChar *src = tj_xmalloc((len + 1) * sizeof(UChar));
    u_strFromUTF8(src, (int32_t)len + 1, &ulen, run, (int32_t)len, &err);
    /* NFKC of a presentation form is a few characters (U+FDFA: 18); ICU reports the length
     * it needs when a guess falls short, and the second call is sized from that. */
    int32_t cap = ulen * 4 + 16;
    UChar *dst = tj_xmalloc((size_t)cap * sizeof(UChar));
    int32_t dlen = U_SUCCESS(err) ? unorm2_normalize(nfkc, src, ulen, dst, cap, &err) : 0;
    if (err == U_BUFFER_OVERFLOW_ERROR) {
        err = U_ZERO_ERROR;
        cap = dlen + 1;
        dst = tj_xrealloc(dst, (size_t)cap * sizeof(UChar));
        dlen = unorm2_normalize(nfkc, src, ulen, dst, cap, &err);
    }
    char *u8 = NULL;
    int32_t u8len = 0;
    if (U_SUCCESS(err)) {
        u8 = tj_xmalloc((size_t)dlen * 3 + 1);
        u_strToUTF8(u8, dlen * 3 + 1, &u8len, dst, dlen, &err);
    }
    if (U_SUCCESS(err))
        tj_buf_append(out, u8, (size_t)u8len);
    else
        tj_buf_append(out, run, len);
    free(u8);
    free(dst);
    free(src);
}

char *tj_normalize_display(const char *s, size_t len, size_t *out_len)
{
    struct tj_buf out;
    tj_buf_init(&out, 0);
    tj_buf_append(&out, "", 0);
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        if ((unsigned char)s[i] < 0x80) {
            while (i < len && (unsigned char)s[i] < 0x80)
                i++;
            tj_buf_append(&out, s + start, i - start);
            continue;
        }
        uint32_t cp = tj_utf8_next(s, len, &i);
        if (tj_is_bidi_control(cp))
            continue;
        if (is_presentation_form(cp)) {
            size_t end = i;
            while (end < len) {
                size_t k = end;
                if (!is_presentation_form(tj_utf8_next(s, len, &k)))
                    break;
                end = k;
            }
            nfkc_append(&out, s + start, end - start);
            i = end;
            continue;
        }
        tj_buf_append(&out, s + start, i - start);
    }
    return tj_buf_take(&out, out_len);
}

size_t tj_mform_char(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        return 1;
    }
    if (tj_is_arabic_mark(cp) || cp == 0x0640 || tj_is_bidi_control(cp) || cp == 0x200C ||
        cp == 0x200D || cp == 0xFEFF)
        return 0;
    switch (cp) {
    case 0x0622: /* alef with madda */
    case 0x0623: /* alef with hamza above */
    case 0x0625: /* alef with hamza below */
    case 0x0671: /* alef wasla */
        cp = 0x0627;
        break;
    case 0x0649: /* alef maksura */
    case 0x0626: /* yeh with hamza */
    case 0x06CC: /* Farsi yeh */
        cp = 0x064A;
        break;
    case 0x0629: /* taa marbuta */
        cp = 0x0647;
        break;
    case 0x0624: /* waw with hamza */
        cp = 0x0648;
        break;
    case 0x06A9: /* keheh */
        cp = 0x0643;
        break;
    default:
        if (tj_utf8_digit(cp) >= 0) /* Arabic-Indic digits match as ASCII */
            cp = '0' + (uint32_t)tj_utf8_digit(cp);
        break;
    }
    return tj_utf8_encode(cp, out);
}

/* Appends one matching-form character for input offset `from`, growing the arrays. */
static void mform_put(struct tj_mform *m, size_t *cap, uint32_t cp, size_t from)
{
    char enc[4];
    size_t n = tj_mform_char(cp, enc);
    if (m->len + n + 1 > *cap) {
        *cap = *cap * 2 + n + 1;
        m->text = tj_xrealloc(m->text, *cap);
        m->map = tj_xreallocarray(m->map, *cap, sizeof *m->map);
    }
    for (size_t k = 0; k < n; k++) {
        m->text[m->len] = enc[k];
        m->map[m->len++] = from;
    }
}

void tj_mform_init(struct tj_mform *m, const char *s, size_t len)
{
    size_t cap = len + 1;
    m->text = tj_xmalloc(cap);
    m->map = tj_xmalloc(cap * sizeof *m->map);
    m->len = 0;
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        uint32_t cp = tj_utf8_next(s, len, &i);
        if (!is_presentation_form(cp) || cp == 0xFEFF) {
            mform_put(m, &cap, cp, start);
            continue;
        }
        /* A presentation form (text pasted from PDFs) matches as the letters it stands for. */
        size_t n;
        char *letters = tj_normalize_display(s + start, i - start, &n);
        for (size_t k = 0; k < n;)
            mform_put(m, &cap, tj_utf8_next(letters, n, &k), start);
        free(letters);
    }
    m->text[m->len] = '\0';
    m->map[m->len] = len;
}

void tj_mform_finish(struct tj_mform *m)
{
    free(m->text);
    free(m->map);
    m->text = NULL;
    m->map = NULL;
    m->len = 0;
}

char *tj_mform_string(const char *s, size_t len)
{
    struct tj_mform m;
    tj_mform_init(&m, s, len);
    free(m.map);
    return m.text;
}
