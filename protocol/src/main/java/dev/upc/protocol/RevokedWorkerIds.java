package dev.upc.protocol;

import java.util.List;

/**
 * Body of {@code PUT /api/v1/revoked-workers} at the store and of its GET: every worker whose tokens an admin
 * revoked (removed or banned), by id. A PUT replaces the store's whole list; worker ids are never reused.
 *
 * @param workerIds the revoked workers' ids; required (a body without them is refused, not read as "none revoked")
 */
public record RevokedWorkerIds(List<String> workerIds) {

    /** More than any lab will revoke, few enough that a PUT stays small (about 1.5 MiB). */
    public static final int MAX = 100_000;

    public RevokedWorkerIds {
        workerIds = workerIds == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(workerIds));
    }
}
