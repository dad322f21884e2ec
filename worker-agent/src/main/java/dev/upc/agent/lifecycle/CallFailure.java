package dev.upc.agent.lifecycle;

import dev.upc.agent.control.ControlPlaneException;

/**
 * The agent's one rule for a failed call to the registry or the scheduler, the same in every loop: what it does next.
 */
enum CallFailure {

    /**
     * The worker's credential is no good here: refused (401), not this worker's (403), or the registry no longer
     * knows the worker (404 {@code worker_not_found}). Register again, then make the call again.
     */
    REGISTER_AGAIN,
    /** No answer, or the service is failing for now (408, 429, 5xx): wait with backoff and make it again. */
    RETRY_LATER,
    /** The service refused this very call (any other 4xx): making it again gets the same answer. */
    REFUSED;

    static final String WORKER_NOT_FOUND = "worker_not_found";
    /** The registry refuses this PC for good (an admin revoked it): registering again cannot help. */
    static final String MACHINE_REVOKED = "machine_revoked";

    static CallFailure of(ControlPlaneException e) {
        if (MACHINE_REVOKED.equals(e.error())) {
            return REFUSED;
        }
        if (e.unauthorized() || e.status() == 403 || e.status() == 404 && WORKER_NOT_FOUND.equals(e.error())) {
            return REGISTER_AGAIN;
        }
        return e.retryable() ? RETRY_LATER : REFUSED;
    }
}
