package dev.upc.scheduler.job;

/**
 * The stopped container a migration's source keeps until the target confirms RESTORED, so that a failed restore can
 * roll back to it.
 */
public record KeptSource(String workerId, long epoch) {
}
