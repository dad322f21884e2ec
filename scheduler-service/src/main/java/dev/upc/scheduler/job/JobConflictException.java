package dev.upc.scheduler.job;

/** A transition the job's state does not allow (answered 409 with {@link #code()}). */
public final class JobConflictException extends RuntimeException {

    private final String code;

    public JobConflictException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
