package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/worker-revocations}: one page of the revocations, oldest first (see
 * {@link WorkerRevocation} and {@link Paging}).
 *
 * @param revocations the revocations of this page
 * @param nextCursor  the cursor of the next page, null on the last
 */
public record WorkerRevocationList(List<WorkerRevocation> revocations, String nextCursor) {

    public WorkerRevocationList {
        revocations = revocations == null ? List.of() : List.copyOf(revocations);
    }
}
