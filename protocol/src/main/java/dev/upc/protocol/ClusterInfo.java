package dev.upc.protocol;

/**
 * Reply of {@code GET /api/v1/cluster} on the scheduler, the one address a client is given: where the cluster's other
 * services are, as clients reach them. A null URL means "the same address as the scheduler" (one ingress that routes
 * {@code /api/v1/workers} to the registry and {@code /api/v1/blobs} to the store).
 *
 * @param version     the scheduler's version
 * @param registryUrl the worker registry's base URL for clients, or null
 * @param storeUrl    the checkpoint store's base URL for clients, or null
 */
public record ClusterInfo(String version, String registryUrl, String storeUrl) {
}
