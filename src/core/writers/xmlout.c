/* libxml2's text writer over the caller's buffer, text made safe for XML, and the stretches of a
 * segment's source and target that its pins cover. */
#include "xmlout.h"

#include "glossary.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libxml2's writer fails only when an allocation fails (the output callback below never does). */
static void must(int rc)
{
    if (rc < 0)
        abort();
}

static int append_out(void *ctx, const char *data, int len)
{
    struct tj_xmlout *xo = ctx;
    if (xo->out) /* NULL once the document is given up (tj_xmlout_discard) */
        tj_buf_append(xo->out, data, (size_t)len); /* cannot fail: the buffer is uncapped */
    return len;
}

static int close_out(void *ctx)
{
    (void)ctx;
    return 0;
}

void tj_xmlout_init(struct tj_xmlout *xo, struct tj_buf *out, const struct tj_write_meta *meta,
                    bool xml_decl)
{
    memset(xo, 0, sizeof *xo);
    xmlInitParser(); /* once per process; libxml2 makes later calls cheap */
    xo->out = out;
    tj_buf_init(&xo->piece, 0);
    if (meta) {
        xo->provider = meta->provider;
        xo->file = meta->file;
    }
    xo->date = time(NULL);
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(append_out, close_out, xo, NULL);
    if (!ob)
        abort();
    xo->w = xmlNewTextWriter(ob); /* owns ob from now on */
    if (!xo->w)
        abort();
    if (xml_decl) /* with a line end after it */
        must(xmlTextWriterStartDocument(xo->w, "1.0", "UTF-8", NULL));
}

void tj_xmlout_finish(struct tj_xmlout *xo)
{
    if (!xo->w)
        return;
    must(xmlTextWriterEndDocument(xo->w)); /* closes what is open and flushes */
    xmlFreeTextWriter(xo->w);
    xo->w = NULL;
    tj_buf_finish(&xo->piece);
}

void tj_xmlout_discard(struct tj_xmlout *xo)
{
    if (!xo->w)
        return;
    xo->out = NULL;
    xmlFreeTextWriter(xo->w);
    xo->w = NULL;
    tj_buf_finish(&xo->piece);
}

void tj_xmlout_flush(struct tj_xmlout *xo)
{
    must(xmlTextWriterFlush(xo->w));
}

void tj_xmlout_start(struct tj_xmlout *xo, const char *name)
{
    must(xmlTextWriterStartElement(xo->w, BAD_CAST name));
}

void tj_xmlout_end(struct tj_xmlout *xo)
{
    must(xo->html ? xmlTextWriterFullEndElement(xo->w) : xmlTextWriterEndElement(xo->w));
}

void tj_xmlout_end_void(struct tj_xmlout *xo)
{
    must(xmlTextWriterEndElement(xo->w));
}

void tj_xmlout_end_full(struct tj_xmlout *xo)
{
    must(xmlTextWriterFullEndElement(xo->w));
}

static void write_piece(struct tj_xmlout *xo)
{
    if (xo->piece.len)
        must(xmlTextWriterWriteString(xo->w, BAD_CAST xo->piece.data));
    tj_buf_reset(&xo->piece);
}

/* The code point XML 1.0 cannot carry at s[0..n) (a valid sequence), or -1 when it can. */
static long unwritable(const unsigned char *s, size_t n)
{
    if (n == 1)
        return s[0] < 0x20 && s[0] != '\t' && s[0] != '\n' && s[0] != '\r' ? (long)s[0] : -1;
    if (n == 3 && s[0] == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
        return s[2] == 0xBE ? 0xFFFE : 0xFFFF;
    return -1;
}

/* Copies s[0..len) to xo->piece, what XML cannot carry as U+FFFD, or with cp (XLIFF) each such
 * code point as <cp hex=".."/> after writing the text before it. */
static void scrub(struct tj_xmlout *xo, const char *s, size_t len, bool cp)
{
    static const char replacement[] = "\xEF\xBF\xBD";
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, from = 0;
    while (i < len) {
        size_t n = tj_utf8_seq_len(u + i, len - i);
        long bad = n ? unwritable(u + i, n) : -2;
        if (bad == -1) {
            i += n;
            continue;
        }
        tj_buf_append(&xo->piece, s + from, i - from);
        if (bad >= 0 && cp) {
            write_piece(xo);
            must(xmlTextWriterStartElement(xo->w, BAD_CAST "cp"));
            must(xmlTextWriterWriteFormatAttribute(xo->w, BAD_CAST "hex", "%04lX", bad));
            must(xmlTextWriterEndElement(xo->w));
        } else {
            tj_buf_append(&xo->piece, replacement, 3);
        }
        i += n ? n : 1;
        from = i;
    }
    tj_buf_append(&xo->piece, s + from, len - from);
}

void tj_xmlout_attr(struct tj_xmlout *xo, const char *name, const char *value)
{
    tj_buf_reset(&xo->piece);
    scrub(xo, value, strlen(value), false);
    must(xmlTextWriterWriteAttribute(xo->w, BAD_CAST name, BAD_CAST xo->piece.data));
    tj_buf_reset(&xo->piece);
}

void tj_xmlout_attrf(struct tj_xmlout *xo, const char *name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[128];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) /* only for wide-character conversions, which the writers do not use */
        abort();
    if ((size_t)n < sizeof small) {
        tj_xmlout_attr(xo, name, small);
        return;
    }
    char *big = tj_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tj_xmlout_attr(xo, name, big);
    free(big);
}

void tj_xmlout_text(struct tj_xmlout *xo, const char *s, size_t len)
{
    tj_buf_reset(&xo->piece);
    scrub(xo, s, len, xo->cp);
    write_piece(xo);
}

void tj_xmlout_element(struct tj_xmlout *xo, const char *name, const char *text)
{
    tj_xmlout_start(xo, name);
    tj_xmlout_text(xo, text, strlen(text));
    tj_xmlout_end(xo);
}

void tj_xmlout_indent(struct tj_xmlout *xo, int depth)
{
    static const char spaces[] = "\n                ";
    int n = 1 + 2 * depth;
    if (n > (int)sizeof spaces - 1)
        n = (int)sizeof spaces - 1;
    must(xmlTextWriterWriteRawLen(xo->w, BAD_CAST spaces, n));
}

void tj_xmlout_raw(struct tj_xmlout *xo, const char *s)
{
    must(xmlTextWriterWriteRaw(xo->w, BAD_CAST s));
}

void tj_xmlout_marked_with(struct tj_xmlout *xo, const char *text, size_t len,
                           const struct tj_span *spans, size_t nspans,
                           void (*open)(struct tj_xmlout *xo, const struct tj_span *span, void *ud),
                           void *ud, void (*put)(struct tj_xmlout *xo, const char *s, size_t len))
{
    if (!put)
        put = tj_xmlout_text;
    size_t at = 0;
    for (size_t i = 0; i < nspans; i++) {
        const struct tj_span *sp = &spans[i];
        if (sp->start < at || sp->end > len || sp->end <= sp->start)
            continue;
        put(xo, text + at, sp->start - at);
        open(xo, sp, ud);
        tj_xmlout_text(xo, text + sp->start, sp->end - sp->start);
        tj_xmlout_end(xo);
        at = sp->end;
    }
    put(xo, text + at, len - at);
}

void tj_xmlout_marked(struct tj_xmlout *xo, const char *text, size_t len,
                      const struct tj_span *spans, size_t nspans,
                      void (*open)(struct tj_xmlout *xo, const struct tj_span *span, void *ud),
                      void *ud)
{
    tj_xmlout_marked_with(xo, text, len, spans, nspans, open, ud, NULL);
}

size_t tj_source_spans(const struct tj_segment *s, struct tj_span *spans)
{
    size_t n = 0, at = 0;
    for (size_t i = 0; i < s->npins; i++) {
        const struct tj_pin *p = &s->pins[i];
        if (p->start < at || p->end > s->source_len || p->end <= p->start)
            continue;
        spans[n++] = (struct tj_span){p->start, p->end, i};
        at = p->end;
    }
    return n;
}

/* English words are told apart by ASCII letters and digits: "Putin’s" holds "Putin". */
static bool word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static bool taken(const struct tj_span *spans, size_t n, size_t start, size_t end)
{
    for (size_t i = 0; i < n; i++)
        if (start < spans[i].end && spans[i].start < end)
            return true;
    return false;
}

/* The first whole-word occurrence of word in text not overlapping spans[0..n); false if none. */
static bool find_free(const char *text, size_t len, const char *word, const struct tj_span *spans,
                      size_t n, size_t *start)
{
    size_t wl = strlen(word);
    if (!wl || wl > len)
        return false;
    for (const char *p = text; (p = memmem(p, len - (size_t)(p - text), word, wl)); p++) {
        size_t at = (size_t)(p - text), end = at + wl;
        bool whole = (at == 0 || !word_byte((unsigned char)text[at - 1]) ||
                      !word_byte((unsigned char)word[0])) &&
                     (end == len || !word_byte((unsigned char)text[end]) ||
                      !word_byte((unsigned char)word[wl - 1]));
        if (whole && !taken(spans, n, at, end)) {
            *start = at;
            return true;
        }
        if (len - at <= wl)
            break;
    }
    return false;
}

static int by_start(const void *a, const void *b)
{
    const struct tj_span *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

size_t tj_target_spans(const struct tj_segment *s, struct tj_span *spans)
{
    if (!s->target || s->origin == TJ_ORIGIN_FAILED)
        return 0;
    const char *t = s->target;
    size_t len = strlen(t), n = 0;
    for (size_t i = 0; i < s->npins; i++) {
        const struct tj_term *term = s->pins[i].term;
        size_t at;
        const char *word = term->english;
        bool found = find_free(t, len, word, spans, n, &at);
        for (size_t k = 0; !found && k < term->naliases; k++) {
            word = term->aliases[k];
            found = find_free(t, len, word, spans, n, &at);
        }
        if (found)
            spans[n++] = (struct tj_span){at, at + strlen(word), i};
    }
    qsort(spans, n, sizeof *spans, by_start);
    return n;
}
