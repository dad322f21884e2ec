package dev.upc.scheduler.rest;

/** The {@code groups} of the cluster's tokens that this API knows. */
final class Roles {

    static final String ADMIN = "admin";
    static final String USER = "user";
    static final String WORKER = "worker";

    private Roles() {
    }
}
