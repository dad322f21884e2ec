package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code POST /api/v1/agents/{workerId}/events}.
 *
 * @param outcome  APPLIED (the event changed the job), DUPLICATE (seen before, nothing changed) or STALE (about a
 *                 container of an older epoch, or of a finished job: ignored)
 * @param commands follow-up commands for this worker, e.g. the KILL or CLEANUP of a stale container. They are also
 *                 queued and delivered by the long poll until acknowledged, so an agent that loses this reply loses
 *                 nothing; handle each commandId once.
 */
public record AgentEventReply(Outcome outcome, List<AgentCommand> commands) {

    public enum Outcome { APPLIED, DUPLICATE, STALE }

    public AgentEventReply {
        commands = commands == null ? List.of() : List.copyOf(commands);
    }
}
