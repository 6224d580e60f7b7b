/* Pacing and retry policy: token buckets, backoff with jitter, the circuit breaker. Times are
 * passed in, so nothing here waits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rate.h"

static void test_bucket(void **state)
{
    (void)state;
    struct tj_bucket b;
    tj_bucket_init(&b, 2, 2, 100); /* 2 requests a second, bursts of 2 */
    assert_true(tj_bucket_wait(&b, 1, 100) == 0);
    tj_bucket_take(&b, 1, 100);
    tj_bucket_take(&b, 1, 100);
    /* Empty: the next token comes in half a second. */
    assert_true(tj_bucket_wait(&b, 1, 100) == 0.5);
    assert_true(tj_bucket_wait(&b, 1, 100.25) == 0.25);
    assert_true(tj_bucket_wait(&b, 1, 100.5) == 0);
    /* Idle time never fills past the burst. */
    assert_true(tj_bucket_wait(&b, 2, 200) == 0);
    tj_bucket_take(&b, 2, 200);
    assert_true(tj_bucket_wait(&b, 1, 200) == 0.5);
}

static void test_bucket_characters(void **state)
{
    (void)state;
    /* 6,000 characters a minute = 100 a second, burst of one minute's worth. */
    struct tj_bucket b;
    tj_bucket_init(&b, 100, 6000, 0);
    tj_bucket_take(&b, 5000, 0);
    assert_true(tj_bucket_wait(&b, 1000, 0) == 0);
    tj_bucket_take(&b, 1000, 0);
    assert_true(tj_bucket_wait(&b, 500, 0) == 5);
    /* A request larger than the burst waits for a full bucket, then goes into debt. */
    assert_true(tj_bucket_wait(&b, 9000, 0) == 60);
    tj_bucket_take(&b, 9000, 60);
    assert_true(tj_bucket_wait(&b, 100, 60) == 31);
    /* Rate 0 is unlimited. */
    tj_bucket_init(&b, 0, 0, 0);
    tj_bucket_take(&b, 1e9, 0);
    assert_true(tj_bucket_wait(&b, 1e9, 0) == 0);
}

static void test_backoff(void **state)
{
    (void)state;
    struct tj_retry_policy p = {0};
    tj_retry_policy_defaults(&p);
    assert_int_equal(p.attempts, 5);
    uint64_t seed = 42;
    double prev_hi = 0;
    for (unsigned r = 1; r <= 10; r++) {
        double full = 1.0;
        for (unsigned k = 1; k < r; k++)
            full *= 2;
        if (full > 60)
            full = 60;
        double lo = 1e9, hi = 0;
        for (int i = 0; i < 200; i++) {
            double d = tj_backoff(&p, r, &seed);
            assert_true(d >= full / 2 && d <= full);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        assert_true(hi - lo > full / 10); /* jittered, not one value */
        assert_true(hi >= prev_hi * 0.99 || full == 60);
        prev_hi = hi;
    }
}

static void test_breaker(void **state)
{
    (void)state;
    struct tj_breaker b;
    tj_breaker_init(&b, 3, 10);
    for (int i = 0; i < 2; i++) {
        tj_breaker_failure(&b, 0);
        assert_true(tj_breaker_wait(&b, 0) == 0);
    }
    tj_breaker_success(&b); /* a success resets the count */
    for (int i = 0; i < 3; i++)
        tj_breaker_failure(&b, 0);
    assert_true(tj_breaker_is_open(&b, 1));
    assert_true(tj_breaker_wait(&b, 4) == 6);
    /* Half open: one probe goes, others wait for it. */
    assert_true(tj_breaker_wait(&b, 10) == 0);
    assert_true(tj_breaker_wait(&b, 10) > 0);
    /* The probe fails: open again, twice as long. */
    tj_breaker_failure(&b, 10);
    assert_true(tj_breaker_wait(&b, 10) == 20);
    assert_true(tj_breaker_wait(&b, 30) == 0);
    tj_breaker_success(&b);
    assert_false(tj_breaker_is_open(&b, 30));
    assert_true(tj_breaker_wait(&b, 30) == 0);
    assert_true(tj_breaker_wait(&b, 30) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_bucket_characters),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_breaker),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
