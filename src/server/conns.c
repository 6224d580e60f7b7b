/* The connection registry and its watcher thread. */
#include "conns.h"

#include "tj.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

/* How often the watcher looks at the heads, in milliseconds (and while draining). */
#define TICK_MS 200
#define DRAIN_TICK_MS 50

enum phase {
    PHASE_HEAD, /* waiting for a request head, since the connection opened or a request ended */
    PHASE_BODY, /* reading a request body */
    PHASE_BUSY, /* answering: no deadline */
};

struct conn {
    struct tj_conns *owner;
    struct conn *prev, *next;
    int fd;
    enum phase phase;
    int64_t since; /* ms: when the phase began */
    bool shut;     /* its socket was shut down */
    /* Told when the peer hangs up while the connection waits (tj_conns_watch). */
    void (*hangup)(void *ud);
    void (*release)(void *ud);
    void *ud;
    bool hung_up;
};

struct tj_conns {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t watcher;
    struct conn *head;
    size_t count;
    size_t cut;
    unsigned head_timeout_ms;
    unsigned body_timeout_ms;
    unsigned drain_idle_ms;
    bool draining;
    bool stopping;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void shut(struct conn *c)
{
    c->shut = true;
    shutdown(c->fd, SHUT_RDWR);
}

/* Tells the watched connections whose peer has hung up (closed or reset); under the lock. A
 * connection the server answers is not read meanwhile, so its socket has nothing to read but
 * the end of the stream. */
static void look_for_hangups(struct tj_conns *cs)
{
    size_t n = 0;
    for (struct conn *c = cs->head; c; c = c->next)
        n += c->ud && !c->hung_up && !c->shut;
    if (n == 0)
        return;
    struct pollfd *fds = tj_xcalloc(n, sizeof *fds);
    struct conn **who = tj_xcalloc(n, sizeof *who);
    size_t k = 0;
    for (struct conn *c = cs->head; c && k < n; c = c->next)
        if (c->ud && !c->hung_up && !c->shut) {
            fds[k] = (struct pollfd){.fd = c->fd, .events = POLLRDHUP};
            who[k++] = c;
        }
    if (poll(fds, k, 0) > 0)
        for (size_t i = 0; i < k; i++)
            if (fds[i].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
                who[i]->hung_up = true;
                who[i]->hangup(who[i]->ud);
            }
    free(fds);
    free(who);
}

/* Closes what is past its deadline (or idle while draining); under the lock. */
static void sweep(struct tj_conns *cs)
{
    look_for_hangups(cs);
    int64_t now = now_ms();
    for (struct conn *c = cs->head; c; c = c->next) {
        if (c->phase == PHASE_BUSY || c->shut)
            continue;
        int64_t waited = now - c->since;
        if (waited >= (c->phase == PHASE_HEAD ? cs->head_timeout_ms : cs->body_timeout_ms)) {
            cs->cut++;
            shut(c);
        } else if (cs->draining && c->phase == PHASE_HEAD && waited >= cs->drain_idle_ms) {
            shut(c);
        }
    }
}

static void *watch(void *arg)
{
    struct tj_conns *cs = arg;
    pthread_mutex_lock(&cs->lock);
    while (!cs->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        long tick = cs->draining ? DRAIN_TICK_MS : TICK_MS;
        until.tv_nsec += tick * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        int e = pthread_cond_timedwait(&cs->wake, &cs->lock, &until);
        if (e == ETIMEDOUT || cs->draining)
            sweep(cs);
    }
    pthread_mutex_unlock(&cs->lock);
    return NULL;
}

struct tj_conns *tj_conns_create(unsigned head_timeout_ms, unsigned body_timeout_ms)
{
    struct tj_conns *cs = tj_xcalloc(1, sizeof *cs);
    pthread_mutex_init(&cs->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&cs->wake, &attr);
    pthread_condattr_destroy(&attr);
    cs->head_timeout_ms = head_timeout_ms ? head_timeout_ms : 1;
    cs->body_timeout_ms = body_timeout_ms ? body_timeout_ms : 1;
    if (pthread_create(&cs->watcher, NULL, watch, cs) != 0) {
        pthread_cond_destroy(&cs->wake);
        pthread_mutex_destroy(&cs->lock);
        free(cs);
        return NULL;
    }
    return cs;
}

void tj_conns_destroy(struct tj_conns *cs)
{
    if (!cs)
        return;
    pthread_mutex_lock(&cs->lock);
    cs->stopping = true;
    pthread_cond_signal(&cs->wake);
    pthread_mutex_unlock(&cs->lock);
    pthread_join(cs->watcher, NULL);
    pthread_cond_destroy(&cs->wake);
    pthread_mutex_destroy(&cs->lock);
    free(cs);
}

void tj_conns_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                     enum MHD_ConnectionNotificationCode code)
{
    struct tj_conns *cs = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct conn *n = tj_xcalloc(1, sizeof *n);
        n->owner = cs;
        n->fd = info ? (int)info->connect_fd : -1;
        n->shut = n->fd < 0;
        pthread_mutex_lock(&cs->lock);
        n->phase = PHASE_HEAD;
        n->since = now_ms();
        n->next = cs->head;
        if (cs->head)
            cs->head->prev = n;
        cs->head = n;
        cs->count++;
        pthread_mutex_unlock(&cs->lock);
        *socket_context = n;
        return;
    }
    struct conn *n = *socket_context;
    if (!n)
        return;
    pthread_mutex_lock(&cs->lock);
    if (n->prev)
        n->prev->next = n->next;
    else
        cs->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    cs->count--;
    pthread_mutex_unlock(&cs->lock);
    if (n->release)
        n->release(n->ud);
    free(n);
    *socket_context = NULL;
}

static struct conn *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void set_phase(struct MHD_Connection *c, enum phase phase)
{
    struct conn *n = conn_of(c);
    if (!n)
        return;
    pthread_mutex_lock(&n->owner->lock);
    n->phase = phase;
    n->since = now_ms();
    pthread_mutex_unlock(&n->owner->lock);
}

void tj_conns_request_begin(struct MHD_Connection *c, bool body)
{
    set_phase(c, body ? PHASE_BODY : PHASE_BUSY);
}

void tj_conns_request_received(struct MHD_Connection *c)
{
    set_phase(c, PHASE_BUSY);
}

void tj_conns_request_end(struct MHD_Connection *c)
{
    set_phase(c, PHASE_HEAD);
}

void tj_conns_watch(struct MHD_Connection *c, void (*hangup)(void *ud), void (*release)(void *ud),
                    void *ud)
{
    struct conn *n = conn_of(c);
    if (!n) {
        release(ud);
        return;
    }
    pthread_mutex_lock(&n->owner->lock);
    void (*old)(void *) = n->release;
    void *old_ud = n->ud;
    n->hangup = hangup;
    n->release = release;
    n->ud = ud;
    n->hung_up = false;
    pthread_mutex_unlock(&n->owner->lock);
    if (old)
        old(old_ud);
}

void tj_conns_drain(struct tj_conns *cs, unsigned idle_ms)
{
    pthread_mutex_lock(&cs->lock);
    cs->draining = true;
    cs->drain_idle_ms = idle_ms;
    pthread_cond_signal(&cs->wake);
    pthread_mutex_unlock(&cs->lock);
}

bool tj_conns_closing(struct MHD_Connection *c)
{
    struct conn *n = conn_of(c);
    if (!n)
        return false;
    pthread_mutex_lock(&n->owner->lock);
    bool closing = n->owner->draining;
    pthread_mutex_unlock(&n->owner->lock);
    return closing;
}

size_t tj_conns_count(struct tj_conns *cs)
{
    pthread_mutex_lock(&cs->lock);
    size_t n = cs->count;
    pthread_mutex_unlock(&cs->lock);
    return n;
}

size_t tj_conns_cut(struct tj_conns *cs)
{
    pthread_mutex_lock(&cs->lock);
    size_t n = cs->cut;
    pthread_mutex_unlock(&cs->lock);
    return n;
}
