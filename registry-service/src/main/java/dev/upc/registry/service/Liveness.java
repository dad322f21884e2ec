package dev.upc.registry.service;

import dev.upc.protocol.WorkerStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Status from heartbeat age: ONLINE while age &lt; suspectAfter, SUSPECT while age &lt; lostAfter, then LOST.
 * Nothing about it is stored, so every replica that reads the same last_seen at the same time agrees.
 *
 * <p>After an outage of the registry or its database ({@link OutageGrace}), no heartbeat could be recorded: the age
 * then counts from the outage's end for every PC that was alive when it began, so those get their whole lost-after
 * time to heartbeat again before any is given up, as Kubernetes' node lifecycle does after its own restart; a PC LOST
 * before the outage stays LOST.
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

    /**
     * The status after an outage from {@code outage.from()} to {@code outage.to()} (null: none to speak of). A PC LOST
     * already when the outage began (seen before {@code from - lostAfter}) gets no grace: it was gone anyway.
     */
    public WorkerStatus statusAt(Instant lastSeen, Instant now, Outage outage) {
        if (outage == null || !outage.graces(lastSeen, lostAfter)) {
            return statusAt(lastSeen, now);
        }
        return statusAt(outage.to().isAfter(lastSeen) ? outage.to() : lastSeen, now);
    }

    /** When heartbeats could not be recorded: from the last record before to the first after. */
    public record Outage(Instant from, Instant to) {

        /** Whether a PC last seen at {@code lastSeen} was alive when the outage began, so that it gets a grace. */
        boolean graces(Instant lastSeen, Duration lostAfter) {
            return lastSeen.isAfter(from.minus(lostAfter));
        }
    }

    /** Workers seen after this instant are ONLINE at {@code now}. */
    public Instant onlineCutoff(Instant now) {
        return now.minus(suspectAfter);
    }

    /**
     * As {@link #onlineCutoff(Instant)} after {@code outage}: within its grace every PC alive when it began is ONLINE,
     * and none that was LOST already.
     */
    public Instant onlineCutoff(Instant now, Outage outage) {
        return graced(onlineCutoff(now), outage);
    }

    /** Workers seen at or before this instant are LOST at {@code now}. */
    public Instant lostCutoff(Instant now) {
        return now.minus(lostAfter);
    }

    /** As {@link #lostCutoff(Instant)} after {@code outage}: within its grace only the PCs LOST when it began are. */
    public Instant lostCutoff(Instant now, Outage outage) {
        return graced(lostCutoff(now), outage);
    }

    /**
     * A PC alive when the outage began counts its age from the later of its last heartbeat and the outage's end: while
     * that end is past a cutoff, so are all of them, and only the PCs LOST before the outage are left behind it.
     */
    private Instant graced(Instant cutoff, Outage outage) {
        if (outage == null || !outage.to().isAfter(cutoff)) {
            return cutoff;
        }
        Instant alreadyLost = outage.from().minus(lostAfter);
        return alreadyLost.isBefore(cutoff) ? alreadyLost : cutoff;
    }
}
