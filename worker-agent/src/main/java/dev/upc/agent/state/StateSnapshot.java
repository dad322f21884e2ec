package dev.upc.agent.state;

import dev.upc.protocol.AgentEvent;
import java.util.List;
import java.util.Map;

/**
 * The agent's state file ({@code <state-dir>/state.json}) as written: small, rewritten atomically on every change.
 *
 * @param formatVersion version of this layout
 * @param workerId      the id the registry gave this PC, once registered
 * @param benchmark     the last CPU benchmark, or null
 * @param podman        podman's facts as libpod's {@code info} last gave them, and for which socket, or null
 * @param containers    job containers by name
 * @param handled       ids of commands carried out (newest last, bounded): a re-delivered one is not done twice
 * @param outbox        events not yet accepted by the scheduler, oldest first
 * @param credential    the worker's own credential from its enrolment: registering the PC again needs it (the file is
 *                      readable by the agent's user only)
 * @param criu          the CRIU binary that passed {@code criu check} on this boot, or null
 * @param cpuCapPercent the owner's CPU cap chosen on the running agent ({@code upc-agent owner cpu 50}), or null for
 *                      the configured one
 * @param setAside      events the scheduler kept failing on although it answered (newest last, bounded), each with
 *                      why: kept for the record, so that the events after them could flow
 */
public record StateSnapshot(int formatVersion, String workerId, CachedBenchmark benchmark, CachedPodman podman,
                            Map<String, ManagedContainer> containers, List<String> handled, List<AgentEvent> outbox,
                            Integer cpuCapPercent, String credential, CachedCriu criu, List<SetAside> setAside) {

    public static final int FORMAT_VERSION = 1;

    public StateSnapshot {
        containers = containers == null ? Map.of() : Map.copyOf(containers);
        handled = handled == null ? List.of() : List.copyOf(handled);
        outbox = outbox == null ? List.of() : List.copyOf(outbox);
        setAside = setAside == null ? List.of() : List.copyOf(setAside);
    }

    /** An event set aside, when and why. */
    public record SetAside(AgentEvent event, java.time.Instant at, String reason) {
    }

    public static StateSnapshot empty() {
        return new StateSnapshot(FORMAT_VERSION, null, null, null, Map.of(), List.of(), List.of(), null, null, null,
                List.of());
    }
}
