package dev.upc.protocol;

import java.time.Instant;

/**
 * Reply of {@code POST /api/v1/images/uploads} and {@code POST /api/v1/inputs/uploads}: where to PUT one blob and the
 * capability token that permits exactly that. When {@code present} the store already holds the blob (an input of the
 * same content uploaded before) and nothing needs to be sent.
 *
 * @param kind      the blob's kind
 * @param blobId    the blob's id
 * @param url       the blob's URL in the store, for {@code PUT} with {@code Authorization: Bearer <token>}
 * @param token     a write capability for that blob, or null when {@code present}
 * @param expiresAt when the token stops working
 * @param present   the store holds the blob already
 */
public record UploadGrant(BlobKind kind, String blobId, String url, String token, Instant expiresAt,
                          boolean present) {
}
