/* Status codes, diagnostics and the allocation wrappers. */
#include "tj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tj_status_exit_code(enum tj_status rc)
{
    switch (rc) {
    case TJ_OK:
        return 0;
    case TJ_ERR_USAGE:
        return 64;
    case TJ_ERR_DATA:
        return 65;
    case TJ_ERR_NOINPUT:
        return 66;
    case TJ_ERR_UNAVAILABLE:
        return 69;
    case TJ_ERR_PARTIAL:
        return 75;
    case TJ_ERR_AUTH:
        return 77;
    case TJ_ERR_CONFIG:
        return 78;
    }
    return 70;
}

enum tj_status tj_diag_set(struct tj_diag *diag, enum tj_status rc, const char *fmt, ...)
{
    if (diag) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->message, sizeof diag->message, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static void *check(void *p)
{
    if (!p) {
        fputs("tarjim: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *tj_xmalloc(size_t size)
{
    return check(malloc(size ? size : 1));
}

void *tj_xcalloc(size_t nmemb, size_t size)
{
    return check(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *tj_xrealloc(void *ptr, size_t size)
{
    return check(realloc(ptr, size ? size : 1));
}

void *tj_xreallocarray(void *ptr, size_t nmemb, size_t size)
{
    if (size && nmemb > SIZE_MAX / size)
        check(NULL);
    return tj_xrealloc(ptr, nmemb * size);
}

char *tj_xstrdup(const char *s)
{
    return tj_xstrndup(s, strlen(s));
}

char *tj_xstrndup(const char *s, size_t n)
{
    char *p = tj_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

int tj_vformat(char *small, size_t cap, char **big, const char *fmt, va_list ap)
{
    *big = NULL;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, cap, fmt, ap);
    if (n >= 0 && (size_t)n >= cap) {
        *big = tj_xmalloc((size_t)n + 1);
        vsnprintf(*big, (size_t)n + 1, fmt, again);
    }
    va_end(again);
    return n;
}

char *tj_xasprintf(const char *fmt, ...)
{
    char small[256], *big;
    va_list ap;
    va_start(ap, fmt);
    int n = tj_vformat(small, sizeof small, &big, fmt, ap);
    va_end(ap);
    if (n < 0)
        check(NULL);
    return big ? big : tj_xstrndup(small, (size_t)n);
}

uint64_t tj_fnv1a(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}
