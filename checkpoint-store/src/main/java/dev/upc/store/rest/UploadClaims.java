package dev.upc.store.rest;

import dev.upc.store.blob.BlobKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One upload at a time per blob for a capability's holder: a capability opens one blob, and with concurrent PUTs of
 * it could hold every upload slot of the store. A second PUT of the blob while the first is still waiting or being
 * read is refused (409 {@code upload_in_progress}); once the first is over, one may follow (a retry). Admins are not
 * limited.
 */
final class UploadClaims {

    private final Set<BlobKey> claimed = ConcurrentHashMap.newKeySet();

    /** @throws UploadInProgressException when the blob is being uploaded under a capability already */
    Claim claim(BlobKey key) {
        if (!claimed.add(key)) {
            throw new UploadInProgressException("blob " + key.kind().pathSegment() + "/" + key.id()
                    + " is being uploaded already; a capability holds one upload at a time");
        }
        return new Claim(key);
    }

    /** No claim: an admin's upload. */
    Claim none() {
        return new Claim(null);
    }

    /** An upload's hold on its blob; {@link #release} may be called on every way out, only the first counts. */
    final class Claim {

        private final BlobKey key;
        private final AtomicBoolean released = new AtomicBoolean();

        private Claim(BlobKey key) {
            this.key = key;
        }

        void release() {
            if (key != null && released.compareAndSet(false, true)) {
                claimed.remove(key);
            }
        }
    }

    /** 409: the blob is being uploaded under a capability already. */
    static final class UploadInProgressException extends RuntimeException {

        UploadInProgressException(String message) {
            super(message);
        }
    }
}
