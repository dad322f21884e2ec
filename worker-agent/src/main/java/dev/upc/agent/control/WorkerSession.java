package dev.upc.agent.control;

import java.time.Instant;

/**
 * The agent's registration: its worker id and the bearer token for its own calls.
 *
 * @param expiresAt when the token stops working; the agent registers again well before
 */
public record WorkerSession(String workerId, String token, Instant expiresAt) {
}
