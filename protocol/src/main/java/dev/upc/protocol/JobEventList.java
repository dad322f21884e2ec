package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/jobs/{jobId}/events}: the job's history, oldest first (see {@link Paging}).
 *
 * @param jobId      the job
 * @param events     one page of its history
 * @param nextCursor the next page's cursor, or null on the last page
 */
public record JobEventList(String jobId, List<JobEvent> events, String nextCursor) {

    public JobEventList {
        events = events == null ? List.of() : List.copyOf(events);
    }
}
