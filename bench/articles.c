/* The benchmarks' clock and text. */
#include "articles.h"

#include "input.h"
#include "tj.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Appends path's contents and a blank line to *text. Returns false when it cannot be read. */
static bool append_file(const char *path, char **text, size_t *len)
{
    char *data;
    size_t n;
    struct tj_diag d;
    if (tj_input_read(path, &data, &n, &d) != TJ_OK)
        return false;
    *text = tj_xrealloc(*text, *len + n + 3);
    memcpy(*text + *len, data, n);
    *len += n;
    if (n > 0 && data[n - 1] != '\n')
        (*text)[(*len)++] = '\n';
    (*text)[(*len)++] = '\n';
    free(data);
    return true;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t bench_load_articles(const char *src, char **text, size_t *len, bool *shared_used)
{
    char *dir = tj_xasprintf("%s/examples", src);
    char **names = NULL;
    size_t nnames = 0, count = 0;
    DIR *dh = opendir(dir);
    for (struct dirent *e; dh && (e = readdir(dh));) {
        size_t n = strlen(e->d_name);
        if (n > 7 && strcmp(e->d_name + n - 7, ".ar.txt") == 0) {
            names = tj_xreallocarray(names, nnames + 1, sizeof *names);
            names[nnames++] = tj_xasprintf("%s/%s", dir, e->d_name);
        }
    }
    if (dh)
        closedir(dh);
    if (nnames)
        qsort(names, nnames, sizeof *names, compare_names);
    for (size_t i = 0; i < nnames; i++) {
        count += append_file(names[i], text, len);
        free(names[i]);
    }
    free(names);
    free(dir);
    const char *shared = getenv("TARJIM_SHARED");
    char *brics = shared ? tj_xasprintf("%s/examples/putin-brics.ar.txt", shared)
                         : tj_xasprintf("%s/../shared/examples/putin-brics.ar.txt", src);
    *shared_used = append_file(brics, text, len);
    count += *shared_used;
    free(brics);
    return count;
}

bool bench_repeat_articles(const char *src, size_t target_mb, char **text, size_t *len,
                           struct bench_text *t)
{
    char *one = NULL;
    *t = (struct bench_text){0};
    t->articles = bench_load_articles(src, &one, &t->one_len, &t->shared_used);
    if (t->one_len == 0) {
        free(one);
        return false;
    }
    t->copies = (target_mb * 1000000 + t->one_len - 1) / t->one_len;
    *len = t->one_len * t->copies;
    *text = tj_xmalloc(*len + 1);
    for (size_t i = 0; i < t->copies; i++)
        memcpy(*text + i * t->one_len, one, t->one_len);
    (*text)[*len] = '\0';
    free(one);
    return true;
}
