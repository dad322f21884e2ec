package dev.upc.agent.lifecycle;

import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.WorkerSession;
import dev.upc.agent.retry.Backoff;
import dev.upc.protocol.DesiredState;
import dev.upc.protocol.Heartbeat;
import dev.upc.protocol.HeartbeatReply;
import dev.upc.protocol.WorkerRegistered;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Tells the registry, on the interval it asks for, that the PC is alive and what it runs; at once when the owner's
 * presence changes. Each beat renews the worker token when it is due, and learns from the answer whether the PC is
 * to be drained. A failed beat is tried again with backoff, but never later than the interval.
 */
final class Heartbeats {

    private static final Logger LOG = Logger.getLogger(Heartbeats.class);
    /** After registering again, beat this soon: the registry should hear from the PC at once. */
    private static final Duration AFTER_REGISTERING = Duration.ofMillis(100);

    private final ControlPlane control;
    private final Enrolment enrolment;
    private final Function<DesiredState, Heartbeat> content;
    private final ScheduledExecutorService timer;
    private final Troubles troubles;
    private final Backoff backoff;
    private final Clock clock;
    private volatile Duration interval = Duration.ofSeconds(10);
    private volatile DesiredState desired = DesiredState.ACTIVE;
    /** Renewed by every beat the registry takes; none in tests that do not care. */
    private volatile Lease lease;
    private volatile Instant lastAt;
    /** Guarded by this. */
    private ScheduledFuture<?> next;
    private boolean closed;

    /**
     * @param content what a beat says, built afresh for each from the desired state (see {@link JobReports})
     */
    Heartbeats(ControlPlane control, Enrolment enrolment, Function<DesiredState, Heartbeat> content,
               ScheduledExecutorService timer, Troubles troubles, Backoff backoff, Clock clock) {
        this.control = control;
        this.enrolment = enrolment;
        this.content = content;
        this.timer = timer;
        this.troubles = troubles;
        this.backoff = backoff;
        this.clock = clock;
    }

    /** The registry's answer to a registration sets the interval and the desired state too. */
    void registered(WorkerRegistered answer) {
        interval = Duration.ofSeconds(Math.max(1, answer.heartbeatIntervalSeconds()));
        desired = answer.desiredState() == null ? DesiredState.ACTIVE : answer.desiredState();
    }

    /** Every beat the registry takes renews {@code renewed} from the moment the beat was sent. */
    void renews(Lease renewed) {
        this.lease = renewed;
    }

    /** Beats now (e.g. the owner came back), then on the interval. */
    void now() {
        schedule(Duration.ZERO);
    }

    synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel(false);
        }
    }

    DesiredState desired() {
        return desired;
    }

    /** When a beat last went through; null before the first. */
    Instant lastAt() {
        return lastAt;
    }

    private synchronized void schedule(Duration delay) {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        next = timer.schedule(this::beat, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void beat() {
        Duration after = interval;
        WorkerSession current = enrolment.fresh();
        Lease renewed = lease;
        long sentAt = renewed == null ? 0 : renewed.now();
        try {
            HeartbeatReply reply = control.heartbeat(current, content.apply(desired));
            if (renewed != null) {
                renewed.renewed(sentAt);
            }
            lastAt = clock.instant();
            backoff.reset();
            troubles.clear();
            if (reply.desiredState() != desired) {
                LOG.infof("worker=%s desired state %s → %s", current.workerId(), desired, reply.desiredState());
                desired = reply.desiredState();
            }
            interval = Duration.ofSeconds(Math.max(1, reply.heartbeatIntervalSeconds()));
            after = interval;
        } catch (ControlPlaneException e) {
            if (CallFailure.of(e) == CallFailure.REGISTER_AGAIN) {
                enrolment.registerAgain(current);
                after = AFTER_REGISTERING;
            } else {
                Duration wait = backoff.next();
                after = wait.compareTo(interval) < 0 ? wait : interval;
                troubles.report("heartbeat failed: " + e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "heartbeat could not be built");
        } finally {
            schedule(after);
        }
    }
}
