package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/workers?status=&label=}: the matching workers, ordered by hostname then id.
 *
 * @param workers the matching workers
 */
public record WorkerList(List<WorkerInfo> workers) {

    public WorkerList {
        workers = workers == null ? List.of() : List.copyOf(workers);
    }
}
