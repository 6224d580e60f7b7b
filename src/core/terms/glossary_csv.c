/* Glossary rows from CSV (RFC 4180): fields separated by commas, a field in double quotes may
 * hold commas, line breaks and doubled quotes; the first record is a header naming the columns
 * (arabic and english, and any of type, note, valid_from, valid_to, status, in any order). */
#include "buf.h"
#include "glossary_int.h"
#include "input.h"
#include "utf8.h"

#include <stdlib.h>
#include <string.h>

static const char *const columns[] = {"arabic",     "english",  "type",  "note",
                                      "valid_from", "valid_to", "status"};

struct reader {
    const char *data;
    size_t len, pos;
    size_t line; /* the line pos is on */
    struct tj_buf *fields;
    size_t nfields, alloc;
    char why[160]; /* what is wrong with the record just read, or "" */
};

static struct tj_buf *new_field(struct reader *r)
{
    if (r->nfields == r->alloc) {
        size_t n = r->alloc ? r->alloc * 2 : 8;
        r->fields = tj_xreallocarray(r->fields, n, sizeof *r->fields);
        for (size_t i = r->alloc; i < n; i++)
            tj_buf_init(&r->fields[i], 0);
        r->alloc = n;
    }
    struct tj_buf *b = &r->fields[r->nfields++];
    tj_buf_reset(b);
    return b;
}

static void fail(struct reader *r, const char *what)
{
    if (!r->why[0])
        snprintf(r->why, sizeof r->why, "%s", what);
}

static void put(struct reader *r, struct tj_buf *b, char c)
{
    if (b->len == TJ_GLOSSARY_FIELD_MAX)
        fail(r, "a field longer than 4096 bytes");
    else
        tj_buf_putc(b, c);
}

/* Reads the record at r->pos into r->fields. Returns false at the end of the data. A record
 * with a fault is read to its end all the same (so the next one starts where it should) with
 * the fault in r->why; a quoted field left open runs to the end of the data. */
static bool next_record(struct reader *r)
{
    r->nfields = 0;
    r->why[0] = '\0';
    if (r->pos >= r->len)
        return false;
    for (;;) {
        struct tj_buf *b = new_field(r);
        if (r->pos < r->len && r->data[r->pos] == '"') {
            r->pos++;
            for (;;) {
                if (r->pos >= r->len) {
                    fail(r, "a quoted field is not closed");
                    return true;
                }
                char c = r->data[r->pos++];
                if (c == '"') {
                    if (r->pos < r->len && r->data[r->pos] == '"') {
                        put(r, b, '"');
                        r->pos++;
                        continue;
                    }
                    break;
                }
                if (c == '\n')
                    r->line++;
                put(r, b, c);
            }
            /* After the closing quote: a comma, the end of the line or of the data. */
            while (r->pos < r->len && r->data[r->pos] != ',' && r->data[r->pos] != '\n') {
                if (!(r->data[r->pos] == '\r' && r->pos + 1 < r->len &&
                      r->data[r->pos + 1] == '\n'))
                    fail(r, "text after a closing quote");
                r->pos++;
            }
        } else {
            while (r->pos < r->len && r->data[r->pos] != ',' && r->data[r->pos] != '\n') {
                char c = r->data[r->pos++];
                if (c == '"')
                    fail(r, "a quote inside a field that does not start with one");
                if (c == '\r' && r->pos < r->len && r->data[r->pos] == '\n')
                    continue;
                put(r, b, c);
            }
        }
        if (r->pos >= r->len)
            return true;
        if (r->data[r->pos++] == '\n') {
            r->line++;
            return true;
        }
    }
}

/* The field without the spaces around it (NUL-terminated in place). */
static char *field(struct reader *r, size_t i)
{
    struct tj_buf *b = &r->fields[i];
    char *s = b->data ? b->data : (char *)"";
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
    return s;
}

static bool blank(struct reader *r)
{
    return r->nfields == 1 && r->fields[0].len == 0;
}

enum tj_status tj_glossary_load_csv(struct tj_glossary *g, const char *name, const char *data,
                                    size_t len, struct tj_diag *diag)
{
    struct reader r = {.data = data, .len = len, .pos = tj_input_bom(data, len), .line = 1};
    enum tj_status rc = TJ_OK;
    size_t col[TJ_ARRAY_LEN(columns)]; /* column index of each known name, or SIZE_MAX */
    size_t ncols = 0;
    bool header = false;
    for (size_t i = 0; i < TJ_ARRAY_LEN(columns); i++)
        col[i] = SIZE_MAX;
    for (;;) {
        size_t line = r.line;
        if (!next_record(&r))
            break;
        if (blank(&r) && !r.why[0])
            continue;
        for (size_t i = 0; i < r.nfields && !r.why[0]; i++) {
            size_t bad;
            bool nul;
            if (!tj_utf8_check_text(r.fields[i].data, r.fields[i].len, &bad, &nul))
                snprintf(r.why, sizeof r.why, "%s in field %zu", nul ? "NUL byte" : "invalid UTF-8",
                         i + 1);
        }
        if (!header) {
            /* The header decides how every row reads, so a fault in it stops the load. */
            if (r.why[0]) {
                rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%zu: header: %s", name, line, r.why);
                goto out;
            }
            for (size_t i = 0; i < r.nfields; i++) {
                char *h = field(&r, i);
                for (char *p = h; *p; p++)
                    if (*p >= 'A' && *p <= 'Z')
                        *p = (char)(*p - 'A' + 'a');
                size_t k = 0;
                while (k < TJ_ARRAY_LEN(columns) && strcmp(h, columns[k]) != 0)
                    k++;
                if (k == TJ_ARRAY_LEN(columns)) {
                    rc = tj_diag_set(diag, TJ_ERR_CONFIG,
                                     "%s:%zu: header: unknown column '%.40s' (arabic, english, "
                                     "type, note, valid_from, valid_to, status)",
                                     name, line, h);
                    goto out;
                }
                if (col[k] != SIZE_MAX) {
                    rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s:%zu: header: column '%s' twice", name,
                                     line, columns[k]);
                    goto out;
                }
                col[k] = i;
            }
            if (col[0] == SIZE_MAX || col[1] == SIZE_MAX) {
                rc =
                    tj_diag_set(diag, TJ_ERR_CONFIG,
                                "%s:%zu: header: needs the columns arabic and english", name, line);
                goto out;
            }
            ncols = r.nfields;
            header = true;
            continue;
        }
        if (r.why[0]) {
            rc = tj_glossary_row_error(g, name, line, diag, "%s", r.why);
        } else if (r.nfields > ncols) {
            rc = tj_glossary_row_error(g, name, line, diag, "%zu fields, the header names %zu",
                                       r.nfields, ncols);
        } else {
            struct tj_glossary_row row = {0};
            char why[160] = "";
            const char *value[TJ_ARRAY_LEN(columns)];
            for (size_t k = 0; k < TJ_ARRAY_LEN(columns); k++)
                value[k] = col[k] < r.nfields ? field(&r, col[k]) : "";
            row.arabic = value[0];
            row.english = value[1];
            for (size_t k = 2; k < TJ_ARRAY_LEN(columns) && !why[0]; k++)
                tj_glossary_row_field(&row, columns[k], value[k], why, sizeof why);
            if (!why[0])
                tj_glossary_row_finish(&row, why, sizeof why);
            struct tj_diag sub;
            if (why[0])
                rc = tj_glossary_row_error(g, name, line, diag, "%s", why);
            else if (!*row.arabic || !*row.english)
                rc = tj_glossary_row_error(g, name, line, diag, "empty %s field",
                                           *row.arabic ? "English" : "Arabic");
            else if (tj_glossary_add_row(g, &row, name, line, &sub) != TJ_OK)
                rc = tj_glossary_row_error(g, name, line, diag, "%s", sub.message);
        }
        if (rc != TJ_OK)
            goto out;
    }
    if (!header)
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "%s: no header row (arabic,english,...)", name);
out:
    for (size_t i = 0; i < r.alloc; i++)
        tj_buf_finish(&r.fields[i]);
    free(r.fields);
    return rc;
}
