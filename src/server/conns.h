/* The server's open connections, for what libmicrohttpd has no option for.
 *
 * - Deadlines on a request's head and body: a client that trickles header lines (or body
 *   bytes) stays within the idle timeout forever; here its head must be complete within
 *   head_timeout of the moment the connection opened or its previous request ended, and its
 *   body within body_timeout of the end of the head.
 * - Draining on stop: answers then close their connections, and connections waiting for a
 *   request head are closed once idle for a moment.
 * - Hang-ups during a long answer: libmicrohttpd does not see a client leave while its
 *   connection is suspended; the watcher does, and tells whoever asked (a streamed answer).
 *
 * A watcher thread shuts down the socket of a connection to be closed (shutdown(2), never
 * close(2): the descriptor stays libmicrohttpd's); libmicrohttpd then reads the end of the
 * stream and closes the connection itself. A connection leaves the registry, under its lock,
 * before libmicrohttpd closes its descriptor, so a descriptor number reused by a later
 * connection is never shut down by mistake. */
#ifndef TJ_CONNS_H
#define TJ_CONNS_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

struct tj_conns;

/* A registry whose heads must arrive within head_timeout_ms and bodies within
 * body_timeout_ms (both > 0). Owned by the caller; NULL when its thread cannot start. */
struct tj_conns *tj_conns_create(unsigned head_timeout_ms, unsigned body_timeout_ms);
/* Stops the watcher and frees the registry, which must be empty (the daemon stopped).
 * Accepts NULL. */
void tj_conns_destroy(struct tj_conns *cs);

/* The MHD_OPTION_NOTIFY_CONNECTION callback; cls is the registry. */
void tj_conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code);
/* The head of a request on c is complete (the first call of the access handler): the body's
 * deadline starts when one is read (body), else there is none until the request ends. */
void tj_conns_request_begin(struct MHD_Connection *c, bool body);
/* The body of the request on c is complete: no deadline until the request ends. */
void tj_conns_request_received(struct MHD_Connection *c);
/* The request on c ended (MHD_OPTION_NOTIFY_COMPLETED): the next head's deadline starts. */
void tj_conns_request_end(struct MHD_Connection *c);

/* Until c closes, the watcher calls hangup(ud) (once, on its thread) when c's peer hangs up
 * (closes or resets its end) while the server is answering: a suspended connection is not
 * watched by libmicrohttpd. release(ud) is called when c closes (or at once when c is not
 * registered). A later call replaces the watch, releasing the earlier one. */
void tj_conns_watch(struct MHD_Connection *c, void (*hangup)(void *ud), void (*release)(void *ud),
                    void *ud);
/* Starts draining: answers carry "Connection: close", and connections that have waited
 * idle_ms or more for a request head are closed. */
void tj_conns_drain(struct tj_conns *cs, unsigned idle_ms);
/* True when c's answer must close it (the server is draining). */
bool tj_conns_closing(struct MHD_Connection *c);
/* Connections open now. */
size_t tj_conns_count(struct tj_conns *cs);
/* Connections closed so far for a head or body that missed its deadline. */
size_t tj_conns_cut(struct tj_conns *cs);

#endif
