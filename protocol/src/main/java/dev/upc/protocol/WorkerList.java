package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/workers?status=&label=}: the matching workers, ordered by hostname then id (see
 * {@link Paging}).
 *
 * @param workers    one page of the matching workers
 * @param nextCursor the next page's cursor, or null on the last page
 */
public record WorkerList(List<WorkerInfo> workers, String nextCursor) {

    public WorkerList {
        workers = workers == null ? List.of() : List.copyOf(workers);
    }
}
