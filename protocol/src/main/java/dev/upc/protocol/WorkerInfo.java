package dev.upc.protocol;

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
 */
public record WorkerInfo(String workerId, WorkerStatus status, DesiredState desiredState, Instant registeredAt,
                         Instant lastSeenAt, WorkerRegistration registration, Heartbeat latestReport) {
}
