/* The counts of a translate run, its live line and its summary. */
#include "progress.h"

#include "pipeline.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct tj_progress {
    FILE *f; /* where the live line goes; NULL: none */
    bool shown;
    double start, last_draw;
    size_t nfiles, files_read, files_done;
    size_t input_bytes; /* of all the inputs, 0 when unknown */
    /* Segments and bytes of the inputs read whole, and the input being read (or NULL). */
    size_t read_segments, read_bytes;
    const struct tj_pipeline *reading;
    size_t done, tm_hits, failed, chars;
    struct tj_progress_engine *engines;
    size_t nengines;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A line being made, cut at its capacity. */
struct line {
    char s[512];
    size_t n;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
    if (l->n >= sizeof l->s - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(l->s + l->n, sizeof l->s - l->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        l->n += (size_t)k < sizeof l->s - l->n ? (size_t)k : sizeof l->s - 1 - l->n;
}

/* n with a comma between each group of three digits: 1,234,567. */
static void add_count(struct line *l, size_t n)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%zu", n);
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            add(l, ",");
        add(l, "%c", digits[i]);
    }
}

/* n and its noun, singular for 1: "1 file", "2 files". */
static void add_noun(struct line *l, size_t n, const char *noun)
{
    add_count(l, n);
    add(l, " %s%s", noun, n == 1 ? "" : "s");
}

struct tj_progress *tj_progress_create(size_t nfiles, size_t input_bytes, FILE *f)
{
    struct tj_progress *p = tj_xcalloc(1, sizeof *p);
    p->f = f;
    p->nfiles = nfiles;
    p->input_bytes = input_bytes;
    p->start = now();
    p->last_draw = -1;
    return p;
}

void tj_progress_destroy(struct tj_progress *p)
{
    if (!p)
        return;
    free(p->engines);
    free(p);
}

/* The segments known so far, with the bytes of input they came from. */
static void known(const struct tj_progress *p, size_t *segments, size_t *bytes)
{
    *segments = p->read_segments;
    *bytes = p->read_bytes;
    if (p->reading) {
        size_t s, b;
        tj_pipeline_taken(p->reading, &s, &b);
        *segments += s;
        *bytes += b;
    }
}

static void add_duration(struct line *l, double s)
{
    unsigned long t = (unsigned long)(s + 0.5);
    if (t >= 3600)
        add(l, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        add(l, "%lu:%02lu", t / 60, t % 60);
}

static void draw(struct tj_progress *p, double t)
{
    struct line l = {.n = 0};
    size_t segs, bytes;
    known(p, &segs, &bytes);
    bool all_read = !p->reading && p->files_read >= p->nfiles;
    size_t total = segs;
    bool estimated = false;
    if (!all_read && p->input_bytes && bytes > 0 && bytes < p->input_bytes) {
        total = (size_t)((double)segs * (double)p->input_bytes / (double)bytes + 0.5);
        estimated = true;
    }
    if (total < p->done)
        total = p->done;
    size_t requests = 0;
    for (size_t i = 0; i < p->nengines; i++)
        requests += p->engines[i].requests;
    add(&l, "tarjim: %zu/%zu file%s, ", p->files_done, p->nfiles, p->nfiles == 1 ? "" : "s");
    add_count(&l, p->done);
    add(&l, "/%s", estimated ? "~" : "");
    add_count(&l, total);
    add(&l, " segments, ");
    add_noun(&l, requests, "request");
    add(&l, ", ");
    add_count(&l, p->chars);
    add(&l, " chars sent, ");
    add_count(&l, p->tm_hits);
    add(&l, " from memory, ");
    add_count(&l, p->failed);
    add(&l, " failed");
    double elapsed = t - p->start;
    if (elapsed >= 0.2 && p->done > 0) {
        double rate = (double)p->done / elapsed;
        add(&l, ", %.*f segments/s", rate < 10 ? 1 : 0, rate);
        if (total > p->done && (all_read || estimated)) {
            add(&l, ", ETA ");
            add_duration(&l, (double)(total - p->done) / rate);
        }
    }
    /* One line: cut to the terminal's width, so that \r comes back to its start. */
    struct winsize ws;
    if (ioctl(fileno(p->f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && l.n >= ws.ws_col)
        l.n = ws.ws_col - 1;
    fprintf(p->f, "\r%.*s\033[K", (int)l.n, l.s);
    fflush(p->f);
    p->shown = true;
    p->last_draw = t;
}

/* Draws the line when it has not been drawn for a tenth of a second. */
static void maybe_draw(struct tj_progress *p)
{
    if (!p->f)
        return;
    double t = now();
    if (p->last_draw < 0 || t - p->last_draw >= 1.0 / TJ_PROGRESS_HZ)
        draw(p, t);
}

void tj_progress_client(void *ud, const struct tj_client_progress *pr)
{
    struct tj_progress *p = ud;
    p->done += pr->done;
    p->tm_hits += pr->tm_hits;
    p->failed += pr->failed;
    p->chars += pr->chars_sent;
    if (pr->engine && (pr->requests || pr->chars_sent)) {
        size_t i = 0;
        while (i < p->nengines && strcmp(p->engines[i].name, pr->engine) != 0)
            i++;
        if (i == p->nengines) {
            p->engines = tj_xreallocarray(p->engines, ++p->nengines, sizeof *p->engines);
            p->engines[i] = (struct tj_progress_engine){pr->engine, 0, 0};
        }
        p->engines[i].requests += pr->requests;
        p->engines[i].chars += pr->chars_sent;
    }
    maybe_draw(p);
}

void tj_progress_reading(struct tj_progress *p, const struct tj_pipeline *pl)
{
    p->reading = pl;
}

void tj_progress_read(struct tj_progress *p)
{
    if (p->reading) {
        size_t s, b;
        tj_pipeline_taken(p->reading, &s, &b);
        p->read_segments += s;
        p->read_bytes += b;
    }
    p->reading = NULL;
    p->files_read++;
    maybe_draw(p);
}

void tj_progress_file_done(struct tj_progress *p)
{
    p->files_done++;
    maybe_draw(p);
}

void tj_progress_clear(struct tj_progress *p)
{
    if (!p || !p->f || !p->shown)
        return;
    fputs("\r\033[K", p->f);
    fflush(p->f);
    p->shown = false;
}

double tj_progress_seconds(const struct tj_progress *p)
{
    return now() - p->start;
}

size_t tj_progress_engines(const struct tj_progress *p, const struct tj_progress_engine **out)
{
    *out = p->engines;
    return p->nengines;
}

void tj_progress_summary(struct tj_progress *p, const struct tj_progress_totals *t, FILE *f)
{
    tj_progress_clear(p);
    struct line l = {.n = 0};
    size_t requests = 0;
    for (size_t i = 0; i < p->nengines; i++)
        requests += p->engines[i].requests;
    add(&l, "tarjim: ");
    add_noun(&l, t->segments, "segment");
    add(&l, " in ");
    add_noun(&l, t->files, "file");
    add(&l, ", ");
    add_noun(&l, requests, "request");
    for (size_t i = 0; i < p->nengines; i++) {
        add(&l, "%s%s: ", i ? "; " : " (", p->engines[i].name);
        add_noun(&l, p->engines[i].requests, "request");
        add(&l, ", ");
        add_count(&l, p->engines[i].chars);
        add(&l, " chars");
    }
    add(&l, "%s, ", p->nengines ? ")" : "");
    add_count(&l, t->tm_hits);
    add(&l, " from memory, ");
    add_count(&l, t->failed);
    add(&l, " failed, %.1f s%s", tj_progress_seconds(p), t->interrupted ? " (interrupted)" : "");
    fprintf(f, "%.*s\n", (int)l.n, l.s);
    fflush(f);
}
