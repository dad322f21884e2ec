package dev.upc.agent.lifecycle;

import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.WorkerSession;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.WorkerRegistered;
import dev.upc.protocol.WorkerRegistration;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The PC's registration with the registry: the worker id and token every call of the agent carries, renewed before
 * the token expires and registered again when a service refuses it ({@link CallFailure#REGISTER_AGAIN}). The worker id
 * is kept in the state file; registering again from the same machine keeps it, and with it the jobs.
 */
final class Enrolment {

    private static final Logger LOG = Logger.getLogger(Enrolment.class);
    /** A token this close to its expiry is renewed by registering again. */
    static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    private final String joinToken;
    private final AgentState state;
    private final ControlPlane control;
    private final Clock clock;
    private final Troubles troubles;
    private volatile Consumer<WorkerRegistered> onRegistered = answer -> { };
    private final Object registering = new Object();
    private volatile WorkerRegistration registration;
    private volatile WorkerSession session;

    Enrolment(WorkerRegistration registration, String joinToken, AgentState state, ControlPlane control, Clock clock,
              Troubles troubles) {
        this.registration = registration;
        this.joinToken = joinToken;
        this.state = state;
        this.control = control;
        this.clock = clock;
        this.troubles = troubles;
    }

    /** Tells {@code listener} every answer of the registry (its heartbeat interval and desired state). */
    void onRegistered(Consumer<WorkerRegistered> listener) {
        this.onRegistered = listener;
    }

    /**
     * Registers, waiting out a registry that cannot be reached or is failing, until {@code progress} closes.
     *
     * @throws StartupCheckException when the registry refuses the join token or the registration itself
     */
    void registerFirst(Backoff backoff, Progress progress, String registryUrl) {
        while (!progress.closed()) {
            try {
                register();
                return;
            } catch (ControlPlaneException e) {
                switch (CallFailure.of(e)) {
                    case REGISTER_AGAIN -> throw new StartupCheckException("the registry at " + registryUrl
                            + " refused the join token: check upc.agent.join-token-file (" + e.getMessage() + ")", e);
                    case REFUSED -> throw new StartupCheckException("the registry rejected this PC's registration: "
                            + e.getMessage(), e);
                    case RETRY_LATER -> {
                        Duration wait = backoff.next();
                        troubles.report("registry not reachable (" + e.getMessage() + "); trying again in "
                                + wait.toMillis() + " ms");
                        progress.pause(wait);
                    }
                }
            }
        }
    }

    /** The session to call with; null before the first registration. */
    WorkerSession session() {
        return session;
    }

    WorkerRegistration registration() {
        return registration;
    }

    /** The session to call with, renewed first when its token is about to expire. */
    WorkerSession fresh() {
        WorkerSession current = session;
        if (current != null && current.expiresAt() != null
                && clock.instant().plus(RENEW_BEFORE).isAfter(current.expiresAt())) {
            registerAgain(current);
        }
        return session;
    }

    /**
     * After a service refused {@code refused}'s credential: register again, unless another loop already did. A
     * failure is reported, not thrown: the caller's next attempt tries again.
     */
    void registerAgain(WorkerSession refused) {
        synchronized (registering) {
            if (session != refused) {
                return;
            }
            try {
                register();
                LOG.infof("registered again as worker=%s", session.workerId());
            } catch (ControlPlaneException e) {
                troubles.report("registering again failed: " + e.getMessage());
            }
        }
    }

    /** New facts about this PC (e.g. podman was upgraded): register them; the worker id stays. */
    void update(WorkerRegistration updated) {
        synchronized (registering) {
            registration = updated;
            try {
                register();
            } catch (ControlPlaneException e) {
                troubles.report("registering the new facts failed: " + e.getMessage()
                        + "; they go with the next registration");
            }
        }
    }

    /**
     * Makes {@code call} with the current session; when the credential was refused, registers again and makes it once
     * more. Other failures are the caller's.
     */
    <T> T call(Function<WorkerSession, T> call) {
        WorkerSession current = session;
        if (current == null) {
            throw new ControlPlaneException("not registered yet: no worker token to call with", 0, null, null);
        }
        try {
            return call.apply(current);
        } catch (ControlPlaneException e) {
            if (CallFailure.of(e) != CallFailure.REGISTER_AGAIN) {
                throw e;
            }
            registerAgain(current);
            return call.apply(session);
        }
    }

    private void register() {
        synchronized (registering) {
            WorkerRegistered answer = control.register(registration, joinToken, state.credential().orElse(null));
            if (answer.credential() != null) {
                state.credential(answer.credential()); // enrolled (again, as a new worker if it was removed)
            }
            session = new WorkerSession(answer.workerId(), answer.workerToken(), answer.tokenExpiresAt());
            if (!answer.workerId().equals(state.workerId().orElse(null))) {
                state.workerId(answer.workerId());
            }
            onRegistered.accept(answer);
        }
    }
}
