package dev.upc.protocol;

import java.time.Instant;

/**
 * Reply of {@code POST /api/v1/workers}.
 *
 * @param workerId                 the worker's id; the same for every registration of one machineId
 * @param workerToken              bearer token for the worker's own calls (a JWT: subject = workerId, group worker)
 * @param tokenExpiresAt           when the token stops working; the agent re-registers before that
 * @param heartbeatIntervalSeconds how often the registry wants a heartbeat
 * @param desiredState             what the worker should be doing (a drained PC stays drained across re-registration)
 * @param credential               the worker's own credential, given once, when the machine enrols (null afterwards):
 *                                 re-registering the machine needs it, in the {@link ApiPaths#WORKER_CREDENTIAL_HEADER}
 *                                 header; the agent keeps it with its state, readable only by itself
 */
public record WorkerRegistered(String workerId, String workerToken, Instant tokenExpiresAt,
                               long heartbeatIntervalSeconds, DesiredState desiredState, String credential) {
}
