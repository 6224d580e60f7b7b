/* Streamed answers: a buffer under a lock between a job that writes lines and libmicrohttpd's
 * content reader, with the connection suspended while the buffer is empty, and the job waiting
 * while the client is MAX_PENDING behind. */
#include "stream.h"

#include "buf.h"
#include "tj.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* libmicrohttpd reads the body in blocks of at most this many bytes. */
#define BLOCK_SIZE 16384
/* Bytes written and not yet sent past which a write waits for the client to read: what a slow
 * reader makes the server hold, per stream. */
#define MAX_PENDING (1u << 20)

struct tj_stream {
    pthread_mutex_t lock;
    pthread_cond_t drained; /* the reader took some of buf, or the client has gone */
    atomic_uint refs;
    struct MHD_Connection *conn;
    tj_stream_publish_fn publish;
    void *publish_ud;
    struct tj_buf buf; /* written, not yet all sent */
    size_t sent;       /* bytes of buf handed to libmicrohttpd */
    bool started;
    bool done;      /* the job wrote its last line */
    bool suspended; /* the reader suspended the connection: the next write resumes it */
    volatile sig_atomic_t stop;
};

struct tj_stream *tj_stream_create(struct MHD_Connection *c, tj_stream_publish_fn publish,
                                   void *publish_ud)
{
    struct tj_stream *st = tj_xcalloc(1, sizeof *st);
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->drained, NULL);
    atomic_init(&st->refs, 1);
    st->conn = c;
    st->publish = publish;
    st->publish_ud = publish_ud;
    tj_buf_init(&st->buf, 0);
    return st;
}

void *tj_stream_hold(void *p)
{
    struct tj_stream *st = p;
    atomic_fetch_add(&st->refs, 1);
    return st;
}

void tj_stream_release(void *p)
{
    struct tj_stream *st = p;
    if (!st || atomic_fetch_sub(&st->refs, 1) != 1)
        return;
    tj_buf_finish(&st->buf);
    pthread_cond_destroy(&st->drained);
    pthread_mutex_destroy(&st->lock);
    free(st);
}

/* libmicrohttpd's content reader, on a server thread. A connection can only be suspended here
 * while it is alive, and it stays alive while suspended: so a writer that finds `suspended` set
 * may resume it. */
static ssize_t reader(void *cls, uint64_t pos, char *out, size_t max)
{
    (void)pos;
    struct tj_stream *st = cls;
    pthread_mutex_lock(&st->lock);
    size_t avail = st->buf.len - st->sent;
    if (avail > 0) {
        size_t n = avail < max ? avail : max;
        memcpy(out, st->buf.data + st->sent, n);
        st->sent += n;
        if (st->sent == st->buf.len) {
            tj_buf_reset(&st->buf);
            st->sent = 0;
        } else if (st->sent >= MAX_PENDING / 2 && st->sent * 2 >= st->buf.len) {
            /* What was sent makes up most of the buffer: drop it, so that the buffer stays
             * about MAX_PENDING while the writer keeps ahead. */
            memmove(st->buf.data, st->buf.data + st->sent, st->buf.len - st->sent);
            st->buf.len -= st->sent;
            st->sent = 0;
        }
        pthread_cond_signal(&st->drained);
        pthread_mutex_unlock(&st->lock);
        return (ssize_t)n;
    }
    if (st->done || st->stop) {
        pthread_mutex_unlock(&st->lock);
        return MHD_CONTENT_READER_END_OF_STREAM;
    }
    st->suspended = true;
    MHD_suspend_connection(st->conn);
    pthread_mutex_unlock(&st->lock);
    return 0;
}

/* The response is destroyed: the connection is over, sent in full or cut off. */
static void reader_free(void *cls)
{
    tj_stream_cancel(cls);
    tj_stream_release(cls);
}

void tj_stream_start(struct tj_stream *st, const char *content_type)
{
    if (st->started)
        return;
    st->started = true;
    tj_stream_hold(st); /* the response's */
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, BLOCK_SIZE, reader, st, reader_free);
    if (!r)
        tj_stream_release(st);
    if (r) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
        MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
        /* Proxies that buffer answers (nginx) pass this one on as it comes. */
        MHD_add_response_header(r, "X-Accel-Buffering", "no");
    }
    st->publish(st->publish_ud, r);
}

bool tj_stream_started(const struct tj_stream *st)
{
    return st->started;
}

/* Wakes the connection if the reader is waiting; under the lock. */
static void wake(struct tj_stream *st)
{
    if (st->suspended) {
        st->suspended = false;
        MHD_resume_connection(st->conn);
    }
}

void tj_stream_write(struct tj_stream *st, const char *data, size_t len)
{
    pthread_mutex_lock(&st->lock);
    while (!st->stop && st->started && st->buf.len - st->sent >= MAX_PENDING) {
        /* The client reads slowly: wait for it (or for it to go; the watcher and libmicrohttpd's
         * timeout end a connection that takes nothing). */
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_cond_timedwait(&st->drained, &st->lock, &until);
    }
    if (!st->stop && st->started) {
        tj_buf_append(&st->buf, data, len);
        wake(st);
    }
    pthread_mutex_unlock(&st->lock);
}

const volatile sig_atomic_t *tj_stream_stop(struct tj_stream *st)
{
    return &st->stop;
}

void tj_stream_cancel(void *p)
{
    struct tj_stream *st = p;
    pthread_mutex_lock(&st->lock);
    st->stop = TJ_STREAM_GONE;
    pthread_cond_broadcast(&st->drained);
    pthread_mutex_unlock(&st->lock);
}

void tj_stream_finish(struct tj_stream *st)
{
    if (!st)
        return;
    pthread_mutex_lock(&st->lock);
    st->done = true;
    wake(st);
    pthread_mutex_unlock(&st->lock);
    tj_stream_release(st);
}
