/* Pacing and retry policy for a remote service: token buckets for requests per second and
 * characters per minute, exponential backoff with jitter, and a circuit breaker that stops
 * sending to a service that keeps failing. Pure arithmetic over times the caller passes (in
 * seconds, from any monotonic clock), so each rule can be tested without waiting. */
#ifndef TJ_RATE_H
#define TJ_RATE_H

#include <stdbool.h>
#include <stdint.h>

/* A token bucket: rate tokens a second, holding at most burst. A rate of 0 is unlimited. */
struct tj_bucket {
    double rate, burst;
    double tokens;
    double last; /* time of the last refill */
};

/* Initializes a full bucket at time now. */
void tj_bucket_init(struct tj_bucket *b, double rate, double burst, double now);
/* Seconds to wait before amount tokens are there (0 when they are now). An amount larger than
 * the burst waits until the bucket is full, so that one large request is never refused. */
double tj_bucket_wait(struct tj_bucket *b, double amount, double now);
/* Takes amount tokens (the balance may go below zero for an amount over the burst). */
void tj_bucket_take(struct tj_bucket *b, double amount, double now);

/* The retry policy: attempts is the most tries of one request, the first included. */
struct tj_retry_policy {
    unsigned attempts;      /* default 5 */
    double base;            /* first backoff, seconds; default 1 */
    double factor;          /* default 2 */
    double cap;             /* longest backoff, seconds; default 60 */
    double max_retry_after; /* a Retry-After longer than this fails the request; default 120 */
};

/* Fills the zero fields of p with the defaults above. */
void tj_retry_policy_defaults(struct tj_retry_policy *p);

/* Seconds to wait before retry number `retry` (1 for the first retry): base × factor^(retry-1)
 * capped, with "equal jitter" (half fixed, half drawn from *seed) so that clients that failed
 * together do not come back together. */
double tj_backoff(const struct tj_retry_policy *p, unsigned retry, uint64_t *seed);

/* The circuit breaker: after `threshold` failures in a row the circuit opens and no request is
 * sent for `cooldown` seconds; then one probe may go (half open): its success closes the
 * circuit, its failure opens it again for twice as long (up to 8 × cooldown). */
struct tj_breaker {
    unsigned threshold; /* default 5 */
    double cooldown;    /* default 10 s */
    unsigned failures;  /* in a row */
    double open_until;  /* no requests before this time */
    double backoff;     /* current open period */
    bool probing;       /* a half-open probe is in flight */
};

void tj_breaker_init(struct tj_breaker *b, unsigned threshold, double cooldown);
/* Seconds until a request may be sent (0: now). When the circuit is half open, the first call
 * that returns 0 claims the probe and later calls wait until it reports. */
double tj_breaker_wait(struct tj_breaker *b, double now);
void tj_breaker_success(struct tj_breaker *b);
void tj_breaker_failure(struct tj_breaker *b, double now);
/* True while the circuit is open (failing fast). */
bool tj_breaker_is_open(const struct tj_breaker *b, double now);

/* A monotonic clock in seconds. */
double tj_now(void);

#endif
