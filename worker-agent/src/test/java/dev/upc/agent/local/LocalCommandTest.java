package dev.upc.agent.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalCommandTest {

    @Test
    void aValueBecomesAPathSegmentOrIsRefusedByTheAgent() {
        assertThat(LocalCommand.value("50%")).isEqualTo("50");
        assertThat(LocalCommand.value(" 2h ")).isEqualTo("2h");
        assertThat(LocalCommand.value("default")).isEqualTo("default");
        assertThat(LocalCommand.value("../status")).isEqualTo("invalid-value");
        assertThat(LocalCommand.value("2 hours")).isEqualTo("invalid-value");
        assertThat(LocalCommand.value("x".repeat(33))).isEqualTo("invalid-value");
    }

    @Test
    void onlyKnownOwnerCommandsAreSent() {
        assertThat(LocalCommand.owner(0, Path.of("/nonexistent"), "owner")).isEmpty();
        assertThat(LocalCommand.owner(0, Path.of("/nonexistent"), "owner", "snooze")).contains(1); // a mode named snooze: the agent's 400
        assertThat(LocalCommand.owner(0, Path.of("/nonexistent"), "owner", "hours", "9")).isEmpty();
        assertThat(LocalCommand.owner(0, Path.of("/nonexistent"), "owner", "cpu", "50")).as("port 0: the endpoint is off").contains(1);
    }
}
