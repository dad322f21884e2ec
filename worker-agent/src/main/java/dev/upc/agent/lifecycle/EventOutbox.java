package dev.upc.agent.lifecycle;

import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.WorkerSession;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Sends the events queued in the state file to the scheduler, oldest first, each until the scheduler has it: an event
 * survives outages and restarts of either side. An acknowledged event lets the poll stop re-delivering its command;
 * the commands the scheduler answers with (e.g. a migration's RESTORE after its CHECKPOINTED) start at once, without
 * waiting for the next poll.
 */
final class EventOutbox {

    private static final Logger LOG = Logger.getLogger(EventOutbox.class);
    /** With nothing to send, look anyway this often. */
    private static final Duration IDLE_LOOK = Duration.ofSeconds(30);
    /**
     * How often the scheduler may fail on one event with a 500 while it demonstrably works otherwise (its command
     * poll, which reads the same database, went through since the event began to fail) before the event is set
     * aside: one poisoned event must not hold back every later one. An outage does not count: no answer, 503, a
     * proxy's 502/504, 408, 429, or a 500 while the poll fails too (its database down).
     */
    static final int MAX_ANSWERED_FAILURES = 8;

    private final AgentState state;
    private final ControlPlane control;
    private final Enrolment enrolment;
    private final Consumer<AgentCommand> followUps;
    private final Progress progress;
    private final Troubles troubles;
    private final Clock clock;
    /** The event at the head of the outbox and how often the scheduler failed on it while answering. */
    private AgentEvent failing;
    private Instant failingSince;
    private int answeredFailures;
    /** When the scheduler last answered a command poll. */
    private final Supplier<Instant> schedulerWorkedAt;

    EventOutbox(AgentState state, ControlPlane control, Enrolment enrolment, Consumer<AgentCommand> followUps,
                Progress progress, Troubles troubles, Clock clock, Supplier<Instant> schedulerWorkedAt) {
        this.clock = clock;
        this.schedulerWorkedAt = schedulerWorkedAt;
        this.state = state;
        this.control = control;
        this.enrolment = enrolment;
        this.followUps = followUps;
        this.progress = progress;
        this.troubles = troubles;
    }

    /** Sends until {@link Progress#close}. */
    void run(Backoff backoff) {
        while (!progress.closed()) {
            long seen = progress.seen();
            Optional<AgentEvent> next = state.nextEvent();
            if (next.isEmpty()) {
                progress.await(seen, IDLE_LOOK);
                continue;
            }
            AgentEvent event = next.get();
            WorkerSession current = enrolment.session();
            try {
                AgentEventReply reply = control.report(current, event);
                state.delivered(event);
                progress.signal(); // its command is acknowledged now: the poll stops re-delivering it
                backoff.reset();
                LOG.debugf("event=%s command=%s job=%s epoch=%d outcome=%s", event.type(), event.commandId(),
                        event.jobId(), event.epoch(), reply.outcome());
                reply.commands().forEach(followUps);
            } catch (ControlPlaneException e) {
                switch (CallFailure.of(e)) {
                    case REGISTER_AGAIN -> {
                        enrolment.registerAgain(current);
                        progress.pause(backoff.next());
                    }
                    case RETRY_LATER -> {
                        if (poisoned(event, e)) {
                            continue;
                        }
                        Duration wait = backoff.next();
                        troubles.report("reporting " + event.type() + " of job " + event.jobId() + " failed ("
                                + e.getMessage() + "); again in " + wait.toMillis() + " ms");
                        progress.pause(wait);
                    }
                    case REFUSED -> {
                        LOG.errorf("event=%s command=%s job=%s set aside: the scheduler refused it for good: %s",
                                event.type(), event.commandId(), event.jobId(), e.getMessage());
                        state.setAside(event, clock.instant(), "refused: " + e.getMessage());
                    }
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "reporting an event failed unexpectedly");
                progress.pause(backoff.next());
            }
        }
    }

    /**
     * Counts a failure the scheduler answered for the event at the head; at {@link #MAX_ANSWERED_FAILURES} sets it
     * aside (kept in the state file with the reason) and returns true. Its job is reconciled from this PC's reports:
     * the heartbeat lists its containers, and the scheduler has stale ones removed.
     */
    private boolean poisoned(AgentEvent event, ControlPlaneException e) {
        if (!event.equals(failing)) {
            failing = event;
            failingSince = clock.instant();
            answeredFailures = 0;
        }
        Instant worked = schedulerWorkedAt.get();
        if (e.status() != 500 || worked == null || !worked.isAfter(failingSince)) {
            return false; // an outage, or not shown to be this event's doing
        }
        if (++answeredFailures < MAX_ANSWERED_FAILURES) {
            return false;
        }
        String reason = "the scheduler failed on it " + answeredFailures + " times while answering (last: "
                + e.getMessage() + ")";
        LOG.errorf("event=%s command=%s job=%s epoch=%d set aside: %s; the events after it flow on", event.type(),
                event.commandId(), event.jobId(), event.epoch(), reason);
        state.setAside(event, clock.instant(), reason);
        troubles.report("event " + event.type() + " of job " + event.jobId() + " set aside: " + reason);
        failing = null;
        answeredFailures = 0;
        return true;
    }
}
