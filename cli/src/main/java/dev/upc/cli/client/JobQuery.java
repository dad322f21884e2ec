package dev.upc.cli.client;

import dev.upc.protocol.JobState;

/**
 * Which jobs {@code GET /api/v1/jobs} lists: a state, an owner (null = the caller, {@value #EVERYONE} = everyone's,
 * admins only), the page size (null = the server's default) and the page's cursor (null = the first page).
 */
public record JobQuery(JobState state, String owner, Integer limit, String cursor) {

    /** The owner that means every user's jobs. */
    public static final String EVERYONE = "*";

    /** The caller's own jobs, all states. */
    public static JobQuery mine() {
        return new JobQuery(null, null, null, null);
    }

    public static JobQuery everyone() {
        return new JobQuery(null, EVERYONE, null, null);
    }

    public static JobQuery ofOwner(String owner) {
        return new JobQuery(null, owner, null, null);
    }

    public JobQuery withState(JobState newState) {
        return new JobQuery(newState, owner, limit, cursor);
    }

    public JobQuery withLimit(Integer newLimit) {
        return new JobQuery(state, owner, newLimit, cursor);
    }

    public JobQuery withCursor(String newCursor) {
        return new JobQuery(state, owner, limit, newCursor);
    }
}
