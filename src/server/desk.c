/* The server's glossaries: reference-counted views swapped under a lock, their search index, and
 * adds to the desk glossary written atomically. */
#include "desk.h"

#include "buf.h"
#include "input.h"
#include "pin.h"
#include "utf8.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The largest desk glossary file an add reads. */
#define DESK_FILE_MAX ((size_t)16 << 20)

static const char desk_header[] = "# The desk glossary: entries added from tarjim's editor "
                                  "(arabic, english, type, note; later rows win).\n";

/* A term with its Arabic keys and its English spellings lower-cased, for searches. */
struct indexed {
    const struct tj_term *t;
    char **keys;
    size_t nkeys;
    char **english;
    size_t nenglish;
};

struct tj_desk_view {
    atomic_uint refs;
    const struct tj_glossary *g;
    struct tj_glossary *owned; /* g, when this view made it */
    struct indexed *index;
    size_t nindex;
};

struct tj_desk {
    pthread_mutex_t lock;   /* current */
    pthread_mutex_t adding; /* one add at a time */
    struct tj_desk_view *current;
    char **files;
    size_t nfiles;
    uint32_t date;
    bool proposed;
    char *path; /* NULL: no desk glossary */
};

/* An ASCII-lower-cased copy of s[0..len). */
static char *lower(const char *s, size_t len)
{
    char *out = tj_xmalloc(len + 1);
    for (size_t i = 0; i < len; i++)
        out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    out[len] = '\0';
    return out;
}

static char *key_of(const char *s, size_t len)
{
    size_t klen, words;
    return tj_glossary_key(s, len, &klen, &words);
}

static struct tj_desk_view *view_create(const struct tj_glossary *g, struct tj_glossary *owned)
{
    struct tj_desk_view *v = tj_xcalloc(1, sizeof *v);
    atomic_init(&v->refs, 1);
    v->g = g;
    v->owned = owned;
    if (!g)
        return v;
    v->nindex = tj_glossary_terms(g);
    v->index = tj_xcalloc(v->nindex ? v->nindex : 1, sizeof *v->index);
    for (size_t i = 0; i < v->nindex; i++) {
        struct indexed *ix = &v->index[i];
        const struct tj_term *t = tj_glossary_term(g, i);
        ix->t = t;
        ix->keys = tj_xcalloc(t->nspellings ? t->nspellings : 1, sizeof *ix->keys);
        for (size_t k = 0; k < t->nspellings; k++)
            ix->keys[ix->nkeys++] = key_of(t->spellings[k], strlen(t->spellings[k]));
        ix->english = tj_xcalloc(1 + t->naliases, sizeof *ix->english);
        ix->english[ix->nenglish++] = lower(t->english, strlen(t->english));
        for (size_t k = 0; k < t->naliases; k++)
            ix->english[ix->nenglish++] = lower(t->aliases[k], strlen(t->aliases[k]));
    }
    return v;
}

void tj_desk_release(struct tj_desk_view *v)
{
    if (!v || atomic_fetch_sub(&v->refs, 1) != 1)
        return;
    for (size_t i = 0; i < v->nindex; i++) {
        struct indexed *ix = &v->index[i];
        for (size_t k = 0; k < ix->nkeys; k++)
            free(ix->keys[k]);
        for (size_t k = 0; k < ix->nenglish; k++)
            free(ix->english[k]);
        free(ix->keys);
        free(ix->english);
    }
    free(v->index);
    tj_glossary_destroy(v->owned);
    free(v);
}

enum tj_status tj_desk_create(const struct tj_desk_config *cfg, struct tj_desk **out,
                              struct tj_diag *diag)
{
    if (cfg->path && access(cfg->path, R_OK | W_OK) != 0)
        return tj_diag_set(diag, TJ_ERR_CONFIG, "desk glossary %s: %s", cfg->path, strerror(errno));
    struct tj_desk *d = tj_xcalloc(1, sizeof *d);
    pthread_mutex_init(&d->lock, NULL);
    pthread_mutex_init(&d->adding, NULL);
    d->files = tj_xcalloc(cfg->nfiles ? cfg->nfiles : 1, sizeof *d->files);
    for (size_t i = 0; i < cfg->nfiles; i++)
        d->files[d->nfiles++] = tj_xstrdup(cfg->files[i]);
    d->date = cfg->date;
    d->proposed = cfg->proposed;
    d->path = cfg->path ? tj_xstrdup(cfg->path) : NULL;
    d->current = view_create(cfg->glossary, NULL);
    *out = d;
    return TJ_OK;
}

void tj_desk_destroy(struct tj_desk *d)
{
    if (!d)
        return;
    tj_desk_release(d->current);
    for (size_t i = 0; i < d->nfiles; i++)
        free(d->files[i]);
    free(d->files);
    free(d->path);
    pthread_mutex_destroy(&d->adding);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

struct tj_desk_view *tj_desk_acquire(struct tj_desk *d)
{
    pthread_mutex_lock(&d->lock);
    struct tj_desk_view *v = d->current;
    atomic_fetch_add(&v->refs, 1);
    pthread_mutex_unlock(&d->lock);
    return v;
}

const struct tj_glossary *tj_desk_glossary(const struct tj_desk_view *v)
{
    return v->g;
}

const char *tj_desk_name(const struct tj_desk *d)
{
    if (!d->path)
        return NULL;
    const char *slash = strrchr(d->path, '/');
    return slash ? slash + 1 : d->path;
}

const char *tj_desk_file_name(const struct tj_term *t)
{
    if (!t->file)
        return "";
    const char *slash = strrchr(t->file, '/');
    return slash ? slash + 1 : t->file;
}

/* How well `have` matches `want` (both NUL-terminated): 0 the same, 1 starts with it, 2 holds
 * it, -1 not at all. */
static int match_rank(const char *have, const char *want)
{
    if (strcmp(have, want) == 0)
        return 0;
    size_t n = strlen(want);
    if (strncmp(have, want, n) == 0)
        return 1;
    return strstr(have, want) ? 2 : -1;
}

static void better(int *rank, int r)
{
    if (r >= 0 && (*rank < 0 || r < *rank))
        *rank = r;
}

/* True when t answers a lookup of one of its keys on the glossary's day. */
static bool wins(const struct tj_glossary *g, const struct indexed *ix)
{
    for (size_t k = 0; k < ix->nkeys; k++)
        if (tj_glossary_lookup(g, ix->keys[k], strlen(ix->keys[k])) == ix->t)
            return true;
    return false;
}

struct hit {
    size_t i;
    int rank;
};

static int by_rank(const void *a, const void *b)
{
    const struct hit *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    /* Later rows first: the desk glossary's, then the files named last. */
    return x->i > y->i ? -1 : x->i < y->i;
}

size_t tj_desk_search(const struct tj_desk_view *v, const char *q, size_t len,
                      const struct tj_term **out, size_t max)
{
    if (!v->g || len == 0 || max == 0)
        return 0;
    if (max > TJ_DESK_SEARCH_MAX)
        max = TJ_DESK_SEARCH_MAX;
    int *rank = tj_xmalloc((v->nindex ? v->nindex : 1) * sizeof *rank);
    for (size_t i = 0; i < v->nindex; i++)
        rank[i] = -1;
    if (tj_utf8_has_arabic(q, len)) {
        /* What the text pins, as glossary match finds it (clitics, spelling variants). */
        struct tj_pin *pins = NULL;
        size_t np = tj_pin_find(v->g, q, len, &pins);
        for (size_t p = 0; p < np; p++)
            for (size_t i = 0; i < v->nindex; i++)
                if (v->index[i].t == pins[p].term)
                    rank[i] = 0;
        free(pins);
        char *key = key_of(q, len);
        if (*key)
            for (size_t i = 0; i < v->nindex; i++)
                for (size_t k = 0; k < v->index[i].nkeys; k++)
                    better(&rank[i], match_rank(v->index[i].keys[k], key));
        free(key);
    }
    char *lq = lower(q, len);
    for (size_t i = 0; i < v->nindex; i++)
        for (size_t k = 0; k < v->index[i].nenglish; k++)
            better(&rank[i], match_rank(v->index[i].english[k], lq));
    free(lq);
    struct hit *hits = tj_xmalloc((v->nindex ? v->nindex : 1) * sizeof *hits);
    size_t n = 0;
    for (size_t i = 0; i < v->nindex; i++)
        if (rank[i] >= 0 && wins(v->g, &v->index[i]))
            hits[n++] = (struct hit){i, rank[i]};
    qsort(hits, n, sizeof *hits, by_rank);
    if (n > max)
        n = max;
    for (size_t i = 0; i < n; i++)
        out[i] = v->index[hits[i].i].t;
    free(hits);
    free(rank);
    return n;
}

/* Checks a field: within max bytes, no control character (a tab or line break would break the
 * row). */
static bool field_ok(const char *what, const char *s, size_t max, bool need, struct tj_diag *diag)
{
    size_t len = strlen(s);
    if (need && len == 0) {
        tj_diag_set(diag, TJ_ERR_DATA, "%s is empty", what);
        return false;
    }
    if (len > max) {
        tj_diag_set(diag, TJ_ERR_DATA, "%s is over %zu bytes", what, max);
        return false;
    }
    size_t i = 0;
    while (i < len) {
        uint32_t cp = tj_utf8_next(s, len, &i);
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
            tj_diag_set(diag, TJ_ERR_DATA, "%s has a control character (a tab or a line break)",
                        what);
            return false;
        }
    }
    return true;
}

/* Checks the entry as `glossary check` checks a row, and gives back the term it makes in a
 * glossary of its own (*tmp, owned by the caller). */
static bool validate(const struct tj_desk_entry *e, struct tj_glossary **tmp, struct tj_diag *diag)
{
    *tmp = NULL;
    const char *type = e->type && *e->type ? e->type : "term";
    const char *note = e->note ? e->note : "";
    if (!field_ok("the Arabic", e->arabic, TJ_DESK_TERM_MAX, true, diag) ||
        !field_ok("the English", e->english, TJ_DESK_TERM_MAX, true, diag) ||
        !field_ok("the note", note, TJ_DESK_NOTE_MAX, false, diag))
        return false;
    enum tj_term_type t;
    if (!tj_term_type_parse(type, &t)) {
        tj_diag_set(diag, TJ_ERR_DATA, "the type must be person, place, org or term");
        return false;
    }
    if (!tj_utf8_has_arabic(e->arabic, strlen(e->arabic))) {
        tj_diag_set(diag, TJ_ERR_DATA, "the Arabic has no Arabic letters");
        return false;
    }
    if (e->arabic[0] == '#' || e->arabic[0] == ' ') {
        tj_diag_set(diag, TJ_ERR_DATA, "the Arabic starts with '%c'", e->arabic[0]);
        return false;
    }
    /* The row read back as the loaders read it, then checked as glossary check does. */
    struct tj_buf row;
    tj_buf_init(&row, 0);
    tj_buf_printf(&row, "%s\t%s\t%s%s%s\n", e->arabic, e->english, type, *note ? "\t" : "", note);
    struct tj_glossary *g = tj_glossary_create();
    struct tj_diag d;
    enum tj_status rc = tj_glossary_load_mem(g, "entry", row.data, row.len, &d);
    tj_buf_finish(&row);
    if (rc != TJ_OK || tj_glossary_terms(g) != 1) {
        const char *why = rc != TJ_OK ? d.message : "the row makes no entry";
        if (strncmp(why, "entry:1: ", 9) == 0)
            why += 9;
        tj_diag_set(diag, TJ_ERR_DATA, "%s", why);
        tj_glossary_destroy(g);
        return false;
    }
    const struct tj_glossary_finding *f;
    size_t nf = tj_glossary_check(g, &f);
    /* Its errors, and the letters of one script in the other's column, which a file may carry
     * with a warning but an editor's new entry may not. */
    for (size_t k = 0; k < nf; k++)
        if (f[k].level == TJ_FINDING_ERROR || strcmp(f[k].kind, "script") == 0) {
            tj_diag_set(diag, TJ_ERR_DATA, "%s", f[k].message);
            tj_glossary_destroy(g);
            return false;
        }
    *tmp = g;
    return true;
}

static bool same_english(const struct tj_term *a, const struct tj_term *b)
{
    if (strcmp(a->english, b->english) != 0 || a->naliases != b->naliases || a->type != b->type)
        return false;
    for (size_t i = 0; i < a->naliases; i++)
        if (strcmp(a->aliases[i], b->aliases[i]) != 0)
            return false;
    return true;
}

/* True when the terms share an Arabic key. */
static bool same_arabic(const struct tj_term *a, const struct tj_term *b)
{
    bool same = false;
    for (size_t i = 0; i < a->nspellings && !same; i++) {
        char *ka = key_of(a->spellings[i], strlen(a->spellings[i]));
        for (size_t k = 0; k < b->nspellings && !same; k++) {
            char *kb = key_of(b->spellings[k], strlen(b->spellings[k]));
            same = strcmp(ka, kb) == 0;
            free(kb);
        }
        free(ka);
    }
    return same;
}

static char *read_all(const char *path, size_t *len, struct tj_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        tj_diag_set(diag, TJ_ERR_NOINPUT, "cannot read the desk glossary: %s", strerror(errno));
        return NULL;
    }
    char *data = NULL;
    enum tj_status rc = tj_input_slurp(f, DESK_FILE_MAX, &data, len);
    fclose(f);
    if (rc != TJ_OK)
        tj_diag_set(diag, TJ_ERR_NOINPUT, "cannot read the desk glossary (over %zu bytes?)",
                    DESK_FILE_MAX);
    return data;
}

/* Replaces path's contents with data[0..len): a temporary file in its folder, written and
 * synced, renamed over it, and the folder synced, so that a crash leaves the old file or the
 * new one, never a part. The file keeps its permissions. */
static enum tj_status write_atomic(const char *path, const char *data, size_t len,
                                   struct tj_diag *diag)
{
    const char *slash = strrchr(path, '/');
    char *dir =
        slash ? tj_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : tj_xstrdup(".");
    char *tmp = tj_xasprintf("%s/.%s.XXXXXX", dir, slash ? slash + 1 : path);
    enum tj_status rc = TJ_OK;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        rc =
            tj_diag_set(diag, TJ_ERR_CONFIG, "cannot write the desk glossary: %s", strerror(errno));
        goto out;
    }
    struct stat st;
    if (stat(path, &st) == 0)
        fchmod(fd, st.st_mode & 07777);
    size_t at = 0;
    while (at < len) {
        ssize_t w = write(fd, data + at, len - at);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        at += (size_t)w;
    }
    int err = at < len ? errno : 0;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        rc = tj_diag_set(diag, TJ_ERR_CONFIG, "cannot write the desk glossary: %s",
                         strerror(err ? err : EIO));
        goto out;
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
out:
    free(tmp);
    free(dir);
    return rc;
}

/* A new view: the server's files, then the desk glossary. */
static enum tj_status rebuild(struct tj_desk *d, struct tj_diag *diag)
{
    struct tj_glossary *g = tj_glossary_create();
    tj_glossary_set_date(g, d->date);
    tj_glossary_set_proposed(g, d->proposed);
    for (size_t i = 0; i < d->nfiles; i++) {
        enum tj_status rc = tj_glossary_load_file(g, d->files[i], diag);
        if (rc != TJ_OK) {
            tj_glossary_destroy(g);
            return rc;
        }
    }
    enum tj_status rc = tj_glossary_load_file(g, d->path, diag);
    if (rc != TJ_OK) {
        tj_glossary_destroy(g);
        return rc;
    }
    struct tj_desk_view *v = view_create(g, g);
    pthread_mutex_lock(&d->lock);
    struct tj_desk_view *old = d->current;
    d->current = v;
    pthread_mutex_unlock(&d->lock);
    tj_desk_release(old);
    return TJ_OK;
}

enum tj_desk_outcome tj_desk_add(struct tj_desk *d, const struct tj_desk_entry *e,
                                 struct tj_diag *diag)
{
    if (!d->path) {
        tj_diag_set(diag, TJ_ERR_USAGE,
                    "this server has no desk glossary (start it with --desk-glossary FILE)");
        return TJ_DESK_NONE;
    }
    struct tj_glossary *tmp;
    if (!validate(e, &tmp, diag))
        return TJ_DESK_BAD;
    const struct tj_term *nt = tj_glossary_term(tmp, 0);
    enum tj_desk_outcome out = TJ_DESK_FAILED;
    struct tj_glossary *desk = NULL;
    bool *drop = NULL;
    struct tj_buf text;
    tj_buf_init(&text, 0);
    pthread_mutex_lock(&d->adding);
    size_t len;
    char *data = read_all(d->path, &len, diag);
    if (!data)
        goto out;
    desk = tj_glossary_create();
    tj_glossary_keep_going(desk, true);
    tj_glossary_load_mem(desk, d->path, data, len, NULL);
    /* The desk's rows of the same Arabic: one with the same English makes the add a no-op,
     * others are a conflict unless they are to be replaced. */
    size_t nlines = 1;
    for (size_t i = 0; i < len; i++)
        nlines += data[i] == '\n';
    drop = tj_xcalloc(nlines + 1, sizeof *drop);
    const struct tj_term *other = NULL;
    bool exists = false;
    for (size_t i = 0; i < tj_glossary_terms(desk); i++) {
        const struct tj_term *t = tj_glossary_term(desk, i);
        if (!same_arabic(t, nt))
            continue;
        if (same_english(t, nt) && !exists) {
            exists = true;
            continue;
        }
        other = t;
        if (t->line >= 1 && t->line <= nlines)
            drop[t->line] = true;
    }
    if (exists && !other) {
        out = TJ_DESK_EXISTS;
        goto out;
    }
    if (other && !e->replace) {
        tj_diag_set(diag, TJ_ERR_DATA,
                    "the desk glossary already gives '%s' as '%s' (line %zu); send \"replace\": "
                    "true to replace it",
                    other->arabic, other->english, other->line);
        out = TJ_DESK_CONFLICT;
        goto out;
    }
    /* The file again, without the rows replaced (and the same row once only), the new one
     * last. */
    if (exists)
        for (size_t i = 0; i < tj_glossary_terms(desk); i++) {
            const struct tj_term *t = tj_glossary_term(desk, i);
            if (same_arabic(t, nt) && t->line >= 1 && t->line <= nlines)
                drop[t->line] = true;
        }
    if (len == 0)
        tj_buf_puts(&text, desk_header);
    size_t pos = 0, line = 0;
    while (pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) + 1 : len;
        line++;
        if (!drop[line]) {
            tj_buf_append(&text, data + pos, end - pos);
            if (!nl)
                tj_buf_putc(&text, '\n');
        }
        pos = end;
    }
    tj_buf_printf(&text, "%s\t%s\t%s", e->arabic, e->english, tj_term_type_name(nt->type));
    if (nt->note && *nt->note)
        tj_buf_printf(&text, "\t%s", nt->note);
    tj_buf_putc(&text, '\n');
    if (write_atomic(d->path, text.data, text.len, diag) != TJ_OK)
        goto out;
    if (rebuild(d, diag) != TJ_OK)
        goto out;
    out = TJ_DESK_ADDED;
out:
    pthread_mutex_unlock(&d->adding);
    tj_buf_finish(&text);
    free(drop);
    free(data);
    tj_glossary_destroy(desk);
    tj_glossary_destroy(tmp);
    return out;
}
