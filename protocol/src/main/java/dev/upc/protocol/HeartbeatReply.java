package dev.upc.protocol;

/**
 * Reply of a heartbeat.
 *
 * @param desiredState             ACTIVE, or DRAIN: take no new jobs, running ones will be migrated off
 * @param heartbeatIntervalSeconds when to send the next heartbeat
 */
public record HeartbeatReply(DesiredState desiredState, long heartbeatIntervalSeconds) {
}
