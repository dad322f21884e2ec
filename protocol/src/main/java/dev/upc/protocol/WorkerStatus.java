package dev.upc.protocol;

/**
 * A worker's liveness, computed from the age of its last heartbeat at the time of the request: ONLINE while
 * younger than the registry's suspect threshold, SUSPECT until the lost threshold, LOST after it.
 */
public enum WorkerStatus {
    ONLINE,
    SUSPECT,
    LOST
}
