package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/agents/{workerId}/commands?waitSeconds=N[&placements=true]}: the worker's
 * unacknowledged commands, oldest first, empty when none arrived within N seconds; with {@code placements=true} also
 * what the scheduler places on the worker now.
 *
 * @param commands   the commands to carry out
 * @param placements asked for: each job the scheduler has on this worker now, with the epoch of its container here;
 *                   an agent that held its jobs while it could not reach the control plane (its lease lapsed) resumes
 *                   only those, since the others may run elsewhere by now. Null when not asked for
 */
public record AgentCommands(List<AgentCommand> commands, List<Placement> placements) {

    public AgentCommands {
        commands = commands == null ? List.of() : List.copyOf(commands);
        placements = placements == null ? null : List.copyOf(placements);
    }

    public AgentCommands(List<AgentCommand> commands) {
        this(commands, null);
    }

    /** A job the scheduler places on the worker, and the epoch its container there belongs to. */
    public record Placement(String jobId, long epoch) {
    }
}
