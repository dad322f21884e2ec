package dev.upc.agent.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.upc.agent.driver.FakeTaskDriver;
import dev.upc.agent.state.AgentState;
import dev.upc.protocol.AgentCommand;
import dev.upc.protocol.AgentCommandType;
import dev.upc.protocol.AgentEvent;
import dev.upc.protocol.AgentEventType;
import dev.upc.protocol.JobLogAck;
import dev.upc.protocol.JobSubmission;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The digest the source reported is what lets a restoring PC check the blob without taking the store's word for it: a
 * RESTORE from the store without one is refused before anything is fetched or created. (A restore of the PC's own kept
 * dump needs none: it is the way back when the archive never reached the store.)
 */
class RestoreWithoutDigestTest {

    @TempDir
    Path dir;

    @Test
    void aRestoreWithoutItsCheckpointsDigestIsRefusedBeforeAnythingIsDone() throws IOException {
        AgentState state = AgentState.open(dir);
        FakeTaskDriver driver = new FakeTaskDriver();
        JobRunner runner = new JobRunner(driver, null, null, null, state,
                new JobRunner.Limits(2, () -> 1.0, 1024), new ExitWatch(null),
                new LogShipper(null, chunk -> new JobLogAck(0, true, null), LogShipper.Settings.defaults()), false);
        JobSubmission job = new JobSubmission("count", "localhost/count:1", List.of("/bin/count"), Map.of(), 1, 64L,
                null, null, null, null, null, null);

        List<AgentEvent> events = runner.execute(new AgentCommand("c-1", AgentCommandType.RESTORE, "job-7", 3, null,
                job, "job-7-2-1", null, "token", Instant.now().plusSeconds(60), false, Instant.now()));

        assertThat(events).extracting(AgentEvent::type).containsExactly(AgentEventType.FAILED);
        assertThat(events.get(0).reason()).contains("from the store without its checkpoint's sha256");
        assertThat(driver.calls()).allMatch(call -> call.startsWith("inspect"));
        assertThat(state.containers()).isEmpty();
    }
}
