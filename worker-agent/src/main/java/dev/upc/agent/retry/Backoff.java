package dev.upc.agent.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter (±20 %), so a hundred agents that lost the scheduler at the same moment do not all
 * come back in the same millisecond. Not thread-safe: one per loop or waiting thread.
 */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration next;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** The next delay: about twice the previous one, at most {@code max}. */
    public Duration next() {
        Duration base = next;
        next = base.multipliedBy(2).compareTo(max) > 0 ? max : base.multipliedBy(2);
        double factor = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor)));
    }

    public void reset() {
        next = first;
    }
}
