package dev.upc.scheduler.job;

import static dev.upc.scheduler.job.RecordingEffects.X86;
import static dev.upc.scheduler.job.RecordingEffects.answer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventReply.Outcome;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.JobEventType;
import dev.upc.protocol.JobState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The job's lifecycle rules, transition by transition, without a database. */
class JobTest {

    private final RecordingEffects effects = new RecordingEffects();

    private StoredCommand last(Job job) {
        return effects.stored(job, effects.lastCommand());
    }

    private Outcome report(Job job, StoredCommand command, AgentEventType type) {
        return job.onEvent(effects, command, answer(job, command, type));
    }

    @Test
    void aPlacementSendsRunWithTheNextEpochAndTheAgentsStartMakesItRunning() {
        Job job = effects.submitted("j1");
        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(effects.lastEvent().type()).isEqualTo(JobEventType.SUBMITTED);

        job.place(effects, "wa", X86, false);

        assertThat(job.state()).isEqualTo(JobState.PLACED);
        assertThat(effects.lastCommand()).extracting(RecordingEffects.Sent::workerId, RecordingEffects.Sent::epoch,
                RecordingEffects.Sent::type).containsExactly("wa", 1L, AgentCommandType.RUN);
        assertThat(report(job, last(job), AgentEventType.STARTED)).isEqualTo(Outcome.APPLIED);
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(job.settled()).isTrue();
        assertThat(job.toInfo("pc1")).satisfies(info -> {
            assertThat(info.owner()).isEqualTo("alice");
            assertThat(info.workerId()).isEqualTo("wa");
            assertThat(info.workerName()).isEqualTo("pc1");
            assertThat(info.startedAt()).isNotNull();
        });
    }

    @Test
    void aMigrationRestoresOnTheTargetAndCleansUpTheKeptSourceOnlyOnceRestored() {
        Job job = effects.running("j1", "wa");
        job.startMigration(effects, "wb", X86, "MANUAL");
        StoredCommand checkpoint = last(job);
        assertThat(checkpoint.type()).isEqualTo(AgentCommandType.CHECKPOINT);
        assertThat(job.targetWorkerId()).isEqualTo("wb");

        effects.advance(Duration.ofSeconds(2));
        report(job, checkpoint, AgentEventType.CHECKPOINTED);

        assertThat(job.epoch()).isEqualTo(2);
        assertThat(job.workerId()).isEqualTo("wb");
        assertThat(job.targetWorkerId()).as("landed: no longer a reservation").isNull();
        assertThat(effects.lastCommand().type()).isEqualTo(AgentCommandType.RESTORE);
        assertThat(job.mayHaveContainer("wa", 1)).as("the kept source").isTrue();
        int sent = effects.commands.size();

        effects.advance(Duration.ofSeconds(1));
        report(job, last(job), AgentEventType.RESTORED);

        assertThat(job.state()).isEqualTo(JobState.RUNNING);
        assertThat(effects.commands.subList(sent, effects.commands.size()))
                .extracting(RecordingEffects.Sent::workerId, RecordingEffects.Sent::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("wa", AgentCommandType.CLEANUP));
        RecordingEffects.Noted migrated = effects.events.stream().filter(e -> e.type() == JobEventType.MIGRATED)
                .findFirst().orElseThrow();
        assertThat(migrated.details()).containsEntry("from", "wa").containsEntry("to", "wb")
                .containsEntry("downtimeMillis", 3000L).containsEntry("reason", "MANUAL");
        assertThat(job.mayHaveContainer("wa", 1)).isFalse();
    }

    @Test
    void theTargetPrefetchesTheCheckpointForTheContainerTheRestoreWillNameAndItsAnswerChangesNothing() {
        Job job = effects.running("j1", "wa");
        job.startMigration(effects, "wb", X86, "SPEED");
        RecordingEffects.Sent prefetch = effects.commands.get(effects.commands.size() - 2);
        StoredCommand checkpoint = last(job);
        assertThat(prefetch.type()).isEqualTo(AgentCommandType.PREFETCH);
        assertThat(prefetch.workerId()).isEqualTo("wb");
        assertThat(prefetch.epoch()).isEqualTo(2L);
        assertThat(prefetch.payload().blobId()).isEqualTo(checkpoint.payload().blobId());
        assertThat(prefetch.payload().job()).as("the spec, for its image and limits").isNotNull();

        StoredCommand stored = effects.stored(job, prefetch);
        assertThat(job.onEvent(effects, stored, new AgentEvent(stored.id(), job.id(), 2L, AgentEventType.ACCEPTED,
                null, null, null, null, null, null, null, null, null, null, null, null))).isEqualTo(Outcome.APPLIED);
        assertThat(job.state()).isEqualTo(JobState.MIGRATING);
        assertThat(job.op()).isEqualTo(JobOp.MIGRATE_CHECKPOINT);
        assertThat(job.epoch()).as("the source's until CHECKPOINTED").isEqualTo(1L);

        report(job, checkpoint, AgentEventType.CHECKPOINTED);
        assertThat(effects.lastCommand()).extracting(RecordingEffects.Sent::workerId, RecordingEffects.Sent::epoch,
                RecordingEffects.Sent::type).containsExactly("wb", 2L, AgentCommandType.RESTORE);
        assertThat(effects.lastCommand().payload().blobId()).isEqualTo(prefetch.payload().blobId());
    }

    @Test
    void aMigrationsDowntimeIsBrokenIntoTheAgentsPhasesAndWhatNoAgentTimed() {
        Job job = effects.running("j1", "wa");
        job.startMigration(effects, "wb", X86, "SPEED");
        StoredCommand checkpoint = last(job);
        effects.advance(Duration.ofMillis(1200));
        job.onEvent(effects, checkpoint, new AgentEvent(checkpoint.id(), job.id(), checkpoint.epoch(),
                AgentEventType.CHECKPOINTED, null, 4.0, checkpoint.payload().blobId(), 33_554_432L, "a".repeat(64),
                500L, 600L, null, null, null, null, null));
        StoredCommand restore = last(job);
        effects.advance(Duration.ofMillis(1800));
        job.onEvent(effects, restore, new AgentEvent(restore.id(), job.id(), restore.epoch(), AgentEventType.RESTORED,
                null, null, null, null, null, null, 450L, 900L, 170L, null, null, null));

        RecordingEffects.Noted migrated = effects.events.stream().filter(e -> e.type() == JobEventType.MIGRATED)
                .findFirst().orElseThrow();
        assertThat(migrated.details()).containsEntry("downtimeMillis", 3000L).containsEntry("checkpointMillis", 500L)
                .containsEntry("uploadMillis", 600L).containsEntry("imageMillis", 170L)
                .containsEntry("downloadMillis", 450L).containsEntry("restoreMillis", 900L)
                .containsEntry("transferMillis", 1050L)
                .containsEntry("coordinationMillis", 3000L - 500 - 600 - 170 - 450 - 900);
    }

    @Test
    void aFailedRestoreRollsBackToTheSourceWithANewEpoch() {
        Job job = effects.restoring("j1", "wa", "wb");
        StoredCommand restore = last(job);

        report(job, restore, AgentEventType.FAILED);

        assertThat(job.epoch()).isEqualTo(3);
        assertThat(job.workerId()).isEqualTo("wa");
        assertThat(job.op()).isEqualTo(JobOp.ROLLBACK_RESTORE);
        assertThat(effects.commands.subList(effects.commands.size() - 2, effects.commands.size()))
                .extracting(RecordingEffects.Sent::workerId, RecordingEffects.Sent::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("wb", AgentCommandType.CLEANUP),
                        org.assertj.core.groups.Tuple.tuple("wa", AgentCommandType.RESTORE));
        report(job, last(job), AgentEventType.RESTORED);
        assertThat(job.state()).isEqualTo(JobState.RUNNING);
    }

    /** A job whose PC was lost, with a periodic checkpoint, placed again on {@code target}: its RESTORE in flight. */
    private Job recoveringOn(String target) {
        Job job = effects.running("j1", "wa");
        job.periodicCheckpoint(effects);
        StoredCommand checkpoint = last(job);
        job.onEvent(effects, checkpoint, answer(job, checkpoint, AgentEventType.CHECKPOINTED));
        job.recover(effects, true);
        job.place(effects, target, X86, true);
        assertThat(last(job).type()).isEqualTo(AgentCommandType.RESTORE);
        return job;
    }

    @Test
    void aRestoreFailingOnThePcKeepsTheCheckpointForTheNextTry() {
        Job job = recoveringOn("wb");
        String checkpoint = job.checkpointBlobId();

        report(job, last(job), AgentEventType.FAILED);

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.checkpointBlobId()).isEqualTo(checkpoint);
    }

    @Test
    void aCheckpointTheAgentRefusesIsDroppedAndTheJobStartsAgainFromTheBeginning() {
        Job job = recoveringOn("wb");
        StoredCommand restore = last(job);
        String checkpoint = job.checkpointBlobId();

        job.onEvent(effects, restore, new AgentEvent(restore.id(), job.id(), restore.epoch(), AgentEventType.FAILED,
                null, null, checkpoint, null, null, null, null, null, null, null, "sha256 differs", null));

        assertThat(job.state()).isEqualTo(JobState.QUEUED);
        assertThat(job.checkpointBlobId()).isNull();
        assertThat(effects.lastEvent().type()).isEqualTo(JobEventType.RETRIED);
        assertThat(effects.lastEvent().details()).containsEntry("fromCheckpoint", false);
        job.place(effects, "wb", X86, false);
        assertThat(last(job).type()).as("from the beginning").isEqualTo(AgentCommandType.RUN);
    }

    @Test
    void anEventAboutAnOlderEpochIsAnsweredWithAKillOfThatContainerAndChangesNothing() {
        Job job = effects.running("j1", "wa");
        StoredCommand oldRun = effects.stored(job, effects.commands.get(0));
        job.recover(effects, false); // wa was lost
        job.place(effects, "wb", X86, false);
        long epoch = job.epoch();

        Outcome outcome = job.onEvent(effects, oldRun, answer(job, oldRun, AgentEventType.STARTED));

        assertThat(outcome).isEqualTo(Outcome.STALE);
        assertThat(job.epoch()).isEqualTo(epoch);
        assertThat(job.workerId()).isEqualTo("wb");
        assertThat(effects.lastCommand()).extracting(RecordingEffects.Sent::workerId, RecordingEffects.Sent::epoch,
                RecordingEffects.Sent::type).containsExactly("wa", 1L, AgentCommandType.KILL);
    }

    @Test
    void cancelKillsTheContainerAndAFinishedJobCannotBeCancelledAgain() {
        Job job = effects.running("j1", "wa");
        job.cancel(effects);

        assertThat(job.state()).isEqualTo(JobState.CANCELLED);
        assertThat(effects.lastCommand().type()).isEqualTo(AgentCommandType.KILL);
        assertThatThrownBy(() -> job.cancel(effects)).isInstanceOf(JobConflictException.class)
                .hasMessageContaining("already CANCELLED");
    }

    @Test
    void aFailedExitIsRetriedFromScratchUntilTheRetriesRunOut() {
        Job job = effects.running("j1", "wa"); // maxRetries 2
        for (int attempt = 0; attempt < 3; attempt++) {
            StoredCommand run = last(job).type() == AgentCommandType.RUN ? last(job)
                    : effects.stored(job, effects.commands.stream().filter(c -> c.type() == AgentCommandType.RUN)
                            .reduce((a, b) -> b).orElseThrow());
            AgentEvent exit = new AgentEvent(run.id(), job.id(), run.epoch(), AgentEventType.EXITED, 3, 1.0, null,
                    null, null, null, null, null, null, null, null, null);
            job.onEvent(effects, run, exit);
            if (attempt < 2) {
                assertThat(job.state()).isEqualTo(JobState.QUEUED);
                assertThat(job.retries()).isEqualTo(attempt + 1);
                job.place(effects, "wa", X86, true);
                report(job, last(job), AgentEventType.STARTED);
            }
        }
        assertThat(job.state()).isEqualTo(JobState.FAILED);
        assertThat(job.toInfo(null).reason()).contains("exited with code 3").contains("no retries left");
    }

    @Test
    void anExitWithOutputIsRemembered() {
        Job job = effects.running("j1", "wa");
        StoredCommand run = last(job);
        job.onEvent(effects, run, new AgentEvent(run.id(), job.id(), run.epoch(), AgentEventType.EXITED, 0, 2.0,
                null, null, null, null, null, null, null, "j1-1", null, 9_000L));

        assertThat(job.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(job.outputBlobId()).isEqualTo("j1-1");
        assertThat(effects.events.stream().filter(e -> e.type() == JobEventType.EXITED).findFirst().orElseThrow()
                .details()).as("the run time the agent measured").containsEntry("runMillis", 9_000L);
        assertThat(job.toInfo(null).hasOutput()).isTrue();
        assertThat(job.toInfo(null).workerId()).as("finished: on no PC").isNull();
    }

    @Test
    void aRowRoundTripKeepsEveryPartOfTheJob() {
        Job job = effects.restoring("j1", "wa", "wb");

        Job back = Job.fromRow(job.row());

        assertThat(back.row()).isEqualTo(job.row());
        assertThat(back.mayHaveContainer("wa", 1)).isTrue();
    }
}
