/* A streamed answer (NDJSON): lines written by a job on its worker thread while libmicrohttpd
 * sends them, each as soon as it is written.
 *
 * The job starts the stream (the server then queues a 200 answer whose body is read from the
 * stream), writes whole lines, and finishes it. While nothing is waiting to be sent the
 * connection is suspended, and each write resumes it. When the client goes away (its connection
 * closed, or the server's watcher sees the peer hang up while the connection waits), the stop
 * flag becomes TJ_STREAM_GONE: the job sends no more work to its engine and abandons the requests
 * in flight (tj_client_options.stop at 2), and later writes are dropped.
 * A stream is shared by the job, the response and the connection watcher, and freed by the last
 * of them to let go. */
#ifndef TJ_STREAM_H
#define TJ_STREAM_H

#include <microhttpd.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

/* The stop flag's value once the client has gone: nothing more is sent to the engine, and the
 * requests in flight are abandoned (client.h). */
#define TJ_STREAM_GONE 2

struct tj_stream;

/* Called on the job's thread by tj_stream_start with the response to queue (the connection is
 * still suspended by the server, which queues it and resumes the connection). */
typedef void (*tj_stream_publish_fn)(void *ud, struct MHD_Response *response);

/* A stream for the request on c, whose connection the caller suspended and that publish will
 * resume. Holds one reference for the job (tj_stream_finish lets it go). */
struct tj_stream *tj_stream_create(struct MHD_Connection *c, tj_stream_publish_fn publish,
                                   void *publish_ud);

/* Makes the 200 answer (content_type, and no caching) and hands it to publish. Once only. */
void tj_stream_start(struct tj_stream *st, const char *content_type);
/* True once tj_stream_start ran. */
bool tj_stream_started(const struct tj_stream *st);
/* Appends data[0..len) (whole lines) to what is to be sent, and wakes the connection; first
 * waits while more than 1 MiB written is not yet sent (a slow client slows the job, not the
 * server's memory). Dropped when the client has gone. */
void tj_stream_write(struct tj_stream *st, const char *data, size_t len);
/* TJ_STREAM_GONE once the client has gone, else 0: for tj_client_options.stop. */
const volatile sig_atomic_t *tj_stream_stop(struct tj_stream *st);
/* The client has gone (also called by the connection watcher when the peer hangs up). */
void tj_stream_cancel(void *st);
/* The job's end: the body ends after what was written. Lets go of the job's reference. */
void tj_stream_finish(struct tj_stream *st);

/* Takes a reference for another holder (the connection watcher); tj_stream_release lets it go.
 * Both take void * so that they can be callbacks. */
void *tj_stream_hold(void *st);
void tj_stream_release(void *st);

#endif
