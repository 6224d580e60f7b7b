/* Shared vocabulary of the tarjim core: status codes, diagnostics, allocation.
 *
 * Every fallible core function returns an enum tj_status and, when the caller passes a
 * struct tj_diag, leaves there a human-readable explanation naming the file, line or byte
 * offset. The core never prints and never exits; the allocation wrappers abort on OOM. */
#ifndef TJ_TJ_H
#define TJ_TJ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

enum tj_status {
    TJ_OK = 0,
    TJ_ERR_USAGE,       /* bad option or argument (exit 64) */
    TJ_ERR_DATA,        /* bad input data, e.g. invalid UTF-8 (exit 65) */
    TJ_ERR_NOINPUT,     /* input missing or unreadable (exit 66) */
    TJ_ERR_UNAVAILABLE, /* provider unreachable (exit 69) */
    TJ_ERR_PARTIAL,     /* some segments failed (exit 75) */
    TJ_ERR_AUTH,        /* provider refused the credentials (exit 77) */
    TJ_ERR_CONFIG,      /* bad configuration or glossary (exit 78) */
};

/* The sysexits.h code the command line reports for a status. */
int tj_status_exit_code(enum tj_status rc);

#define TJ_DIAG_MAX 512

struct tj_diag {
    char message[TJ_DIAG_MAX];
};

/* Formats a message into diag (which may be NULL) and returns rc, so that callers can write
 * `return tj_diag_set(diag, TJ_ERR_DATA, "%s: byte %zu: ...", ...)`. */
enum tj_status tj_diag_set(struct tj_diag *diag, enum tj_status rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocation wrappers: abort with a message on out-of-memory; never return NULL. */
void *tj_xmalloc(size_t size);
void *tj_xcalloc(size_t nmemb, size_t size);
void *tj_xrealloc(void *ptr, size_t size);
void *tj_xreallocarray(void *ptr, size_t nmemb, size_t size);
char *tj_xstrdup(const char *s);
char *tj_xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string owned by the caller. */
char *tj_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Formats fmt with ap into small (cap bytes) when the result fits there, else into a newly
 * allocated block left in *big for the caller to free (*big is set to NULL when small holds
 * it). Returns the length of the result, or -1 when fmt cannot be formatted. */
int tj_vformat(char *small, size_t cap, char **big, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));

/* The 64-bit FNV-1a hash of the len bytes at s. */
uint64_t tj_fnv1a(const char *s, size_t len);

#define TJ_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
