package dev.upc.scheduler.job;

import dev.upc.protocol.AgentCommandType;
import java.time.Instant;

/**
 * A row of the command outbox.
 *
 * @param blobSha256 for a RESTORE read for delivery: the sha256 its checkpoint's source reported; null otherwise
 */
public record StoredCommand(String id, String workerId, String jobId, long epoch, AgentCommandType type,
                            CommandPayload payload, Instant createdAt, String blobSha256) {
}
