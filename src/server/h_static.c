/* GET /, /editor.js, ...: the editor's files from the data directory's web/ folder.
 *
 * Only plain names of known types are served (letters, digits, '-', '_', '.', and '/'
 * between names that do not start with a dot), so no path can leave the folder; anything
 * else is 404. The page may load scripts and styles from this server only. */
#include "handler.h"
#include "reply.h"

#include "input.h"
#include "tj.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The editor's files are small; anything larger is not one of them. */
#define STATIC_MAX ((size_t)4 << 20)

static const struct {
    const char *ext;
    const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

/* The content type for path's extension, or NULL when it is not served. */
static const char *content_type(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot)
        return NULL;
    for (size_t i = 0; i < TJ_ARRAY_LEN(types); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

/* True when rel (without the leading '/') is a plain relative name inside the folder. */
static bool safe_name(const char *rel)
{
    if (!*rel || strlen(rel) > 200)
        return false;
    bool start = true;
    for (const char *p = rel; *p; p++) {
        char c = *p;
        if (c == '/') {
            if (start)
                return false; /* empty name: "//" */
            start = true;
            continue;
        }
        if (start && c == '.')
            return false; /* ".", "..", hidden files */
        start = false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return !start;
}

/* Reads the regular file at path (at most STATIC_MAX bytes) into a new buffer. */
static char *read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *data = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > STATIC_MAX)
        goto out;
    FILE *f = fdopen(fd, "rb");
    if (!f)
        goto out;
    fd = -1; /* closed with f */
    if (tj_input_slurp(f, STATIC_MAX, &data, len) != TJ_OK)
        data = NULL;
    fclose(f);
out:
    if (fd >= 0)
        close(fd);
    return data;
}

enum MHD_Result tj_h_static(const struct tj_request *req)
{
    const char *rel = strcmp(req->path, "/") == 0 ? "index.html" : req->path + 1;
    const char *type = content_type(rel);
    char *path = NULL, *data = NULL;
    size_t len = 0;
    if (type && safe_name(rel)) {
        path = tj_xasprintf("%s/%s", req->env->web_dir, rel);
        data = read_file(path, &len);
        free(path);
    }
    if (!data)
        return tj_reply_error(req->conn, MHD_HTTP_NOT_FOUND, NULL, "not_found", "no such file");
    struct MHD_Response *r = tj_reply_buffer(data, len, type);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
        MHD_add_response_header(r, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                                "base-uri 'none'; frame-ancestors 'none'; form-action 'none'");
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
    }
    return tj_reply_queue(req->conn, MHD_HTTP_OK, r);
}
