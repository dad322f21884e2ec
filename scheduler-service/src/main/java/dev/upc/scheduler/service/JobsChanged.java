package dev.upc.scheduler.service;

/**
 * Fired (CDI event) when something committed may free or need a worker: a submission, an applied agent event, a
 * cancel. The planner plans again soon; the services need not know it exists.
 */
public record JobsChanged(String jobId) {
}
