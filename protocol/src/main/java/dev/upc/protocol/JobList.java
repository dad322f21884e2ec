package dev.upc.protocol;

import java.util.List;

/**
 * Reply of {@code GET /api/v1/jobs?state=&owner=}: the matching jobs, newest first (see {@link Paging}).
 *
 * @param jobs       one page of the matching jobs
 * @param nextCursor the next page's cursor, or null on the last page
 */
public record JobList(List<JobInfo> jobs, String nextCursor) {

    public JobList {
        jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }
}
