package dev.upc.agent.lifecycle;

import dev.upc.agent.control.ControlPlane;
import dev.upc.agent.control.ControlPlaneException;
import dev.upc.agent.control.WorkerSession;
import dev.upc.agent.job.Events;
import dev.upc.agent.job.Staleness;
import dev.upc.agent.retry.Backoff;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Long-polls the scheduler for the worker's commands and starts each once: a command already done (the state file
 * remembers it) or under way is not started again when the scheduler delivers it again, and one about a container
 * this PC has moved past is answered FAILED at once ({@link Staleness}). The events a command ends with are queued in
 * the state file for the {@link EventOutbox}.
 */
final class CommandLoop {

    private static final Logger LOG = Logger.getLogger(CommandLoop.class);
    /** A re-delivered command still being carried out is not news: wait this long for progress before polling again. */
    static final Duration BUSY_PAUSE = Duration.ofSeconds(2);

    /** What the agent does with a command; the events it answers with. */
    @FunctionalInterface
    interface Handler {
        List<AgentEvent> execute(AgentCommand command);
    }

    private final AgentState state;
    private final ControlPlane control;
    private final Enrolment enrolment;
    private final Handler handler;
    private final Executor executor;
    private final Progress progress;
    private final Troubles troubles;
    private final Duration pollWait;
    private final Clock clock;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile Instant lastPollAt;

    CommandLoop(AgentState state, ControlPlane control, Enrolment enrolment, Handler handler, Executor executor,
                Progress progress, Troubles troubles, Duration pollWait, Clock clock) {
        this.state = state;
        this.control = control;
        this.enrolment = enrolment;
        this.handler = handler;
        this.executor = executor;
        this.progress = progress;
        this.troubles = troubles;
        this.pollWait = pollWait;
        this.clock = clock;
    }

    /** Polls until {@link Progress#close}. */
    void run(Backoff backoff) {
        while (!progress.closed()) {
            WorkerSession current = enrolment.session();
            long seen = progress.seen(); // progress during the poll must not be slept through after it
            try {
                List<AgentCommand> received = control.poll(current, pollWait);
                lastPollAt = clock.instant();
                backoff.reset();
                int started = 0;
                for (AgentCommand command : received) {
                    started += dispatch(command) ? 1 : 0;
                }
                if (!received.isEmpty() && started == 0) {
                    progress.await(seen, BUSY_PAUSE); // only re-deliveries of work in hand: do not spin on them
                }
            } catch (ControlPlaneException e) {
                Duration wait = backoff.next();
                if (CallFailure.of(e) == CallFailure.REGISTER_AGAIN) {
                    enrolment.registerAgain(current);
                } else {
                    troubles.report("command poll failed (" + e.getMessage() + "); again in " + wait.toMillis()
                            + " ms");
                }
                progress.pause(wait);
            } catch (RuntimeException e) {
                LOG.errorf(e, "command poll failed unexpectedly");
                progress.pause(backoff.next());
            }
        }
    }

    /**
     * Starts a command unless it is done or under way (a command also arrives with the answer to an event).
     *
     * @return whether it started, or was answered at once
     */
    boolean dispatch(AgentCommand command) {
        if (state.handled(command.commandId()) || !inFlight.add(command.commandId())) {
            return false;
        }
        Optional<String> stale = Staleness.of(command, state.containers().values());
        if (stale.isPresent()) {
            LOG.warnf("command=%s refused: %s", command.commandId(), stale.get());
            finish(command, () -> state.done(command.commandId(), List.of(Events.failed(command, stale.get()))));
            return true;
        }
        // A handler that throws leaves the command not done: the scheduler delivers it again.
        executor.execute(() -> finish(command, () -> state.done(command.commandId(), handler.execute(command))));
        return true;
    }

    private void finish(AgentCommand command, Runnable work) {
        try {
            work.run();
        } finally {
            inFlight.remove(command.commandId());
            progress.signal();
        }
    }

    int inFlight() {
        return inFlight.size();
    }

    Instant lastPollAt() {
        return lastPollAt;
    }
}
