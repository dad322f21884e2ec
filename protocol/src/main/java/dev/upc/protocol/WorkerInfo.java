package dev.upc.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;

/**
 * The registry's view of one worker ({@code GET /api/v1/workers/{workerId}} and list entries).
 *
 * @param workerId      the worker's id
 * @param status        liveness at the time of the request, from the heartbeat age
 * @param desiredState  ACTIVE or DRAIN
 * @param registeredAt  first registration of this machineId
 * @param lastSeenAt    last registration or heartbeat
 * @param registration  the facts of the latest registration
 * @param latestReport  the latest heartbeat; null until the first one
 * @param approved      false while a newly enrolled PC waits for an admin's approval (it is drained until then);
 *                      null from a registry that does not ask for approval
 */
public record WorkerInfo(String workerId, WorkerStatus status, DesiredState desiredState, Instant registeredAt,
                         Instant lastSeenAt, WorkerRegistration registration, Heartbeat latestReport,
                         Boolean approved) {

    /** An approved worker (or one of a registry that does not ask). */
    public WorkerInfo(String workerId, WorkerStatus status, DesiredState desiredState, Instant registeredAt,
                      Instant lastSeenAt, WorkerRegistration registration, Heartbeat latestReport) {
        this(workerId, status, desiredState, registeredAt, lastSeenAt, registration, latestReport, null);
    }

    /** Whether an admin must still approve this PC before it gets work. */
    @JsonIgnore
    public boolean pendingApproval() {
        return Boolean.FALSE.equals(approved);
    }
}
