package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/jobs/{jobId}/events}: the job's whole history, oldest first.
 *
 * @param jobId  the job
 * @param events its history
 */
public record JobEventList(String jobId, List<JobEvent> events) {

    public JobEventList {
        events = events == null ? List.of() : List.copyOf(events);
    }
}
