/* Writing a glossary out: as tarjim's TSV (which loads back to the same terms) and as the TSV
 * that DeepL's glossary API takes. */
#include "glossary.h"

#include "glossary_int.h"

#include "strmap.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static void put_date(struct tj_buf *out, const char *key, uint32_t d)
{
    char date[16];
    tj_glossary_format_date(d, date);
    tj_buf_printf(out, "\t%s=%s", key, date);
}

void tj_glossary_write_row(const struct tj_term *t, struct tj_buf *out)
{
    for (size_t k = 0; k < t->nspellings; k++)
        tj_buf_printf(out, "%s%s", k ? "|" : "", t->spellings[k]);
    tj_buf_printf(out, "\t%s", t->english);
    for (size_t k = 0; k < t->naliases; k++)
        tj_buf_printf(out, "|%s", t->aliases[k]);
    /* Nothing the row did not need: a term's type column and an empty note stay empty, so the
     * row is never longer than the TSV row it was read from. */
    bool attrs = t->valid_from || t->valid_to || t->status != TJ_TERM_APPROVED;
    if (t->type != TJ_TERM_TERM || t->note || attrs)
        tj_buf_printf(out, "\t%s", t->type == TJ_TERM_TERM ? "" : tj_term_type_name(t->type));
    if (t->note || attrs)
        tj_buf_printf(out, "\t%s", t->note ? t->note : "");
    if (t->valid_from)
        put_date(out, "valid_from", t->valid_from);
    if (t->valid_to)
        put_date(out, "valid_to", t->valid_to);
    if (t->status == TJ_TERM_PROPOSED)
        tj_buf_puts(out, "\tstatus=proposed");
    tj_buf_putc(out, '\n');
}

void tj_glossary_write_tsv(const struct tj_glossary *g, struct tj_buf *out)
{
    tj_buf_puts(out, "# arabic\tenglish\ttype\tnote\tvalid_from=\tvalid_to=\tstatus=\n");
    for (size_t i = 0; i < tj_glossary_terms(g); i++)
        tj_glossary_write_row(tj_glossary_term(g, i), out);
}

/* DeepL refuses a term longer than 1024 bytes or with a C0 or C1 control character or a line
 * or paragraph separator in it. */
static bool deepl_refuses(const char *s)
{
    size_t len = strlen(s);
    if (len > 1024)
        return true;
    for (size_t i = 0; i < len;) {
        uint32_t cp = tj_utf8_next(s, len, &i);
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029)
            return true;
    }
    return false;
}

size_t tj_glossary_write_deepl(const struct tj_glossary *g, uint32_t date, struct tj_buf *out)
{
    if (!date)
        date = tj_glossary_today();
    struct tj_strmap *sources = tj_strmap_create();
    size_t refused = 0;
    for (size_t i = 0; i < tj_glossary_terms(g); i++) {
        const struct tj_term *t = tj_glossary_term(g, i);
        if (!tj_term_in_force(t, date))
            continue;
        for (size_t k = 0; k < t->nspellings; k++) {
            const char *sp = t->spellings[k];
            size_t klen, words;
            char *key = tj_glossary_key(sp, strlen(sp), &klen, &words);
            const struct tj_term *winner = tj_glossary_lookup_on(g, key, klen, date);
            free(key);
            if (!winner)
                continue; /* a proposal, not pinned */
            if (deepl_refuses(sp) || deepl_refuses(winner->english)) {
                refused++;
                continue;
            }
            if (tj_strmap_put(sources, sp, strlen(sp), out))
                continue; /* written already */
            tj_buf_printf(out, "%s\t%s\n", sp, winner->english);
        }
    }
    tj_strmap_destroy(sources);
    return refused;
}
