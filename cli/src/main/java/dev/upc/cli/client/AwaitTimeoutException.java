package dev.upc.cli.client;

import dev.upc.protocol.JobInfo;
import java.time.Duration;

/** A job did not reach the awaited condition in time; carries the job as last seen. */
public final class AwaitTimeoutException extends UpcClientException {

    private final transient JobInfo lastSeen;
    private final Duration timeout;

    public AwaitTimeoutException(JobInfo lastSeen, Duration timeout) {
        super("job " + lastSeen.id() + " is still " + lastSeen.state() + " after " + timeout.toSeconds() + " s",
                null);
        this.lastSeen = lastSeen;
        this.timeout = timeout;
    }

    public JobInfo lastSeen() {
        return lastSeen;
    }

    public Duration timeout() {
        return timeout;
    }
}
