package dev.upc.protocol;

import java.time.Instant;

/**
 * A user of the cluster as the scheduler knows it.
 *
 * @param name      the user's name, the subject of its tokens and the owner of its jobs
 * @param createdAt when an admin added it
 * @param createdBy the admin who added it
 * @param revokedAt when it was revoked (its tokens stopped working), or null while active
 */
public record UserInfo(String name, Instant createdAt, String createdBy, Instant revokedAt) {
}
