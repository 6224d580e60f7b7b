/* translate --report: a jansson document built input by input, written at the end. */
#include "report.h"

#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tj_report_file {
    json_t *obj; /* the input's entry, in the report's list */
    json_t *qa;  /* code -> count, inside obj */
};

struct tj_report {
    json_t *files;
    struct tj_report_file **v;
    size_t n;
    size_t segments, tm_hits, failed;
};

struct tj_report *tj_report_create(void)
{
    struct tj_report *r = tj_xcalloc(1, sizeof *r);
    r->files = json_array();
    return r;
}

void tj_report_destroy(struct tj_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i]);
    free(r->v);
    json_decref(r->files);
    free(r);
}

static json_t *count(size_t n)
{
    return json_integer((json_int_t)n);
}

struct tj_report_file *tj_report_add(struct tj_report *r, const char *input, const char *output)
{
    struct tj_report_file *f = tj_xcalloc(1, sizeof *f);
    f->obj = json_object();
    f->qa = json_object();
    json_object_set_new(f->obj, "input", json_string(input));
    json_object_set_new(f->obj, "output", output ? json_string(output) : json_null());
    json_object_set_new(f->obj, "segments", count(0));
    json_object_set_new(f->obj, "failed", count(0));
    json_object_set_new(f->obj, "tm_hits", count(0));
    json_object_set(f->obj, "qa", f->qa); /* the entry holds it; f->qa is a borrowed view */
    json_decref(f->qa);
    json_object_set_new(f->obj, "exit", count(0));
    json_array_append_new(r->files, f->obj);
    r->v = tj_xreallocarray(r->v, r->n + 1, sizeof *r->v);
    r->v[r->n++] = f;
    return f;
}

void tj_report_window(void *ud, const struct tj_document *window)
{
    struct tj_report_file *f = ud;
    for (size_t b = 0; b < window->nblocks; b++) {
        const struct tj_block *bl = &window->blocks[b];
        for (size_t i = 0; i < bl->nsegs; i++) {
            const struct tj_segment *s = &bl->segs[i];
            for (size_t k = 0; k < s->nqa; k++) {
                json_t *c = json_object_get(f->qa, s->qa[k].code);
                json_int_t n = c ? json_integer_value(c) : 0;
                json_object_set_new(f->qa, s->qa[k].code, json_integer(n + 1));
            }
        }
    }
}

void tj_report_file_end(struct tj_report_file *f, const struct tj_client_stats *st, int exit,
                        const char *message)
{
    if (st) {
        json_object_set_new(f->obj, "segments", count(st->segments));
        json_object_set_new(f->obj, "failed", count(st->failed));
        json_object_set_new(f->obj, "tm_hits", count(st->tm_hits));
    }
    json_object_set_new(f->obj, "exit", json_integer(exit));
    if (message && message[0])
        json_object_set_new(f->obj, "message", json_string(message));
}

static size_t get(const json_t *obj, const char *key)
{
    return (size_t)json_integer_value(json_object_get(obj, key));
}

int tj_report_write(const struct tj_report *r, const char *path, const struct tj_progress *p,
                    bool interrupted, int exit)
{
    json_t *root = json_object();
    json_object_set(root, "files", r->files);
    size_t segments = 0, tm_hits = 0, failed = 0, requests = 0, chars = 0;
    for (size_t i = 0; i < r->n; i++) {
        segments += get(r->v[i]->obj, "segments");
        tm_hits += get(r->v[i]->obj, "tm_hits");
        failed += get(r->v[i]->obj, "failed");
    }
    const struct tj_progress_engine *e;
    size_t ne = tj_progress_engines(p, &e);
    json_t *providers = json_object();
    for (size_t i = 0; i < ne; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "requests", count(e[i].requests));
        json_object_set_new(o, "chars", count(e[i].chars));
        json_object_set_new(providers, e[i].name, o);
        requests += e[i].requests;
        chars += e[i].chars;
    }
    json_t *totals = json_object();
    json_object_set_new(totals, "files", count(r->n));
    json_object_set_new(totals, "segments", count(segments));
    json_object_set_new(totals, "requests", count(requests));
    json_object_set_new(totals, "chars_sent", count(chars));
    json_object_set_new(totals, "tm_hits", count(tm_hits));
    json_object_set_new(totals, "failed", count(failed));
    json_object_set_new(root, "totals", totals);
    json_object_set_new(root, "providers", providers);
    json_object_set_new(root, "seconds",
                        json_real((double)(long long)(tj_progress_seconds(p) * 1000) / 1000));
    json_object_set_new(root, "interrupted", json_boolean(interrupted));
    json_object_set_new(root, "exit", json_integer(exit));

    /* Whole or not at all: a temporary file beside it, renamed into place. */
    int status = 0;
    char *part = tj_xasprintf("%s.part", path);
    FILE *f = fopen(part, "wb");
    if (!f) {
        tj_cli_error("%s: cannot write: %s", path, strerror(errno));
        status = TJ_EXIT_CANTCREAT;
        goto out;
    }
    int bad = json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0;
    bad |= fputc('\n', f) == EOF;
    bad |= fclose(f) != 0;
    if (bad) {
        tj_cli_error("%s: write error: %s", path, strerror(errno));
        unlink(part);
        status = TJ_EXIT_IOERR;
    } else if (rename(part, path) != 0) {
        tj_cli_error("%s: cannot write: %s", path, strerror(errno));
        unlink(part);
        status = TJ_EXIT_CANTCREAT;
    }
out:
    free(part);
    json_decref(root);
    return status;
}
