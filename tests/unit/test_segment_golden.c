/* The segmenter against the shared golden data: every case of
 * $TARJIM_SHARED/testdata/segmentation/ (the .jsonl files) is segmented with tj_segment_document
 * and the built-in rules for the case's language, and compared, after trimming white space on
 * both sides, with its expected sentences as adjusted by tests/data/segmentation-policy.tsv
 * (where tarjim deliberately differs from a peer).
 *
 * Prints the pass rate per file and language and every mismatch. Fails when the Arabic-script
 * cases (ar, fa, ur) pass below 95% or the English ones below 90%, or when the policy file is
 * malformed or names a case that no data file has; single mismatches above the thresholds only
 * print. Skipped when the shared folder is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "input.h"
#include "segment.h"
#include "utf8.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARABIC_MIN_PERCENT 95
#define ENGLISH_MIN_PERCENT 90
#define MAX_JOINS 8

struct policy {
    char *id;
    bool skip;
    size_t joins[MAX_JOINS][2]; /* 1-based, inclusive */
    size_t njoins;
    char *reason;
    bool used;
};

struct policies {
    struct policy *rows;
    size_t n;
};

/* Pass counts of one (file, language) pair. */
struct tally {
    char *file;
    char *lang;
    size_t pass;
    size_t total; /* asserted cases */
    size_t skipped;
};

struct tallies {
    struct tally *rows;
    size_t n;
};

/* A list of sentences, each a copy owned by the list. */
struct sentences {
    char **s;
    size_t n;
};

/* Unicode White_Space, the set Python's str.strip() removes. */
static bool is_white(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* A copy of s[0..len) (valid UTF-8) without white space on either side. */
static char *strip_dup(const char *s, size_t len)
{
    size_t start = 0, end = len;
    while (start < end) {
        size_t k = start;
        if (!is_white(tj_utf8_next(s, end, &k)))
            break;
        start = k;
    }
    while (end > start) {
        size_t k = end;
        if (!is_white(tj_utf8_prev(s, &k)))
            break;
        end = k;
    }
    return tj_xstrndup(s + start, end - start);
}

static void sentences_add(struct sentences *l, char *take)
{
    l->s = tj_xreallocarray(l->s, l->n + 1, sizeof *l->s);
    l->s[l->n++] = take;
}

static void sentences_finish(struct sentences *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->s[i]);
    free(l->s);
    l->s = NULL;
    l->n = 0;
}

static bool sentences_equal(const struct sentences *a, const struct sentences *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->s[i], b->s[i]) != 0)
            return false;
    return true;
}

static void sentences_print(const char *label, const struct sentences *l)
{
    for (size_t i = 0; i < l->n; i++)
        print_message("    %s[%zu] %s\n", label, i + 1, l->s[i]);
    if (l->n == 0)
        print_message("    %s: (none)\n", label);
}

/* Parses "join A-B" or "join A-B; join C-D" into p. Returns false when malformed. */
static bool parse_joins(char *action, struct policy *p)
{
    for (char *part = action; part;) {
        char *semi = strchr(part, ';');
        if (semi)
            *semi = '\0';
        while (*part == ' ')
            part++;
        if (strncmp(part, "join ", 5) != 0 || p->njoins == MAX_JOINS)
            return false;
        char *end;
        unsigned long a = strtoul(part + 5, &end, 10);
        if (end == part + 5 || *end != '-')
            return false;
        char *bstart = end + 1;
        unsigned long b = strtoul(bstart, &end, 10);
        if (end == bstart)
            return false;
        while (*end == ' ')
            end++;
        if (*end != '\0' || a < 1 || b <= a)
            return false;
        p->joins[p->njoins][0] = a;
        p->joins[p->njoins][1] = b;
        p->njoins++;
        part = semi ? semi + 1 : NULL;
    }
    return p->njoins > 0;
}

static void policies_load(const char *path, struct policies *ps)
{
    char *data;
    size_t len;
    struct tj_diag d;
    if (tj_input_read(path, &data, &len, &d) != TJ_OK)
        fail_msg("policy file: %s", d.message);
    size_t line_no = 0;
    for (char *line = data; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        line_no++;
        if (*line != '\0' && *line != '#') {
            char *tab1 = strchr(line, '\t');
            char *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
            if (!tab2 || tab2[1] == '\0' || tab1 == line)
                fail_msg("%s:%zu: want id<TAB>action<TAB>reason", path, line_no);
            *tab1 = '\0';
            *tab2 = '\0';
            for (size_t i = 0; i < ps->n; i++)
                if (strcmp(ps->rows[i].id, line) == 0)
                    fail_msg("%s:%zu: %s listed twice", path, line_no, line);
            struct policy p = {.id = NULL};
            if (strcmp(tab1 + 1, "skip") == 0)
                p.skip = true;
            else if (!parse_joins(tab1 + 1, &p))
                fail_msg("%s:%zu: action must be 'skip' or 'join A-B[; join C-D...]'", path,
                         line_no);
            p.id = tj_xstrdup(line);
            p.reason = tj_xstrdup(tab2 + 1);
            ps->rows = tj_xreallocarray(ps->rows, ps->n + 1, sizeof *ps->rows);
            ps->rows[ps->n++] = p;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(data);
}

static void policies_finish(struct policies *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->rows[i].id);
        free(ps->rows[i].reason);
    }
    free(ps->rows);
}

static struct policy *policy_find(struct policies *ps, const char *id)
{
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->rows[i].id, id) == 0)
            return &ps->rows[i];
    return NULL;
}

/* tarjim's expectation: the stripped peer sentences of arr with p's joins applied (p may be
 * NULL). Fails the test when a join does not fit the list. */
static void expectation(const char *id, json_t *arr, const struct policy *p, struct sentences *out)
{
    size_t n = json_array_size(arr);
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s)
            fail_msg("%s: expected[%zu] is not a string", id, i);
        sentences_add(out, strip_dup(s, strlen(s)));
    }
    if (!p || p->njoins == 0)
        return;
    /* Apply the joins from the last range back so earlier indices stay valid. */
    size_t order[MAX_JOINS];
    for (size_t j = 0; j < p->njoins; j++)
        order[j] = j;
    for (size_t j = 1; j < p->njoins; j++)
        for (size_t k = j; k > 0 && p->joins[order[k]][0] > p->joins[order[k - 1]][0]; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    for (size_t j = 0; j < p->njoins; j++) {
        size_t a = p->joins[order[j]][0], b = p->joins[order[j]][1];
        if (b > out->n || (j > 0 && b >= p->joins[order[j - 1]][0]))
            fail_msg("%s: policy join %zu-%zu does not fit %zu sentences or overlaps", id, a, b, n);
        struct tj_buf joined;
        tj_buf_init(&joined, 0);
        for (size_t k = a - 1; k < b; k++) {
            if (k > a - 1)
                tj_buf_putc(&joined, ' ');
            tj_buf_puts(&joined, out->s[k]);
            free(out->s[k]);
        }
        out->s[a - 1] = tj_buf_take(&joined, NULL);
        memmove(out->s + a, out->s + b, (out->n - b) * sizeof *out->s);
        out->n -= b - a;
    }
}

/* What tarjim makes of text with its built-in rules for lang: every segment of every block, in
 * order, stripped. */
static void segment_text(const char *text, size_t len, const char *lang, struct sentences *out)
{
    struct tj_segment_options opt = {.rules = tj_segmenter_default(lang)};
    struct tj_document doc;
    tj_document_init(&doc);
    tj_segment_document(text, len, &opt, &doc);
    for (size_t b = 0; b < doc.nblocks; b++)
        for (size_t s = 0; s < doc.blocks[b].nsegs; s++) {
            const struct tj_segment *sg = &doc.blocks[b].segs[s];
            sentences_add(out, strip_dup(sg->source, sg->source_len));
        }
    tj_document_finish(&doc);
}

static struct tally *tally_get(struct tallies *t, const char *file, const char *lang)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->rows[i].file, file) == 0 && strcmp(t->rows[i].lang, lang) == 0)
            return &t->rows[i];
    t->rows = tj_xreallocarray(t->rows, t->n + 1, sizeof *t->rows);
    t->rows[t->n] = (struct tally){.file = tj_xstrdup(file), .lang = tj_xstrdup(lang)};
    return &t->rows[t->n++];
}

static void run_case(const char *file, size_t line_no, json_t *c, struct policies *ps,
                     struct tallies *t)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const char *lang = json_string_value(json_object_get(c, "lang"));
    json_t *text = json_object_get(c, "text");
    json_t *expected = json_object_get(c, "expected");
    if (!id || !lang || !json_is_string(text) || !json_is_array(expected))
        fail_msg("%s:%zu: a case needs id, lang, text and expected", file, line_no);
    struct tally *row = tally_get(t, file, lang);
    struct policy *p = policy_find(ps, id);
    if (p)
        p->used = true;
    if (p && p->skip) {
        row->skipped++;
        print_message("skip %s: %s\n", id, p->reason);
        return;
    }
    struct sentences want = {NULL, 0}, got = {NULL, 0};
    expectation(id, expected, p, &want);
    segment_text(json_string_value(text), json_string_length(text), lang, &got);
    row->total++;
    if (sentences_equal(&want, &got)) {
        row->pass++;
    } else {
        print_message("FAIL %s (%s, %s:%zu)%s%s\n", id, lang, file, line_no, p ? "; policy: " : "",
                      p ? p->reason : "");
        sentences_print("expected", &want);
        sentences_print("got     ", &got);
    }
    sentences_finish(&want);
    sentences_finish(&got);
}

static void run_file(const char *dir, const char *name, struct policies *ps, struct tallies *t)
{
    char *path = tj_xasprintf("%s/%s", dir, name);
    char *data;
    size_t len;
    struct tj_diag d;
    if (tj_input_read(path, &data, &len, &d) != TJ_OK)
        fail_msg("%s", d.message);
    size_t line_no = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        line_no++;
        if (end > pos) {
            json_error_t err;
            json_t *c = json_loadb(data + pos, end - pos, 0, &err);
            if (!c)
                fail_msg("%s:%zu: %s", name, line_no, err.text);
            run_case(name, line_no, c, ps, t);
            json_decref(c);
        }
        pos = end + 1;
    }
    free(data);
    free(path);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_arabic_script(const char *lang)
{
    return strcmp(lang, "ar") == 0 || strcmp(lang, "fa") == 0 || strcmp(lang, "ur") == 0;
}

/* Prints one line of the table per file, one entry per language, and adds the counts to the
 * Arabic-script and English totals. */
static void print_table(const struct tallies *t, size_t sum[2][2])
{
    print_message("\npass rates after policy (skipped cases not counted):\n");
    for (size_t i = 0; i < t->n; i++) {
        bool first = i == 0 || strcmp(t->rows[i - 1].file, t->rows[i].file) != 0;
        if (!first)
            continue;
        print_message("  %s", t->rows[i].file);
        for (size_t j = i; j < t->n && strcmp(t->rows[j].file, t->rows[i].file) == 0; j++) {
            const struct tally *r = &t->rows[j];
            print_message("%s %s %zu/%zu", j == i ? "" : ",", r->lang, r->pass, r->total);
            if (r->skipped)
                print_message(" (%zu skipped)", r->skipped);
        }
        print_message("\n");
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct tally *r = &t->rows[i];
        size_t g = is_arabic_script(r->lang) ? 0 : strcmp(r->lang, "en") == 0 ? 1 : 2;
        if (g < 2) {
            sum[g][0] += r->pass;
            sum[g][1] += r->total;
        }
    }
}

static bool rate_ok(const char *what, const size_t s[2], unsigned min_percent)
{
    double pct = s[1] ? 100.0 * (double)s[0] / (double)s[1] : 100.0;
    bool ok = s[0] * 100 >= s[1] * min_percent;
    print_message("  %-26s %zu/%zu = %.1f%% (minimum %u%%)%s\n", what, s[0], s[1], pct, min_percent,
                  ok ? "" : "  BELOW");
    return ok;
}

static void test_golden(void **state)
{
    (void)state;
    const char *shared = getenv("TARJIM_SHARED");
    const char *source = getenv("TARJIM_SOURCE");
    if (!shared || !source)
        skip();
    char *dir = tj_xasprintf("%s/testdata/segmentation", shared);
    DIR *dh = opendir(dir);
    if (!dh) {
        free(dir);
        skip();
    }
    char **names = NULL;
    size_t nnames = 0;
    for (struct dirent *e; (e = readdir(dh));) {
        size_t n = strlen(e->d_name);
        if (n > 6 && strcmp(e->d_name + n - 6, ".jsonl") == 0) {
            names = tj_xreallocarray(names, nnames + 1, sizeof *names);
            names[nnames++] = tj_xstrdup(e->d_name);
        }
    }
    closedir(dh);
    assert_true(nnames > 0);
    qsort(names, nnames, sizeof *names, compare_names);

    struct policies ps = {NULL, 0};
    char *policy_path = tj_xasprintf("%s/tests/data/segmentation-policy.tsv", source);
    policies_load(policy_path, &ps);
    struct tallies t = {NULL, 0};
    for (size_t i = 0; i < nnames; i++)
        run_file(dir, names[i], &ps, &t);

    size_t sum[2][2] = {{0, 0}, {0, 0}};
    print_table(&t, sum);
    bool ok = rate_ok("Arabic script (ar fa ur)", sum[0], ARABIC_MIN_PERCENT);
    ok &= rate_ok("English", sum[1], ENGLISH_MIN_PERCENT);
    bool stale = false;
    for (size_t i = 0; i < ps.n; i++)
        if (!ps.rows[i].used) {
            print_message("policy row for %s matches no case\n", ps.rows[i].id);
            stale = true;
        }

    for (size_t i = 0; i < t.n; i++) {
        free(t.rows[i].file);
        free(t.rows[i].lang);
    }
    free(t.rows);
    policies_finish(&ps);
    free(policy_path);
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    free(dir);
    assert_false(stale);
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
