/* Token buckets, backoff and the circuit breaker. */
#include "rate.h"

#include <math.h>
#include <time.h>

void tj_bucket_init(struct tj_bucket *b, double rate, double burst, double now)
{
    b->rate = rate > 0 ? rate : 0;
    b->burst = burst > 0 ? burst : (rate > 1 ? rate : 1);
    b->tokens = b->burst;
    b->last = now;
}

static void refill(struct tj_bucket *b, double now)
{
    if (now > b->last) {
        b->tokens += (now - b->last) * b->rate;
        if (b->tokens > b->burst)
            b->tokens = b->burst;
        b->last = now;
    }
}

double tj_bucket_wait(struct tj_bucket *b, double amount, double now)
{
    if (b->rate <= 0)
        return 0;
    refill(b, now);
    double need = amount < b->burst ? amount : b->burst;
    if (b->tokens >= need)
        return 0;
    return (need - b->tokens) / b->rate;
}

void tj_bucket_take(struct tj_bucket *b, double amount, double now)
{
    if (b->rate <= 0)
        return;
    refill(b, now);
    b->tokens -= amount;
}

void tj_retry_policy_defaults(struct tj_retry_policy *p)
{
    if (!p->attempts)
        p->attempts = 5;
    if (p->base <= 0)
        p->base = 1;
    if (p->factor < 1)
        p->factor = 2;
    if (p->cap <= 0)
        p->cap = 60;
    if (p->max_retry_after <= 0)
        p->max_retry_after = 120;
}

/* xorshift64*: a small generator whose state the caller keeps. */
static double uniform(uint64_t *seed)
{
    uint64_t x = *seed ? *seed : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *seed = x;
    return (double)((x * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

double tj_backoff(const struct tj_retry_policy *p, unsigned retry, uint64_t *seed)
{
    double d = p->base * pow(p->factor, retry > 0 ? (double)(retry - 1) : 0);
    if (d > p->cap)
        d = p->cap;
    return d / 2 + uniform(seed) * d / 2;
}

void tj_breaker_init(struct tj_breaker *b, unsigned threshold, double cooldown)
{
    *b = (struct tj_breaker){0};
    b->threshold = threshold ? threshold : 5;
    b->cooldown = cooldown > 0 ? cooldown : 10;
    b->backoff = b->cooldown;
}

double tj_breaker_wait(struct tj_breaker *b, double now)
{
    if (b->failures < b->threshold)
        return 0;
    if (now < b->open_until)
        return b->open_until - now;
    if (b->probing)
        return b->cooldown / 10; /* ask again soon: the probe will have answered */
    b->probing = true;
    return 0;
}

void tj_breaker_success(struct tj_breaker *b)
{
    b->failures = 0;
    b->probing = false;
    b->backoff = b->cooldown;
}

void tj_breaker_failure(struct tj_breaker *b, double now)
{
    bool was_probe = b->probing;
    b->probing = false;
    if (b->failures < b->threshold)
        b->failures++;
    if (b->failures < b->threshold)
        return;
    if (was_probe && b->backoff < 8 * b->cooldown)
        b->backoff *= 2;
    b->open_until = now + b->backoff;
}

bool tj_breaker_is_open(const struct tj_breaker *b, double now)
{
    return b->failures >= b->threshold && now < b->open_until;
}

double tj_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
