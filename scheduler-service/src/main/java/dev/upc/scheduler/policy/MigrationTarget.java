package dev.upc.scheduler.policy;

/** The policy's answer to "move this running job": where to, or why not. */
public sealed interface MigrationTarget {

    /** Move the job to this worker. */
    record Chosen(String workerId, HostFacts facts) implements MigrationTarget {
    }

    /** It cannot move now; {@code code} is a stable machine-readable reason, {@code message} says it to people. */
    record Refused(String code, String message) implements MigrationTarget {
    }
}
