package dev.upc.scheduler.service;

/**
 * A request the scheduler refuses, with the HTTP status and stable error code the exception mapper answers. One
 * type with a few factories, since all of them map the same way.
 */
public final class SchedulerException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final long retryAfterSeconds;

    private SchedulerException(int status, String code, String field, String message) {
        this(status, code, field, message, 0);
    }

    private SchedulerException(int status, String code, String field, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static SchedulerException jobNotFound(String jobId) {
        return new SchedulerException(404, "job_not_found", null, "no job " + jobId);
    }

    public static SchedulerException notFound(String code, String message) {
        return new SchedulerException(404, code, null, message);
    }

    public static SchedulerException userNotFound(String name) {
        return new SchedulerException(404, "user_not_found", null, "no user " + name);
    }

    public static SchedulerException invalidCursor() {
        return new SchedulerException(400, "invalid_cursor", "cursor",
                "the cursor is not one this list gave out; start again without it");
    }

    public static SchedulerException commandNotFound(String commandId) {
        return new SchedulerException(404, "command_not_found", null, "no command " + commandId + " for this worker");
    }

    public static SchedulerException conflict(String code, String message) {
        return new SchedulerException(409, code, null, message);
    }

    public static SchedulerException invalidCode(String code, String field, String message) {
        return new SchedulerException(400, code, field, message);
    }

    public static SchedulerException invalid(String field, String message) {
        return new SchedulerException(400, "invalid_request", field, message);
    }

    public static SchedulerException notYourWorker(String workerId) {
        return new SchedulerException(403, "forbidden", null, "this token is not worker " + workerId + "'s");
    }

    /** A removed or revoked worker's token, not yet expired: no good any more (its agent registers again). */
    public static SchedulerException workerRevoked(String workerId) {
        return new SchedulerException(401, "worker_revoked", null, "worker " + workerId
                + " was removed or revoked by an admin: its tokens are no good");
    }

    public static SchedulerException forbidden(String message) {
        return new SchedulerException(403, "forbidden", null, message);
    }

    /** 429: the caller asks for more than it may have; it may try again after {@code retryAfterSeconds}. */
    public static SchedulerException tooMany(String code, String message, long retryAfterSeconds) {
        return new SchedulerException(429, code, null, message, retryAfterSeconds);
    }

    public static SchedulerException unavailable(String message) {
        return new SchedulerException(503, "unavailable", null, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Seconds for a Retry-After header, or 0 for none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The rejected field, or null. */
    public String field() {
        return field;
    }
}
