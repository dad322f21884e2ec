package dev.upc.store.access;

import dev.upc.protocol.BlobCapability;
import java.util.Optional;

/** What a request does to the store; capability tokens grant {@link #READ} or {@link #WRITE} of one blob. */
public enum BlobOperation {
    /** GET, HEAD of one blob. */
    READ(BlobCapability.READ),
    /** PUT of one blob. */
    WRITE(BlobCapability.WRITE),
    /** DELETE: admin only. */
    DELETE(null),
    /** GET of a kind's listing: admin only. */
    LIST(null);

    private final String claimValue;

    BlobOperation(String claimValue) {
        this.claimValue = claimValue;
    }

    /** The {@code upc.op} value that grants this operation; empty when only admins may do it. */
    public Optional<String> claimValue() {
        return Optional.ofNullable(claimValue);
    }
}
