package dev.upc.protocol;

import java.time.Instant;

/**
 * Reply of {@code POST /api/v1/agents/{workerId}/blob-tokens}: a capability token for one blob and operation.
 *
 * @param kind      the blob's kind
 * @param id        the blob's id
 * @param operation what the token permits
 * @param token     the bearer token for the store
 * @param expiresAt when it stops working (minutes from now)
 */
public record BlobToken(BlobKind kind, String id, String operation, String token, Instant expiresAt) {
}
