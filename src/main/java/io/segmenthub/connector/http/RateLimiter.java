package io.segmenthub.connector.http;

/**
 * Spaces requests to one system evenly ({@code requests-per-second}), shared by every run in this
 * process: a token bucket of depth one, which is what vendors' per-second limits (简道云 30/s
 * list, 20/s update) ask for.
 */
final class RateLimiter {

    private final long intervalNanos;
    private long nextFree;

    RateLimiter(double perSecond) {
        this.intervalNanos = (long) (1_000_000_000L / perSecond);
        this.nextFree = System.nanoTime();
    }

    void acquire() {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(now, nextFree);
            nextFree = start + intervalNanos;
            wait = start - now;
        }
        if (wait > 0) {
            HttpSession.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
