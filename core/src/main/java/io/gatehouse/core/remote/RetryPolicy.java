package io.gatehouse.core.remote;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How hard to try: attempts for 5xx answers and connection errors (exponential backoff with jitter), and how long a
 * 429 may make us wait before we give up and report when the quota returns.
 *
 * @param maxAttempts        total tries of one request (1 = no retry)
 * @param initialDelay       delay before the first retry; doubles each time
 * @param maxDelay           cap of one delay
 * @param maxRateLimitWait   longest Retry-After we sit out; longer ones stop with {@link RateLimitedException}
 * @param maxRateLimitWaits  how many 429 waits one request may take
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRateLimitWait, int maxRateLimitWaits) {

    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Duration.ofMillis(250), Duration.ofSeconds(10), Duration.ofSeconds(60), 5);
    }

    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
    }

    /** Delay before retry number {@code retry} (1-based): "equal jitter", half fixed, half random, so clients spread out. */
    public Duration backoff(int retry) {
        long base = initialDelay.toMillis() << Math.min(retry - 1, 20);
        long capped = Math.min(Math.max(base, 0), maxDelay.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }
}
