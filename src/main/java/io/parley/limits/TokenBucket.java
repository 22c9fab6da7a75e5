package io.parley.limits;

import java.time.Duration;

/**
 * {@code capacity} requests at once, then one every {@code period / capacity}. Written here because
 * the kept libraries' rate limiters (SmallRye Fault Tolerance's) guard one method, not one key each.
 */
final class TokenBucket {

    private final int capacity;
    private final double nanosPerToken;
    private double tokens;
    private long last;

    TokenBucket(int capacity, Duration period) {
        this.capacity = Math.max(1, capacity);
        this.nanosPerToken = (double) period.toNanos() / this.capacity;
        this.tokens = this.capacity;
        this.last = System.nanoTime();
    }

    /** Takes one token: 0 when taken, otherwise the milliseconds until one is there (nothing taken). */
    synchronized long take() {
        long now = System.nanoTime();
        tokens = Math.min(capacity, tokens + (now - last) / nanosPerToken);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) * nanosPerToken / 1_000_000));
    }
}
