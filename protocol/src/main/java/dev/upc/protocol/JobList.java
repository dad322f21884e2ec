package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/jobs?state=}: the matching jobs, newest first.
 *
 * @param jobs the matching jobs
 */
public record JobList(List<JobInfo> jobs) {

    public JobList {
        jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }
}
