package dev.upc.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.protocol.JobState;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointPruningTest {

    private static final List<CheckpointPruning.Stored> THREE = List.of(new CheckpointPruning.Stored("j-1-1", 1),
            new CheckpointPruning.Stored("j-2-3", 3), new CheckpointPruning.Stored("j-1-2", 2));

    @Test
    void aLiveJobKeepsItsNewestCheckpoint() {
        assertThat(CheckpointPruning.obsolete(JobState.RUNNING, "j-2-3", THREE)).containsExactly("j-1-1", "j-1-2");
        assertThat(CheckpointPruning.obsolete(JobState.QUEUED, null, THREE)).containsExactly("j-1-1", "j-1-2");
    }

    @Test
    void theCheckpointAJobWouldResumeFromIsKeptEvenIfNotTheNewest() {
        assertThat(CheckpointPruning.obsolete(JobState.MIGRATING, "j-1-2", THREE)).containsExactly("j-1-1");
    }

    @Test
    void aFinishedJobLosesAll() {
        for (JobState state : List.of(JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)) {
            assertThat(CheckpointPruning.obsolete(state, "j-2-3", THREE)).containsExactly("j-1-1", "j-1-2", "j-2-3");
        }
        assertThat(CheckpointPruning.obsolete(JobState.SUCCEEDED, null, List.of())).isEmpty();
    }
}
