package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.state.ManagedContainer;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import java.util.List;
import org.junit.jupiter.api.Test;

class StalenessTest {

    private final List<ManagedContainer> here = List.of(
            new ManagedContainer("upc-job-7-5", "job-7", 5, "c-5", null, 1, 64, null));

    @Test
    void aRunOrRestoreOfAnOlderEpochIsRefused() {
        assertThat(Staleness.of(command(AgentCommandType.RUN, "job-7", 4), here))
                .hasValueSatisfying(reason -> assertThat(reason).contains("stale epoch 4").contains("upc-job-7-5"));
        assertThat(Staleness.of(command(AgentCommandType.RESTORE, "job-7", 3), here)).isPresent();
    }

    @Test
    void newerEpochsOtherJobsAndFencingCommandsPass() {
        assertThat(Staleness.of(command(AgentCommandType.RESTORE, "job-7", 6), here)).isEmpty();
        assertThat(Staleness.of(command(AgentCommandType.RUN, "job-7", 5), here)).isEmpty(); // re-delivery
        assertThat(Staleness.of(command(AgentCommandType.RUN, "job-8", 1), here)).isEmpty();
        assertThat(Staleness.of(command(AgentCommandType.KILL, "job-7", 2), here)).isEmpty();
        assertThat(Staleness.of(command(AgentCommandType.CLEANUP, "job-7", 4), here)).isEmpty();
    }

    private static AgentCommand command(AgentCommandType type, String job, long epoch) {
        return new AgentCommand("c-" + type + epoch, type, job, epoch, AgentCommand.containerName(job, epoch), null,
                null, null, null, null, false, null);
    }
}
