package dev.upc.agent.job;

import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import java.util.Collection;
import java.util.Optional;

/**
 * The agent's own fencing: a RUN, RESTORE or PREFETCH for an epoch older than a container this PC already holds for the job
 * is stale (the job has moved on, e.g. the command waited out a partition) and is refused, never carried out.
 * KILL and CLEANUP name their epoch's container and are always carried out; CHECKPOINT acts on exactly the named
 * container, which does not exist under a stale name.
 */
public final class Staleness {

    private Staleness() {
    }

    /** Why the command is stale, or empty when it is not. */
    public static Optional<String> of(AgentCommand command, Collection<ManagedContainer> containers) {
        if (command.type() != AgentCommandType.RUN && command.type() != AgentCommandType.RESTORE
                && command.type() != AgentCommandType.PREFETCH) {
            return Optional.empty();
        }
        for (ManagedContainer c : containers) {
            if (c.jobId().equals(command.jobId()) && c.epoch() > command.epoch()) {
                return Optional.of("stale epoch " + command.epoch() + ": this PC already has " + c.name()
                        + " of a newer epoch of job " + command.jobId());
            }
        }
        return Optional.empty();
    }
}
