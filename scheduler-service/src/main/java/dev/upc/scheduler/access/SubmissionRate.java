package dev.upc.scheduler.access;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How fast each user may submit: a token bucket per user that holds {@code perMinute} submissions and refills at
 * {@code perMinute} a minute, so a burst of that many goes through at once and a steady stream is held to the rate.
 * Kept per scheduler replica, in memory. Pure: the caller gives the time.
 */
public final class SubmissionRate {

    private record Bucket(double tokens, long atNanos) {
    }

    private final int perMinute;
    private final double perNano;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param perMinute submissions a minute and the burst; 0 for no limit */
    public SubmissionRate(int perMinute) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("submissions per minute must be 0 (no limit) or more: " + perMinute);
        }
        this.perMinute = perMinute;
        this.perNano = perMinute / (double) Duration.ofMinutes(1).toNanos();
    }

    /**
     * Takes one submission of {@code user} at {@code nowNanos} (a monotonic clock).
     *
     * @return empty when it may go through, else how long until it may
     */
    public Optional<Duration> take(String user, long nowNanos) {
        if (perMinute == 0) {
            return Optional.empty();
        }
        Duration[] wait = {null};
        buckets.compute(user, (name, bucket) -> {
            double tokens = bucket == null ? perMinute
                    : Math.min(perMinute, bucket.tokens() + (nowNanos - bucket.atNanos()) * perNano);
            if (tokens >= 1) {
                return new Bucket(tokens - 1, nowNanos);
            }
            wait[0] = Duration.ofNanos((long) Math.ceil((1 - tokens) / perNano));
            return new Bucket(tokens, nowNanos);
        });
        return Optional.ofNullable(wait[0]);
    }
}
