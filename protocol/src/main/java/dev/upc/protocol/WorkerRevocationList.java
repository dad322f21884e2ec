package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/worker-revocations}: every revocation, oldest first (see {@link WorkerRevocation}).
 *
 * @param revocations the revocations
 */
public record WorkerRevocationList(List<WorkerRevocation> revocations) {

    public WorkerRevocationList {
        revocations = revocations == null ? List.of() : List.copyOf(revocations);
    }
}
