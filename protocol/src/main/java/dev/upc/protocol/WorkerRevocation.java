package dev.upc.protocol;

import java.time.Instant;

/**
 * A worker an admin removed or revoked: its tokens no longer work anywhere (worker ids are never reused).
 *
 * @param workerId  the worker
 * @param machineId its PC
 * @param revokedAt when
 * @param banned    the PC may not enrol again until an admin lifts the ban ({@code upc workers revoke}); false for a
 *                  removed worker, whose PC may enrol again as a new worker
 */
public record WorkerRevocation(String workerId, String machineId, Instant revokedAt, boolean banned) {
}
