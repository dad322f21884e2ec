package dev.upc.agent.lifecycle;

import dev.upc.protocol.DesiredState;
import dev.upc.protocol.OwnerState;
import java.time.Instant;
import java.util.List;

/**
 * What {@code upc-agent status} and {@code GET /status} on the local port show.
 *
 * @param workerId         the registry's id for this PC, or null before the first registration
 * @param registered       whether the agent holds a valid worker token
 * @param desiredState     ACTIVE or DRAIN, as the registry last said
 * @param ownerState       whether the owner is using the PC
 * @param benchmarkScore   the CPU speed reported (scaled by the CPU-time share)
 * @param jobCpus          CPU time per second lent to jobs
 * @param containers       the job containers on this PC
 * @param pendingEvents    events the scheduler has not accepted yet
 * @param commandsRunning  commands being carried out now
 * @param lastHeartbeatAt  the last heartbeat the registry accepted
 * @param lastPollAt       the last answer of the scheduler's command channel
 * @param lastError        the latest failure talking to the control plane, cleared by the next success
 * @param startToRegisteredMillis time from the process start to the first successful registration
 */
public record AgentStatus(String workerId, boolean registered, DesiredState desiredState, OwnerState ownerState,
                          double benchmarkScore, double jobCpus, List<Container> containers, int pendingEvents,
                          int commandsRunning, Instant lastHeartbeatAt, Instant lastPollAt, String lastError,
                          Long startToRegisteredMillis) {

    /** One job container. */
    public record Container(String name, String jobId, long epoch, String state, Double cpuSeconds) {
    }
}
