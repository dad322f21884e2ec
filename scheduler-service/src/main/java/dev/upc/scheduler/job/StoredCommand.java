package dev.upc.scheduler.job;

import dev.upc.protocol.AgentCommandType;
import java.time.Instant;

/** A row of the command outbox. */
public record StoredCommand(String id, String workerId, String jobId, long epoch, AgentCommandType type,
                            CommandPayload payload, Instant createdAt) {
}
