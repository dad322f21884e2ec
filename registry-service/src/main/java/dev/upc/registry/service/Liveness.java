package dev.upc.registry.service;

import dev.upc.protocol.WorkerStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Status from heartbeat age: ONLINE while age &lt; suspectAfter, SUSPECT while age &lt; lostAfter, then LOST.
 * Nothing about it is stored, so every replica that reads the same last_seen at the same time agrees.
 */
public record Liveness(Duration suspectAfter, Duration lostAfter) {

    public Liveness {
        if (suspectAfter.isNegative() || suspectAfter.isZero() || lostAfter.compareTo(suspectAfter) <= 0) {
            throw new IllegalArgumentException("need 0 < suspect-after < lost-after, got suspect-after="
                    + suspectAfter + ", lost-after=" + lostAfter);
        }
    }

    public WorkerStatus statusAt(Instant lastSeen, Instant now) {
        Duration age = Duration.between(lastSeen, now);
        if (age.compareTo(suspectAfter) < 0) {
            return WorkerStatus.ONLINE;
        }
        return age.compareTo(lostAfter) < 0 ? WorkerStatus.SUSPECT : WorkerStatus.LOST;
    }

    /** Workers seen after this instant are ONLINE at {@code now}. */
    public Instant onlineCutoff(Instant now) {
        return now.minus(suspectAfter);
    }

    /** Workers seen at or before this instant are LOST at {@code now}. */
    public Instant lostCutoff(Instant now) {
        return now.minus(lostAfter);
    }
}
