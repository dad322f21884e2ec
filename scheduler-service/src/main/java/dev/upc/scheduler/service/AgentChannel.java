package dev.upc.scheduler.service;

import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommands;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.BlobCapability;
import dev.upc.scheduler.job.StoredCommand;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The agents' side of the protocol: the long poll for commands and the events that acknowledge them.
 *
 * <p>Poll: unacknowledged commands of the worker, oldest first, at once if there are any; otherwise the poll waits
 * until a command for the worker is committed (any replica, via NOTIFY) or {@code waitSeconds} pass (then empty).
 * Every delivery of a CHECKPOINT, RESTORE or PREFETCH carries a freshly minted capability token.
 */
@ApplicationScoped
public class AgentChannel {

    /** Which events may answer which command. */
    private static final Map<AgentCommandType, Set<AgentEventType>> ANSWERS = Map.of(
            AgentCommandType.RUN, EnumSet.of(AgentEventType.STARTED, AgentEventType.EXITED, AgentEventType.FAILED),
            AgentCommandType.RESTORE, EnumSet.of(AgentEventType.RESTORED, AgentEventType.EXITED, AgentEventType.FAILED),
            AgentCommandType.CHECKPOINT, EnumSet.of(AgentEventType.CHECKPOINTED, AgentEventType.FAILED),
            AgentCommandType.KILL, EnumSet.of(AgentEventType.EXITED, AgentEventType.FAILED),
            AgentCommandType.CLEANUP, EnumSet.of(AgentEventType.EXITED, AgentEventType.FAILED),
            AgentCommandType.PREFETCH, EnumSet.of(AgentEventType.ACCEPTED, AgentEventType.FAILED));

    /** Events after which a job may have checkpoints it no longer needs. */
    private static final Set<AgentEventType> PRUNING_EVENTS =
            EnumSet.of(AgentEventType.CHECKPOINTED, AgentEventType.EXITED, AgentEventType.FAILED);

    private final Pool pool;
    private final JobStore store;
    private final JobTransitions transitions;
    private final Wakeups wakeups;
    private final CapabilityTokens capabilities;
    private final Event<JobsChanged> changes;
    private final Clock clock;
    private final CheckpointPruning pruning;

    AgentChannel(Pool pool, JobStore store, JobTransitions transitions, Wakeups wakeups,
                 CapabilityTokens capabilities, Event<JobsChanged> changes, Clock clock, CheckpointPruning pruning) {
        this.pruning = pruning;
        this.pool = pool;
        this.store = store;
        this.transitions = transitions;
        this.wakeups = wakeups;
        this.capabilities = capabilities;
        this.changes = changes;
        this.clock = clock;
    }

    public Uni<List<AgentCommand>> poll(String workerId, Duration wait) {
        CompletableFuture<Void> woken = wakeups.register(Wakeups.Channel.COMMANDS, workerId);
        return store.unacked(pool, workerId)
                .chain(commands -> {
                    if (!commands.isEmpty() || wait.isZero()) {
                        return Uni.createFrom().item(commands);
                    }
                    return Uni.createFrom().completionStage(woken)
                            .ifNoItem().after(wait).recoverWithItem((Void) null)
                            .chain(() -> store.unacked(pool, workerId));
                })
                .onTermination().invoke(() -> wakeups.unregister(Wakeups.Channel.COMMANDS, workerId, woken))
                .map(commands -> commands.stream().map(this::toWire).toList());
    }

    /**
     * What the scheduler places on the worker now: each unfinished job whose current container is there, with that
     * container's epoch (a migration's kept source is not: its container stopped with the checkpoint).
     */
    public Uni<List<AgentCommands.Placement>> placements(String workerId) {
        return store.activeOn(pool, workerId).map(jobs -> jobs.stream()
                .filter(job -> workerId.equals(job.workerId()))
                .map(job -> new AgentCommands.Placement(job.id(), job.epoch())).toList());
    }

    /** Applies an agent's event; see {@link AgentEventReply} for the answer. */
    public Uni<AgentEventReply> report(String workerId, AgentEvent event) {
        Instant now = clock.instant();
        record Reported(AgentEventReply reply, Tx tx) {
        }
        return pool.withTransaction(c -> store.lockCommand(c, event.commandId()).chain(command -> {
            if (command == null || !command.workerId().equals(workerId)) {
                return Uni.createFrom().failure(SchedulerException.commandNotFound(event.commandId()));
            }
            if (!command.jobId().equals(event.jobId())) {
                return Uni.createFrom().failure(SchedulerException.invalid("jobId",
                        "command " + command.id() + " is about job " + command.jobId()));
            }
            if (command.epoch() != event.epoch()) {
                return Uni.createFrom().failure(SchedulerException.invalid("epoch",
                        "command " + command.id() + " is about epoch " + command.epoch()));
            }
            if (!ANSWERS.get(command.type()).contains(event.type())) {
                return Uni.createFrom().failure(SchedulerException.invalid("type",
                        event.type() + " does not answer a " + command.type() + " (expected one of "
                                + ANSWERS.get(command.type()) + ")"));
            }
            return store.recordAgentEvent(c, command.id(), event.type().name(), event, now).chain(first -> {
                if (!first) {
                    return Uni.createFrom().item(new Reported(
                            new AgentEventReply(AgentEventReply.Outcome.DUPLICATE, List.of()), null));
                }
                Tx tx = new Tx(c, store, now);
                tx.ack(command.id());
                return store.lock(c, command.jobId()).chain(job -> {
                    AgentEventReply.Outcome outcome = job.onEvent(tx, command, event);
                    tx.save(job);
                    return tx.run().map(done -> new Reported(new AgentEventReply(outcome, tx.commands().stream()
                            .filter(follow -> follow.workerId().equals(workerId)).map(this::toWire).toList()), tx));
                });
            });
        })).map(reported -> {
            if (reported.reply().outcome() == AgentEventReply.Outcome.APPLIED) {
                transitions.observe(reported.tx());
                changes.fire(new JobsChanged(event.jobId()));
                if (PRUNING_EVENTS.contains(event.type())) {
                    pruning.afterCommit(event.jobId()); // a newer checkpoint, or perhaps the job's end
                }
            }
            return reported.reply();
        });
    }

    private AgentCommand toWire(StoredCommand command) {
        String blobId = command.payload().blobId();
        CapabilityTokens.Capability capability = null;
        if (command.type() == AgentCommandType.CHECKPOINT) {
            capability = capabilities.checkpointUpload(command.workerId(), blobId,
                    CapabilityTokens.checkpointBound(command.payload().job()));
        } else if (command.type() == AgentCommandType.RESTORE || command.type() == AgentCommandType.PREFETCH) {
            capability = capabilities.checkpoint(command.workerId(), blobId, BlobCapability.READ);
        }
        return new AgentCommand(command.id(), command.type(), command.jobId(), command.epoch(),
                AgentCommand.containerName(command.jobId(), command.epoch()), command.payload().job(), blobId,
                command.type() == AgentCommandType.RESTORE ? command.blobSha256() : null,
                capability == null ? null : capability.token(), capability == null ? null : capability.expiresAt(),
                command.payload().leaveRunning(), command.createdAt());
    }
}
