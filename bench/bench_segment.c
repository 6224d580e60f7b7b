/* Sentence segmentation throughput against ICU's sentence BreakIterator, measured in the same
 * run on the same Arabic news text (issue 3 item 7), and the peak memory of `tarjim segment`
 * on a large and a small file.
 *
 * The text is FILE when given, else the project's examples/ articles (and the shared design
 * article when present) repeated to at least 20 MB and written to a temporary file. Every
 * contender writes one sentence per line (trimmed, non-empty, UTF-8) into the same memory
 * buffer; each figure is the best of three runs.
 *
 * Usage: bench_segment [-t TARJIM] [-m MB] [FILE] */
#include "config.h"
#include "document.h"
#include "articles.h"
#include "input.h"
#include "segment.h"

#include <unicode/ubrk.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/uversion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 3
#define SMALL_BYTES ((size_t)2 << 20)

/* Where the sentences go: a buffer sized once for the largest output. */
struct sink {
    char *data;
    size_t len;
    size_t cap;
    size_t sentences;
};

static bool is_space_byte(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

/* Appends s[0..len) without surrounding ASCII white space, and a newline, unless empty. */
static void sink_put(struct sink *k, const char *s, size_t len)
{
    while (len > 0 && is_space_byte((unsigned char)s[0])) {
        s++;
        len--;
    }
    while (len > 0 && is_space_byte((unsigned char)s[len - 1]))
        len--;
    if (len == 0)
        return;
    if (k->len + len + 1 > k->cap) {
        fprintf(stderr, "bench_segment: output buffer too small\n");
        exit(70);
    }
    memcpy(k->data + k->len, s, len);
    k->data[k->len + len] = '\n';
    k->len += len + 1;
    k->sentences++;
}

/* Moves the UTF-8 offset *u8 forward until *u16 UTF-16 units up to it reach target. */
static void advance_to(const char *s, size_t len, size_t *u8, size_t *u16, size_t target)
{
    while (*u16 < target && *u8 < len) {
        unsigned char c = (unsigned char)s[*u8];
        size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        *u8 += n;
        *u16 += n == 4 ? 2 : 1;
    }
}

/* ICU over UTF-16: converts the text (counted), breaks it into sentences, maps each boundary
 * back to a UTF-8 offset and copies the sentence out of the UTF-8 text. Returns the seconds
 * taken and the conversion's share in *convert. */
static double run_icu_utf16(const char *text, size_t len, struct sink *k, double *convert)
{
    double t0 = bench_now();
    UErrorCode err = U_ZERO_ERROR;
    if (len >= INT32_MAX) {
        fprintf(stderr, "bench_segment: text too large for ICU\n");
        exit(70);
    }
    UChar *u = tj_xmalloc((len + 1) * sizeof *u);
    int32_t ulen = 0;
    u_strFromUTF8(u, (int32_t)len + 1, &ulen, text, (int32_t)len, &err);
    double t1 = bench_now();
    UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, "ar", u, ulen, &err);
    if (U_FAILURE(err)) {
        fprintf(stderr, "bench_segment: ICU: %s\n", u_errorName(err));
        exit(70);
    }
    size_t u8 = 0, u16 = 0, prev8 = 0;
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
        advance_to(text, len, &u8, &u16, (size_t)b);
        sink_put(k, text + prev8, u8 - prev8);
        prev8 = u8;
    }
    ubrk_close(bi);
    free(u);
    double t2 = bench_now();
    *convert = t1 - t0;
    return t2 - t0;
}

/* ICU over a UTF-8 UText: no conversion; boundaries are UTF-8 offsets. */
static double run_icu_utext(const char *text, size_t len, struct sink *k)
{
    double t0 = bench_now();
    UErrorCode err = U_ZERO_ERROR;
    UText *ut = utext_openUTF8(NULL, text, (int64_t)len, &err);
    UBreakIterator *bi = ubrk_open(UBRK_SENTENCE, "ar", NULL, 0, &err);
    ubrk_setUText(bi, ut, &err);
    if (U_FAILURE(err)) {
        fprintf(stderr, "bench_segment: ICU: %s\n", u_errorName(err));
        exit(70);
    }
    size_t prev = 0;
    for (int32_t b = ubrk_next(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
        sink_put(k, text + prev, (size_t)b - prev);
        prev = (size_t)b;
    }
    ubrk_close(bi);
    utext_close(ut);
    return bench_now() - t0;
}

/* tarjim's document API: blocks and segments (copied into the document), then written out. */
static double run_tarjim_document(const char *text, size_t len, struct sink *k)
{
    double t0 = bench_now();
    struct tj_document doc;
    tj_document_init(&doc);
    tj_segment_document(text, len, NULL, &doc);
    for (size_t b = 0; b < doc.nblocks; b++)
        for (size_t s = 0; s < doc.blocks[b].nsegs; s++)
            sink_put(k, doc.blocks[b].segs[s].source, doc.blocks[b].segs[s].source_len);
    tj_document_finish(&doc);
    return bench_now() - t0;
}

/* tarjim's line API: spans of each line, written out from the text itself. */
static double run_tarjim_lines(const char *text, size_t len, struct sink *k)
{
    double t0 = bench_now();
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        struct tj_span *spans;
        size_t n = tj_segment_line(text + pos, end - pos, NULL, &spans);
        for (size_t i = 0; i < n; i++)
            sink_put(k, text + pos + spans[i].start, spans[i].end - spans[i].start);
        free(spans);
        pos = end + 1;
    }
    return bench_now() - t0;
}

struct result {
    double best;
    double convert; /* ICU over UTF-16 only: conversion time in the best run */
    size_t sentences;
    size_t bytes_out;
};

enum contender { ICU_UTF16, ICU_UTEXT, TARJIM_DOCUMENT, TARJIM_LINES };

static struct result measure(enum contender c, const char *text, size_t len, struct sink *k)
{
    struct result r = {.best = 1e300};
    for (int i = 0; i < RUNS; i++) {
        k->len = 0;
        k->sentences = 0;
        double convert = 0, t = 0;
        switch (c) {
        case ICU_UTF16:
            t = run_icu_utf16(text, len, k, &convert);
            break;
        case ICU_UTEXT:
            t = run_icu_utext(text, len, k);
            break;
        case TARJIM_DOCUMENT:
            t = run_tarjim_document(text, len, k);
            break;
        case TARJIM_LINES:
            t = run_tarjim_lines(text, len, k);
            break;
        }
        if (t < r.best) {
            r.best = t;
            r.convert = convert;
        }
        r.sentences = k->sentences;
        r.bytes_out = k->len;
    }
    return r;
}

/* Writes data[0..len) to a new temporary file and returns its name (owned by the caller). */
static char *write_temp(const char *data, size_t len)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *path = tj_xasprintf("%s/tarjim-bench-XXXXXX", tmp);
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "bench_segment: %s: %s\n", path, strerror(errno));
        exit(73);
    }
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0) {
            fprintf(stderr, "bench_segment: %s: %s\n", path, strerror(errno));
            exit(74);
        }
        off += (size_t)w;
    }
    close(fd);
    return path;
}

/* The tarjim executable beside this build: <builddir>/src/cli/tarjim for <builddir>/bench/. */
static char *find_tarjim(void)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return NULL;
    self[n] = '\0';
    char *path = tj_xasprintf("%s/../src/cli/tarjim", dirname(self));
    if (access(path, X_OK) != 0) {
        free(path);
        return NULL;
    }
    return path;
}

struct child_run {
    long maxrss_kb; /* -1 when the run failed */
    double seconds;
    int status;
};

/* Runs `tarjim segment file` with output to /dev/null inside a fresh intermediate process, so
 * that its getrusage(RUSAGE_CHILDREN) ru_maxrss is this one run's peak RSS. */
static struct child_run run_segment(const char *tarjim, const char *file)
{
    struct child_run r = {.maxrss_kb = -1};
    int fds[2];
    if (pipe(fds) != 0)
        return r;
    double t0 = bench_now();
    pid_t mid = fork();
    if (mid == 0) {
        close(fds[0]);
        pid_t pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0)
                dup2(null, STDOUT_FILENO);
            execl(tarjim, tarjim, "segment", file, (char *)NULL);
            _exit(127);
        }
        int status = 0;
        if (pid < 0 || waitpid(pid, &status, 0) < 0)
            _exit(1);
        struct rusage ru;
        getrusage(RUSAGE_CHILDREN, &ru);
        long out[2] = {ru.ru_maxrss, WIFEXITED(status) ? WEXITSTATUS(status) : 128};
        ssize_t w = write(fds[1], out, sizeof out);
        _exit(w == (ssize_t)sizeof out ? 0 : 1);
    }
    close(fds[1]);
    long got[2];
    ssize_t n = mid > 0 ? read(fds[0], got, sizeof got) : -1;
    close(fds[0]);
    if (mid > 0)
        waitpid(mid, NULL, 0);
    r.seconds = bench_now() - t0;
    if (n == (ssize_t)sizeof got) {
        r.maxrss_kb = got[0];
        r.status = (int)got[1];
    }
    return r;
}

/* This process's resident set now, in kB (0 when unknown). */
static long self_rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (!f)
        return 0;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    return n == 2 ? (long)(resident * (unsigned long)sysconf(_SC_PAGESIZE) / 1024) : 0;
}

/* Peak RSS of `tarjim segment` on the big file and on its first ~2 MB (cut after a line). */
static void memory_check(const char *tarjim_arg, const char *big_path, double big_mb,
                         const char *small_path, double small_mb)
{
    char *tarjim = tarjim_arg ? tj_xstrdup(tarjim_arg) : find_tarjim();
    printf("memory: peak RSS of `tarjim segment FILE > /dev/null` (getrusage RUSAGE_CHILDREN "
           "ru_maxrss)\n");
    if (!tarjim) {
        printf("  skipped: no tarjim executable beside this build; pass -t TARJIM\n");
        return;
    }
    printf("  %s (this process's RSS at fork, a floor for the figures: %.1f MB)\n", tarjim,
           (double)self_rss_kb() / 1024);
    struct child_run small = run_segment(tarjim, small_path);
    struct child_run big = run_segment(tarjim, big_path);
    if (big.maxrss_kb < 0 || small.maxrss_kb < 0 || big.status || small.status) {
        printf("  failed: exit status %d (big), %d (small)\n", big.status, small.status);
    } else {
        printf("  %6.2f MB file: peak RSS %7.1f MB, %.2f s end to end (%.1f MB/s)\n", big_mb,
               (double)big.maxrss_kb / 1024, big.seconds, big_mb / big.seconds);
        printf("  %6.2f MB file: peak RSS %7.1f MB, %.2f s end to end\n", small_mb,
               (double)small.maxrss_kb / 1024, small.seconds);
        printf("  RSS ratio %.1fx for a %.1fx larger file (bounded streaming: about 1x)\n",
               (double)big.maxrss_kb / (double)small.maxrss_kb, big_mb / small_mb);
    }
    free(tarjim);
}

static void print_rate(const char *name, const struct result *r, double mb, const char *counts)
{
    printf("%-30s %8.1f MB/s  %7.1f ms  %8zu sentences  (%s)\n", name, mb / r->best, r->best * 1e3,
           r->sentences, counts);
}

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [-t TARJIM] [-m MB] [FILE]\n"
            "  FILE       Arabic text to segment (default: examples repeated to MB megabytes)\n"
            "  -t TARJIM  the tarjim executable for the memory check (default: beside this "
            "build)\n"
            "  -m MB      size of the generated text (default 20)\n",
            argv0);
    return 64;
}

int main(int argc, char **argv)
{
    /* Large buffers are mapped and unmapped, so that freeing the text gives its pages back
     * before the memory check forks. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    const char *tarjim_arg = NULL;
    size_t target_mb = 20;
    int c;
    while ((c = getopt(argc, argv, "t:m:h")) != -1) {
        switch (c) {
        case 't':
            tarjim_arg = optarg;
            break;
        case 'm':
            target_mb = strtoul(optarg, NULL, 10);
            if (target_mb == 0)
                return usage(argv[0]);
            break;
        default:
            return usage(argv[0]);
        }
    }
    if (argc - optind > 1)
        return usage(argv[0]);

    char *text = NULL;
    size_t len = 0;
    char *big_path = NULL;
    bool big_is_temp = false;
    if (optind < argc) {
        struct tj_diag d;
        if (tj_input_read(argv[optind], &text, &len, &d) != TJ_OK) {
            fprintf(stderr, "bench_segment: %s\n", d.message);
            return 66;
        }
        big_path = tj_xstrdup(argv[optind]);
        printf("text: %s, %.2f MB (%zu bytes)%s\n", big_path, (double)len / 1e6, len,
               len < 20000000 ? "; below 20 MB, figures are less stable" : "");
    } else {
        struct bench_text t;
        const char *src = getenv("TARJIM_SOURCE") ? getenv("TARJIM_SOURCE") : TJ_SOURCE_DIR;
        if (!bench_repeat_articles(src, target_mb, &text, &len, &t)) {
            fprintf(stderr, "bench_segment: no .ar.txt file in examples/; give a FILE\n");
            return 66;
        }
        big_path = write_temp(text, len);
        big_is_temp = true;
        printf("text: %zu articles (shared design article: %s), %zu bytes repeated %zu times = "
               "%.2f MB in %s\n",
               t.articles, t.shared_used ? "yes" : "no", t.one_len, t.copies, (double)len / 1e6,
               big_path);
    }

    /* The memory check runs first, while this process is small: a child starts with the pages it
     * shares with its parent at fork, and its peak RSS keeps them across exec. The text is
     * read again afterwards. */
    double mb = (double)len / 1e6;
    size_t small_len = len < SMALL_BYTES ? len : SMALL_BYTES;
    while (small_len > 0 && small_len < len && text[small_len - 1] != '\n')
        small_len--;
    if (small_len == 0)
        small_len = len < SMALL_BYTES ? len : SMALL_BYTES;
    char *small_path = write_temp(text, small_len);
    free(text);
    memory_check(tarjim_arg, big_path, mb, small_path, (double)small_len / 1e6);
    unlink(small_path);
    free(small_path);
    struct tj_diag d;
    if (tj_input_read(big_path, &text, &len, &d) != TJ_OK) {
        fprintf(stderr, "bench_segment: %s\n", d.message);
        return 66;
    }

    struct sink k = {.cap = 2 * len + 1024};
    k.data = tj_xmalloc(k.cap);
    printf("each figure: best of %d runs; one sentence per line (trimmed, non-empty) appended to "
           "a memory buffer\n",
           RUNS);
    printf("\nspeed: ICU %s, sentence BreakIterator, locale \"ar\"\n", U_ICU_VERSION);

    struct result icu = measure(ICU_UTF16, text, len, &k);
    print_rate("ICU ubrk, UTF-16", &icu, mb,
               "counts UTF-8->UTF-16 conversion, ubrk_open, iteration, boundary offsets mapped "
               "back to UTF-8, copying");
    printf("%-30s %8.1f MB/s  %7.1f ms  of the above\n", "  of which UTF-8->UTF-16",
           mb / icu.convert, icu.convert * 1e3);
    struct result utext = measure(ICU_UTEXT, text, len, &k);
    print_rate("ICU ubrk, UTF-8 UText", &utext, mb,
               "no conversion: utext_openUTF8, ubrk_setUText, iteration, copying");
    struct result doc = measure(TARJIM_DOCUMENT, text, len, &k);
    print_rate("tarjim tj_segment_document", &doc, mb,
               "blocks and segments copied into a tj_document, then copying");
    struct result lines = measure(TARJIM_LINES, text, len, &k);
    print_rate("tarjim tj_segment_line", &lines, mb, "line by line, spans copied from the text");
    printf("\nratio tarjim/ICU (throughput; issue 3 asks >= 2.0 against ICU ubrk, UTF-16):\n");
    printf("  tj_segment_document: %.2fx   tj_segment_line: %.2fx\n", icu.best / doc.best,
           icu.best / lines.best);
    printf("  against the faster ICU path (%s): %.2fx and %.2fx\n",
           utext.best < icu.best ? "UTF-8 UText" : "UTF-16",
           (utext.best < icu.best ? utext.best : icu.best) / doc.best,
           (utext.best < icu.best ? utext.best : icu.best) / lines.best);

    if (big_is_temp)
        unlink(big_path);
    free(big_path);
    free(k.data);
    free(text);
    return 0;
}
