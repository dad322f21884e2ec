package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/agents/{workerId}/commands?waitSeconds=N}: the worker's unacknowledged commands, oldest
 * first; empty when none arrived within N seconds.
 *
 * @param commands the commands to carry out
 */
public record AgentCommands(List<AgentCommand> commands) {

    public AgentCommands {
        commands = commands == null ? List.of() : List.copyOf(commands);
    }
}
