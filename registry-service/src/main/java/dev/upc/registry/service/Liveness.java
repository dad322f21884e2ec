package dev.upc.registry.service;

import dev.upc.protocol.WorkerStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Status from heartbeat age: ONLINE while age &lt; suspectAfter, SUSPECT while age &lt; lostAfter, then LOST.
 * Nothing about it is stored, so every replica that reads the same last_seen at the same time agrees.
 *
 * <p>After an outage of the registry or its database ({@link OutageGrace}), no heartbeat could be recorded: the age
 * then counts from the outage's end ({@code graceFrom}) for every PC seen before it, so PCs get their whole lost-after
 * time to heartbeat again before any is given up, as Kubernetes' node lifecycle does after its own restart.
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

    /** The status after an outage that ended at {@code graceFrom} (null: none to speak of). */
    public WorkerStatus statusAt(Instant lastSeen, Instant now, Instant graceFrom) {
        return statusAt(graceFrom != null && graceFrom.isAfter(lastSeen) ? graceFrom : lastSeen, now);
    }

    /** Workers seen after this instant are ONLINE at {@code now}. */
    public Instant onlineCutoff(Instant now) {
        return now.minus(suspectAfter);
    }

    /** As {@link #onlineCutoff(Instant)} after an outage that ended at {@code graceFrom}: all ONLINE within its grace. */
    public Instant onlineCutoff(Instant now, Instant graceFrom) {
        return graced(onlineCutoff(now), graceFrom);
    }

    /** Workers seen at or before this instant are LOST at {@code now}. */
    public Instant lostCutoff(Instant now) {
        return now.minus(lostAfter);
    }

    /** As {@link #lostCutoff(Instant)} after an outage that ended at {@code graceFrom}: none LOST within its grace. */
    public Instant lostCutoff(Instant now, Instant graceFrom) {
        return graced(lostCutoff(now), graceFrom);
    }

    /**
     * A PC's age counts from the later of its last heartbeat and the outage's end: past a cutoff the outage's end is
     * too, none is; else the cutoff holds as it is.
     */
    private static Instant graced(Instant cutoff, Instant graceFrom) {
        return graceFrom != null && graceFrom.isAfter(cutoff) ? Instant.EPOCH : cutoff;
    }
}
